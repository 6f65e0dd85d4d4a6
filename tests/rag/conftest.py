"""Fixtures shared by the tests of the query path."""

from __future__ import annotations

import pytest
from langchain_core.documents import Document

REPORTS = {
    "/r/acme.txt": [
        "Acme Corporation quarterly report for the third quarter.",
        "The Company's gross margin was 41 percent, up from 38 percent a year ago.",
        "Acme opened two new factories and hired 300 engineers.",
    ],
    "/r/globex.txt": [
        "Globex quarterly report for the third quarter.",
        "Gross margin: the gross margin was 35 percent; gross margin fell as costs rose.",
        "Globex sold its shipping business.",
    ],
    "/r/initech.txt": [
        "Initech quarterly report for the third quarter.",
        "Gross margin rose: gross margin was 52 percent, the highest gross margin so far.",
        "Initech moved its headquarters to Austin.",
    ],
}
"""Three companies' reports, three chunks each. Only Acme's say "Acme", and its
gross-margin chunk does not; the other two say "gross margin" more often."""


def ingest_pages(index, settings, chunker, files: dict[str, list[str]]):  # noqa: ANN001, ANN201
    """Ingest ``files`` (source to its pages' texts) into ``index``, one chunk per page."""
    from ingest import ingest_documents

    docs = [Document(text, metadata={"source": source})
            for source, pages in files.items() for text in pages]
    ingest_documents(docs, settings, index=index, chunker=chunker)
    return index


@pytest.fixture
def reports(index, settings, chunker):  # noqa: ANN001
    """The index holding :data:`REPORTS`, ingested as documents (one chunk per page)."""
    return ingest_pages(index, settings, chunker, REPORTS)


@pytest.fixture
def notes(index, settings, chunker):  # noqa: ANN001, ANN201
    """The settings of a collection holding the tune tests' field notes (48 chunks),
    closed so that others may open it."""
    from tests.rag.tune.helpers import field_notes

    ingest_pages(index, settings, chunker, field_notes())
    index.close()
    return settings
