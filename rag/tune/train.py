"""Fine-tune a sentence-transformers model on pairs, on the CPU, within a time limit.

sentence-transformers' own trainer with ``MultipleNegativesRankingLoss``
(each pair's positive is the answer, the batch's other positives are the
negatives) and a sampler that keeps duplicate texts out of a batch. A
callback stops training cleanly when the time is up and reports progress.

Example:
    >>> from rag.tune.train import train_model
    >>> steps = train_model("base/", pairs, "out/", epochs=1, max_minutes=5)  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import tempfile
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


def train_model(
    base: str | Path,
    pairs: Sequence[Pair],
    out_dir: Path,
    *,
    epochs: int = 1,
    batch_size: int = 32,
    learning_rate: float = 2e-5,
    max_minutes: float | None = None,
    seed: int = 0,
    progress: Callable[[TrainProgress], None] | None = None,
) -> TrainResult:
    """Train a copy of ``base`` on ``pairs`` and save it (sentence-transformers format).

    Args:
        base: The model folder (or name) to start from.
        pairs: Anchor and positive texts.
        out_dir: Where the trained model is saved (created).
        epochs: Passes over the pairs.
        batch_size: Pairs per step; each pair's negatives are the batch's others.
        learning_rate: Peak learning rate (linear warm-up over 10% of steps).
        max_minutes: Stop after this long (the model trained so far is kept).
        seed: For shuffling.
        progress: Called after each step.

    Returns:
        The steps run and whether time ran out.
    """
    from datasets import Dataset
    from sentence_transformers import (
        SentenceTransformer,
        SentenceTransformerTrainer,
        SentenceTransformerTrainingArguments,
    )
    from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss
    from sentence_transformers.sentence_transformer.training_args import BatchSamplers
    from transformers import PrinterCallback

    model = SentenceTransformer(str(base), device="cpu")
    data = Dataset.from_dict({"anchor": [p.anchor for p in pairs],
                              "positive": [p.positive for p in pairs]})
    clock = _Clock(max_minutes, progress)
    with tempfile.TemporaryDirectory(prefix="rag-tune-") as scratch:
        args = SentenceTransformerTrainingArguments(
            output_dir=scratch,
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
            loss=MultipleNegativesRankingLoss(model), callbacks=[clock.callback()],
        )
        trainer.remove_callback(PrinterCallback)  # it would print the summary on stdout
        started = time.perf_counter()
        state = trainer.train()
        seconds = time.perf_counter() - started
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save(str(out_dir))
    steps = int(state.global_step)
    return TrainResult(steps=steps, planned_steps=clock.total or steps, seconds=seconds,
                       stopped_early=clock.stopped)


class _Clock:
    """Stops training at the time limit and reports each step."""

    def __init__(self, max_minutes: float | None,
                 progress: Callable[[TrainProgress], None] | None) -> None:
        self.limit_s = max_minutes * 60 if max_minutes else None
        self.progress = progress
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

            def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
                elapsed = time.perf_counter() - clock.started
                if clock.progress:
                    clock.progress(TrainProgress(int(state.global_step), clock.total, elapsed))
                if clock.limit_s is not None and elapsed >= clock.limit_s:
                    clock.stopped = state.global_step < clock.total
                    control.should_training_stop = True

        return TimeLimit()

