"""Turning answers, sources and ingest reports into inert text for the browser.

Document text and model output are data, never markup: everything shown is
HTML-escaped, and the chat renders without Markdown, so a document holding
``<img src=...>`` or ``![x](http://...)`` shows those characters and loads
nothing. The only tags are this module's own (``<strong>``, ``<blockquote>``,
``<small>``, ``<mark>``), each around escaped text.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from rag.answer import Answer, Source

__all__ = [
    "REPORT_HEADERS",
    "SOURCE_HEADERS",
    "answer_content",
    "chat_sources_message",
    "file_choices",
    "inert",
    "preview_choices",
    "preview_html",
    "report_rows",
    "report_summary",
    "source_rows",
    "sources_to_state",
]

SOURCE_HEADERS = ["#", "File", "Page", "Score", "Snippet"]
REPORT_HEADERS = ["File", "Status", "Reason", "Pages", "Chunks"]
_SNIPPET_CHARS = 300
_GAP = "\n\u2026\n"  # between a page's chunks in the preview
_QUOTE_STYLE = "margin:0.5em 0;padding-left:0.7em;border-left:3px solid rgba(128,128,128,0.5)"


def inert(text: str) -> str:
    """Escape text so the browser shows it literally.

    Args:
        text: Model output or document text.

    Returns:
        The text with ``&``, ``<`` and ``>`` escaped.

    Example:
        >>> inert('<img src=x onerror="alert(1)"> & more')
        '&lt;img src=x onerror="alert(1)"&gt; &amp; more'
    """
    return html.escape(text, quote=False)


def _short(text: str, limit: int = _SNIPPET_CHARS) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _where(source: Source) -> str:
    where = source.location
    return f"{source.file_name}, {where}" if where else source.file_name


def answer_content(answer: Answer) -> str:
    """The answer's chat bubble: its escaped text, or its short fact and quotes.

    A quoted answer shows its short fact in bold with its ``[n]`` (when there
    is one), then each quote as a block quote followed by its ``file:page``.

    Args:
        answer: The chain's answer.

    Returns:
        HTML whose only tags are this function's; every text in it is escaped.
    """
    if not answer.quotes:
        return inert(answer.text)
    parts = []
    if answer.short:
        parts.append(f"<strong>{inert(answer.short)}</strong> [{answer.short_source}]")
    by_n = {s.n: s for s in answer.sources}
    for quote in answer.quotes:
        source = by_n.get(quote.n)
        where = source.citation if source else f"[{quote.n}]"
        parts.append(f'<blockquote style="{_QUOTE_STYLE}">\u201c{inert(quote.flat_text)}\u201d<br>'
                     f"<small>\u2014 {inert(where)}</small></blockquote>")
    return "".join(parts)


def chat_sources_message(answer: Answer) -> dict[str, Any] | None:
    """The collapsible "Sources" message shown under an answer in the chat.

    Args:
        answer: The chain's answer.

    Returns:
        A Gradio message dict whose ``metadata`` title makes it a closed
        accordion, numbered like the answer's ``[n]``; None when there are no sources.
    """
    if not answer.sources:
        return None
    lines = []
    for s in answer.sources:
        lines.append(f"[{s.n}] {_where(s)} (score {s.score:.2f})\n“{_short(s.snippet)}”")
    cited = len(answer.cited_sources)
    title = f"Sources ({len(answer.sources)}, {cited} cited)"
    return {
        "role": "assistant",
        "content": inert("\n\n".join(lines)),
        "metadata": {"title": title, "status": "done"},
    }


def source_rows(sources: Sequence[Source]) -> list[list[Any]]:
    """Rows for the sources table: number, file, page, score, snippet.

    Args:
        sources: The answer's sources.

    Returns:
        One row per source (plain text: the table shows ``str`` cells literally).
    """
    return [
        [
            s.n,
            s.file_name,
            str(s.page_label or s.page or ""),
            round(s.score, 3),
            _short(s.snippet),
        ]
        for s in sources
    ]


def sources_to_state(answer: Answer) -> list[dict[str, Any]]:
    """Keep what the page preview needs, server side, for the session.

    Args:
        answer: The last answer.

    Returns:
        One plain dict per source (n, source, page, chunk_id, label, and
        ``quotes``: the ``[start, end]`` offsets of its quotes in its chunk).
    """
    return [
        {"n": s.n, "source": s.source, "page": s.page, "chunk_id": s.chunk_id, "label": _where(s),
         "quotes": [[q.start, q.end] for q in answer.quotes if q.n == s.n]}
        for s in answer.sources
    ]


def preview_choices(state: Sequence[dict[str, Any]]) -> list[tuple[str, int]]:
    """Dropdown choices ``("[n] file, page p", n)`` for the page preview.

    Args:
        state: The output of :func:`sources_to_state`.

    Returns:
        Label and citation number pairs.
    """
    return [(f"[{item['n']}] {item['label']}", int(item["n"])) for item in state]


def preview_html(chunks: Sequence[tuple[str, str]], chunk_id: str,
                 quotes: Sequence[Sequence[int]] = ()) -> str:
    """The preview of a cited page: its chunks in order, the quoted words marked.

    Args:
        chunks: The page's chunks in order, as ``(chunk id, text)``.
        chunk_id: The cited chunk, the one the quotes' offsets are in.
        quotes: ``[start, end]`` character offsets of the quotes in that chunk.

    Returns:
        The chunks' escaped text joined by ``\\n…\\n`` (overlaps may
        repeat a few words), with each quote in ``<mark>``.

    Example:
        >>> preview_html([("a", "x <y>"), ("b", "Cats purr. Dogs bark.")], "b", [[11, 21]])
        'x &lt;y&gt;\\n…\\nCats purr. <mark>Dogs bark.</mark>'
    """
    return _GAP.join(
        _marked(text, quotes if cid == chunk_id else ()) for cid, text in chunks if text
    )


def _marked(text: str, spans: Sequence[Sequence[int]]) -> str:
    """``text`` escaped, with ``text[start:end]`` in ``<mark>`` for each span.

    Each part is escaped on its own, so the offsets count the text's characters.
    Spans out of range or overlapping an earlier one are left unmarked.
    """
    parts: list[str] = []
    at = 0
    for start, end in sorted((int(a), int(b)) for a, b in spans):
        if not at <= start < end <= len(text):
            continue
        parts += [inert(text[at:start]), f"<mark>{inert(text[start:end])}</mark>"]
        at = end
    return "".join([*parts, inert(text[at:])])


def file_choices(sources: Iterable[str]) -> list[tuple[str, str]]:
    """Dropdown choices for the scope filter: a readable label and the source id.

    Args:
        sources: Source ids (absolute file paths) from the ledger.

    Returns:
        ``(label, source)`` pairs; the label is the file name, or the path when
        two files share a name.

    Example:
        >>> file_choices(["/a/x.pdf", "/b/x.pdf", "/b/y.txt"])
        [('/a/x.pdf', '/a/x.pdf'), ('/b/x.pdf', '/b/x.pdf'), ('y.txt', '/b/y.txt')]
    """
    sources = list(sources)
    names = [Path(s).name for s in sources]
    return [
        (s if names.count(name) > 1 else name, s) for s, name in zip(sources, names, strict=True)
    ]


def _get(entry: Any, key: str, default: Any = "") -> Any:
    if isinstance(entry, dict):
        return entry.get(key, default)
    return getattr(entry, key, default)


def report_rows(
    entries: Iterable[Any], rejected: Iterable[tuple[str, str]] = ()
) -> list[list[Any]]:
    """Rows for the upload report: one per file, refused uploads first.

    Args:
        entries: The ingest report's per-file entries (``source``, ``status``,
            ``reason``, ``pages``, ``chunks``).
        rejected: ``(file name, reason)`` for uploads refused before ingest.

    Returns:
        Table rows (plain text).
    """
    rows: list[list[Any]] = [[n, "rejected", r, 0, 0] for n, r in rejected]
    for e in entries:
        status = _get(e, "status")
        rows.append(
            [
                Path(str(_get(e, "source"))).name,
                str(getattr(status, "value", status)),
                str(_get(e, "reason") or ""),
                _get(e, "pages", 0) or 0,
                _get(e, "chunks", 0) or 0,
            ]
        )
    return rows


def report_summary(rows: Sequence[Sequence[Any]]) -> str:
    """One line counting the files per status.

    Args:
        rows: The output of :func:`report_rows`.

    Returns:
        For example ``"2 added, 1 skipped"``.

    Example:
        >>> report_summary([["a", "added"], ["b", "skipped"], ["c", "added"]])
        '2 added, 1 skipped'
    """
    counts: dict[str, int] = {}
    for row in rows:
        counts[str(row[1])] = counts.get(str(row[1]), 0) + 1
    return ", ".join(f"{n} {status}" for status, n in counts.items()) or "no files"
