"""HTML into typed blocks: the page's own structure, its navigation and footer left out.

The parsed page (Beautiful Soup with lxml) is walked in document order.
Headings ``h1``-``h6``, paragraphs, list items (one group per list), tables
(``th`` cells, or a first row of them, as column heads), ``pre`` code,
definition lists (``dt``/``dd`` as fields), captions and block quotes become
blocks; the text of other containers becomes paragraphs. Boilerplate is page
furniture and left out: ``nav``, ``header`` and ``footer`` outside the main
content, ``aside``, forms, and elements whose role, id or class names
navigation, menus, breadcrumbs, cookie banners or footers.

Example:
    >>> html = ("<nav>Home | Events | Contact</nav><main><h1>Opening hours</h1>"
    ...         "<p>The museum opens at 9 am.</p></main><footer>(c) 2024 Museum</footer>")
    >>> [(b.kind, b.text) for b in html_blocks(html)]
    [('heading', 'Opening hours'), ('paragraph', 'The museum opens at 9 am.')]
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import count
from typing import Any

from ingest.blocks import clean_text, paragraph_blocks
from ingest.readers.types import Block

__all__ = ["html_blocks", "html_title"]

_DROP_TAGS = ("script", "style", "noscript", "template", "svg", "iframe", "object", "form",
              "button", "select", "aside")
_FURNITURE_ROLES = {"navigation", "banner", "contentinfo", "search", "complementary"}
_FURNITURE_NAMES = re.compile(
    r"(?:^|[-_\s])(?:nav|navbar|navigation|menu|breadcrumbs?|cookie|cookies|footer|sidebar|"
    r"skip|social|share|masthead|topbar)(?:$|[-_\s])", re.IGNORECASE)
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_BLOCK_TAGS = {"p", "li", "table", "pre", "dl", "figcaption", "caption", "blockquote",
               "ul", "ol", *_HEADINGS}


def html_title(soup: Any) -> str | None:
    """The page's ``<title>``, else None."""
    return soup.title.get_text(" ", strip=True) or None if soup.title else None


def html_blocks(html: str | Any) -> list[Block]:
    """The blocks of an HTML page's content, in order.

    Args:
        html: The page's source, or a parsed Beautiful Soup document.

    Returns:
        The blocks; navigation, headers, footers and the like are left out.
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml") if isinstance(html, str) else html
    for tag in soup(_DROP_TAGS):
        tag.decompose()
    if soup.head is not None:
        soup.head.decompose()
    main = soup.find("main") or soup.find(attrs={"role": "main"}) or soup.body or soup
    for tag in list(main.find_all(True)):
        if not getattr(tag, "decomposed", False) and _is_furniture(tag):
            tag.decompose()
    return list(_Walker().walk(main))


def _is_furniture(tag: Any) -> bool:
    if tag.name in ("nav",):
        return True
    if tag.name in ("header", "footer") and tag.find_parent("article") is None:
        return True
    attrs = getattr(tag, "attrs", None) or {}
    if str(attrs.get("role", "")).lower() in _FURNITURE_ROLES:
        return True
    names = " ".join([str(attrs.get("id", "")), *(attrs.get("class") or [])])
    return bool(names.strip()) and bool(_FURNITURE_NAMES.search(names))


class _Walker:
    def __init__(self) -> None:
        self.groups = count(1)

    def walk(self, node: Any) -> Iterator[Block]:
        loose: list[str] = []
        for child in node.children:
            name = getattr(child, "name", None)
            if name is None:  # text directly in a container
                text = str(child)
                if text.strip():
                    loose.append(text)
                continue
            if name in _BLOCK_TAGS or _holds_blocks(child):
                yield from self._loose(loose)
                loose = []
                yield from self._block(child)
            elif name == "br":
                loose.append("\n")
            else:
                loose.append(child.get_text(" "))
        yield from self._loose(loose)

    def _loose(self, parts: list[str]) -> Iterator[Block]:
        text = clean_text(" ".join(parts).replace(" \n ", "\n"))
        lines = [line.strip() for line in text.split("\n") if line.strip()]
        if lines:
            yield from paragraph_blocks(lines, groups=self.groups)

    def _block(self, tag: Any) -> Iterator[Block]:
        name = tag.name
        if name in _HEADINGS:
            text = _text(tag)
            if text:
                yield Block("heading", text, level=_HEADINGS[name])
        elif name in ("ul", "ol"):
            group = next(self.groups)
            for n, item in enumerate(tag.find_all("li", recursive=False), start=1):
                text = _text(item)
                if text:
                    yield Block("item", f"{n}. {text}" if name == "ol" else f"- {text}",
                                group=group)
        elif name == "li":
            text = _text(tag)
            if text:
                yield Block("item", f"- {text}", group=next(self.groups))
        elif name == "table":
            yield from _table(tag)
        elif name == "pre":
            yield Block("code", tag.get_text().strip("\n"))
        elif name == "dl":
            for term in tag.find_all("dt"):
                definition = term.find_next_sibling("dd")
                if definition is not None:
                    yield Block("field", f"{_text(term)}: {_text(definition)}")
        elif name in ("figcaption", "caption"):
            text = _text(tag)
            if text:
                yield Block("caption", text)
        elif name == "p" and not _holds_blocks(tag):
            text = clean_text(tag.get_text(" "))
            lines = [" ".join(line.split()) for line in text.split("\n") if line.strip()]
            if lines:
                yield from paragraph_blocks([" ".join(lines)], groups=self.groups)
        else:
            yield from self.walk(tag)


def _holds_blocks(tag: Any) -> bool:
    return any(getattr(child, "name", None) in _BLOCK_TAGS | {"div", "section", "article",
                                                                "main", "header", "footer"}
               for child in tag.children)


def _text(tag: Any) -> str:
    return " ".join(clean_text(tag.get_text(" ")).split())


def _table(tag: Any) -> Iterator[Block]:
    rows = tag.find_all("tr")
    if not rows:
        return
    cells = [[_text(cell) for cell in row.find_all(["th", "td"])] for row in rows]
    heads: tuple[str, ...] = ()
    first = rows[0].find_all(["th", "td"])
    if first and all(cell.name == "th" for cell in first):
        heads, cells = tuple(cells[0]), cells[1:]
    caption = tag.find("caption")
    if caption is not None and _text(caption):
        yield Block("caption", _text(caption))
    body = tuple(tuple(row) for row in cells if any(row))
    if body:
        yield Block("table", heads=heads, rows=body)
