"""A folder of one file of each newer format (slides, sheets, e-book, notebook, mail):
one plain question each, answered through the real chain with the right citation.

The files are made on the spot with the libraries that write them; the folder
is ingested once into a store of its own and each question is asked once with
default settings (quoted answers). Each answer must hold the expected words in
its short fact or first quote, cite the question's file first, and say where in
the file (a slide, a sheet's rows, a message).
"""

from __future__ import annotations

import json
import mailbox
import os
from pathlib import Path

import pytest

from tests.ingest.readers.test_mail import make_msg, message
from tests.ingest.readers.test_sheets import make_xlsx
from tests.ingest.readers.test_slides_and_books import make_epub, make_pptx

pytestmark = pytest.mark.slow

QUESTIONS = [
    # (file, question, expected words, where the first quote's source is)
    ("sales.xlsx", "What was the revenue of the Northern region in March?", "1,250",
     "Sales rows 2-4"),
    ("review.pptx", "How many engineers will be hired in May?", "two engineers", "slide 2"),
    ("seats.csv", "How many seats does the Team plan have?", "10", "seats rows 2-3"),
    ("tales.epub", "When was the lighthouse built?", "1871", "chapter"),
    ("tides.ipynb", "When does high tide come?", "noon", None),
    ("windows.eml", "When do the window cleaners come?", "Friday", None),
    ("inbox.mbox", "How many units of the Tarn kettle were sold?", "340",
     "msg 2: Kettle report"),
    ("visit.msg", "When does the engineer come?", "Tuesday at 9", None),
]


def _folder(root: Path) -> Path:
    root.mkdir()
    make_xlsx(root / "sales.xlsx")
    make_pptx(root / "review.pptx")
    (root / "seats.csv").write_text("Plan,Seats,Price\nBasic,1,$9\nTeam,10,$49\n",
                                    encoding="utf-8")
    make_epub(root / "tales.epub")
    (root / "tides.ipynb").write_text(json.dumps({"nbformat": 4, "metadata": {}, "cells": [
        {"cell_type": "markdown", "source": "# Tides at Pell harbour\nHigh tide comes at noon."},
        {"cell_type": "code", "source": "tides = load('pell.csv')", "outputs": []}]}),
        encoding="utf-8")
    (root / "windows.eml").write_bytes(bytes(message(
        "Window cleaning", "The window cleaners come on Friday at 8 and need the side gate open.")))
    box = mailbox.mbox(str(root / "inbox.mbox"))
    box.add(message("Office move", "The office moves to the third floor in June."))
    box.add(message("Kettle report", "We sold 340 units of the Tarn kettle last quarter."))
    box.close()
    make_msg(root / "visit.msg")
    return root


@pytest.fixture(scope="module")
def answers(tmp_path_factory: pytest.TempPathFactory, onnx_exports: Path, embeddings,
            llm) -> dict[str, object]:
    """Each question's answer, by file."""
    from ingest import ingest_paths
    from rag.chain import build_chain
    from rag.index import open_index
    from rag.settings import Settings

    work = tmp_path_factory.mktemp("formats")
    with pytest.MonkeyPatch.context() as patch:
        for key in list(os.environ):
            if key.startswith("RAG_"):
                patch.delenv(key)
        patch.chdir(work)
        settings = Settings(store={"path": work / "store"},
                            embedding={"export_dir": onnx_exports})
        index = open_index(settings, embeddings=embeddings)
        try:
            report = ingest_paths([_folder(work / "docs")], settings, index=index)
            assert all(e.status == "added" for e in report.entries), report.entries
            chain = build_chain(settings, index=index, llm=llm)
            return {name: chain.invoke({"question": question})
                    for name, question, _, _ in QUESTIONS}
        finally:
            index.close()


@pytest.mark.parametrize(("name", "question", "expected", "where"), QUESTIONS,
                         ids=[q[0] for q in QUESTIONS])
def test_each_format_answers_with_the_right_citation(answers: dict, name: str, question: str,
                                                     expected: str, where: str | None) -> None:
    answer = answers[name]
    assert not answer.not_found, question
    first = answer.quotes[0]
    shown = f"{answer.short or ''} {first.flat_text}"
    assert expected in shown, (question, answer.text)
    source = next(s for s in answer.sources if s.n == first.n)
    assert source.file_name == name, (question, answer.text)
    if where is not None:
        assert source.location is not None and source.location.startswith(where)


def test_a_spreadsheet_cell_is_quoted_with_its_row_and_column_heads(answers: dict) -> None:
    first = answers["sales.xlsx"].quotes[0]
    assert first.flat_text == "Region: Northern; Month: March; Revenue: 1,250"
    assert answers["sales.xlsx"].sources[first.n - 1].citation == "sales.xlsx:Sales!2-4"
