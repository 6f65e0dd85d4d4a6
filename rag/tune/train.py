"""Fine-tune a sentence-transformers model on pairs, on the CPU, within a time limit.

sentence-transformers' own trainer with ``MultipleNegativesRankingLoss``
(each pair's positive is the answer, the batch's other positives are the
negatives) and a sampler that keeps duplicate texts out of a batch. A
callback stops training cleanly when the time is up and reports progress,
and after each pass a checkpoint scores the model: it is saved at the best
pass the checkpoint accepts, or not at all.

Example:
    >>> from rag.tune.train import train_model
    >>> result = train_model("base/", pairs, "out/", epochs=2, max_minutes=5,
    ...                      checkpoint=check)  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rag.tune.pairs import Pair

__all__ = ["TrainProgress", "TrainResult", "train_model"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainProgress:
    """Where training stands."""

    step: int
    total: int
    elapsed_s: float

    @property
    def eta_s(self) -> float:
        """Seconds left at the rate so far."""
        return self.elapsed_s / self.step * (self.total - self.step) if self.step else 0.0


@dataclass(frozen=True)
class TrainResult:
    """What training did."""

    steps: int
    planned_steps: int
    seconds: float
    stopped_early: bool
    """True when ``max_minutes`` ended it before the planned steps."""
    saved_pass: int | None = None
    """The pass whose model was saved (None: none passed the checkpoint)."""


def train_model(
    base: str | Path,
    pairs: Sequence[Pair],
    out_dir: Path,
    *,
    epochs: int = 1,
    batch_size: int = 32,
    learning_rate: float = 2e-5,
    mini_batch_size: int | None = None,
    max_minutes: float | None = None,
    seed: int = 0,
    progress: Callable[[TrainProgress], None] | None = None,
    checkpoint: Callable[[Any], float | None],
) -> TrainResult:
    """Train a copy of ``base`` on ``pairs``; save its best accepted pass (sentence-transformers).

    Args:
        base: The model folder (or name) to start from.
        pairs: Anchor and positive texts.
        out_dir: Where the trained model is saved (created).
        epochs: Passes over the pairs.
        batch_size: Pairs per step; each pair's negatives are the batch's others.
        learning_rate: Peak learning rate (linear warm-up over 10% of steps).
        mini_batch_size: Embed a batch this many texts at a time and cache the
            gradients (``CachedMultipleNegativesRankingLoss``): the same result in
            a fraction of the memory. None: the whole batch at once.
        max_minutes: Stop after this long (the model trained so far is kept).
        seed: For shuffling.
        progress: Called after each step.
        checkpoint: Scores the model at the end of each pass (and where time ran
            out); None from it means not good enough. The model is saved at the
            pass with the highest score, or not at all.

    Returns:
        The steps run, whether time ran out, and the pass saved.
    """
    from datasets import Dataset
    from sentence_transformers import (
        SentenceTransformer,
        SentenceTransformerTrainer,
        SentenceTransformerTrainingArguments,
    )
    from sentence_transformers.sentence_transformer.losses import (
        CachedMultipleNegativesRankingLoss,
        MultipleNegativesRankingLoss,
    )
    from sentence_transformers.sentence_transformer.training_args import BatchSamplers
    from transformers import PrinterCallback

    model = SentenceTransformer(str(base), device="cpu")
    loss = (CachedMultipleNegativesRankingLoss(model, mini_batch_size=mini_batch_size)
            if mini_batch_size else MultipleNegativesRankingLoss(model))
    data = Dataset.from_dict({"anchor": [p.anchor for p in pairs],
                              "positive": [p.positive for p in pairs]})
    keeper = _Keeper(model, out_dir, checkpoint)
    clock = _Clock(max_minutes, progress, keeper)
    scratch = out_dir.parent / "trainer"  # the trainer's own files, next to the model
    try:
        args = SentenceTransformerTrainingArguments(
            output_dir=str(scratch),
            num_train_epochs=epochs,
            per_device_train_batch_size=batch_size,
            learning_rate=learning_rate,
            warmup_ratio=0.1,
            batch_sampler=BatchSamplers.NO_DUPLICATES,
            save_strategy="no",
            report_to="none",
            logging_strategy="no",
            seed=seed,
            use_cpu=True,
            dataloader_num_workers=0,
            disable_tqdm=True,  # progress goes to ``progress``; the CLI draws its own bar
        )
        trainer = SentenceTransformerTrainer(
            model=model, args=args, train_dataset=data,
            loss=loss, callbacks=[clock.callback()],
        )
        trainer.remove_callback(PrinterCallback)  # it would print the summary on stdout
        started = time.perf_counter()
        state = trainer.train()
        seconds = time.perf_counter() - started
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if not clock.at_pass_end:
        keeper.check(clock.passes + 1)  # time ran out part-way through a pass
    steps = int(state.global_step)
    return TrainResult(steps=steps, planned_steps=clock.total or steps, seconds=seconds,
                       stopped_early=clock.stopped, saved_pass=keeper.saved_pass)


class _Keeper:
    """Saves the model at the best pass the checkpoint accepts."""

    def __init__(self, model: Any, out_dir: Path,
                 checkpoint: Callable[[Any], float | None]) -> None:
        self.model = model
        self.out_dir = out_dir
        self.checkpoint = checkpoint
        self.best: float | None = None
        self.saved_pass: int | None = None

    def check(self, number: int) -> None:
        """Score the model after pass ``number``; save it if it is the best so far."""
        score = self.checkpoint(self.model)
        if score is not None and (self.best is None or score > self.best):
            self.best = score
            self.save()
            self.saved_pass = number

    def save(self) -> None:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.model.save(str(self.out_dir))


class _Clock:
    """Stops training at the time limit and reports each step."""

    def __init__(self, max_minutes: float | None,
                 progress: Callable[[TrainProgress], None] | None, keeper: _Keeper) -> None:
        self.limit_s = max_minutes * 60 if max_minutes else None
        self.progress = progress
        self.keeper = keeper
        self.passes = 0
        self.at_pass_end = False
        self.started = time.perf_counter()
        self.total = 0
        self.stopped = False

    def callback(self) -> Any:
        from transformers import TrainerCallback

        clock = self

        class TimeLimit(TrainerCallback):  # type: ignore[misc]
            def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
                clock.started = time.perf_counter()
                clock.total = int(state.max_steps)

            def on_epoch_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
                clock.passes += 1
                clock.at_pass_end = True
                clock.keeper.check(clock.passes)

            def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
                clock.at_pass_end = False
                elapsed = time.perf_counter() - clock.started
                if clock.progress:
                    clock.progress(TrainProgress(int(state.global_step), clock.total, elapsed))
                if clock.limit_s is not None and elapsed >= clock.limit_s:
                    clock.stopped = state.global_step < clock.total
                    control.should_training_stop = True

        return TimeLimit()

