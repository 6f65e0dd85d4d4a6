"""Adapt the embedding model to a collection's own documents (``rag tune``).

:func:`tune` makes training pairs from the collection's chunks (and from a
file of labelled questions, when given), keeps a tenth of the documents'
pairs aside, fine-tunes the model the collection uses now on the rest
(:mod:`rag.tune.train`), and scores the old and the new model on the pairs
kept aside (:mod:`rag.tune.check`). Only a better model is kept: saved as the
collection's next version (:mod:`rag.models.tuned`) and the collection re-embedded
with it in one switch (:func:`rag.index.reembed_collection`). :func:`revert`
goes back to the version before.

What lives here: :func:`tune` and :func:`revert` (this module), the training
pairs (:mod:`~rag.tune.pairs`), training (:mod:`~rag.tune.train`) and the
held-out check (:mod:`~rag.tune.check`). May import the models, the index and
the settings; never the query path or the faces.

Example:
    >>> from rag.tune import tune
    >>> report = tune(max_minutes=10)  # doctest: +SKIP
    >>> report.kept, round(report.before, 3), round(report.after, 3)  # doctest: +SKIP
    (True, 0.61, 0.68)
"""

from __future__ import annotations

import math
import random
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from statistics import fmean
from typing import TYPE_CHECKING, Any, get_args

from rag.errors import TuneError
from rag.settings import Settings, load_settings
from rag.tune.pairs import Pair, Recipe, chunk_pairs, labelled_pairs, split_held_out

if TYPE_CHECKING:
    from rag.index import Index
    from rag.tune.check import HeldOutCheck

__all__ = ["MIN_CHUNKS", "TuneReport", "revert", "tune"]

MIN_CHUNKS = 200
"""Fewer chunks give too few pairs to learn from and to check on (about 40 pages of text)."""
HELD_OUT = 0.1
"""Share of the documents whose pairs are kept aside for the check."""
DISTRACTORS = 2000
"""Other chunks each held-out question also searches."""
CHECK_PAIRS = 500
"""The most held-out pairs of each kind the check scores (its cost grows with them)."""
BATCH = 32
"""Pairs per step: each pair's negatives are the other 31 positives."""
MINI_BATCH = 16
"""Texts embedded at once while training (the cached loss): bounds training's memory
whatever the batch, at some cost in speed."""
MIN_STEPS = 100
"""A small set of pairs is passed over again until training has taken about this many steps."""
MAX_PASSES = 6
"""But not more often than this; the check after each pass keeps the best one."""
SELF_MADE_RATE = 2e-5
"""Learning rate when self-made pairs are in the mix: they are noisy, so small steps keep
the model near the general one it starts from."""
LABELLED_RATE = 5e-5
"""Learning rate on labelled pairs alone: real questions are worth larger steps."""

Progress = Callable[[str, int, int, float], None]
"""Called with (stage, done, total, seconds so far); stages ``train`` and ``embed``."""


@dataclass(frozen=True)
class TuneReport:
    """What a tune did and measured."""

    collection: str
    recipe: str
    pairs: int
    held_out_pairs: int
    steps: int
    stopped_early: bool
    before: float
    """MRR@10 of the model in use before on the held-out pairs (mean of :attr:`checks`)."""
    after: float
    """The same for the trained model (the pass kept, else the last pass)."""
    checks: dict[str, list[float]]
    """Each kind of held-out pair (``questions``, ``heading``, ``inverse-cloze``):
    MRR@10 before and after."""
    passes: list[dict[str, float]]
    """Each pass's scores on the kinds of held-out pair (MRR@10)."""
    kept_pass: int | None
    """The pass over the pairs whose model was kept."""
    kept: bool
    """Whether the collection uses the new model now: only when it was better on
    every kind of held-out pair."""
    version: int | None
    chunks_embedded: int
    seconds: float

    def as_dict(self) -> dict[str, object]:
        """The report as plain data (for JSON and the model card)."""
        return asdict(self)


def tune(
    settings: Settings | None = None,
    *,
    pairs_file: Path | None = None,
    self_made: bool = True,
    recipe: Recipe = "heading",
    epochs: int | None = None,
    max_minutes: float | None = None,
    seed: int = 0,
    min_chunks: int = MIN_CHUNKS,
    score: Callable[[Any, Sequence[Pair], Sequence[str]], float] | None = None,
    progress: Progress | None = None,
) -> TuneReport:
    """Fine-tune the collection's embedding model on its documents; keep it if it is better.

    Args:
        settings: Defaults to :func:`rag.settings.load_settings` (``store.collection``
            names the collection).
        pairs_file: Labelled pairs: a ``question,source`` CSV or a BEIR folder
            (see :func:`rag.tune.pairs.labelled_pairs`).
        self_made: Also make pairs from the chunks (``recipe``).
        recipe: ``heading`` or ``inverse-cloze``.
        epochs: Passes over the training pairs (None: one, or for a small set enough
            passes for about :data:`MIN_STEPS` steps, at most :data:`MAX_PASSES`).
        max_minutes: Stop training after this long (the check and the switch follow).
        seed: For the split and shuffling.
        min_chunks: Refuse collections with fewer chunks.
        score: Scores a model on a set of held-out pairs among distractors
            (default :func:`rag.tune.check.mrr_at_10`); the model is checked after
            each pass, and the best pass that beats the old model on every kind
            of held-out pair is kept (:class:`rag.tune.check.HeldOutCheck`).
        progress: Told how training and re-embedding go.

    Returns:
        The report; ``kept`` says whether the collection switched.

    Raises:
        TuneError: When the collection is too small to learn from.
        ConfigError: When the pairs file cannot be used.
    """
    from sentence_transformers import SentenceTransformer

    from rag.index import open_index
    from rag.models.tuned import TunedModels
    from rag.tune.train import train_model

    started = time.perf_counter()
    settings = settings or load_settings()
    index = open_index(settings)
    try:
        chunks = index.fetch()
        name = settings.store.collection
        if len(chunks) < min_chunks:
            raise TuneError(f"collection {name!r} holds {len(chunks)} chunks; tuning needs at "
                            f"least {min_chunks} (about {min_chunks // 5} pages of text) to "
                            f"learn from and to check the result on")
        location, base_identity = _model_in_use(settings, index.manifest.embedding_model)
        model = SentenceTransformer(location, device="cpu")
        pairs = chunk_pairs(chunks, recipe=recipe, seed=seed) if self_made else []
        labelled = (labelled_pairs(pairs_file, chunks, closest=_nearest(model))
                    if pairs_file is not None else [])
        train, held = split_held_out(pairs + labelled, share=HELD_OUT, seed=seed)
        check = _held_out_check(chunks, held, labelled, recipe if self_made else None,
                                score=score, seed=seed)
        check.baseline(model)
        del model  # training loads its own copy

        models = TunedModels(settings.store.path / "tuned", name)
        models.clear_scratch()
        scratch = models.scratch()
        try:
            result = train_model(
                location, train, scratch / "model", epochs=epochs or _passes(len(train)),
                batch_size=BATCH, mini_batch_size=MINI_BATCH,
                learning_rate=SELF_MADE_RATE if self_made else LABELLED_RATE,
                max_minutes=max_minutes, seed=seed, checkpoint=check,
                progress=progress and (
                    lambda p: progress("train", p.step, p.total, p.elapsed_s)),
            )
            checks = check.report(result.saved_pass)
            report = TuneReport(
                collection=name, recipe=recipe if self_made else "labelled", pairs=len(train),
                held_out_pairs=len(held), steps=result.steps,
                stopped_early=result.stopped_early,
                before=fmean([v[0] for v in checks.values()] or [0.0]),
                after=fmean([v[1] for v in checks.values()] or [0.0]), checks=checks,
                passes=check.history,
                kept_pass=result.saved_pass, kept=False, version=None, chunks_embedded=0,
                seconds=time.perf_counter() - started)
            if result.saved_pass is None:
                return report
            version = models.save(scratch / "model", {
                "base_model": location, "base_identity": base_identity,
                "base_sha256": _weights_sha(Path(location)),
                "replaces": index.manifest.embedding_model,
                "data": f"collection {name!r}: {len(chunks)} chunks"
                        + (f", labelled pairs from {pairs_file}" if pairs_file else ""),
                **{k: v for k, v in report.as_dict().items() if k not in {"kept", "version"}},
            })
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        embedded = _switch(settings, index, version.folder, version.identity, progress)
        return replace(report, kept=True, version=version.number, chunks_embedded=embedded,
                       seconds=time.perf_counter() - started)
    finally:
        index.close()


def revert(settings: Settings | None = None, *, progress: Progress | None = None) -> str:
    """Go back to the model the collection used before its current tuned version.

    Returns:
        The name of the model the collection uses now.

    Raises:
        TuneError: When the collection does not use a tuned model.
    """
    from rag.index import open_index
    from rag.models import embedding_identity, resolve_embedding_model
    from rag.models.tuned import TunedModels

    settings = settings or load_settings()
    index = open_index(settings)
    try:
        name = settings.store.collection
        models = TunedModels(settings.store.path / "tuned", name)
        current = models.named(index.manifest.embedding_model)
        if current is None:
            raise TuneError(f"collection {name!r} uses {index.manifest.embedding_model}, "
                            f"not a tuned model: nothing to revert")
        previous = models.named(str(current.card.get("replaces", "")))
        if previous is not None:
            _switch(settings, index, previous.folder, previous.identity, progress)
            return embedding_identity(settings.embedding, model_name=previous.identity)
        base = resolve_embedding_model(settings.embedding)[1]
        _switch(settings, index, Path(base), None, progress)
        return embedding_identity(settings.embedding)
    finally:
        index.close()


def _held_out_check(chunks: Sequence[Any], held: Sequence[Pair], labelled: Sequence[Pair],
                    recipe: Recipe | None, *, score: Any, seed: int) -> HeldOutCheck:
    """The check on every kind of pair the held-out documents give: the labelled
    questions among them, and (when self-made pairs are trained on) both recipes."""
    from rag.tune.check import HeldOutCheck

    labelled_set = set(labelled)
    sets: dict[str, list[Pair]] = {"questions": [p for p in held if p in labelled_set]}
    if recipe is not None:
        sources = {pair.source for pair in held}
        for kind in get_args(Recipe):
            made = ([p for p in held if p not in labelled_set] if kind == recipe
                    else chunk_pairs(chunks, recipe=kind, seed=seed))
            sets[kind] = [p for p in made if p.source in sources]
    held_texts = {pair.positive for pairs in sets.values() for pair in pairs}
    others = [c.text for c in chunks if c.text not in held_texts]
    distractors = random.Random(seed).sample(others, min(DISTRACTORS, len(others)))
    return HeldOutCheck(sets, distractors, score=score, max_pairs=CHECK_PAIRS, seed=seed)


def _passes(pairs: int) -> int:
    """Passes over ``pairs`` training pairs when the caller names none."""
    steps_per_pass = max(1, math.ceil(pairs / BATCH))
    return max(1, min(MAX_PASSES, math.ceil(MIN_STEPS / steps_per_pass)))


def _model_in_use(settings: Settings, recorded: str) -> tuple[str, str]:
    """The folder of the model a collection's vectors come from, and the configured
    model's name (what a tuned version's card calls its base)."""
    from rag.models import resolve_embedding_model
    from rag.models.tuned import TunedModels

    base_name, base_location = resolve_embedding_model(settings.embedding)
    version = TunedModels(settings.store.path / "tuned", settings.store.collection).named(recorded)
    return (str(version.folder) if version else base_location), base_name


def _switch(settings: Settings, index: Index, folder: Path, identity: str | None,
            progress: Progress | None) -> int:
    """Re-embed the collection with the model in ``folder`` (named ``identity``;
    None: the configured model) and switch to it in one step."""
    from rag.models import embedding_identity, make_embeddings

    chosen = settings if identity is None else settings.with_overrides(
        embedding={"model": str(folder)})
    name = embedding_identity(settings.embedding, model_name=identity)
    started = time.perf_counter()
    return index.reembed(
        make_embeddings(chosen), name,
        progress=progress and (lambda done, total: progress(
            "embed", done, total, time.perf_counter() - started)))


def _nearest(model: Any) -> Callable[[str, list[Any]], Any]:
    """Of a source's chunks, the one ``model`` finds closest to a question."""
    import numpy as np

    def closest(question: str, candidates: list[Any]) -> Any:
        if len(candidates) == 1:
            return candidates[0]
        vectors = model.encode([question] + [c.text for c in candidates],
                               normalize_embeddings=True, show_progress_bar=False)
        return candidates[int(np.argmax(vectors[1:] @ vectors[0]))]

    return closest


def _weights_sha(folder: Path) -> str:
    from rag.hashing import cached_sha256

    weights = folder / "model.safetensors"
    return cached_sha256(weights) if weights.is_file() else ""
