"""Fixture builders for ingest tests: real files generated on the spot."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from langchain_core.embeddings import Embeddings


def make_pdf(
    path: Path,
    pages: Sequence[str],
    *,
    title: str | None = None,
    owner_password: str | None = None,
    user_password: str | None = None,
    roman_labels: bool = False,
) -> Path:
    """Write a real PDF with one text block per page (an empty string: a blank page)."""
    from fpdf import FPDF
    from fpdf.enums import EncryptionMethod

    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    if title:
        pdf.set_title(title)
    for number, text in enumerate(pages):
        pdf.add_page()
        if roman_labels and number == 0:
            pdf.set_page_label(label_style="r")
        if text:
            pdf.multi_cell(0, 6, text)
    if owner_password is not None:
        pdf.set_encryption(
            owner_password=owner_password,
            user_password=user_password,
            encryption_method=EncryptionMethod.AES_128,
        )
    pdf.output(str(path))
    return path


def make_docx(path: Path, paragraphs: Sequence[str], *, title: str | None = None) -> Path:
    """Write a real DOCX with a heading, paragraphs and a small table."""
    import docx

    document = docx.Document()
    if title:
        document.core_properties.title = title
        document.add_heading(title, level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "cell alpha"
    table.rows[0].cells[1].text = "cell beta"
    document.save(str(path))
    return path


def rows_of(chunk) -> list[str]:  # noqa: ANN001 - rag.index.Chunk
    """The table rows a stored chunk quotes, each with its column heads ("Plan: Basic; ...")."""
    from rag.index.units import UNITS_KEY, decode_units, readable

    return [readable(chunk.text[u.start:u.end], u.heads)
            for u in decode_units(chunk.metadata[UNITS_KEY]) if u.kind == "row"]


def stored_ids(index) -> tuple[set[str], set[str], set[str]]:  # noqa: ANN001
    """The chunk ids in Chroma, in the keyword index and in the record manager."""
    chroma = {chunk.id for chunk in index.fetch()}
    return chroma, index.keywords.ids(), set(index.records.list_keys())


def assert_consistent(index) -> set[str]:  # noqa: ANN001
    """Assert that the three stores hold exactly the same ids; return them."""
    chroma, keywords, records = stored_ids(index)
    assert chroma == keywords == records
    return chroma


def clean_run_ids(paths, settings, embeddings, folder: Path, chunker) -> set[str]:  # noqa: ANN001
    """Ingest ``paths`` into a fresh index in ``folder``; return its consistent chunk ids."""
    from ingest import ingest_paths
    from rag.index import open_index

    store = settings.store.model_copy(update={"path": folder})
    clean = open_index(settings.model_copy(update={"store": store}), embeddings=embeddings)
    try:
        ingest_paths(paths, index=clean, chunker=chunker)
        return assert_consistent(clean)
    finally:
        clean.close()


@pytest.fixture(scope="session")
def tokenizer(embeddings):
    """Counts a text's tokens as the bundled model reads them (special tokens included,
    never truncated), and the model's max sequence length."""
    from tokenizers import Tokenizer

    from rag.models import BUNDLED_EMBEDDING

    raw = Tokenizer.from_file(str(BUNDLED_EMBEDDING.locate() / "tokenizer.json"))
    raw.no_truncation()
    raw.no_padding()
    return (lambda text: len(raw.encode(text).ids)), embeddings.max_seq_length


def run_as_nobody(work: Callable[..., Any], *args: Any) -> dict[str, Any]:
    """Run ``work(*args)`` in a forked child as user ``nobody`` (needs root).

    Root reads and writes anything, so permission faults only exist for another
    user; the venv's interpreter lives under /root, which ``nobody`` cannot
    run, so the child is forked rather than started.

    Returns:
        ``{"value": <work's JSON-able result>}`` or ``{"error": <type>, "message": <str>}``.
    """
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: drop privileges, work, report, exit
        code = 1
        try:
            os.close(read_end)
            os.setgid(65534)
            os.setuid(65534)
            try:
                outcome = {"value": work(*args)}
            except Exception as exc:  # noqa: BLE001 - reported to the parent
                outcome = {"error": type(exc).__name__, "message": str(exc)}
            with os.fdopen(write_end, "w") as pipe:
                json.dump(outcome, pipe)
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    return json.loads(data)


class RecordingEmbeddings(Embeddings):
    """The real model, keeping every text it was asked to embed."""

    def __init__(self, inner: Embeddings) -> None:
        self.inner = inner
        self.texts: list[str] = []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.texts.extend(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)
