"""A scanned PDF, read by OCR at ingest, answers a question with its page cited."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.scans import scan_image, scanned_pdf

pytestmark = pytest.mark.slow

PAGES = [
    "Minutes of the tenants' meeting. The residents agreed to repaint the stairwell in "
    "spring and to plant two cherry trees in the courtyard.",
    "Lease summary. The warehouse lease at 14 Harbour Road ends on 28 February 2029. "
    "Rent is paid monthly in advance and the tenant insures the building against fire.",
    "Boiler service report. The engineer replaced the pressure valve of the boiler in "
    "flat 4 and measured a flue gas temperature of 64 degrees.",
]


def test_a_question_about_a_scanned_page_cites_that_page(
    tmp_path: Path, embeddings, llm  # noqa: ANN001
) -> None:
    from typer.testing import CliRunner

    import ingest
    import rag.cli
    from rag.chain import build_chain
    from rag.cli import app
    from rag.index import open_index
    from rag.settings import Settings

    docs = tmp_path / "docs"
    docs.mkdir()
    scanned_pdf(docs / "building.pdf", [scan_image(text, dpi=200, seed=n)
                                         for n, text in enumerate(PAGES)], 200)
    settings = Settings(store={"path": tmp_path / "data"})
    index = open_index(settings, embeddings=embeddings)
    try:
        (entry,) = ingest.ingest_paths([docs], settings, index=index).entries
        assert entry.ocr_pages == (1, 2, 3)
        answer = build_chain(settings, llm=llm, index=index).invoke(
            {"question": "When does the Harbour Road warehouse lease end?"})
    finally:
        index.close()
    assert not answer.not_found and "2029" in answer.text
    assert (answer.cited_sources[0].file_name, answer.cited_sources[0].page) == (
        "building.pdf", 2)

    rag.cli._register()
    result = CliRunner().invoke(
        app, ["ask", "When does the Harbour Road warehouse lease end?"],
        env={"RAG_STORE__PATH": str(tmp_path / "data")})
    assert result.exit_code == 0, result.output
    assert "28 February 2029" in result.output and "building.pdf:2" in result.output
