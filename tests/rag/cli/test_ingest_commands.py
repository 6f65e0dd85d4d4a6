"""The ingest commands through Typer's runner: reports, exit codes, errors in one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import rag.cli
from rag.cli import app, main

rag.cli._register()
runner = CliRunner()
TEXT = "Barn owls hunt at night. They find voles by sound alone. " * 4


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "owls.md").write_text("# Owls\n\n" + TEXT)
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\n" + b"\x00junk" * 30)
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return folder


def test_ingest_sources_forget(docs: Path) -> None:
    result = runner.invoke(app, ["ingest", str(docs)], env={"COLUMNS": "200"})
    assert result.exit_code == 1, result.output  # the broken PDF failed
    assert "failed" in result.output and "corrupt PDF" in result.output
    assert "unsupported file type .png" in result.output
    assert "1 added" in result.output and "chunks: 1 written" in result.output

    result = runner.invoke(app, ["sources"], env={"COLUMNS": "200"})
    assert result.exit_code == 0 and "owls.md" in result.output and "1 files, 1 chunks" in result.output

    result = runner.invoke(app, ["forget", str(docs / "owls.md")], env={"COLUMNS": "200"})
    assert result.exit_code == 0 and "1 deleted" in result.output
    result = runner.invoke(app, ["sources"])
    assert "no ingested files" in result.output


def test_chunk_change_is_refused_until_reindex(
    docs: Path, index, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]  # noqa: ANN001
) -> None:
    from ingest import ingest_paths

    ingest_paths([docs / "owls.md"], index=index)
    monkeypatch.setenv("RAG_CHUNKING__SIZE_TOKENS", "100")
    with pytest.raises(SystemExit) as exit_info:
        main(["ingest", "--exclude", "*.pdf", str(docs)])
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "error:" in err and "--reindex" in err and "Traceback" not in err

    with pytest.raises(SystemExit) as exit_info:
        main(["ingest", "--reindex", "--exclude", "*.pdf", str(docs)])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "1 added" in out
