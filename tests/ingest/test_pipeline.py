"""The three-stage pipeline: order, threads, and failures raised where the caller sees them."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from ingest.jobs import Batch
from ingest.pipeline import run_pipeline


class _RecordingWriter:
    def __init__(self, fail_on: int | None = None) -> None:
        self.fail_on = fail_on
        self.embedded: list[tuple[int, str]] = []
        self.written: list[tuple[int, str]] = []

    def embed(self, batch: Batch) -> Batch:
        number = batch.chunks
        if number == self.fail_on:
            raise RuntimeError(f"embedding failed on batch {number}")
        self.embedded.append((number, threading.current_thread().name))
        batch.vectors = {f"key{number}": [float(number)]}
        return batch

    def write(self, batch: Batch) -> None:
        assert batch.vectors == {f"key{batch.chunks}": [float(batch.chunks)]}
        self.written.append((batch.chunks, threading.current_thread().name))


def _batches(n: int, fail_at: int | None = None) -> Iterator[Batch]:
    for number in range(n):
        if number == fail_at:
            raise OSError("disk went away")
        yield Batch(chunks=number)


def test_batches_are_embedded_ahead_in_their_own_thread_and_written_in_order() -> None:
    writer = _RecordingWriter()
    run_pipeline(_batches(6), writer)  # type: ignore[arg-type]
    assert [n for n, _ in writer.written] == list(range(6))
    assert [n for n, _ in writer.embedded] == list(range(6))
    assert {name for _, name in writer.embedded} == {"ingest-embedder"}
    assert {name for _, name in writer.written} == {threading.current_thread().name}


@pytest.mark.parametrize(
    ("writer", "batches", "error"),
    [
        (_RecordingWriter(fail_on=3), _batches(50), "embedding failed on batch 3"),
        (_RecordingWriter(), _batches(50, fail_at=4), "disk went away"),
    ],
    ids=["embedder", "producer"],
)
def test_a_failing_stage_raises_in_the_caller_and_stops_the_others(writer, batches, error) -> None:  # noqa: ANN001
    before = threading.active_count()
    with pytest.raises((RuntimeError, OSError), match=error):
        run_pipeline(batches, writer)
    assert [n for n, _ in writer.written] == list(range(3 if "3" in error else 4))
    assert threading.active_count() == before  # no stage left running
