"""The static site's parts: widget stills, links, search entries, and a build of a small
collection (the whole site in the browser: tests/browser/test_site_in_browser.py)."""

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from xorhelpers.book import build, page_name
from xorhelpers.book.build import local_links, readme_front
from xorhelpers.book.search import index_entries, write_index
from xorhelpers.book.stills import PLACEHOLDER, still

PNG = "iVBORw0KGgo" + "A" * 300  # stands for an image's base64 bytes


def _model(name, **state):
    return {"model_name": name, "model_module": "@jupyter-widgets/controls",
            "model_module_version": "2.0.0", "state": state}


def _explorer_nb():
    models = {
        "box": _model("VBoxModel", children=["IPY_MODEL_lr", "IPY_MODEL_act", "IPY_MODEL_img",
                                             "IPY_MODEL_hidden", "IPY_MODEL_status"]),
        "lr": _model("FloatLogSliderModel", description="learning rate", value=0.01),
        "act": _model("DropdownModel", description="activation", index=1,
                      _options_labels=["relu", "tanh"]),
        "img": {**_model("ImageModel", format="png"),
                "buffers": [{"path": ["value"], "encoding": "base64", "data": PNG}]},
        "hidden": _model("ButtonModel", description="secret", layout="IPY_MODEL_none"),
        "none": _model("LayoutModel", display="none"),
        "status": _model("HTMLModel", value="<b>step 10</b>"),
    }
    nb = new_notebook(cells=[new_code_cell("show()", outputs=[new_output(
        "display_data", data={"application/vnd.jupyter.widget-view+json":
                              {"model_id": "box", "version_major": 2, "version_minor": 0},
                              "text/plain": "<explorer>"})])])
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json":
                              {"state": models, "version_major": 2, "version_minor": 0}}
    return nb


def test_still_shows_controls_images_and_text_but_not_hidden_widgets():
    html = still(_explorer_nb(), "box")
    assert "<b>learning rate</b> 0.01" in html and "<b>activation</b> tanh" in html
    assert f"data:image/png;base64,{PNG}" in html and "<b>step 10</b>" in html
    assert "secret" not in html and "JupyterLab" in html


def test_still_without_saved_state_is_a_placeholder():
    nb = _explorer_nb()
    assert still(nb, "unknown") == PLACEHOLDER
    nb.metadata.pop("widgets")
    assert still(nb, "box") == PLACEHOLDER
    with pytest.raises(ValueError, match="model_id must be a non-empty string"):
        still(nb, "")


def test_links_point_at_pages():
    html = ('<a href="02_smallest_solution.ipynb">02</a> <a href="../README.md#x">r</a> '
            '<a href="notebooks/04_dead_relu_clinic.ipynb#Born-dead">4</a> '
            '<a href="https://example.org/a.ipynb">w</a>')
    assert local_links(html) == (
        '<a href="02_smallest_solution.html">02</a> <a href="index.html">r</a> '
        '<a href="04_dead_relu_clinic.html#Born-dead">4</a> '
        '<a href="https://example.org/a.ipynb">w</a>')
    assert page_name("notebooks/04_dead_relu_clinic.ipynb") == "04_dead_relu_clinic.html"


def test_search_entries_follow_the_headings(tmp_path):
    html = ('<main><h1 id="T">Title</h1><p>intro words</p><h2 id="Born-dead">Born dead</h2>'
            '<p>constant before training</p><pre>printed 63%</pre><script>x</script></main>')
    entries = index_entries(html, "04.html", "Title")
    assert [(e["url"], e["section"], e["text"]) for e in entries] == [
        ("04.html#T", "Title", "intro words"),
        ("04.html#Born-dead", "Born dead", "constant before training printed 63%")]
    write_index(entries, tmp_path / "i.js")
    assert (tmp_path / "i.js").read_text().startswith("window.BOOK_INDEX = [")
    with pytest.raises(TypeError, match="entries must be a list"):
        write_index({}, tmp_path / "i.js")


def _collection(root: Path) -> Path:
    (root / "notebooks").mkdir(parents=True)
    (root / "README.md").write_text(
        "# The book\n\n| notebook |\n|---|\n| [01](notebooks/01_a.ipynb) |\n\n"
        "## For instructors\n\nnot on the index\n")
    first = new_notebook(cells=[new_markdown_cell("# 01 · First\n\n$x^2$; next: "
                                                  "[02](02_b.ipynb)")])
    nbformat.write(first, root / "notebooks" / "01_a.ipynb")
    nbformat.write(_explorer_nb(), root / "notebooks" / "02_b.ipynb")
    return root


def test_build_writes_an_offline_site(tmp_path):
    root = _collection(tmp_path / "repo")
    out = tmp_path / "site"
    pages = build(root, out)
    assert [p.name for p in pages] == ["index.html", "01_a.html", "02_b.html"]
    index = (out / "index.html").read_text()
    assert 'href="01_a.html"' in index and "not on the index" not in index
    first = (out / "01_a.html").read_text()
    assert 'href="02_b.html"' in first and "_static/mathjax/tex-chtml-full.js" in first
    second = (out / "02_b.html").read_text()
    assert "book-widget" in second and "widget-view+json" not in second
    for page in pages:
        text = page.read_text()
        assert "cdnjs" not in text and "unpkg" not in text and "require.min.js" not in text
    assert (out / "_static" / "mathjax" / "tex-chtml-full.js").is_file()
    assert "First" in (out / "search-index.js").read_text()
    build(root, out)  # a rebuild replaces the site it built


def test_build_refuses_a_folder_it_did_not_build(tmp_path):
    root = _collection(tmp_path / "repo")
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "keep.txt").write_text("x")
    with pytest.raises(ValueError, match="out must be empty or a site built before"):
        build(root, tmp_path / "mine")
    with pytest.raises(ValueError, match="root must hold notebooks"):
        build(tmp_path / "nothing", tmp_path / "site")
    assert readme_front(root).startswith("# The book")
