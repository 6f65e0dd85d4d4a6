"""Answers on a folder of documents (rag/eval/docs.py): the CSV, the metrics, the command.

Two tiny "company reports" and a four-question CSV; a scripted chat model
gives known answers, so every score can be worked out by hand.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import rag.cli
from rag.cli import app, main
from rag.errors import ConfigError
from rag.eval.docs import evaluate_docs, load_qna
from rag.eval.facts import check_facts, content_f1, entity_facts, number_facts
from rag.eval.report import compare_markdown, compare_rows, save_compare_chart, save_run
from tests.rag.eval.test_qa_eval import ScriptedModel

rag.cli._register()
PNG = b"\x89PNG\r\n\x1a\n"

ACME = (
    "# Acme Rockets quarterly report\n\n"
    "Acme Rockets reported total net sales of $81.8 billion for the third quarter of 2023. "
    "Launch services grew because of three new satellite contracts.\n"
)
BOLT = (
    "# Bolt Motors quarterly report\n\n"
    "Bolt Motors delivered 1,234 electric trucks in the third quarter of 2023. "
    "Bolt Motors builds its trucks at Gigafactory Nevada.\n"
)
Q_SALES = "What were Acme Rockets' total net sales in the third quarter of 2023?"
Q_PLANT = "Where does Bolt Motors build its trucks?"
Q_DIVIDEND = "What dividend did Zeta Corp pay to its shareholders?"
Q_TRUCKS = "How many electric trucks did Bolt Motors deliver in the third quarter of 2023?"
SCRIPT: dict[str, str | None] = {
    Q_SALES: "total net sales of $81.8 billion for the third quarter of 2023",
    Q_PLANT: "Gigafactory Nevada",
    Q_DIVIDEND: None,  # the model says "not found"
    Q_TRUCKS: "Bolt Motors delivered 1,234 electric trucks",
}
ROWS = [
    # Question, Source Docs, Question Type, Source Chunk Type, Answer
    (Q_SALES, "*2023 Q3 ACME*", "Single-Doc Single-Chunk RAG", "Text",
     "Acme Rockets reported total net sales of $81.80 billion in 2023, with an operating "
     "margin of 12%.\n\nSOURCE(S): 2023 Q3 ACME.md"),
    # The expected file is Acme's, but the answer comes from (and cites) Bolt's report.
    (Q_PLANT, "*ACME*", "Single-Doc Single-Chunk RAG", "Text",
     "Bolt Motors builds its trucks at Gigafactory Nevada. (SOURCE: 2023 Q3 BOLT.md)"),
    (Q_DIVIDEND, "*ZETA*", "Single-Doc Multi-Chunk RAG", "Table",
     "Zeta Corp paid no dividend in 2023."),
    (Q_TRUCKS, "*2022 Q3 ACME*, *2023 Q3 BOLT*", "Multi-Doc RAG", "Table",
     "Bolt Motors delivered 1,234 electric trucks in the third quarter of 2023 from "
     "Gigafactory Nevada."),
]


def _csv(rows: list[tuple[str, ...]]) -> str:
    def quote(cell: str) -> str:
        return '"' + cell.replace('"', '""') + '"'

    header = "Question,Source Docs,Question Type,Source Chunk Type,Answer"
    return "\r\n".join([header, *(",".join(quote(c) for c in row) for row in rows)]) + "\r\n"


@pytest.fixture
def reports(tmp_path: Path) -> Path:
    """A folder with two company reports."""
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "2023 Q3 ACME.md").write_text(ACME, encoding="utf-8")
    (folder / "2023 Q3 BOLT.md").write_text(BOLT, encoding="utf-8")
    return folder


@pytest.fixture
def qna_file(tmp_path: Path) -> Path:
    """The four questions as a CSV with a byte order mark, like sec10q's."""
    path = tmp_path / "qna.csv"
    path.write_text("\ufeff" + _csv(ROWS), encoding="utf-8")
    return path


def test_load_qna_reads_bom_types_and_several_globs(qna_file: Path) -> None:
    questions = load_qna(qna_file)
    assert [q.question for q in questions] == [r[0] for r in ROWS]  # BOM not in "Question"
    assert [q.kind for q in questions] == [
        "single-doc single-chunk", "single-doc single-chunk", "single-doc multi-chunk", "multi-doc",
    ]
    assert questions[3].source_globs == ("*2022 Q3 ACME*", "*2023 Q3 BOLT*")
    assert questions[0].chunk_type == "Text" and questions[0].answer.startswith("Acme Rockets")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("Question,Answer\nWhy?,Because\n", "no column(s) Source Docs"),
        ("Question,Source Docs,Answer\n,*A*,x\n", "row 2 has no question"),
        ("Question,Source Docs,Answer\n", "no questions"),
    ],
)
def test_load_qna_refuses_bad_files(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_qna(path)
    with pytest.raises(ConfigError, match="cannot read"):
        load_qna(tmp_path / "missing.csv")


def test_fact_and_f1_metrics_by_hand() -> None:
    reference = "Acme Rockets reported $1,234.50 million, up 12% in 2023 versus the 10-Q of Q3."
    assert number_facts(reference) == ["1234.5", "12", "2023"]
    assert entity_facts(reference) == ["Acme Rockets"]
    check = check_facts("It made $1234.5 million [1] at Acme Rockets in 2022.", reference)
    assert check.numbers == {"1234.5": True, "12": False, "2023": False}
    assert check.recall == 0.5 and check.number_recall == pytest.approx(1 / 3)
    assert check_facts("anything", "no facts here").recall is None
    # content words: answer {gigafactory, nevada}; reference six -> P 1, R 1/3, F1 0.5
    assert content_f1("Gigafactory Nevada [2]", "Bolt Motors builds its trucks at Gigafactory "
                      "Nevada.") == pytest.approx(0.5)


def test_scores_follow_the_answers(
    reports: Path, qna_file: Path, settings, embeddings, tmp_path: Path  # noqa: ANN001
) -> None:
    stages: list[str] = []
    run = evaluate_docs(
        reports, qna_file, settings, llm=ScriptedModel(script=SCRIPT),
        embeddings=embeddings, progress=lambda p: stages.append(p.stage),
    )
    assert run.kind == "docs" and run.collection["reused"] is False
    assert stages[0] == "ingest" and stages.count("docs") == 4
    assert run.counts["questions"] == 4 and run.counts["abstained"] == 1
    assert run.counts["files"] == 2 and run.counts["with facts"] == 4
    by_question = {r["question"]: r for r in run.details}

    sales = by_question[Q_SALES]
    assert sales["cited"] == ["2023 Q3 ACME.md"] and sales["source_correct"] is True
    # reference facts 81.8, 2023, 12, "Acme Rockets"; the answer states 81.8 and 2023
    assert sales["facts_found"] == {"81.8": True, "2023": True, "12": False, "Acme Rockets": False}
    assert sales["fact_recall"] == 0.5 and sales["fact_recall_numbers"] == pytest.approx(2 / 3)
    assert sales["answer_words"] == 12

    plant = by_question[Q_PLANT]  # cites Bolt's report where Acme's was expected
    assert plant["cited"] == ["2023 Q3 BOLT.md"] and plant["source_correct"] is False
    assert plant["fact_recall"] == 0.5 and plant["fact_recall_numbers"] is None
    assert plant["content_f1"] == pytest.approx(0.5)

    dividend = by_question[Q_DIVIDEND]
    assert dividend["not_found"] is True and dividend["source_correct"] is False
    assert dividend["fact_recall"] == 0.0 and dividend["content_f1"] == 0.0

    trucks = by_question[Q_TRUCKS]  # the second of two globs matches
    assert trucks["cited"] == ["2023 Q3 BOLT.md"] and trucks["source_correct"] is True
    assert trucks["fact_recall"] == 0.5 and trucks["fact_recall_numbers"] == 0.5

    overall = run.metrics["overall"]
    assert overall["source accuracy"] == 0.5
    assert overall["fact recall"] == pytest.approx((0.5 + 0.5 + 0.0 + 0.5) / 4)
    # Bolt's plant has no number: left out of the numbers' mean
    assert overall["fact recall numbers"] == pytest.approx((2 / 3 + 0.0 + 0.5) / 3)
    assert overall["abstention"] == 0.25
    assert overall["answer words"] == pytest.approx((12 + 2 + 6) / 3)  # abstention left out
    assert overall["total p50 s"] > 0 and overall["first token p50 s"] is not None
    assert list(run.metrics) == [
        "overall", "single-doc single-chunk", "single-doc multi-chunk", "multi-doc",
    ]
    assert run.metrics["single-doc single-chunk"]["source accuracy"] == 0.5
    assert run.metrics["single-doc multi-chunk"]["abstention"] == 1.0
    assert run.metrics["multi-doc"]["fact recall"] == 0.5

    # Saved like the other runs; a second run reuses the collection and compares.
    written = save_run(run, tmp_path / "first")
    assert written["chart"].read_bytes().startswith(PNG)
    table = written["markdown"].read_text()
    assert "| metric | overall | single-doc single-chunk |" in table
    assert "| source accuracy | 0.500 | 0.500 |" in table
    again = evaluate_docs(
        reports, qna_file, settings, llm=ScriptedModel(script={}), embeddings=embeddings, limit=2
    )
    assert again.collection["reused"] is True
    assert again.collection["name"] == run.collection["name"]
    # one question of each of the first two types, each now "not found"
    assert [r["question"] for r in again.details] == [Q_SALES, Q_DIVIDEND]
    assert again.metrics["overall"]["abstention"] == 1.0
    rows = {key: (a, b, delta) for key, a, b, delta in compare_rows(run, again)}
    assert rows["overall / source accuracy"] == (0.5, 0.0, -0.5)
    assert rows["multi-doc / source accuracy"] == (1.0, None, None)
    assert "limit: None → 2" in compare_markdown(run, again)
    assert save_compare_chart(run, again, tmp_path / "cmp.png").read_bytes().startswith(PNG)


def test_missing_or_empty_folder_is_refused(
    qna_file: Path, settings, tmp_path: Path  # noqa: ANN001
) -> None:
    with pytest.raises(ConfigError, match="documents folder not found"):
        evaluate_docs(tmp_path / "nowhere", qna_file, settings)
    (tmp_path / "empty" / ".hidden").mkdir(parents=True)
    with pytest.raises(ConfigError, match="no files in"):
        evaluate_docs(tmp_path / "empty", qna_file, settings)
    assert not (tmp_path / "rag-data").exists()  # refused before any index opens


def test_command_is_listed_and_errors_are_one_line(
    reports: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = CliRunner().invoke(app, ["eval", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0 and "docs" in result.output
    with pytest.raises(SystemExit) as exit_info:
        main(["eval", "docs", "--docs", str(reports), "--qna", str(tmp_path / "none.csv")])
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "cannot read the questions file" in err and "Traceback" not in err
    assert not (tmp_path / "rag-data").exists()  # refused before any index or model
