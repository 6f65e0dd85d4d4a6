"""The ingest commands: reports, piped and JSON forms, exit codes, errors in one line.

Most tests use Typer's runner; those about what a shell sees (whole paths on
piped stdout, no third-party progress bars, nothing loaded for a bad path)
run the real CLI in a subprocess with stdout and stderr as pipes.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import rag.cli
from ingest import FileEntry
from rag.cli import app, main

rag.cli._register()
runner = CliRunner()
TEXT = "Barn owls hunt at night. They find voles by sound alone. " * 4
MODEL_MODULES = ("torch", "transformers", "sentence_transformers", "llama_cpp", "chromadb")
# Prints which model libraries the CLI imported, when it exits.
PROBE = (
    "import atexit, sys\n"
    "atexit.register(lambda: print('imported:', [m for m in %r if m in sys.modules],"
    " file=sys.stderr))\n"
    "from rag.cli import main\n"
    "main()\n"
) % (MODEL_MODULES,)


def rag_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the real ``rag`` command, stdout and stderr being pipes (not a terminal)."""
    return subprocess.run(
        [sys.executable, "-m", "rag.cli", *args],
        capture_output=True, text=True, timeout=600, env={**os.environ, "COLUMNS": "80"},
    )


def rows(stdout: str) -> dict[str, list[str]]:
    """Piped table output: one tab-separated line per file, keyed by its file column."""
    lines = [line.split("\t") for line in stdout.splitlines()]
    keyed = {fields[1]: fields for fields in lines}
    assert len(keyed) == len(lines), stdout  # one line per file
    return keyed


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "owls.md").write_text("# Owls\n\n" + TEXT)
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\n" + b"\x00junk" * 30)
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (folder / "tool.exe").write_bytes(b"MZ")
    return folder


def test_ingest_sources_forget(docs: Path) -> None:
    result = runner.invoke(app, ["ingest", str(docs)], env={"COLUMNS": "200"})
    assert result.exit_code == 1, result.output  # the broken PDF failed
    assert "failed" in result.output and "corrupt PDF" in result.output
    assert "unsupported file type .exe" in result.output
    assert "unreadable image" in result.output  # photo.png: a PNG header and nothing more
    assert "1 added" in result.output and "chunks: 1 written" in result.output

    result = runner.invoke(app, ["sources"], env={"COLUMNS": "200"})
    assert result.exit_code == 0 and "owls.md" in result.output and "1 files, 1 chunks" in result.output

    result = runner.invoke(app, ["forget", str(docs / "owls.md")], env={"COLUMNS": "200"})
    assert result.exit_code == 0 and "1 deleted" in result.output
    result = runner.invoke(app, ["sources"])
    assert "no ingested files" in result.output

    # forgetting what is not indexed did nothing it was asked: exit 1, ok false, the reason
    result = runner.invoke(app, ["forget", "--json", str(docs / "owls.md")])
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert data["ok"] is False
    assert data["entries"][0]["status"] == "failed"
    assert data["entries"][0]["reason"].startswith("not indexed")


@pytest.mark.parametrize("kind", ["fifo", "symlink loop", "broken symlink", "device"])
def test_a_named_special_file_is_refused_with_its_reason(
    tmp_path: Path, isolated_state: Path, kind: str
) -> None:
    path = tmp_path / "special"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "symlink loop":
        path.symlink_to(path)
    elif kind == "broken symlink":
        path.symlink_to(tmp_path / "gone")
    else:
        path = Path("/dev/null")
    result = runner.invoke(app, ["ingest", "--json", str(path)])
    assert result.exit_code == 2, result.output
    reason = {"fifo": "not a regular file or folder (a FIFO)", "symlink loop": "symlink loop",
              "broken symlink": "broken symlink",
              "device": "not a regular file or folder (a character device)"}[kind]
    assert result.stderr.strip() == f"error: cannot ingest {path}: {reason}"
    assert not isolated_state.exists()  # refused before anything opened


def test_the_library_reports_a_named_special_file_as_failed(
    tmp_path: Path, settings, embeddings  # noqa: ANN001
) -> None:
    from ingest import ingest_paths
    from rag.index import open_index

    os.mkfifo(tmp_path / "pipe")
    index = open_index(settings, embeddings=embeddings)
    try:
        report = ingest_paths([tmp_path / "pipe"], index=index)
    finally:
        index.close()
    assert not report.ok
    assert [(e.status, e.reason) for e in report.entries] == [
        ("failed", "not a regular file or folder (a FIFO)")]


def test_chunk_change_is_refused_until_reindex(
    docs: Path, index, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]  # noqa: ANN001
) -> None:
    from ingest import ingest_paths

    ingest_paths([docs / "owls.md"], index=index)
    monkeypatch.setenv("RAG_CHUNKING__SIZE_TOKENS", "100")
    with pytest.raises(SystemExit) as exit_info:
        main(["ingest", "--exclude", "*.pdf", "--exclude", "*.png", str(docs)])
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "error:" in err and "--reindex" in err and "Traceback" not in err

    with pytest.raises(SystemExit) as exit_info:
        main(["ingest", "--reindex", "--exclude", "*.pdf", "--exclude", "*.png", str(docs)])
    assert exit_info.value.code == 0
    out, err = capsys.readouterr()
    assert f"added\t{docs / 'owls.md'}\t" in out and "files: 1 added" in err


@pytest.fixture
def deep(tmp_path: Path) -> Path:
    """Files far longer than 80 columns, two with the same name, hidden ones."""
    root = tmp_path / "a-rather-long-folder-name-for-documents" / "second-level-folder-long-name"
    for sub in ("sub-one", "sub-two", ".drafts"):
        (root / sub).mkdir(parents=True)
    latin = ("Le café coûte 3 € à Noël; owls hunt at night. " * 3).encode("cp1252")
    (root / "sub-one" / "cp1252.txt").write_bytes(latin)
    (root / "sub-two" / "cp1252.txt").write_bytes(latin)
    (root / "owls.md").write_text("# Owls\n\n" + TEXT)
    (root / ".notes.txt").write_text("Hidden notes. " + TEXT)
    (root / ".drafts" / "plan.md").write_text("# Plan\n\n" + TEXT)
    return root.resolve()


def test_piped_reports_keep_whole_paths_one_line_each_and_no_progress_bars(deep: Path) -> None:
    visible = [str(deep / n) for n in ("owls.md", "sub-one/cp1252.txt", "sub-two/cp1252.txt")]
    assert min(len(path) for path in visible) > 100

    ingested = rag_cli("ingest", str(deep.parent))
    assert ingested.returncode == 0, ingested.stderr
    assert {path: (f[0], f[4]) for path, f in rows(ingested.stdout).items()} == {
        **{path: ("added", "") for path in visible},
        str(deep / ".notes.txt"): ("skipped", "hidden file"),
        str(deep / ".drafts"): ("skipped", "hidden folder"),  # one line for the folder
    }
    assert "files: 3 added, 2 skipped" in ingested.stderr  # totals on stderr, not in the rows
    assert "--include-hidden" in ingested.stderr
    for noise in ("Loading weights", "%|", "it/s", "Batches", "llama_"):
        assert noise not in ingested.stderr, ingested.stderr

    listed = rag_cli("sources")
    assert listed.returncode == 0, listed.stderr
    assert [line.split("\t")[0] for line in listed.stdout.splitlines()] == sorted(visible)
    grep = [line for line in listed.stdout.splitlines() if "cp1252.txt" in line]
    assert [line.split("\t")[0] for line in grep] == visible[1:]  # both, told apart
    assert "3 files, 3 chunks" in listed.stderr and "…" not in listed.stdout

    hidden_too = rag_cli("ingest", "--json", "--include-hidden", str(deep.parent))
    assert hidden_too.returncode == 0, hidden_too.stderr
    report = json.loads(hidden_too.stdout)  # nothing but the JSON report on stdout
    assert {e["source"]: e["status"] for e in report["entries"]} == {
        **{path: "unchanged" for path in visible},
        str(deep / ".notes.txt"): "added",
        str(deep / ".drafts" / "plan.md"): "added",
    }
    assert all(set(e) == {f.name for f in dataclasses.fields(FileEntry)} for e in report["entries"])
    assert report["counts"]["added"] == 2 and report["ok"] is True
    assert report["chunks_written"] == 2 and report["collection"] == "documents"


def test_sources_json_lists_every_ledger_record(deep: Path, settings) -> None:  # noqa: ANN001
    import datetime as dt

    from rag.index import FileRecord, open_ledger

    now = dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.timezone.utc)
    ledger = open_ledger(settings)
    try:
        ledger.put(*(FileRecord(str(deep / n), 10, 1, "0" * 64, 2, 3, 1, now)
                     for n in ("owls.md", "sub-one/cp1252.txt")))
    finally:
        ledger.engine.dispose()
    result = runner.invoke(app, ["sources", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["collection"] == "documents" and data["chunks"] == 6
    assert [f["source"] for f in data["files"]] == [str(deep / "owls.md"),
                                                    str(deep / "sub-one/cp1252.txt")]
    assert data["files"][0] == {
        "source": str(deep / "owls.md"), "size": 10, "mtime_ns": 1, "sha256": "0" * 64,
        "pages": 2, "chunks": 3, "empty_pages": 1, "ingested_at": "2026-01-02T03:04:00+00:00",
        "ocr_pages": [],
    }


def test_a_missing_path_is_refused_before_any_model_or_store(
    deep: Path, isolated_state: Path
) -> None:
    missing = "/nonexistent/foo.pdf"
    result = subprocess.run(
        [sys.executable, "-c", PROBE, "ingest", str(deep), missing],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 2, result.stderr
    assert f"error: cannot ingest {missing}: no such file or folder" in result.stderr
    assert "imported: []" in result.stderr  # no model library, not even Chroma
    assert result.stdout == "" and not isolated_state.exists()  # no store folder either


def test_prune_accepts_a_deleted_folder(tmp_path: Path, isolated_state: Path) -> None:
    result = runner.invoke(app, ["ingest", "--prune", "--dry-run", str(tmp_path / "gone")])
    assert result.exit_code == 0, result.output  # the folder may have been deleted: prune it
    assert "files: none" in result.output


def test_pages_read_by_ocr_are_named_in_the_report_and_sources(isolated_state: Path,
                                                               tmp_path: Path) -> None:
    from tests.scans import scan_image, scanned_pdf

    folder = tmp_path / "scans"
    folder.mkdir()
    letter = "Dear tenant, the boiler in flat 4 will be serviced on Tuesday morning. " * 3
    scanned_pdf(folder / "letter.pdf", [scan_image(letter), scan_image(letter)], 200)

    result = rag_cli("ingest", str(folder))
    assert result.returncode == 0, result.stderr
    assert rows(result.stdout)[str(folder / "letter.pdf")][1:] == [
        str(folder / "letter.pdf"), "2", "2", "read by OCR"]
    assert "2 page(s) read by OCR" in result.stderr

    listed = rag_cli("sources")
    file, pages, chunks, empty, ocr, _ = listed.stdout.strip().split("\t")
    assert (file, pages, chunks, empty, ocr) == (str(folder / "letter.pdf"), "2", "2", "", "1-2")
    data = json.loads(rag_cli("sources", "--json").stdout)
    assert data["files"][0]["ocr_pages"] == [1, 2]


def test_a_library_warning_is_printed_with_its_file(tmp_path: Path, isolated_state: Path) -> None:
    from tests.ingest.conftest import make_pdf

    data = make_pdf(tmp_path / "shifted.pdf", [TEXT]).read_bytes()
    at = data.rindex(b"startxref") + len(b"startxref\n")
    offset = data[at:].split()[0]
    (tmp_path / "shifted.pdf").write_bytes(data[:at] + str(int(offset) + 7).encode()
                                           + data[at + len(offset):])
    result = runner.invoke(app, ["ingest", str(tmp_path / "shifted.pdf")])
    assert result.exit_code == 0, result.output
    warned = [line for line in result.output.splitlines() if "startxref" in line]
    assert warned and all(line.startswith(f"warning: {tmp_path / 'shifted.pdf'}: pypdf: ")
                          for line in warned), result.output
