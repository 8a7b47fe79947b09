"""Every committed notebook is a clean Restart & Run All: valid, counted 1..n, no errors."""

import re
from pathlib import Path

import nbformat
import pytest

from xorhelpers.claims import is_claims_output

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 2, "notebooks/ should hold the ordered collection"


def test_notebooks_are_numbered_in_order():
    numbers = [int(p.name[:2]) for p in NOTEBOOKS]
    assert numbers[0] == 1 and numbers == sorted(set(numbers)), [p.name for p in NOTEBOOKS]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_valid_and_executed_in_order(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"
    code = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    counts = [c.execution_count for c in code]
    assert counts == list(range(1, len(code) + 1)), f"{path.name}: re-execute from a fresh kernel"
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors, f"{path.name} has error outputs"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_anatomy(path):
    """Title first, claims checked in code, at least three exercises, a summary at the end."""
    nb = nbformat.read(path, as_version=4)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "check(" in code, f"{path.name} checks no claim"
    assert code.count(".check(") >= 3, f"{path.name} needs at least three exercise checkers"
    assert text.count("<details>") >= 3, f"{path.name} needs hidden solutions"
    assert "## Summary" in text
    # checked claims are printed, or (inside Jupyter) gathered per cell into one display
    printed = "\n".join(o.get("text", "") if o.output_type == "stream"
                        else o.get("data", {}).get("text/plain", "")
                        for c in nb.cells if c.cell_type == "code" for o in c.outputs
                        if (o.output_type == "stream" and o.name == "stdout")
                        or is_claims_output(o))
    assert "CLAIM FAILED" not in printed
    assert printed.count("OK: ") >= 3, f"{path.name} shows fewer than three checked claims"


def _relative_links(markdown: str) -> list[str]:
    """Targets of the markdown links [text](target) that point inside the repository."""
    targets = re.findall(r"\]\(([^)\s]+)\)", markdown)
    return [t.split("#")[0] for t in targets if not re.match(r"[a-z]+:", t) and t.split("#")[0]]


@pytest.mark.parametrize("path", [*NOTEBOOKS, ROOT / "README.md"], ids=lambda p: p.name)
def test_relative_links_resolve(path):
    """Every link to another notebook or file (README, "Next:" lines) leads somewhere."""
    if path.suffix == ".ipynb":
        nb = nbformat.read(path, as_version=4)
        text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    else:
        text = path.read_text()
    missing = [t for t in _relative_links(text) if not (path.parent / t).exists()]
    assert not missing, f"{path.name} links to files that do not exist: {missing}"


def test_link_finder_sees_links():
    text = "see [02](02_x.ipynb), [web](https://example.org) and [part](03_y.ipynb#top)"
    assert _relative_links(text) == ["02_x.ipynb", "03_y.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_markdown_has_no_control_characters(path):
    """A tab or carriage return in prose is a LaTeX escape gone wrong (\\tfrac, \\right)."""
    nb = nbformat.read(path, as_version=4)
    for k, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            bad = sorted({repr(ch) for ch in cell.source if ord(ch) < 32 and ch != "\n"})
            assert not bad, f"{path.name} cell {k} contains control characters {bad}"


def _readme_lecture_rows() -> dict[str, list[str]]:
    """README's instructors' table: notebook file -> the sections it calls optional."""
    text = (ROOT / "README.md").read_text()
    rows = re.findall(r"^\| \[\d\d\]\(notebooks/([^)]+\.ipynb)\) \| [^|]+ \| [^|]+ \| (.+) \|$",
                      text, re.M)
    return {name: [part.strip() for part in optional.split(";")] for name, optional in rows}


def test_readme_lists_every_notebook_for_instructors():
    assert sorted(_readme_lecture_rows()) == sorted(p.name for p in NOTEBOOKS)


@pytest.mark.parametrize("name", sorted(p.name for p in NOTEBOOKS))
def test_optional_sections_in_readme_are_marked_in_the_notebook(name):
    nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    headings = {line.lstrip("#").strip() for cell in nb.cells if cell.cell_type == "markdown"
                for line in cell.source.splitlines() if line.startswith("#")}
    marked = {h.removesuffix("(optional in a lecture)").strip() for h in headings
              if h.endswith("(optional in a lecture)")}
    assert set(_readme_lecture_rows()[name]) == marked


def _check_lines_per_section(nb) -> dict[str, int]:
    """For each section (a Markdown cell with a ## or ### heading starts one), how many lines
    of checks a reader sees: one per collapsed claims output, one per printed OK: line."""
    counts: dict[str, int] = {}
    section = "(before the first heading)"
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            headings = re.findall(r"^#{2,3} (.+)$", cell.source, re.M)
            if headings:
                section = headings[-1].strip()
            continue
        for out in cell.get("outputs", []):
            if out.get("output_type") == "display_data" and is_claims_output(out):
                counts[section] = counts.get(section, 0) + 1
            elif out.get("output_type") == "stream":
                text = out.get("text", "")
                counts[section] = counts.get(section, 0) + sum(
                    line.startswith("OK: ") for line in text.splitlines())
    return counts


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_a_section_shows_at_most_one_line_of_checks(path):
    """Checks stay out of the reader's way: each section's claims show as one collapsed line
    (strict nbval still compares every value in the output's text)."""
    nb = nbformat.read(path, as_version=4)
    crowded = {s: n for s, n in _check_lines_per_section(nb).items() if n > 1}
    assert crowded == {}, f"{path.name}: sections with more than one line of checks: {crowded}"


def test_check_lines_are_counted_per_section():
    nb = nbformat.v4.new_notebook()
    claims = {"output_type": "display_data", "metadata": {},
              "data": {"text/plain": "OK: a\nOK: b",
                       "text/html": '<details class="xor-claims"><summary>2</summary></details>'}}
    printed = nbformat.v4.new_output("stream", name="stdout", text="OK: c\nOK: d\n")
    nb.cells = [nbformat.v4.new_markdown_cell("## One"),
                nbformat.v4.new_code_cell("x", outputs=[claims]),
                nbformat.v4.new_markdown_cell("## Two"),
                nbformat.v4.new_code_cell("y", outputs=[printed])]
    nb.cells[1].outputs = [nbformat.from_dict(claims)]
    assert _check_lines_per_section(nb) == {"One": 1, "Two": 2}
