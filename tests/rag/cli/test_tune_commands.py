"""``rag tune``: refusals in words and numbers, usage errors before anything opens, JSON.

Command lines that cannot work go through Typer's runner; errors the tune
raises (:class:`rag.errors.TuneError`) through :func:`rag.cli.main`, which
turns them into one line on stderr, as the installed command does.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import rag.cli
from rag.cli import app, main
from tests.rag.conftest import ingest_pages
from tests.rag.tune.helpers import field_notes, model_in_use, switch_to_saved_copies

rag.cli._register()
runner = CliRunner()


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the CLI as the ``rag`` command does; (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as exit_info:
        main(["tune", *args])
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


def test_a_collection_too_small_is_refused_in_numbers(reports, capsys) -> None:  # noqa: ANN001
    reports.close()
    for args in ([], ["--json"]):
        code, out, err = run_main(capsys, *args)
        assert code == 1, err
        assert err.startswith("error: collection 'documents' holds 9 chunks; tuning needs at "
                              "least 200 (about 40 pages of text)")
        assert "Traceback" not in err and len(err.strip().splitlines()) == 1
        assert out == ""  # nothing a script reading --json would take for a report


def test_labelled_only_needs_pairs(isolated_state: Path) -> None:
    result = runner.invoke(app, ["tune", "--labelled-only"])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == "error: --labelled-only needs --pairs"
    assert not isolated_state.exists()  # refused before the store or a model opened


def test_pairs_that_do_not_exist_are_a_usage_error(isolated_state: Path, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-pairs.csv"
    for extra in ([], ["--labelled-only"]):
        result = runner.invoke(app, ["tune", "--pairs", str(missing), *extra])
        assert result.exit_code == 2, result.output
        assert result.stderr.strip() == f"error: --pairs: {missing} does not exist"
    assert not isolated_state.exists()


def test_revert_on_an_untuned_collection_has_nothing_to_revert(
    reports, capsys  # noqa: ANN001
) -> None:
    reports.close()
    for args in (["--revert"], ["--revert", "--json"]):
        code, out, err = run_main(capsys, *args)
        assert code == 1, err
        assert err.strip() == ("error: collection 'documents' uses sentence-transformers/"
                               "all-MiniLM-L6-v2 (onnx-int8), not a tuned model: nothing to revert")
        assert out == ""


def test_revert_says_the_model_in_use_again_as_json(
    reports, settings, tmp_path: Path, capsys  # noqa: ANN001
) -> None:
    reports.close()
    model = model_in_use(settings)
    switch_to_saved_copies(settings, tmp_path)
    assert model_in_use(settings).startswith("tuned:documents/v1:")

    code, out, err = run_main(capsys, "--revert", "--json")
    assert code == 0, err
    assert json.loads(out) == {"collection": "documents", "model": model}
    assert model_in_use(settings) == model


def test_a_real_tune_reports_as_json(index, settings, chunker, capsys) -> None:  # noqa: ANN001
    ingest_pages(index, settings, chunker, field_notes(documents=70))  # 210 chunks
    index.close()
    model = model_in_use(settings)

    code, out, err = run_main(capsys, "--json", "--max-minutes", "0.1")
    assert code == 0, err
    report = json.loads(out)
    assert report["collection"] == "documents" and report["pairs"] > report["held_out_pairs"] > 0
    assert report["steps"] >= 1 and 0.0 <= report["before"] <= 1.0 and 0.0 <= report["after"] <= 1.0
    assert set(report["checks"]) == {"heading", "inverse-cloze"}  # both kinds of pair
    assert report["kept"] == all(after > before for before, after in report["checks"].values())
    if report["kept"]:
        assert report["version"] == 1 and report["chunks_embedded"] == 210
        assert model_in_use(settings).startswith("tuned:documents/v1:")
    else:
        assert report["version"] is None and model_in_use(settings) == model

    code, out, err = run_main(capsys, "--epochs", "2")  # again, for people
    assert code == 0, err
    said = " ".join(out.split())  # as one line, whatever the terminal's width
    assert re.search(r"held-out MRR@10, heading pairs: \d\.\d{3} before, \d\.\d{3} after "
                     r"\(each pass: \d\.\d{3}, \d\.\d{3}\)", said), out
    assert "inverse-cloze pairs" in said and (" kept: " in said or " not kept: " in said)
