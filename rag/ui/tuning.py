"""Adapting a collection's embedding model from the web app (``rag tune`` behind a button).

:class:`Tuning` runs :func:`rag.tune.tune` and :func:`rag.tune.revert` on a
collection the :class:`~rag.ui.backend.UIBackend` serves, under the same
rules as uploads (:meth:`~rag.ui.backend.UIBackend.check_collection`). One
piece of work per collection at a time: a second tune, a revert or an upload
of a collection that is being adapted is refused (:meth:`Tuning.busy`), as
re-embedding swaps the collection under an ingest. Afterwards the backend
forgets its opened index of the collection, so the next question embeds with
the new model and searches the new vectors. The rest is words for people:
the model a collection uses, how far a run is, what it did. No Gradio here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rag.errors import IndexBusyError, ModelError

if TYPE_CHECKING:
    from rag.models.tuned import TunedModels
    from rag.tune import Progress, TuneReport
    from rag.ui.backend import UIBackend

__all__ = ["ModelInfo", "Tuning", "describe_model", "progress_text", "result_line"]

TuneFn = Callable[..., "TuneReport"]
RevertFn = Callable[..., str]


@dataclass(frozen=True)
class ModelInfo:
    """The embedding model a collection uses, in words."""

    words: str
    """Such as ``all-MiniLM-L6-v2 (onnx-int8)`` or ``tuned v1 of all-MiniLM-L6-v2 ...``."""
    tuned: bool
    """Whether it is a tuned version (there is a model to go back to)."""

    @property
    def line(self) -> str:
        """The line the documents tab shows."""
        return f"Embedding model: {self.words}"


class Tuning:
    """Tunes and reverts collections of one backend, one piece of work per collection.

    Args:
        backend: The app's shared services.
        tune: ``(settings, *, progress) -> TuneReport``; defaults to :func:`rag.tune.tune`.
        revert: ``(settings, *, progress) -> model name``; defaults to :func:`rag.tune.revert`.
    """

    def __init__(self, backend: UIBackend, *, tune: TuneFn | None = None,
                 revert: RevertFn | None = None) -> None:
        self.backend = backend
        self._tune = tune
        self._revert = revert
        self._busy: dict[str, str] = {}
        self._lock = threading.Lock()

    @contextmanager
    def busy(self, collection: str, work: str) -> Iterator[str]:
        """Mark ``collection`` busy with ``work`` while the block runs.

        Args:
            collection: The collection (checked like an upload's).
            work: What is done to it, in words (``files are being added to it``).

        Yields:
            The checked collection name.

        Raises:
            ConfigError: When this app may not serve the collection.
            IndexBusyError: When other work on the collection is running in this app.
        """
        collection = self.backend.check_collection(collection)
        with self._lock:
            if (running := self._busy.get(collection)) is not None:
                raise IndexBusyError(f"collection {collection!r} is busy ({running}); "
                                     f"try again when that has finished")
            self._busy[collection] = work
        try:
            yield collection
        finally:
            with self._lock:
                del self._busy[collection]

    def model(self, collection: str) -> ModelInfo:
        """The embedding model an existing collection uses (the one its manifest names).

        Raises:
            RagError: When the collection cannot be opened.
        """
        name = self.backend.index(collection).manifest.embedding_model
        return describe_model(name, self._versions(collection))

    def configured(self) -> ModelInfo:
        """The model a new collection will use: the configured one."""
        from rag.models import embedding_identity

        words = describe_model(embedding_identity(self.backend.settings.embedding), None).words
        return ModelInfo(f"{words}, once files are added", tuned=False)

    def adapt(self, collection: str, *, progress: Progress | None = None) -> str:
        """Tune the collection's model on its documents; keep it only if it is better.

        Args:
            collection: The collection.
            progress: Told ``(stage, done, total, seconds so far)``.

        Returns:
            What happened, in one line (:func:`result_line`).

        Raises:
            TuneError: When the collection is too small to tune.
            IndexBusyError: When other work on the collection is running.
        """
        from rag.tune import tune

        _, report = self._run(self._tune or tune, collection, "its model is being adapted",
                              progress)
        return result_line(report)

    def go_back(self, collection: str, *, progress: Progress | None = None) -> str:
        """Go back to the model the collection used before its tuned one.

        Returns:
            What happened, in one line.

        Raises:
            TuneError: When the collection does not use a tuned model.
            IndexBusyError: When other work on the collection is running.
        """
        from rag.tune import revert

        name, now = self._run(self._revert or revert, collection,
                              "it is going back to its previous model", progress)
        return f"Gone back: {name!r} uses {describe_model(now, self._versions(name)).words} again."

    def _run(self, work: Callable[..., Any], collection: str, what: str,
             progress: Progress | None) -> tuple[str, Any]:
        """Run ``work(settings, progress=...)`` on the collection, marked busy with ``what``;
        afterwards the backend opens the collection afresh (its model may have changed).
        Returns the checked collection name and what ``work`` returned."""
        with self.busy(collection, what) as name:
            try:
                return name, work(self.backend.settings_for(name), progress=progress)
            finally:
                self.backend.forget(name)

    def _versions(self, collection: str) -> TunedModels:
        from rag.models.tuned import TunedModels

        return TunedModels(self.backend.settings.store.path / "tuned", collection)


def describe_model(name: str, versions: TunedModels | None) -> ModelInfo:
    """Put a manifest's model name in words.

    Args:
        name: Such as ``sentence-transformers/all-MiniLM-L6-v2 (onnx-int8)`` or
            ``tuned:docs/v1:0123456789ab (onnx-int8)``.
        versions: The collection's tuned versions (whose cards name their base).

    Returns:
        The model's short name and backend, or ``tuned vN of <base> (backend),
        adapted to this collection``.
    """
    identity, _, backend = name.partition(" (")
    suffix = f" ({backend}" if backend else ""
    number = versions.parse(identity) if versions is not None else None
    if number is None or versions is None:
        return ModelInfo(_short(identity) + suffix, tuned=False)
    try:
        version = versions.named(name)
        base = version.card.get("base_identity") if version else None
    except (ModelError, OSError, ValueError):
        base = None  # opening the index says what is wrong
    of = f" of {_short(str(base))}" if base else ""
    return ModelInfo(f"tuned v{number}{of}{suffix}, adapted to this collection", tuned=True)


def _short(model: str) -> str:
    """The last part of a model's name (``all-MiniLM-L6-v2`` of ``sentence-transformers/...``)."""
    return model.rstrip("/").rsplit("/", 1)[-1] or model


def progress_text(stage: str, done: int, total: int, seconds: float) -> tuple[str, str]:
    """Words for a tune's progress (the counts are shown beside them).

    Args:
        stage: ``train`` or ``embed``.
        done: Steps or chunks done.
        total: Steps or chunks in all.
        seconds: Seconds since the stage began.

    Returns:
        ``(description with the time left, unit)``, such as
        ``("Training the model, about 2 min left", "steps")``.
    """
    what, unit = (("Training the model", "steps") if stage == "train"
                  else ("Re-embedding the chunks", "chunks"))
    if 0 < done < total:
        what += f", about {_duration(seconds * (total - done) / done)} left"
    return what, unit


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{max(1, round(seconds))} s"
    minutes = round(seconds / 60)
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h {minutes % 60} min"


def result_line(report: TuneReport) -> str:
    """What a tune did, in one line: the scores, and whether the model was kept."""
    scores = f"Held-out MRR@10: {report.before:.3f} before, {report.after:.3f} after."
    if report.kept:
        return (f"{scores} Kept: {report.collection!r} now uses tuned model v{report.version} "
                f"({report.chunks_embedded:,} chunks re-embedded, {_duration(report.seconds)} "
                f"in all).")
    return (f"{scores} Not kept: the adapted model was not better on every kind of passage "
            f"kept aside; nothing changed.")
