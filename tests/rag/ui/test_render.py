from __future__ import annotations

from ingest.report import FileEntry
from rag.answer import Answer, Source
from rag.ui.render import (
    chat_sources_message,
    preview_choices,
    report_rows,
    source_rows,
    sources_to_state,
)


def _answer(text: str, sources: list[Source]) -> Answer:
    return Answer(text=text, sources=sources, question="q", standalone_question="q")


def test_chat_sources_are_numbered_like_citations_and_escaped() -> None:
    sources = [
        Source(1, "/d/a.pdf", 3, "c1", "<img src=http://evil/x.png> alpha", 0.91),
        Source(2, "/d/b.txt", None, "c2", "beta & gamma", 0.52),
    ]
    message = chat_sources_message(_answer("Alpha [1].", sources))

    assert message is not None
    assert message["metadata"]["title"] == "Sources (2, 1 cited)"
    assert message["metadata"]["status"] == "done"  # rendered closed
    body = message["content"]
    assert body.index("[1] a.pdf, page 3 (score 0.91)") < body.index("[2] b.txt (score 0.52)")
    assert "<img" not in body and "&lt;img src=http://evil/x.png&gt;" in body
    assert "beta &amp; gamma" in body


def test_no_sources_no_panel() -> None:
    assert chat_sources_message(_answer("I could not find that.", [])) is None


def test_rows_state_and_preview_choices_agree() -> None:
    sources = [Source(1, "/d/a.pdf", 3, "c1", "x " * 400, 0.912, page_label="iii")]
    rows = source_rows(sources)
    assert rows[0][:4] == [1, "a.pdf", "iii", 0.912]
    assert len(rows[0][4]) <= 300 and rows[0][4].endswith("…")
    state = sources_to_state(sources)
    assert state == [
        {"n": 1, "source": "/d/a.pdf", "page": 3, "chunk_id": "c1", "label": "a.pdf, page iii"}
    ]
    assert preview_choices(state) == [("[1] a.pdf, page iii", 1)]


def test_report_rows_list_refused_uploads_then_ingest_entries() -> None:
    entries = [
        FileEntry("/up/a.pdf", "added", pages=2, chunks=5),
        FileEntry("/up/b.bin", "skipped", reason="binary file"),
    ]
    rows = report_rows(entries, [("big.pdf", "larger than the upload limit of 1 MB")])
    assert rows == [
        ["big.pdf", "rejected", "larger than the upload limit of 1 MB", 0, 0],
        ["a.pdf", "added", "", 2, 5],
        ["b.bin", "skipped", "binary file", 0, 0],
    ]
