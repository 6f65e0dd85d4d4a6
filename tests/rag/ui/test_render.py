from __future__ import annotations

import html
import re

from ingest.report import FileEntry
from rag.answer import Answer, Quote, Source
from rag.ui.render import (
    answer_content,
    chat_sources_message,
    inert,
    preview_choices,
    preview_html,
    report_rows,
    source_rows,
    sources_to_state,
)


def _answer(text: str, sources: list[Source], **quoted) -> Answer:  # noqa: ANN003
    return Answer(text=text, sources=sources, question="q", standalone_question="q", **quoted)


GUIDE = ("Setup.\nBy default the all-MiniLM-L6-v2 embedding model\n  is used. "
         "Run <script>x()</script> **now**.")
MODEL = "By default the all-MiniLM-L6-v2 embedding model\n  is used."
RISKY = "Run <script>x()</script> **now**."


def _quoted() -> Answer:
    """A quoted answer with a short fact, quoting two sentences of page 3 of guide.pdf."""
    source = Source(1, "/d/guide.pdf", 3, "c1", GUIDE, 0.8)
    quotes = [Quote(MODEL, 1, GUIDE.index(MODEL), GUIDE.index(MODEL) + len(MODEL)),
              Quote(RISKY, 1, GUIDE.index(RISKY), len(GUIDE))]
    text = "all-MiniLM-L6-v2 [1]\n\n" + "\n\n".join(
        f"“{q.flat_text}” [1]" for q in quotes)
    return _answer(text, [source], short="all-MiniLM-L6-v2", short_source=1, quotes=quotes)


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
    state = sources_to_state(_answer("x [1]", sources))
    assert state == [{"n": 1, "source": "/d/a.pdf", "page": 3, "chunk_id": "c1",
                      "label": "a.pdf, page iii", "quotes": []}]
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


def test_a_written_answer_is_its_escaped_text() -> None:
    answer = _answer("Cats <b>purr</b> **loud** [1].", [])
    assert answer_content(answer) == "Cats &lt;b&gt;purr&lt;/b&gt; **loud** [1]."


def test_a_quoted_answer_shows_the_fact_then_each_quote_with_file_and_page() -> None:
    content = answer_content(_quoted())

    assert content.startswith("<strong>all-MiniLM-L6-v2</strong> [1]<blockquote")
    quotes = re.findall(r"<blockquote[^>]*>(.*?)<br><small>(.*?)</small></blockquote>", content)
    assert quotes == [
        ("“By default the all-MiniLM-L6-v2 embedding model is used.”", "— guide.pdf:3"),
        ("“Run &lt;script&gt;x()&lt;/script&gt; **now**.”", "— guide.pdf:3"),
    ]  # whitespace collapsed; the document's tags and Markdown stay characters
    assert "<script" not in content
    tags = set(re.findall(r"</?([a-z]+)", content))
    assert tags == {"strong", "blockquote", "br", "small"}  # only the renderer's own


def test_the_preview_marks_the_quotes_at_their_offsets_in_the_cited_chunk() -> None:
    answer = _quoted()
    state = sources_to_state(answer)
    assert state[0]["quotes"] == [[q.start, q.end] for q in answer.quotes]
    other = "Setup. <img src=x onerror=alert(1)> By default"  # an overlapping chunk: not marked
    chunks = [("c0", other), ("c1", GUIDE), ("c2", "")]

    shown = preview_html(chunks, "c1", state[0]["quotes"])

    before, cited = shown.split("\n…\n")
    assert before == inert(other)
    marked = re.findall(r"<mark>(.*?)</mark>", cited, flags=re.S)
    assert [html.unescape(m) for m in marked] == [MODEL, RISKY]
    assert html.unescape(re.sub(r"</?mark>", "", cited)) == GUIDE  # nothing lost or moved
    assert "<script" not in shown and "<img" not in shown


def test_the_preview_skips_offsets_outside_the_chunk() -> None:
    shown = preview_html([("c1", "a <b> c")], "c1", [[4, 99], [0, 1]])
    assert shown == "<mark>a</mark> &lt;b&gt; c"
    assert preview_html([("c1", "a <b> c")], "other", [[0, 1]]) == "a &lt;b&gt; c"
