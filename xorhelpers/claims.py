"""Check a claim the prose makes against a computed value (every notebook).

Each check makes one stable line, ``OK: <claim> (measured <value>)``, and raises
``ClaimError`` when the claim does not hold, so a notebook whose text stops being true
fails CI. Round the measured value through ``fmt`` so the line is stable.

Where the lines go:

- outside IPython (plain Python, pytest): each line is printed at once;
- inside IPython (Jupyter): the lines of a cell are gathered, and when the cell ends one
  output shows them all (``display_lines``): its ``text/html`` is a single collapsed line,
  "✓ 7 claims checked", that opens on every line, and its ``text/plain`` holds every line in
  full. JupyterLab and the static site show the one line; strict nbval compares both, so a
  changed measured value still fails it.

A failing claim prints ``CLAIM FAILED: ...`` at once and raises ``ClaimError`` with the
full message in either case: the cell stops there, with the error under it.
"""

from __future__ import annotations

import html
import math
import numbers

import numpy as np


class ClaimError(AssertionError):
    """A claim made in a notebook's prose does not hold for the computed value."""


_CRITERIA = ("between", "at_least", "at_most", "equals", "close_to")


def check(claim: str, measured, *, between: tuple[float, float] | None = None,
          at_least: float | None = None, at_most: float | None = None,
          equals=None, close_to: float | None = None, tol: float | None = None,
          fmt: str = "{:.3g}") -> None:
    """Check ``measured`` against exactly one criterion and print the verdict (returns None).

    Criteria: ``between=(lo, hi)`` (inclusive), ``at_least``, ``at_most``, ``equals`` (exact,
    any type, e.g. a tuple or a string) or ``close_to`` with ``tol`` (absolute). With no criterion,
    ``measured`` must be True. ``fmt`` formats a numeric ``measured`` in the printed line.
    """
    if not isinstance(claim, str) or not claim.strip():
        raise TypeError(f"claim must be a non-empty string, got {claim!r}")
    if not isinstance(fmt, str):
        raise TypeError(f"fmt must be a format string such as '{{:.3g}}', got {fmt!r}")
    given = {k: v for k, v in dict(between=between, at_least=at_least, at_most=at_most,
                                   equals=equals, close_to=close_to).items() if v is not None}
    if len(given) > 1:
        raise ValueError(f"give at most one criterion of {', '.join(_CRITERIA)}; "
                         f"got {', '.join(given)}")
    if (close_to is None) != (tol is None):
        raise ValueError("close_to and tol go together: give both or neither; "
                         f"got close_to={close_to!r}, tol={tol!r}")
    if not given:
        if not isinstance(measured, (bool, type(None))) and not hasattr(measured, "__bool__"):
            raise TypeError(f"measured must be a boolean when no criterion is given, "
                            f"got {measured!r}")
        ok = bool(measured)
        shown = None
    else:
        (kind, target), = given.items()
        if kind != "equals":
            _need_number("measured", measured)
        ok = _holds(kind, measured, target, tol)
        shown = _show(measured, fmt)
    line = ("OK: " if ok else "CLAIM FAILED: ") + claim
    if shown is not None:
        line += f" (measured {shown})"
    if not ok:
        print(line)
        raise ClaimError(line + _expected(given, tol))
    _report(line)


# ------------------------------------------------- where the lines go (IPython or print)

_pending: list[str] = []  # this cell's OK lines, inside IPython
_hooked: list = []  # the IPython shells whose cells end by showing the pending lines


def _shell():
    """The running IPython shell, or None (plain Python, pytest)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def _report(line: str) -> None:
    shell = _shell()
    if shell is None:
        print(line)
        return
    if shell not in _hooked:  # once per shell: show the lines when each cell ends
        shell.events.register("post_run_cell", _flush)
        _hooked.append(shell)
    _pending.append(line)


def _flush(result=None) -> None:
    """IPython's post_run_cell event: show the cell's OK lines as one output, and forget them."""
    if not _pending:
        return
    lines = list(_pending)
    _pending.clear()
    from IPython.display import publish_display_data
    publish_display_data(display_lines(lines), metadata={CLAIMS_KEY: len(lines)})


CLAIMS_KEY = "xorhelpers.claims"  # an output's metadata key: how many claims it shows


def display_lines(lines: list[str]) -> dict[str, str]:
    """The output that shows a cell's checked claims: ``text/plain`` every line in full,
    ``text/html`` one collapsed line ("✓ 3 claims checked") that opens on every line."""
    if not isinstance(lines, (list, tuple)) or not lines or \
            not all(isinstance(line, str) for line in lines):
        raise TypeError(f"lines must be a non-empty list of strings, got {lines!r}")
    n = len(lines)
    items = "".join(f"<li><code>{html.escape(line)}</code></li>" for line in lines)
    summary = f"&#x2713; {n} claim{'s' if n != 1 else ''} checked"
    return {"text/plain": "\n".join(lines),
            "text/html": f'<details class="xor-claims"><summary>{summary}</summary>'
                         f'<ul>{items}</ul></details>'}


def is_claims_output(output) -> bool:
    """Is this notebook output (a dict as nbformat stores it) the claims of a cell: printed
    ``OK:`` lines only, or the display ``display_lines`` makes?"""
    if not isinstance(output, dict):
        return False
    if output.get("output_type") == "stream":
        text = output.get("text", "")
    elif output.get("output_type") == "display_data":
        data = output.get("data", {})
        if not str(data.get("text/html", "")).startswith('<details class="xor-claims">'):
            return False
        text = data.get("text/plain", "")
    else:
        return False
    text = "".join(text) if isinstance(text, list) else text
    lines = [line for line in text.splitlines() if line.strip()]
    return bool(lines) and all(line.startswith("OK: ") for line in lines)


def _holds(kind, measured, target, tol) -> bool:
    if kind == "equals":
        if hasattr(measured, "shape") or hasattr(target, "shape"):  # NumPy arrays: all equal
            return bool(np.array_equal(np.asarray(measured), np.asarray(target)))
        return bool(measured == target)
    value = float(measured)
    if math.isnan(value):
        return False
    if kind == "between":
        if not (isinstance(target, (tuple, list)) and len(target) == 2):
            raise TypeError(f"between must be a (low, high) pair, got {target!r}")
        lo, hi = target
        _need_number("between", lo)
        _need_number("between", hi)
        if lo > hi:
            raise ValueError(f"between must have low <= high, got {target!r}")
        return lo <= value <= hi
    _need_number(kind, target)
    if kind == "at_least":
        return value >= target
    if kind == "at_most":
        return value <= target
    _need_number("tol", tol)
    if tol < 0:
        raise ValueError(f"tol must be >= 0, got {tol!r}")
    return abs(value - target) <= tol


def _need_number(name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        try:
            if not isinstance(value, (bool, str, bytes)):  # tensors, 0-d arrays: yes
                float(value)
                return
        except (TypeError, ValueError):
            pass
        raise TypeError(f"{name} must be a number, got {value!r} ({type(value).__name__})")


def _show(measured, fmt):
    if isinstance(measured, numbers.Real) and not isinstance(measured, bool) or (
            hasattr(measured, "dtype") and getattr(measured, "ndim", 1) == 0):
        return fmt.format(float(measured))
    return repr(measured)


def _expected(given, tol):
    if not given:
        return "; expected True"
    (kind, target), = given.items()
    extra = f" +/- {tol}" if kind == "close_to" else ""
    return f"; expected {kind} {target!r}{extra}"
