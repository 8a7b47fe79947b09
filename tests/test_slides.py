"""The lecture path: each notebook's slide metadata is the one xorhelpers.slides derives, every
optional section and every check is off screen, and no slide is taller than a 1280x720 screen."""

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from xorhelpers import slides
from xorhelpers.claims import CLAIMS_KEY, display_lines

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _types(nb) -> list[str]:
    return [c.metadata.get("slideshow", {}).get("slide_type") for c in nb.cells]


def _printed(*lines: str):
    return [new_output("stream", name="stdout", text="".join(f"{ln}\n" for ln in lines))]


def _claims(*lines: str):
    """The output a cell's checks make inside Jupyter: one display of all its OK lines."""
    return [new_output("display_data", data=display_lines(list(lines)),
                       metadata={CLAIMS_KEY: len(lines)})]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_slide_metadata_follows_the_rule(path):
    nb = nbformat.read(path, as_version=4)
    assert _types(nb) == slides.slide_types(nb), (
        f"{path.name}: slide metadata out of date; run `python3 dev.py slides`")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_optional_sections_and_checks_are_off_screen(path):
    nb = nbformat.read(path, as_version=4)
    types, level = _types(nb), 0
    for k, cell in enumerate(nb.cells):
        heading = cell.source.split("\n", 1)[0] if cell.cell_type == "markdown" else ""
        depth = len(heading) - len(heading.lstrip("#")) if heading.startswith("#") else 0
        if depth and level and depth <= level:
            level = 0
        if depth and heading.rstrip().endswith(slides.OPTIONAL_MARK):
            level = depth
        if level:
            assert types[k] == "skip", f"{path.name} cell {k} is in an optional section"
        if cell.source.lstrip().startswith("<details>"):
            assert types[k] == "skip", f"{path.name} cell {k}, a solution, is shown"
        if slides.is_check_only(cell):
            assert types[k] == "skip", f"{path.name} cell {k}, a check, is shown"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_slide_is_taller_than_the_screen(path):
    """Several cells on one slide fit the screen; a single cell taller than the screen cannot
    be split by metadata (the presenter scrolls it)."""
    nb = nbformat.read(path, as_version=4)
    shown = slides.slides(nb)
    assert shown and nb.cells[shown[0].cells[0]].source.startswith("# ")
    too_tall = [s for s in shown if s.lines > slides.MAX_LINES and len(s.cells) > 1]
    assert not too_tall, f"{path.name}: slides taller than the screen: {too_tall}"


def _lecture() -> nbformat.NotebookNode:
    return new_notebook(cells=[
        new_markdown_cell("# Title\nwhat you will learn"),                  # 0 slide
        new_code_cell("import numpy as np"),                                # 1 set-up: skip
        new_markdown_cell("## A section"),                                  # 2 slide
        new_code_cell("print(1)", outputs=_printed("1")),                   # 3 -
        new_markdown_cell("So it prints one."),                             # 4 fragment
        new_code_cell("check(...)", outputs=_claims("OK: a claim", "OK: b")),  # 5 skip
        new_markdown_cell("### Exercise 1"),                                # 6 subslide
        new_markdown_cell("<details><summary>Solution</summary>\n</details>"),  # 7 skip
        new_markdown_cell("## Extra (optional in a lecture)"),              # 8 skip
        new_code_cell("x = 1", outputs=_printed("1")),                      # 9 skip
        new_markdown_cell("### Inside the extra"),                          # 10 skip
        new_markdown_cell("## Summary"),                                    # 11 slide
        new_markdown_cell("\n".join(["a line"] * (slides.MAX_LINES - 2))),  # 12 -
        new_markdown_cell("one line too many\nand one more\nand more"),     # 13 subslide
    ])


def test_rules_on_a_small_notebook():
    nb = _lecture()
    assert slides.slide_types(nb) == [
        "slide", "skip", "slide", "-", "fragment", "skip", "subslide", "skip", "skip", "skip",
        "skip", "slide", "-", "subslide"]


def test_optional_section_ends_at_a_heading_of_its_level():
    nb = new_notebook(cells=[
        new_markdown_cell("# T"), new_markdown_cell("### Deep (optional in a lecture)"),
        new_markdown_cell("text"), new_markdown_cell("### Next at the same level"),
        new_markdown_cell("#### below it")])
    assert slides.slide_types(nb) == ["slide", "skip", "skip", "subslide", "-"]


def test_a_check_with_other_output_stays_on_screen():
    shown = new_code_cell("x", outputs=_printed("OK: a claim", "table row 1"))
    assert not slides.is_check_only(shown)
    assert slides.is_check_only(new_code_cell("x", outputs=_printed("OK: a", "OK: b")))
    assert not slides.is_check_only(new_markdown_cell("OK: text"))


def test_gathered_claims_are_check_only_and_take_one_line():
    assert slides.is_check_only(new_code_cell("check(...)", outputs=_claims("OK: a", "OK: b")))
    figure = new_output("display_data", data={"text/plain": "<Figure>"})
    mixed = new_code_cell("x", outputs=[figure, *_claims("OK: a", "OK: b", "OK: c")])
    assert not slides.is_check_only(mixed)
    alone = new_code_cell("x", outputs=[figure])
    assert slides.estimate_lines(mixed) == slides.estimate_lines(alone) + 1
    printed = new_code_cell("x", outputs=[*_claims("OK: a"), *_printed("a table")])
    assert not slides.is_check_only(printed)
    assert not slides.is_check_only(new_code_cell("x", outputs=[]))


def test_slides_group_what_the_metadata_shows():
    nb = _lecture()
    for cell, kind in zip(nb.cells, slides.slide_types(nb), strict=True):
        cell.metadata["slideshow"] = {"slide_type": kind}
    groups = [s.cells for s in slides.slides(nb)]
    assert groups == [(0,), (2, 3, 4), (6,), (11, 12), (13,)]
    assert all(s.lines <= slides.MAX_LINES for s in slides.slides(nb))


def test_estimate_counts_wrapped_lines_and_figures():
    assert slides.estimate_lines(new_markdown_cell("x" * (slides.CHARS_PER_LINE + 1))) == 2
    assert slides.estimate_lines(new_markdown_cell("## Heading")) == 2
    # a 1x440 PNG (header only is read): 440 px at 22 px a line is 20 lines
    import base64
    import struct
    png = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0\0\0\rIHDR" + struct.pack(">II", 1, 440)
                           + b"\0" * 40).decode()
    fig = new_code_cell("plot()", outputs=[new_output("display_data", data={"image/png": png})])
    assert slides.estimate_lines(fig) == pytest.approx(1 + 1 + 20)


def test_bad_arguments(tmp_path):
    with pytest.raises(TypeError, match="nb must be an nbformat notebook"):
        slides.slide_types([1, 2])
    with pytest.raises(ValueError, match="path must be an existing .ipynb file"):
        slides.write_slide_types(tmp_path / "missing.ipynb")


def test_write_slide_types_changes_only_cell_metadata(tmp_path):
    nb = _lecture()
    path = tmp_path / "lecture.ipynb"
    nbformat.write(nb, path)
    assert slides.write_slide_types(path) == len(nb.cells)
    again = nbformat.read(path, as_version=4)
    assert [c.source for c in again.cells] == [c.source for c in nb.cells]
    assert [c.get("outputs") for c in again.cells] == [c.get("outputs") for c in nb.cells]
    assert _types(again) == slides.slide_types(nb)
    assert slides.write_slide_types(path) == 0


def test_readme_gives_each_notebook_s_slide_count():
    import re

    text = (ROOT / "README.md").read_text()
    rows = dict(re.findall(r"^\| (\d\d) \| (\d+) \| \d+ s \|$", text, re.M))
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        assert rows.get(path.name[:2]) == str(len(slides.slides(nb))), (
            f"README's presenting table: {path.name} has {len(slides.slides(nb))} slides")
