"""``rag ask``: the question and ``--source`` are checked before any model loads.

Opening the index for the chain loads the embedding model and creates the
store's Chroma folder and keyword database; these refusals must come before
that, so the tests check that neither was created.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from typer.testing import CliRunner

import rag.cli
from rag.cli import app
from rag.index import FileRecord, open_ledger

rag.cli._register()
runner = CliRunner()


def test_a_too_long_question_is_refused_before_anything_opens(isolated_state: Path) -> None:
    result = runner.invoke(app, ["ask", "why " * 12_500])
    assert result.exit_code == 2, result.output
    assert "error: the question is too long (49999 characters; at most 2000)" in result.stderr
    assert not isolated_state.exists()  # no store, so no index and no model


def test_the_limit_is_the_chains_setting(isolated_state: Path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("RAG_RETRIEVAL__MAX_QUESTION_CHARS", "20")
    result = runner.invoke(app, ["ask", "How long do barn owls live?"])
    assert result.exit_code == 2 and "at most 20)" in result.stderr
    result = runner.invoke(app, ["ask", " \t "])
    assert result.exit_code == 2 and "error: the question is empty" in result.stderr


def test_an_invalid_collection_name_is_a_usage_error(isolated_state: Path) -> None:
    for name in ("bad name!", "x", "a..b"):
        result = runner.invoke(app, ["ask", "--collection", name, "Where do owls hunt?"])
        assert result.exit_code == 2, result.output
        assert f"error: invalid settings: store.collection: invalid collection name {name!r}: " \
               "use 3-63 letters" in result.stderr
    assert not isolated_state.exists()  # refused before Chroma saw the name


def test_an_invalid_option_is_a_usage_error(isolated_state: Path) -> None:
    result = runner.invoke(app, ["ask", "--mode", "fast", "Where do owls hunt?"])
    assert result.exit_code == 2, result.output
    assert "error: invalid settings: retrieval.mode: Input should be 'hybrid'" in result.stderr
    assert not isolated_state.exists()


def test_an_unknown_source_is_refused_naming_it(settings, tmp_path: Path) -> None:  # noqa: ANN001
    owls = tmp_path / "docs" / "owls.md"
    ledger = open_ledger(settings)
    try:
        ledger.put(FileRecord(str(owls), 1, 1, "0" * 64, 1, 1, 0, dt.datetime.now(dt.timezone.utc)))
    finally:
        ledger.engine.dispose()
    args = ["--source", "/no/such/file.pdf", "--source", "*.nomatch", "--source", str(owls)]
    result = runner.invoke(app, ["ask", *args, "--source", "docs", "Where do owls hunt?"])
    assert result.exit_code == 2, result.output
    error = result.stderr.strip()
    assert error == (
        "error: --source /no/such/file.pdf, *.nomatch: matches no file of collection "
        "'documents' (see rag sources)"
    )  # the file and its folder ("docs", relative to here) matched: not named
    store = settings.store.path
    assert not (store / "chroma").exists() and not (store / "keywords.sqlite3").exists()
