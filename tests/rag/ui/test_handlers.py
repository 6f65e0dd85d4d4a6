from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from functools import partial

from langchain_core.language_models import FakeListChatModel

from rag.answer import Answer, Quote, Source
from rag.errors import ConfigError
from rag.tune import tune
from rag.ui.backend import UIBackend
from rag.ui.handlers import Handlers
from rag.ui.tuning import Tuning
from tests.rag.conftest import ingest_pages
from tests.rag.ui.pictures import HERONS, KEEPER, highlighted_box, make_text_pdf, overlap, text_box


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
    picture, text = h.preview(1, state, "documents")  # the PDF is not on disk: its indexed text
    assert picture == {"__type__": "update", "visible": False, "value": None}
    assert text["visible"] and text["value"] == (
        "⚠ report.pdf is no longer where it was indexed; its indexed text:\n\n"
        "Page two starts.\n…\nCats &lt;b&gt;purr&lt;/b&gt;. <mark>Dogs bark at night.</mark>"
    )


def test_a_cited_pdf_page_is_shown_as_a_picture_with_the_quote_highlighted(
    settings, index, add_file, tmp_path
) -> None:
    pdf = str(make_text_pdf(tmp_path / "birds.pdf"))
    chunk = f"{HERONS}\n{KEEPER}"
    add_file(index, pdf, {1: [chunk]})
    start = chunk.index(KEEPER)
    state = [{"n": 1, "source": pdf, "page": 1, "chunk_id": f"{pdf}-1-0", "label": "",
              "quotes": [[start, start + len(KEEPER)]]}]
    h = _handlers(settings, index, None)

    picture, text = h.preview(1, state, "documents")

    assert picture["visible"] and not text["visible"]
    keeper = text_box(tmp_path / "birds.pdf", 1, KEEPER, picture["value"].width)
    shown = highlighted_box(picture["value"])
    assert shown is not None and overlap(shown, keeper) > 0


def test_preview_shows_only_indexed_text_of_files_without_pages(settings, index, add_file) -> None:
    add_file(index, "/docs/notes.txt", {0: ["Notes <text>."]})
    h = _handlers(settings, index, None)
    state = [{"n": 1, "source": "/docs/notes.txt", "page": None, "chunk_id": "/docs/notes.txt-0-0",
              "label": ""}]
    picture, text = h.preview(1, state, "documents")
    assert not picture["visible"] and text["visible"] and text["value"] == "Notes &lt;text&gt;."
    picture, text = h.preview(9, state, "documents")
    assert not picture["visible"] and text["value"] == ""
    for forged in ({"source": "/etc/passwd", "page": None}, {"source": "/etc/x.pdf", "page": 1}):
        picture, text = h.preview(1, [{"n": 1, "chunk_id": "x", "label": "", **forged}],
                                  "documents")
        assert not picture["visible"] and text["value"] == "that file is not in this collection"


def test_choosing_a_collection_lists_its_files_and_creates_nothing(
    settings, index, add_file
) -> None:
    add_file(index, "/docs/a.txt", {0: ["alpha"]})
    h = _handlers(settings, index, None)

    scope, rows, model, adapt, go_back = h.on_collection("documents")
    assert scope["choices"] == [("a.txt", "/docs/a.txt")] and scope["value"] == []
    assert rows == [["a.txt", "/docs/a.txt"]]
    assert model == "Embedding model: all-MiniLM-L6-v2 (onnx-int8)"
    assert adapt["interactive"] and not go_back["interactive"]

    scope, rows, model, adapt, go_back = h.on_collection("brand-new")
    assert (scope["choices"], rows) == ([], [])
    assert model == "Embedding model: all-MiniLM-L6-v2 (onnx-int8), once files are added"
    assert not adapt["interactive"] and not go_back["interactive"]
    assert h.backend.collections() == ["documents"]


class FakeProgress:
    """Records what a handler tells ``gr.Progress``; can act on the first call."""

    def __init__(self, on_first: Callable[[], None] | None = None) -> None:
        self.calls: list[tuple] = []
        self.on_first = on_first

    def __call__(self, progress: tuple[int, int], desc: str = "", unit: str = "") -> None:
        self.calls.append((progress, desc, unit))
        if len(self.calls) == 1 and self.on_first:
            self.on_first()


def _harbour_logs() -> dict[str, list[str]]:
    """Sixteen small documents of three chunk-sized pages: 48 chunks."""
    ports = ["Brest", "Cork", "Bergen", "Gdansk"]
    return {
        f"/logs/{ports[n % 4].lower()}-{n}.md": [
            f"Harbour log {n} of {ports[n % 4]}. Berth {n} took a cargo ship at dawn. "
            f"The pilot boarded at buoy {n % 5}. Tugs {n} and {n + 1} assisted.",
            f"Tides at {ports[n % 4]} on day {n}: high water at {n % 12 + 1} o'clock. "
            f"Crane {n % 3} was out of service. Ballast water was tested twice.",
            f"Inspection {n}: hull plates of the ship at berth {n} were sound. "
            f"Customs cleared {n * 7} containers. The next call is in {n + 3} days.",
        ]
        for n in range(16)
    }


def test_adapting_switches_the_collections_model_and_going_back_restores_it(
    settings, index, chunker
) -> None:
    ingest_pages(index, settings, chunker, _harbour_logs())
    models: list[object] = []

    def trained_wins(model, held, distractors) -> float:  # noqa: ANN001
        if model not in models:
            models.append(model)
        return 0.25 * (models.index(model) + 1)  # the model in use 0.25, the trained one 0.5

    backend = UIBackend(settings, index=index, llm=FakeListChatModel(responses=["unused"]))
    tuning = Tuning(backend, tune=partial(tune, min_chunks=10, score=trained_wins))
    h = Handlers(backend, tuning=tuning)
    meanwhile: list[str] = []
    progress = FakeProgress(lambda: meanwhile.append(h.adapt("documents", FakeProgress())[0]))

    status, model, adapt, go_back = h.adapt("documents", progress)

    assert re.fullmatch(r"Held-out MRR@10: 0\.250 before, 0\.500 after\. Kept: 'documents' now "
                        r"uses tuned model v1 \(48 chunks re-embedded, \d+ (s|min) in all\)\.",
                        status), status
    assert model == ("Embedding model: tuned v1 of all-MiniLM-L6-v2 (onnx-int8), "
                     "adapted to this collection")
    assert adapt["interactive"] and go_back["interactive"]
    assert meanwhile == ["⚠ collection 'documents' is busy (its model is being adapted); "
                         "try again when that has finished"]
    stages = {unit: [(done, total) for (done, total), _, u in progress.calls if u == unit]
              for unit in ("steps", "chunks")}
    assert stages["steps"] and stages["steps"][-1][0] == stages["steps"][-1][1]
    assert stages["chunks"][-1] == (48, 48)
    assert any(desc.startswith("Training the model, about ") for _, desc, _ in progress.calls)
    reopened = backend.index("documents")  # the cached index was dropped
    assert reopened is not index and reopened.embeddings is not index.embeddings
    assert reopened.manifest.embedding_model.startswith("tuned:documents/v1:")
    assert reopened.search_dense(reopened.embeddings.embed_query("tides at Cork"), 3)

    status, model, adapt, go_back = h.go_back("documents", FakeProgress())

    assert status == "Gone back: 'documents' uses all-MiniLM-L6-v2 (onnx-int8) again."
    assert model == "Embedding model: all-MiniLM-L6-v2 (onnx-int8)"
    assert adapt["interactive"] and not go_back["interactive"]
    assert backend.index("documents").manifest.embedding_model == (
        "sentence-transformers/all-MiniLM-L6-v2 (onnx-int8)")


def test_a_small_collection_is_refused_in_numbers(settings, index, add_file) -> None:
    add_file(index, "/docs/a.txt", {1: ["alpha", "beta", "gamma"]})
    h = _handlers(settings, index, None)  # the real tune, with its real minimum

    status, model, adapt, go_back = h.adapt("documents", FakeProgress())

    assert re.fullmatch(r"⚠ collection 'documents' holds 3 chunks; tuning needs at least 200 .*",
                        status), status
    assert model == "Embedding model: all-MiniLM-L6-v2 (onnx-int8)"
    assert adapt["interactive"] and not go_back["interactive"]
    assert not list((settings.store.path / "tuned").glob("documents/v*"))
    status = h.go_back("documents", FakeProgress())[0]
    assert status.startswith("⚠ collection 'documents' uses ") and "nothing to revert" in status


def test_no_upload_while_the_collection_is_being_adapted(
    settings, index, tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "gradio"))
    note = tmp_path / "gradio" / "abc" / "note.txt"
    note.parent.mkdir(parents=True)
    note.write_text("Ferries leave at nine.", encoding="utf-8")
    h = _handlers(settings, index, None)

    with h.tuning.busy("documents", "its model is being adapted"):
        status, rows, *_ = h.upload([str(note)], "documents")

    assert status == ("⚠ collection 'documents' is busy (its model is being adapted); "
                      "try again when that has finished")
    assert rows == [] and h.backend.files("documents") == []
    assert not (settings.store.path / "uploads").exists()
