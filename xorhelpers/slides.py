"""The lecture path through a notebook: each cell's slide type, derived from its structure.

A notebook opens as a live slideshow in JupyterLab (jupyterlab-slideshow) from the cell metadata
``slideshow.slide_type``. ``slide_types`` derives that type for every cell from what the
notebook already says, so the path can be re-applied after any edit (``python3 dev.py slides``):

- ``skip``: every cell of a section whose heading ends with *(optional in a lecture)* (down to
  the next heading of the same or a higher level); exercise solutions (a cell that starts with
  ``<details>``); check-only cells (all they show is their checked claims, ``OK:`` lines
  printed or gathered into one collapsed line by ``xorhelpers.claims``); the set-up cell
  before the first section, when it shows nothing;
- ``slide``: the title and every ``##`` heading; ``subslide``: every ``###`` heading, and the
  cell at which the slide so far would grow taller than a 1280x720 screen (``estimate_lines``);
- ``fragment``: a paragraph right after a code cell's result on the same slide (the result
  first, then what it means);
- ``-``: everything else, on the slide above it.

``slides`` groups the cells shown into slides with their estimated heights, so a test can
check that none is taller than the screen. Introduced for the README's lecture path (all
notebooks); no notebook imports it.
"""

from __future__ import annotations

import base64
import math
import re
import struct
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

from .claims import is_claims_output

OPTIONAL_MARK = "(optional in a lecture)"
SLIDE_TYPES = ("slide", "subslide", "fragment", "skip", "-")
# The projector: 1280x720 pixels, JupyterLab's text at 14 px with 22 px per line; a text line
# holds about 120 characters of prose or code, and a figure takes its own height in lines.
# 720 px is 32 such lines, but the slideshow enlarges a slide's content by about 1.15 and keeps
# a margin around it, and it leaves a cell off the screen when it no longer fits below the
# others (seen in the browser test): so a slide holds at most 22 estimated lines.
SCREEN = (1280, 720)
LINE_PX = 22
TEXT_WIDTH_PX = 1100
CHARS_PER_LINE = 120
MAX_LINES = 22
WIDGET_LINES = MAX_LINES  # an explorer's controls and figure: a screen of its own
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def _heading(line: str) -> int:
    """The level of a markdown heading line (1 for '# '), 0 when it is not one."""
    m = re.match(r"(#{1,6}) ", line)
    return len(m.group(1)) if m else 0


def _wrapped(text: str, width: int = CHARS_PER_LINE) -> float:
    lines = 0.0
    for line in text.splitlines():
        if not line.strip():
            lines += 0.5  # a paragraph break
        else:
            lines += max(1, math.ceil(len(line) / width)) * (2 if _heading(line) else 1)
    return lines


def _png_lines(b64: str) -> float:
    """A PNG's height in text lines, scaled down to the slide's width when wider."""
    header = base64.b64decode(b64[:64])
    width, height = struct.unpack(">II", header[16:24])
    return height * min(1.0, TEXT_WIDTH_PX / width) / LINE_PX


def estimate_lines(cell) -> float:
    """How many 22-pixel lines a cell takes on a 1280x720 slide: its source wrapped at 120
    characters (headings count double), its printed text, and its figures at their height."""
    if cell.cell_type != "code":
        return _wrapped(cell.source)
    lines = _wrapped(cell.source) + 1  # the input box's padding
    for out in cell.get("outputs", []):
        data = out.get("data", {})
        if is_claims_output(out) and out.get("output_type") != "stream":
            lines += 1  # the collapsed line "✓ n claims checked"
        elif out.get("output_type") == "stream":
            lines += _wrapped(out.get("text", ""))
        elif "image/png" in data:
            lines += _png_lines(data["image/png"])
        elif WIDGET_VIEW in data:
            lines += WIDGET_LINES
        elif "text/plain" in data:
            lines += _wrapped(data["text/plain"])
    return lines


def is_check_only(cell) -> bool:
    """A code cell that shows only checked claims ('OK: ...' lines, printed or gathered into
    one display by ``xorhelpers.claims``) and nothing else."""
    if cell.cell_type != "code":
        return False
    outputs = [o for o in cell.get("outputs", []) if o.get("output_type") != "stream"
               or "".join(o.get("text", "")).strip()]
    return bool(outputs) and all(is_claims_output(o) for o in outputs)


def _optional_flags(cells) -> list[bool]:
    """For each cell: does it belong to a section marked optional in a lecture?"""
    flags, optional_level = [], 0  # the level of the optional heading we are under, or 0
    for cell in cells:
        inside = False
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                level = _heading(line)
                if level and optional_level and level <= optional_level:
                    optional_level = 0
                if level and line.rstrip().endswith(OPTIONAL_MARK):
                    optional_level = level
                inside = inside or bool(optional_level)
        flags.append(inside or bool(optional_level))
    return flags


def _skipped(cells) -> list[bool]:
    optional = _optional_flags(cells)
    first_section = next((k for k, c in enumerate(cells) if c.cell_type == "markdown"
                          and _heading(c.source.lstrip().split("\n", 1)[0]) == 2), len(cells))
    return [optional[k]
            or (c.cell_type == "markdown" and c.source.lstrip().startswith("<details>"))
            or is_check_only(c)
            or (c.cell_type == "code" and k < first_section and not c.get("outputs"))
            or not c.source.strip()
            for k, c in enumerate(cells)]


def slide_types(nb) -> list[str]:
    """The slide type of every cell of ``nb`` (an nbformat notebook), by the rules above."""
    if not hasattr(nb, "cells"):
        raise TypeError(f"nb must be an nbformat notebook, got {type(nb).__name__}")
    cells = nb.cells
    skipped = _skipped(cells)
    types, lines, previous = [], 0.0, None  # previous: the last cell shown
    for cell, skip in zip(cells, skipped, strict=True):
        if skip:
            types.append("skip")
            continue
        first_line = cell.source.lstrip().split("\n", 1)[0]
        level = _heading(first_line) if cell.cell_type == "markdown" else 0
        height = estimate_lines(cell)
        if previous is None or level in (1, 2):
            kind = "slide"
        elif level == 3 or lines + height > MAX_LINES:
            kind = "subslide"
        elif cell.cell_type == "markdown" and previous.cell_type == "code" and previous.outputs:
            kind = "fragment"
        else:
            kind = "-"
        lines = height if kind in ("slide", "subslide") else lines + height
        types.append(kind)
        previous = cell
    return types


@dataclass(frozen=True)
class Slide:
    """One screen of the slideshow: the cells it shows (by index) and its estimated height."""

    cells: tuple[int, ...]
    lines: float


def slides(nb) -> list[Slide]:
    """The screens of ``nb``'s slideshow as its cell metadata says (skipped cells left out);
    a fragment stays on its slide, since it adds to what the screen must hold."""
    shown: list[list[int]] = []
    for k, cell in enumerate(nb.cells):
        kind = cell.metadata.get("slideshow", {}).get("slide_type", "-")
        if kind == "skip":
            continue
        if kind in ("slide", "subslide") or not shown:
            shown.append([])
        shown[-1].append(k)
    return [Slide(tuple(ks), sum(estimate_lines(nb.cells[k]) for k in ks)) for ks in shown]


def write_slide_types(path: str | Path) -> int:
    """Write the derived slide types into a notebook's cell metadata, touching nothing else;
    returns how many cells changed."""
    path = Path(path)
    if path.suffix != ".ipynb" or not path.is_file():
        raise ValueError(f"path must be an existing .ipynb file, got {str(path)!r}")
    nb = nbformat.read(path, as_version=4)
    changed = 0
    for cell, kind in zip(nb.cells, slide_types(nb), strict=True):
        if cell.metadata.get("slideshow", {}).get("slide_type") != kind:
            cell.metadata.setdefault("slideshow", {})["slide_type"] = kind
            changed += 1
    if changed:
        nbformat.write(nb, path)
    return changed


def main(paths: list[str]) -> int:
    for p in paths:
        changed = write_slide_types(p)
        nb = nbformat.read(p, as_version=4)
        print(f"{Path(p).name}: {len(slides(nb))} slides, {changed} cells changed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
