"""Exercise checkers: immediate feedback on a learner's answer (every notebook).

An ``Exercise`` wraps a checking function that returns ``(ok, message)``. Calling
``exercise.check(answer)`` prints one line: not answered yet (with a hint) while the answer
is ``...``, correct, or not yet (with what is wrong). Each notebook's exercises live in the
module ``xorhelpers.exercises.nbNN``; their solutions are hidden in the notebook.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Exercise:
    """One exercise: a ``name``, a ``checker(answer) -> (ok, message)`` and a ``hint``."""

    name: str
    checker: Callable[[object], tuple[bool, str]]
    hint: str

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name.strip():
            raise TypeError(f"name must be a non-empty string, got {self.name!r}")
        if not callable(self.checker):
            raise TypeError(f"checker must be callable, got {type(self.checker).__name__}")
        if not isinstance(self.hint, str):
            raise TypeError(f"hint must be a string, got {self.hint!r}")

    def check(self, answer) -> bool:
        """Print feedback on ``answer`` and return whether it is correct."""
        if answer is ...:
            print(f"{self.name}: not answered yet. Hint: {self.hint}")
            return False
        try:
            ok, message = self.checker(answer)
        except Exception as exc:  # a learner's answer of the wrong shape or type
            ok, message = False, f"could not check this answer ({type(exc).__name__}: {exc})"
        print(f"{self.name}: " + ("correct! " if ok else "not yet: ") + message)
        return bool(ok)
