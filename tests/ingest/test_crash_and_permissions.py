"""Crash safety (SIGKILL in the middle of an ingest) and unreadable files, in real processes."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from ingest import ingest_paths
from ingest.discover import discover
from ingest.jobs import Part, file_batches
from rag.index import open_index
from tests.ingest.conftest import assert_consistent, clean_run_ids, run_as_nobody

ROOT = Path(__file__).resolve().parents[2]
SENTENCE = "Owls {n} hunt voles in meadow {m} at dusk, guided by hearing. "

CHILD = """
import sys
from rag.settings import load_settings
from rag.index import open_index
from ingest import ingest_paths
from ingest.discover import discover
from ingest.jobs import Part, file_batches
index = open_index(load_settings())
ingest_paths([sys.argv[1]], index=index, group_size=16)
print("done", flush=True)
"""


def make_corpus(folder: Path) -> Path:
    folder.mkdir()
    for n in range(30):
        text = "\n\n".join(SENTENCE.format(n=n, m=m) * 6 for m in range(4))
        (folder / f"doc{n:02}.txt").write_text(text)
    big = "\n\n".join(SENTENCE.format(n="big", m=m) * 6 for m in range(40))
    (folder / "big.txt").write_text(big)  # more chunks than a group: written in parts
    return folder


def record_count(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM upsertion_record").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


@pytest.mark.slow
def test_killed_ingest_then_rerun_equals_a_clean_run(
    settings, embeddings, tmp_path: Path, chunker  # noqa: ANN001
) -> None:
    corpus = make_corpus(tmp_path / "corpus")
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(corpus)], cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )
    db = settings.store.path / "records.sqlite3"
    deadline = time.monotonic() + 240
    while record_count(db) < 40 and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    killed_mid_run = child.poll() is None
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert killed_mid_run, "the ingest finished before it could be killed"

    index = open_index(settings, embeddings=embeddings)
    try:
        partial = record_count(db)
        assert 0 < partial
        report = ingest_paths([corpus], index=index, chunker=chunker, group_size=16)
        assert report.ok and report.counts["added"] + report.counts["unchanged"] == 31
        recovered = assert_consistent(index)
        assert len(index.ledger.all()) == 31
    finally:
        index.close()

    assert clean_run_ids([corpus], settings, embeddings, tmp_path / "clean", chunker) == recovered


def _producer_outcomes(files, chunker) -> dict[str, tuple[str, str, int]]:  # noqa: ANN001
    outcomes = {}
    for batch in file_batches(files, {}, chunker, password=None, group_size=64):
        for item in batch.items:
            if isinstance(item, Part):
                outcomes[Path(item.source).name] = ("read", "", len(item.chunks))
            else:
                outcomes[Path(item.entry.source).name] = (item.entry.status, item.entry.reason, 0)
    return outcomes


def test_unreadable_file_fails_alone(chunker) -> None:  # noqa: ANN001
    # Root reads chmod-000 files, so as root the reading runs in a forked child
    # that drops to user "nobody" (in a folder that user can reach).
    work = Path(tempfile.mkdtemp(prefix="rag-unreadable-"))
    try:
        work.chmod(0o755)
        (work / "ok.txt").write_text("Readable owls hunt at night.")
        (work / "secret.txt").write_text("Secret owls.")
        (work / "ok.txt").chmod(0o644)
        (work / "secret.txt").chmod(0o000)
        files = discover([work]).files
        if os.geteuid() != 0:
            outcomes = _producer_outcomes(files, chunker)
        else:
            got = run_as_nobody(_producer_outcomes, files, chunker)
            outcomes = {k: tuple(v) for k, v in got["value"].items()}
    finally:
        subprocess.run(["rm", "-rf", str(work)], check=False)
    assert outcomes["ok.txt"][0] == "read" and outcomes["ok.txt"][2] == 1
    status, reason, _ = outcomes["secret.txt"]
    assert status == "failed" and reason.startswith("permission denied")
