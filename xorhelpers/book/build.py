"""Build the collection as a static site from the committed notebooks (no re-execution).

``build(root, out)`` writes ``out/index.html`` (the README's tables of notebooks and cases), one
page per notebook (figures as saved, widget views as stills, maths typeset in the browser by a
copy of MathJax 3 from the ``django-static-mathjax`` package: plain files, no dependencies),
and a search over every page (``search-index.js`` and ``static/search.js``). Every file a page
loads is in ``out``: links between notebooks point at their pages, and nothing is requested
from another host.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

from .search import index_entries, write_index
from .stills import still

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
MARKER = ".xorbook"  # marks a folder this module built, so that a rebuild may empty it
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def mathjax_dir() -> Path:
    """MathJax 3 (its browser build, es5/) as shipped by the django-static-mathjax package,
    whose module is called ``mathjax``."""
    spec = importlib.util.find_spec("mathjax")
    origin = Path(spec.origin).parent if spec and spec.origin else None
    found = origin / "static" / "mathjax" / "es5" if origin else None
    if found is None or not (found / "tex-chtml-full.js").is_file():
        raise RuntimeError("MathJax is not installed (the django-static-mathjax package); "
                           "`python3 dev.py book` installs it with the other dependencies")
    return found


def _prepare_out(out: Path) -> None:
    if out.exists():
        if not (out / MARKER).exists() and any(out.iterdir()):
            raise ValueError(f"out must be empty or a site built before, got {str(out)!r}")
        shutil.rmtree(out)
    (out / "_static").mkdir(parents=True)
    (out / MARKER).write_text("built by xorhelpers.book; emptied by the next build\n")
    shutil.copytree(mathjax_dir(), out / "_static" / "mathjax",
                    ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    for asset in (HERE / "static").iterdir():
        shutil.copy(asset, out / "_static" / asset.name)


def page_name(notebook: Path | str) -> str:
    """The page of a notebook: 04_dead_relu_clinic.ipynb -> 04_dead_relu_clinic.html."""
    return Path(notebook).with_suffix(".html").name


def local_links(html: str) -> str:
    """Point links at notebooks to their pages, and at the README to the index."""
    html = re.sub(r'href="(?:\.\./)?(?:notebooks/)?(\d\d_[\w-]+)\.ipynb(#[^"]*)?"',
                  lambda m: f'href="{m.group(1)}.html{m.group(2) or ""}"', html)
    return re.sub(r'href="(?:\.\./)?README\.md(#[^"]*)?"', 'href="index.html"', html)


def _stills(nb) -> None:
    """Replace every widget view by its still (static HTML), and drop the widget state so
    that the page loads no widget manager."""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            view = out.get("data", {}).get(WIDGET_VIEW)
            if view is not None:
                out["data"] = {"text/html": still(nb, view.get("model_id", "?"))}
    nb.metadata.pop("widgets", None)


def _exporter() -> HTMLExporter:
    exporter = HTMLExporter(template_name="xorbook", extra_template_basedirs=[str(TEMPLATES)])
    exporter.mathjax_url = "_static/mathjax/tex-chtml-full.js"
    exporter.anchor_link_text = "#"
    exporter.log.setLevel("ERROR")  # not one warning per page about images without alt text
    return exporter


def _title(nb, fallback: str) -> str:
    first = nb.cells[0].source.split("\n", 1)[0] if nb.cells else ""
    return first.lstrip("#").strip() or fallback


def readme_front(root: Path) -> str:
    """The README from its title down to the instructors' section: the tables of notebooks
    and of the five cases."""
    text = (root / "README.md").read_text(encoding="utf-8")
    end = text.find("\n## For instructors")
    return (text if end < 0 else text[:end]).strip() + "\n"


def build(root: str | Path, out: str | Path) -> list[Path]:
    """Build the site of the notebooks under ``root/notebooks`` into ``out``; returns the pages
    written (index first)."""
    root, out = Path(root), Path(out)
    notebooks = sorted((root / "notebooks").glob("*.ipynb"))
    if not notebooks:
        raise ValueError(f"root must hold notebooks/*.ipynb, got {str(root)!r}")
    _prepare_out(out)
    exporter = _exporter()
    books = [(p, nbformat.read(p, as_version=4)) for p in notebooks]
    toc = [{"href": page_name(p), "title": _title(nb, p.stem)} for p, nb in books]
    index_nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(readme_front(root))])
    pages = [("index.html", "The notebooks", index_nb)]
    pages += [(page_name(p), entry["title"], nb) for (p, nb), entry in zip(books, toc, strict=True)]
    written, entries = [], []
    for k, (name, title, nb) in enumerate(pages):
        _stills(nb)
        nb.metadata["title"] = title
        nav = {"toc": toc, "here": name,
               "prev": pages[k - 1][0] if k > 1 else None,
               "next": pages[k + 1][0] if 0 < k < len(pages) - 1 else None}
        html, _ = exporter.from_notebook_node(nb, resources={"book": nav})
        html = local_links(html)
        (out / name).write_text(html, encoding="utf-8")
        entries += index_entries(html, name, title)
        written.append(out / name)
    write_index(entries, out / "search-index.js")
    return written
