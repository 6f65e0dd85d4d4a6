"""Fakes and helpers for the web app tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from rag.answer import Answer, Source
from rag.index.ledger import FileRecord
from tests.servers import free_port


class FakeChain:
    """Follows the chain contract: ``stream`` yields words, then an :class:`Answer`.

    The answer cites its first source as ``[1]``; every call's input is kept.
    """

    def __init__(self, sources: list[Source] | None = None, error: Exception | None = None):
        self.sources = sources or []
        self.error = error
        self.calls: list[dict[str, Any]] = []

    def stream(self, inputs: dict[str, Any]) -> Iterator[str | Answer]:
        self.calls.append(inputs)
        if self.error is not None:
            raise self.error
        text = f"Answer to {inputs['question']} [1]"
        for word in text.split(" "):
            yield word + " "
        yield Answer(
            text=text,
            sources=self.sources,
            question=inputs["question"],
            standalone_question=f"standalone: {inputs['question']}",
        )

    def invoke(self, inputs: dict[str, Any]) -> Answer:
        *_, answer = self.stream(inputs)
        return answer


def add_file(index, source: str, pages: dict[int, list[str]]) -> None:
    """Write chunks straight into the index and the ledger (no ingest)."""
    texts, metas, ids = [], [], []
    for page, chunks in pages.items():
        start = 0
        for i, text in enumerate(chunks):
            texts.append(text)
            metas.append({"source": source, "page": page, "start_index": start})
            ids.append(f"{source}-{page}-{i}")
            start += len(text)
    index.store.add_texts(texts, metas, ids=ids)
    index.ledger.put(
        FileRecord(
            source=source,
            size=1,
            mtime_ns=1,
            sha256="0" * 64,
            pages=len(pages),
            chunks=len(texts),
            empty_pages=0,
            ingested_at=dt.datetime.now(dt.UTC),
        )
    )


@pytest.fixture
def fake_chain() -> FakeChain:
    """A fake chain whose one source is page 2 of /docs/report.pdf."""
    return FakeChain(
        [Source(1, "/docs/report.pdf", 2, "c1", "Cats <b>purr</b> ![x](http://e.com/x.png)", 0.8)]
    )


@pytest.fixture(name="FakeChain")
def _fake_chain_class() -> type[FakeChain]:
    """The :class:`FakeChain` class, for tests that build their own."""
    return FakeChain


@pytest.fixture(name="add_file")
def _add_file():
    """:func:`add_file`: write chunks and a ledger record without ingest."""
    return add_file


# -- the running app, with the real chain, ingest, embeddings and LLM ---------------

LIGHTHOUSE_PAGES = [
    "Welcome to the Quenta visitor guide. The old town has narrow streets and a market.",
    (
        "The lighthouse of Quenta is kept by Maribel Oster. She has tended its lamp for "
        "thirty years and climbs its 212 steps every evening."
    ),
]
ZORBIA_TEXT = (
    "Zorbia is a small inland republic. The capital of Zorbia is Tellamar, a city known "
    "for its copper roofs and its annual kite festival."
)


def _make_pdf(path, pages: list[str]) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 8, text)
    pdf.output(str(path))


@dataclass
class LiveApp:
    """The app served on loopback, with what it was built from."""

    url: str
    settings: Any
    index: Any
    docs: Path


@pytest.fixture(scope="package")
def live_app(tmp_path_factory, embeddings, llm) -> Iterator[LiveApp]:
    """The real web app (real chain, ingest and models) over a two-file corpus."""
    from ingest import ingest_paths
    from rag.index import open_index
    from rag.settings import Settings
    from rag.ui import build_app, launch

    root = tmp_path_factory.mktemp("ui-app")
    docs = root / "docs"
    docs.mkdir()
    _make_pdf(docs / "quenta-guide.pdf", LIGHTHOUSE_PAGES)
    (docs / "zorbia.txt").write_text(ZORBIA_TEXT, encoding="utf-8")
    settings = Settings(
        store={"path": str(root / "data")},
        ui={"host": "127.0.0.1", "port": free_port(), "max_upload_mb": 1},
    )
    index = open_index(settings, embeddings=embeddings)
    report = ingest_paths([docs], settings, index=index)
    assert report.counts["added"] == 2, report.entries
    # Short answers keep the suite fast; the model and its streaming are the real ones.
    demo = build_app(settings, index=index, llm=llm.bind(max_tokens=48))
    launch(demo, settings, prevent_thread_lock=True, quiet=True)
    try:
        yield LiveApp(f"http://127.0.0.1:{settings.ui.port}/", settings, index, docs)
    finally:
        demo.close()
        index.close()
