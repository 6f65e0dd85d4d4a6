"""rag tune killed (SIGKILL) while training, re-embedding or swapping collections.

Each test runs a real tune in a child process that stops at a known point (a
progress callback, or Chroma's rename, writes a marker and waits on its
stdin), kills it there with SIGKILL, and checks in this process that the
collection still answers with the model it had: the same manifest, the
same vectors, searches that find the right chunk, no work collection left
in its place, no half-made version in use, and the next run cleaning up.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rag.index import make_chroma_client, open_index
from rag.models.tuned import TunedModels
from rag.tune import revert
from tests.rag.tune.helpers import model_in_use, switch_to_saved_copies, vectors

# The tune the tests kill: the trained model always wins (a fake score), so it
# goes on to save a version and re-embed. ``stage`` says where it stops.
CHILD = r"""
import os
import sys
from pathlib import Path

from rag.models import ensure_offline

ensure_offline()
import rag.index.reembed
from rag.tune import tune

marker, stage = Path(sys.argv[1]), sys.argv[2]


def hold(where):
    # Say where we are, then wait to be killed (end of stdin: the parent is gone).
    marker.with_suffix(".tmp").write_text(where)
    marker.with_suffix(".tmp").replace(marker)
    sys.stdin.read()
    os._exit(3)


def progress(name, done, total, seconds):
    if name == stage:
        hold(f"{name} {done} {total}")


if stage == "embed":
    rag.index.reembed._PAGE = 16  # re-embed in pages of 16, so the kill comes part-way
if stage == "swap":
    from chromadb.api.models.Collection import Collection

    rename = Collection.modify

    def cut(self, name=None, **changes):
        if name is not None and self.name == name + rag.index.reembed.NEXT:
            hold("swap 0 0")  # the old collection is renamed away, the new one not yet in
        return rename(self, name=name, **changes)

    Collection.modify = cut

scores = []


def trained_wins(model, held, distractors):
    scores.append(model)
    return float(len(scores))


tune(min_chunks=10, score=trained_wins, progress=progress)
os._exit(4)  # it was meant to stop at ``stage``
"""

WAIT_S = 300  # a tune on a busy two-core machine can take minutes to get there
QUERY = "What was the weather like at the deserts?"


def kill_tune_at(stage: str, folder: Path) -> tuple[int, int]:
    """Run a tune in a child process, SIGKILL it where ``stage`` begins; (done, total) there."""
    marker, log, temp = folder / "held", folder / "tune-child.log", folder / "child-tmp"
    temp.mkdir()  # what the killed trainer leaves in its temporary folder stays in the test's
    with log.open("wb") as out:
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(marker), stage], stdin=subprocess.PIPE,
            stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "TMPDIR": str(temp)},
            start_new_session=True)
    try:
        deadline = time.monotonic() + WAIT_S
        while not marker.exists():
            if child.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the tune never reached {stage!r} (exit {child.returncode}):\n"
                            + log.read_text(errors="replace")[-4000:])
            time.sleep(0.1)
        os.killpg(child.pid, signal.SIGKILL)  # the tune and any process it started
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait(timeout=30)
        child.stdin.close()
    name, done, total = marker.read_text().split()
    assert name == stage
    return int(done), int(total)


def names(settings) -> set[str]:  # noqa: ANN001
    """The Chroma collections of the store (the collection's work copies included)."""
    return {c.name for c in make_chroma_client(settings).list_collections()}


def assert_answers_as_before(
    settings, model: str, before: dict[str, list[float]]  # noqa: ANN001
) -> None:
    """The collection opens with ``model``, holds the ``before`` vectors and finds by them."""
    index = open_index(settings)
    try:
        assert index.manifest.embedding_model == model
        assert {c.id: list(c.vector) for c in index.fetch(with_vectors=True)} == before
        hits = index.search_dense(index.embeddings.embed_query(QUERY), 3)
        chunks = {c.id: c.text for c in index.fetch([chunk_id for chunk_id, _ in hits])}
        top = chunks[hits[0][0]]
        assert top.startswith("Weather during visit") and "deserts" in top
    finally:
        index.close()


def test_killed_while_training_the_collection_keeps_its_model(
    notes, tmp_path: Path  # noqa: ANN001
) -> None:
    model, before = model_in_use(notes), vectors(notes)
    assert not model.startswith("tuned:")

    done, total = kill_tune_at("train", tmp_path)
    assert 0 < done < total  # killed between two training steps

    assert_answers_as_before(notes, model, before)
    assert names(notes) == {notes.store.collection}
    models = TunedModels(notes.store.path / "tuned", notes.store.collection)
    leftovers = list(models.folder.glob(".training-*"))
    assert len(leftovers) == 1 and models.versions() == []  # the half-trained model: no version
    models.clear_scratch()  # what the next tune does first: its process is gone
    assert not leftovers[0].exists()


def test_killed_while_re_embedding_the_collection_keeps_its_model(
    notes, tmp_path: Path, caplog: pytest.LogCaptureFixture  # noqa: ANN001
) -> None:
    model, before = model_in_use(notes), vectors(notes)

    done, total = kill_tune_at("embed", tmp_path)
    assert (done, total) == (16, len(before))  # a third of the chunks were in the shadow
    collection = notes.store.collection
    assert names(notes) == {collection, collection + ".next"}
    shadow = make_chroma_client(notes).get_collection(collection + ".next")
    assert shadow.count() == 16

    assert_answers_as_before(notes, model, before)
    models = TunedModels(notes.store.path / "tuned", collection)
    assert [v.number for v in models.versions()] == [1]  # saved whole, but not in use

    # The next run's save and switch (its training is test_tune's): the lock the killed run
    # held is taken over, its shadow dropped, and the new version numbered after its v1.
    with caplog.at_level(logging.WARNING, logger="rag.index.lock"):
        version = switch_to_saved_copies(notes, tmp_path)
    assert "took over the write lock of documents from a stopped ingest" in caplog.text
    assert version.number == 2 and names(notes) == {collection}
    assert model_in_use(notes).startswith(f"tuned:{collection}/v2:")
    assert vectors(notes).keys() == before.keys()


def test_killed_between_the_two_renames_the_collection_is_restored_on_open(
    notes, tmp_path: Path  # noqa: ANN001
) -> None:
    model, before = model_in_use(notes), vectors(notes)

    kill_tune_at("swap", tmp_path)
    collection = notes.store.collection
    assert names(notes) == {collection + ".prev", collection + ".next"}  # cut mid-swap

    assert_answers_as_before(notes, model, before)  # opening renamed the old one back
    assert names(notes) == {collection}  # and dropped the new one
    models = TunedModels(notes.store.path / "tuned", collection)
    assert [v.number for v in models.versions()] == [1]
    assert not list(models.folder.glob(".training-*"))  # the run had cleaned its scratch


def test_revert_skips_a_version_that_a_killed_run_saved_but_never_used(
    notes, tmp_path: Path  # noqa: ANN001
) -> None:
    model = model_in_use(notes)
    # v1: saved by a run killed while re-embedding; v2: kept by the next run, from the same model
    version = switch_to_saved_copies(notes, tmp_path, count=2)
    assert model_in_use(notes).startswith(f"tuned:{notes.store.collection}/v2:")
    assert version.card["base_identity"] == model.split(" (")[0]

    assert revert(notes) == model  # v2 replaced the configured model, never v1
