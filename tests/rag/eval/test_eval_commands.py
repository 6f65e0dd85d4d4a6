"""``rag eval`` (rag/cli/eval_commands.py) through Typer's runner.

Tables, saved files, comparison, progress lines, one-line errors.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import rag.cli
from rag.cli import app, main

rag.cli._register()
runner = CliRunner()
WIDE = {"COLUMNS": "200"}
PNG = b"\x89PNG\r\n\x1a\n"


def test_retrieval_runs_are_saved_and_compared(beir_dir: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "run-a", tmp_path / "run-b"
    args = ["eval", "retrieval", "--dataset", str(beir_dir), "--out", str(first)]
    result = runner.invoke(app, [*args, "--modes", "dense,bm25"], env=WIDE)
    assert result.exit_code == 0, result.output
    assert "nDCG@10" in result.output and "Recall@100" in result.output
    assert "3 judged queries" in result.output
    saved = json.loads((first / "results.json").read_text())
    assert list(saved["metrics"]) == ["dense", "bm25"] and saved["params"]["split"] == "test"
    assert (first / "chart.png").read_bytes().startswith(PNG)
    assert "| nDCG@10 |" in (first / "results.md").read_text()

    args[-1] = str(second)
    result = runner.invoke(app, [*args, "--modes", "bm25", "--limit", "2"], env=WIDE)
    assert result.exit_code == 0, result.output
    assert "(reused)" in result.output

    out = tmp_path / "cmp"
    result = runner.invoke(app, ["eval", "compare", str(first), str(second / "results.json"),
                                 "--out", str(out)], env=WIDE)
    assert result.exit_code == 0, result.output
    assert "bm25 / nDCG@10" in result.output and "dense / MRR@10" in result.output
    assert "limit: None → 2" in result.output  # what differs between the runs
    assert (out / "compare.png").read_bytes().startswith(PNG)
    assert "Δ (B − A)" in (out / "compare.md").read_text()


def test_default_output_folder(beir_dir: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["eval", "retrieval", "--dataset", str(beir_dir), "--modes", "bm25", "--limit", "1"],
        env=WIDE,
    )
    assert result.exit_code == 0, result.output
    # Not a terminal: progress comes as lines with an ETA instead of a bar.
    assert "retrieval: 1/1" in result.output and "ETA" in result.output
    runs = list((tmp_path / "eval-runs").glob("*-retrieval"))  # the test's working folder
    assert len(runs) == 1 and (runs[0] / "results.json").is_file()


@pytest.mark.parametrize(
    "argv",
    [
        ["eval", "retrieval", "--dataset", "no-such-folder"],
        ["eval", "compare", "missing-a.json", "missing-b.json"],
    ],
)
def test_errors_are_one_line(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "error:" in err and "Traceback" not in err


def test_qa_refuses_overlapping_articles(
    squad_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["eval", "qa", "--squad", str(squad_file), "--articles", "0-1",
              "--off-corpus-articles", "1-2"])
    assert exit_info.value.code == 1
    assert "both ingested and off-corpus" in capsys.readouterr().err


@pytest.mark.slow
def test_qa_with_the_configured_model(squad_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "qa"
    result = runner.invoke(
        app,
        ["eval", "qa", "--squad", str(squad_file), "--articles", "0-1",
         "--off-corpus-articles", "2", "--limit", "2", "--seed", "5", "--out", str(out)],
        env=WIDE,
    )
    assert result.exit_code == 0, result.output
    assert "exact match" in result.output and "recall off-corpus" in result.output
    saved = json.loads((out / "results.json").read_text())
    assert len(saved["details"]) == 2 and saved["params"]["seed"] == 5
    assert saved["params"]["off_corpus_articles"] == "2"
    assert (out / "chart.png").read_bytes().startswith(PNG)


def test_retrieval_with_another_model_gets_its_own_collection(
    beir_dir: Path, tmp_path: Path
) -> None:
    from rag.models import resolve_embedding_model
    from rag.settings import load_settings

    folder = Path(resolve_embedding_model(load_settings().embedding)[1])
    runs = {}
    for name, extra in (("configured", []), ("folder", ["--model", str(folder)])):
        out = tmp_path / name
        result = runner.invoke(app, ["eval", "retrieval", "--dataset", str(beir_dir), "--modes",
                                     "dense", "--out", str(out), *extra], env=WIDE)
        assert result.exit_code == 0, result.output
        runs[name] = json.loads((out / "results.json").read_text())["collection"]
    assert str(folder) in runs["folder"]["embedding_model"]
    assert str(folder) not in runs["configured"]["embedding_model"]
    assert runs["folder"]["name"] != runs["configured"]["name"]


def test_retrieval_model_must_be_a_folder(beir_dir: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["eval", "retrieval", "--dataset", str(beir_dir),
                                 "--model", str(tmp_path / "missing")])
    assert result.exit_code == 2
    assert "is not a model folder" in result.output
