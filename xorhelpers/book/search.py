"""The site's search: one entry per section of every page, written as a small script.

``index_entries`` cuts a rendered page into sections at its h1-h3 headings and keeps each
section's words; ``write_index`` stores them as ``search-index.js`` (a script, not a JSON file
fetched at run time, so the search also works on pages opened from disk); ``static/search.js``
matches every word typed against them in the browser. Used by ``xorhelpers.book``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from bs4 import BeautifulSoup

HEADINGS = ("h1", "h2", "h3")


def index_entries(html: str, page: str, title: str) -> list[dict]:
    """[{"url", "page", "section", "text"}] for each section of one rendered page; the text
    is the section's prose and printed output, whitespace squeezed."""
    soup = BeautifulSoup(html, "html.parser")
    main = soup.find("main") or soup
    for junk in main.select("script, style, .jp-InputArea, a.anchor-link, img"):
        junk.decompose()
    entries, current = [], {"url": page, "page": title, "section": title, "text": []}
    for el in main.find_all(list(HEADINGS) + ["p", "li", "pre", "td", "th", "summary"]):
        if el.name in HEADINGS:
            if current["text"] or current["section"] != title:
                entries.append(current)
            anchor = el.get("id")
            current = {"url": f"{page}#{anchor}" if anchor else page, "page": title,
                       "section": el.get_text(" ", strip=True), "text": []}
        else:
            current["text"].append(el.get_text(" ", strip=True))
    entries.append(current)
    for entry in entries:
        entry["text"] = re.sub(r"\s+", " ", " ".join(entry["text"])).strip()
    return entries


def write_index(entries: list[dict], path: Path) -> None:
    if not isinstance(entries, list):
        raise TypeError(f"entries must be a list of dicts, got {type(entries).__name__}")
    data = json.dumps(entries, ensure_ascii=False, separators=(",", ":"))
    path.write_text(f"window.BOOK_INDEX = {data};\n", encoding="utf-8")
