from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from langchain_core.language_models import FakeListChatModel
from langchain_core.runnables import RunnableBinding

from ingest.readers.ocr import TesseractOcr
from rag.answer import Answer
from rag.errors import ConfigError
from rag.ui.backend import ChatOptions, UIBackend
from tests.rag.ui.pictures import (
    HERONS,
    KEEPER,
    highlighted_box,
    make_text_pdf,
    overlap,
    text_box,
)


class RecordingFactory:
    """A chain factory that records what the backend gives it."""

    def __init__(self, chain: Any) -> None:
        self.calls: list[dict[str, Any]] = []
        self.chain = chain

    def __call__(self, settings, *, llm, index):
        self.calls.append({"settings": settings, "llm": llm, "index": index})
        return self.chain


@pytest.fixture
def llm() -> FakeListChatModel:  # shadows the real LLM: these tests never generate
    return FakeListChatModel(responses=["unused"])


def test_settings_for_applies_the_panel(settings, index, llm) -> None:
    backend = UIBackend(settings, index=index, llm=llm)
    s = backend.settings_for("papers", ChatOptions("bm25", 7, "grounded_qa", 0.5))
    assert (s.store.collection, s.retrieval.mode, s.retrieval.top_k) == ("papers", "bm25", 7)
    assert (s.prompts.qa_template, s.llm.temperature) == ("grounded_qa", 0.5)
    assert backend.settings.retrieval.mode == settings.retrieval.mode  # not mutated
    with pytest.raises(ConfigError):
        backend.settings_for("papers", ChatOptions(mode="psychic"))
    with pytest.raises(ConfigError):
        backend.settings_for("../../etc")


def test_one_llm_shared_temperature_bound_per_question(settings, index, llm, FakeChain) -> None:
    factory = RecordingFactory(FakeChain())
    backend = UIBackend(settings, index=index, llm=llm, chain_factory=factory)

    backend.chain_for("documents", ChatOptions(temperature=settings.llm.temperature))
    backend.chain_for("documents", ChatOptions(mode="dense", temperature=0.7))

    first, second = factory.calls
    assert first["llm"] is llm and first["index"] is index
    assert isinstance(second["llm"], RunnableBinding)
    assert second["llm"].bound is llm and second["llm"].kwargs == {"temperature": 0.7}
    assert second["settings"].retrieval.mode == "dense"


def test_ask_streams_and_limits_scope_to_indexed_files(
    settings, index, llm, FakeChain, add_file
) -> None:
    add_file(index, "/docs/a.txt", {0: ["alpha text"]})
    add_file(index, "/docs/b.txt", {0: ["beta text"]})
    factory = RecordingFactory(FakeChain())
    backend = UIBackend(settings, index=index, llm=llm, chain_factory=factory)
    history = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]

    items = list(
        backend.ask("why?", history, collection="documents", scope=["/docs/a.txt", "/etc/passwd"])
    )

    assert "".join(i for i in items if isinstance(i, str)).strip() == "Answer to why? [1]"
    assert isinstance(items[-1], Answer)
    assert factory.chain.calls == [
        {"question": "why?", "history": history, "sources": ["/docs/a.txt"]}
    ]
    list(backend.ask("all?", [], collection="documents"))
    assert factory.chain.calls[-1]["sources"] is None
    with pytest.raises(ConfigError):
        list(backend.ask("x", [], collection="documents", scope=["/etc/passwd"]))


def test_page_chunks_come_from_the_index_of_listed_files_only(
    settings, index, llm, add_file, tmp_path: Path
) -> None:
    add_file(index, "/docs/r.pdf", {1: ["page one"], 2: ["second page starts", "and ends"]})
    real_file = tmp_path / "secret.txt"
    real_file.write_text("do not show")
    backend = UIBackend(settings, index=index, llm=llm)

    assert backend.page_chunks("documents", "/docs/r.pdf", 2, "") == [
        ("/docs/r.pdf-2-0", "second page starts"), ("/docs/r.pdf-2-1", "and ends")
    ]
    page_one = backend.page_chunks("documents", "/docs/r.pdf", 1, "")
    assert page_one == [("/docs/r.pdf-1-0", "page one")]
    assert backend.page_chunks("documents", "/docs/r.pdf", None, "/docs/r.pdf-2-1") == [
        ("/docs/r.pdf-2-1", "and ends")
    ]
    with pytest.raises(ConfigError):
        backend.page_chunks("documents", str(real_file), None, "x")


def test_uploads_saved_under_data_folder_then_ingested(settings, index, llm, tmp_path) -> None:
    calls = []

    def fake_ingest(paths, settings, *, index, progress):
        calls.append((paths, settings.store.collection, index))
        return "report"

    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "notes 1.md").write_text("# hi")
    (cache / "huge.txt").write_bytes(b"x" * (settings.ui.max_upload_mb * (1 << 20) + 1))
    backend = UIBackend(settings, index=index, llm=llm, ingest_fn=fake_ingest)

    saved, report = backend.ingest_uploads(
        [str(cache / "notes 1.md"), str(cache / "huge.txt")], "documents"
    )

    folder = settings.store.path / "uploads" / "documents"
    assert saved.saved == [(folder / "notes 1.md").resolve()]
    assert [name for name, _ in saved.rejected] == ["huge.txt"]
    assert report == "report"
    assert calls == [([str((folder / "notes 1.md").resolve())], "documents", index)]


def test_collections_list_store_and_default(settings, index, llm) -> None:
    backend = UIBackend(settings, index=index, llm=llm)
    assert backend.collections() == ["documents"]
    other = backend.index("papers")
    assert other.collection == "papers" and other.embeddings is index.embeddings
    assert backend.collections() == ["documents", "papers"]


def test_an_allow_list_keeps_other_collections_out(settings, index, llm) -> None:
    UIBackend(settings, index=index, llm=llm).index("secret-hr")  # exists in the store
    ui = settings.ui.model_copy(update={"collections": ["documents", "papers"]})
    backend = UIBackend(settings.model_copy(update={"ui": ui}), index=index, llm=llm)
    assert backend.collections() == ["documents", "papers"]
    for name in ("secret-hr", "anything-else"):
        with pytest.raises(ConfigError, match="not available in this app"):
            backend.index(name)
        with pytest.raises(ConfigError, match="not available in this app"):
            list(backend.ask("q?", [], collection=name))
    assert backend.index("papers").collection == "papers"


def test_a_forgotten_collection_is_opened_again(settings, index, llm, add_file) -> None:
    add_file(index, "/docs/a.txt", {0: ["alpha text"]})
    backend = UIBackend(settings, index=index, llm=llm)

    backend.forget("documents")
    backend.forget("never-opened")

    reopened = backend.index("documents")
    assert reopened is not index and backend.index("documents") is reopened
    assert backend.files("documents") == ["/docs/a.txt"]


def test_page_image_highlights_the_quotes_of_the_cited_chunk(
    settings, index, llm, add_file, tmp_path: Path
) -> None:
    pdf = str(make_text_pdf(tmp_path / "birds.pdf"))
    chunk = f"{HERONS}\n{KEEPER}"
    add_file(index, pdf, {1: [chunk]})
    backend = UIBackend(settings, index=index, llm=llm)
    start = chunk.index(KEEPER)

    quoted = backend.page_image("documents", pdf, 1, f"{pdf}-1-0", [[start, start + len(KEEPER)]])
    whole = backend.page_image("documents", pdf, 1, f"{pdf}-1-0")

    keeper = text_box(Path(pdf), 1, KEEPER, quoted.width)
    herons = text_box(Path(pdf), 1, HERONS, quoted.width)
    shown = highlighted_box(quoted)
    assert shown is not None and overlap(shown, keeper) > 0 and overlap(shown, herons) == 0
    shown = highlighted_box(whole)  # no quotes: the whole chunk
    assert shown is not None and overlap(shown, keeper) > 0 and overlap(shown, herons) > 0


def test_page_image_reads_only_listed_files_still_in_place(
    settings, index, llm, add_file, tmp_path: Path
) -> None:
    listed = make_text_pdf(tmp_path / "listed.pdf")
    unlisted = make_text_pdf(tmp_path / "unlisted.pdf")
    add_file(index, str(listed), {1: [KEEPER]})
    backend = UIBackend(settings, index=index, llm=llm)

    with pytest.raises(ConfigError, match="not in this collection"):
        backend.page_image("documents", str(unlisted), 1, f"{unlisted}-1-0")
    listed.unlink()
    with pytest.raises(ConfigError, match="listed.pdf is no longer where it was indexed"):
        backend.page_image("documents", str(listed), 1, f"{listed}-1-0")


def test_the_ocr_engine_is_made_once_from_the_settings(settings, index, llm) -> None:
    backend = UIBackend(settings, index=index, llm=llm)
    assert isinstance(backend.ocr(), TesseractOcr) and backend.ocr() is backend.ocr()
    off = settings.with_overrides(ocr={"enabled": False})
    assert UIBackend(off, index=index, llm=llm).ocr() is None
