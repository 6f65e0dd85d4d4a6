"""Faults during ingest, in real processes: kill -9 at chosen points, a read-only
data folder, a full disk. Afterwards the index must equal a clean run's.

The killed child is an ordinary ingest; it only wraps one function so that it
sends itself SIGKILL at the chosen moment (while parsing a file, while
embedding a batch, or after a batch reached Chroma and the keyword index but
before the record manager recorded it).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from ingest import ingest_paths
from rag.index import open_index
from tests.ingest.conftest import assert_consistent, clean_run_ids, run_as_nobody

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SENTENCE = "Herons {n} stalk frogs in pond {m} at dawn, standing still for minutes. "

CHILD = """
import os, signal, sys
from rag.settings import load_settings
from rag.index import open_index
from ingest import ingest_paths
import ingest.api
from rag.index.store import ChunkStore

point, calls = sys.argv[2], {"n": 0}

def die_on(n):
    calls["n"] += 1
    if calls["n"] == n:
        os.kill(os.getpid(), signal.SIGKILL)

if point == "parsing":
    load = ingest.api.load_file
    def load_file(path, **kw):
        die_on(12)
        return load(path, **kw)
    ingest.api.load_file = load_file
index = open_index(load_settings())
if point == "embedding":
    embed = type(index.embeddings).embed_documents
    def embed_documents(self, texts):
        die_on(3)
        return embed(self, texts)
    type(index.embeddings).embed_documents = embed_documents
if point == "between-writes":
    add = ChunkStore.add_texts
    def add_texts(self, *args, **kw):
        ids = add(self, *args, **kw)
        die_on(3)
        return ids
    ChunkStore.add_texts = add_texts
ingest_paths([sys.argv[1]], index=index, group_size=16)
print("finished without being killed", flush=True)
"""


def make_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True)
    for n in range(24):
        text = "\n\n".join(SENTENCE.format(n=n, m=m) * 5 for m in range(3))
        (folder / f"heron{n:02}.txt").write_text(text)
    return folder


@pytest.mark.parametrize("point", ["parsing", "embedding", "between-writes"])
def test_kill_9_at_any_point_then_rerun_equals_a_clean_run(
    point, settings, embeddings, chunker, tmp_path: Path
) -> None:
    corpus = make_corpus(tmp_path / "corpus")
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(corpus), point], cwd=ROOT,
        capture_output=True, text=True, timeout=300,
    )
    assert child.returncode == -signal.SIGKILL, child.stdout + child.stderr[-2000:]

    index = open_index(settings, embeddings=embeddings)
    try:
        report = ingest_paths([corpus], index=index, chunker=chunker, group_size=16)
        assert report.ok
        assert report.counts["added"] + report.counts["unchanged"] == 24
        recovered = assert_consistent(index)
        again = ingest_paths([corpus], index=index, chunker=chunker, group_size=16)
        assert again.chunks_written == 0 and again.counts["unchanged"] == 24
    finally:
        index.close()
    assert clean_run_ids([corpus], settings, embeddings, tmp_path / "clean", chunker) == recovered


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to become user 'nobody'")
def test_a_read_only_data_folder_is_a_clear_error_and_changes_nothing(
    settings, embeddings, chunker
) -> None:
    work = Path(tempfile.mkdtemp(prefix="rag-readonly-"))
    try:
        work.chmod(0o755)
        corpus = make_corpus(work / "corpus")
        data = work / "data"
        ro = settings.model_copy(update={"store": settings.store.model_copy(update={"path": data})})
        index = open_index(ro, embeddings=embeddings)
        try:
            ingest_paths([corpus / "heron00.txt"], index=index, chunker=chunker)
            before = assert_consistent(index)
        finally:
            index.close()
        subprocess.run(["chmod", "-R", "a+rX,go-w", str(work)], check=True)
        (corpus / "heron01.txt").write_text("Changed: herons also eat fish.")

        outcome = run_as_nobody(ingest_paths, [corpus], ro)

        assert outcome.get("error") == "IngestError", outcome
        assert "not writable" in outcome["message"] and str(data) in outcome["message"]
        index = open_index(ro, embeddings=embeddings)
        try:
            assert assert_consistent(index) == before
        finally:
            index.close()
    finally:
        subprocess.run(["rm", "-rf", str(work)], check=False)


FULL_DISK = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG
limit = int(sys.argv[2])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
from rag.cli import main
sys.argv = ["rag", "ingest", sys.argv[1]]
main()
"""


def test_a_full_disk_is_a_clear_error_and_a_rerun_recovers(
    settings, embeddings, chunker, tmp_path: Path
) -> None:
    corpus = make_corpus(tmp_path / "corpus")
    for n in range(24, 200):  # enough text that the files outgrow the limit
        (corpus / f"heron{n:03}.txt").write_text(SENTENCE.format(n=n, m=0) * 40)
    result = subprocess.run(
        [sys.executable, "-c", FULL_DISK, str(corpus), str(600_000)], cwd=ROOT,
        env={**os.environ, "RAG_STORE__PATH": str(settings.store.path)},
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode != 0, result.stdout[-2000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert "disk" in result.stderr.lower() or "space" in result.stderr.lower()

    index = open_index(settings, embeddings=embeddings)
    try:
        report = ingest_paths([corpus], index=index, chunker=chunker)
        assert report.ok
        recovered = assert_consistent(index)
    finally:
        index.close()
    assert clean_run_ids([corpus], settings, embeddings, tmp_path / "clean", chunker) == recovered
