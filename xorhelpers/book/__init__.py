"""The collection as a static site that works offline: ``python3 dev.py book``.

``build.build(root, out)`` renders the committed notebooks (no re-execution) with nbconvert,
widget views as stills (``stills``), maths by a MathJax copy from an installed package, and a
search of its own (``search``). Introduced for the README's quick start; no notebook uses it.
"""

from .build import build, page_name

__all__ = ["build", "page_name"]
