from __future__ import annotations

import itertools

from langchain_core.language_models import FakeListChatModel

from rag.answer import Answer, Quote, Source
from rag.errors import ConfigError
from rag.ui.backend import UIBackend
from rag.ui.handlers import Handlers


def _handlers(settings, index, chain) -> Handlers:
    llm = FakeListChatModel(responses=["unused"])
    return Handlers(UIBackend(settings, index=index, llm=llm, chain=chain))


def _chat(h: Handlers, message: str, turns: list) -> list[tuple]:
    return list(h.chat(message, turns, "documents", [], "hybrid", 4, "grounded_qa", 0.0))


def _text(message: dict) -> str:
    return message["content"]


def test_chat_streams_escapes_and_ends_with_sources(settings, index, fake_chain) -> None:
    h = _handlers(settings, index, fake_chain)

    updates = _chat(h, "Do <i>cats</i> purr?", [])

    first, *streamed, last = updates
    assert first[2] == ""  # question box cleared at once
    partial = [u[0][-1]["content"] for u in streamed]
    assert len(partial) >= 3 and all(b.startswith(a) for a, b in itertools.pairwise(partial))
    chat, turns, _, rows, state, picker, standalone = last
    assert [m["role"] for m in chat] == ["user", "assistant", "assistant"]
    assert _text(chat[0]) == "Do &lt;i&gt;cats&lt;/i&gt; purr?"
    assert _text(chat[1]).endswith("[1]")
    assert chat[2]["metadata"]["title"].startswith("Sources (1")
    assert "&lt;b&gt;purr&lt;/b&gt;" in _text(chat[2])
    assert rows[0][:3] == [1, "report.pdf", "2"]
    assert state[0]["source"] == "/docs/report.pdf"
    assert picker["choices"] == [("[1] report.pdf, page 2", 1)]
    assert standalone == "standalone: Do <i>cats</i> purr?"
    assert turns[0] == {"role": "user", "content": "Do <i>cats</i> purr?"}


def test_follow_up_sends_raw_history_without_source_panels(settings, index, fake_chain) -> None:
    h = _handlers(settings, index, fake_chain)
    turns = _chat(h, "first?", [])[-1][1]

    _chat(h, "second?", turns)

    assert fake_chain.calls[-1]["history"] == [
        {"role": "user", "content": "first?"},
        {"role": "assistant", "content": "Answer to first? [1]"},
    ]


def test_errors_become_a_message_and_stay_out_of_history(settings, index, FakeChain) -> None:
    chain = FakeChain(error=ConfigError("no prompt template named 'x'"))
    h = _handlers(settings, index, chain)

    chat, turns, *_ = _chat(h, "q?", [])[-1]

    assert _text(chat[-1]) == "⚠ no prompt template named 'x'"
    assert turns[-1]["error"] is True
    chain.error = None
    _chat(h, "again?", turns)
    assert chain.calls[-1]["history"] == [{"role": "user", "content": "q?"}]


def test_unexpected_errors_hide_details(settings, index, FakeChain) -> None:
    h = _handlers(settings, index, FakeChain(error=RuntimeError("/secret/path exploded")))
    chat = _chat(h, "q?", [])[-1][0]
    assert "secret" not in _text(chat[-1]) and "server" in _text(chat[-1])


def test_empty_question_changes_nothing(settings, index, fake_chain) -> None:
    h = _handlers(settings, index, fake_chain)
    assert len(_chat(h, "   ", [])) == 1
    assert fake_chain.calls == []


class QuotedChain:
    """Streams a quoted answer as the real chain does: its whole text, then the Answer."""

    quotes = True

    def __init__(self, source: Source, quote: Quote) -> None:
        self.answer = Answer(text=f"“{quote.text}” [1]", sources=[source], question="q",
                             standalone_question="q", quotes=[quote])

    def stream(self, inputs: dict):  # noqa: ANN201
        yield self.answer.text
        yield self.answer


def test_a_quoted_answer_shows_its_quote_and_marks_it_in_the_preview(
    settings, index, add_file
) -> None:
    chunk = "Cats <b>purr</b>. Dogs bark at night."
    add_file(index, "/docs/report.pdf", {2: ["Page two starts.", chunk]})
    start = chunk.index("Dogs")
    quote = Quote(chunk[start:], 1, start, len(chunk))
    h = _handlers(settings, index, QuotedChain(
        Source(1, "/docs/report.pdf", 2, "/docs/report.pdf-2-1", chunk, 0.7), quote))

    chat, turns, _, _, state, _, _ = _chat(h, "Do dogs bark?", [])[-1]

    assert "<blockquote" in _text(chat[1]) and "— report.pdf:2</small>" in _text(chat[1])
    assert turns[1]["content"] == "“Dogs bark at night.” [1]"  # the chain's history: raw text
    assert h.preview(1, state, "documents") == (
        "Page two starts.\n…\nCats &lt;b&gt;purr&lt;/b&gt;. <mark>Dogs bark at night.</mark>"
    )


def test_preview_shows_only_indexed_text(settings, index, add_file) -> None:
    add_file(index, "/docs/report.pdf", {2: ["Page two <text>."]})
    h = _handlers(settings, index, None)
    state = [{"n": 1, "source": "/docs/report.pdf", "page": 2, "chunk_id": "", "label": ""}]
    assert h.preview(1, state, "documents") == "Page two &lt;text&gt;."
    assert h.preview(9, state, "documents") == ""
    forged = [{"n": 1, "source": "/etc/passwd", "page": None, "chunk_id": "x", "label": ""}]
    assert "not in this collection" in h.preview(1, forged, "documents")


def test_choosing_a_collection_lists_its_files_and_creates_nothing(
    settings, index, add_file
) -> None:
    add_file(index, "/docs/a.txt", {0: ["alpha"]})
    h = _handlers(settings, index, None)

    scope, rows = h.on_collection("documents")
    assert scope["choices"] == [("a.txt", "/docs/a.txt")] and scope["value"] == []
    assert rows == [["a.txt", "/docs/a.txt"]]

    scope, rows = h.on_collection("brand-new")
    assert (scope["choices"], rows) == ([], [])
    assert h.backend.collections() == ["documents"]
