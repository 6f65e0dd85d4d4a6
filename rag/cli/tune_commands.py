"""``rag tune``: adapt the embedding model to a collection's documents, or go back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from rag.cli._app import app
from rag.cli._common import (
    CollectionOption,
    JsonOption,
    console,
    err_console,
    print_json,
    settings_from_cli,
    usage_error,
)

if TYPE_CHECKING:
    from rag.tune import Progress, TuneReport

__all__ = ["tune_command"]


@contextmanager
def _progress_bar() -> Iterator[Progress | None]:
    """A Rich bar per stage (training steps, chunks re-embedded) with an ETA, on a terminal."""
    if not err_console.is_terminal:
        yield None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("ETA"), TimeRemainingColumn(), console=err_console, transient=True)
    tasks: dict[str, int] = {}

    def update(stage: str, done: int, total: int, elapsed_s: float) -> None:
        if stage not in tasks:
            tasks[stage] = bar.add_task("train" if stage == "train" else "re-embed", total=total)
        bar.update(tasks[stage], completed=done, total=total)

    with bar:
        yield update


@app.command("tune")
def tune_command(
    collection: CollectionOption = None,
    pairs: Annotated[
        Path | None,
        typer.Option("--pairs", help="Labelled pairs: a question,source CSV or a BEIR folder."),
    ] = None,
    labelled_only: Annotated[
        bool, typer.Option("--labelled-only", help="Train on --pairs alone, not on self-made pairs.")
    ] = False,
    recipe: Annotated[
        str, typer.Option("--recipe", help="Self-made pairs: heading or inverse-cloze.")
    ] = "heading",
    epochs: Annotated[int | None, typer.Option(
        "--epochs", min=1, help="Passes over the pairs (default: 1, more for small labelled sets)."),
    ] = None,
    max_minutes: Annotated[
        float | None, typer.Option("--max-minutes", min=0.1, help="Stop training after this long.")
    ] = None,
    revert: Annotated[
        bool, typer.Option("--revert", help="Go back to the model used before the current one.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Fine-tune the embedding model on the collection's own documents.

    Pairs are made from the chunks (a heading or sentence and its passage),
    plus labelled ones from --pairs. A tenth of the documents is kept aside:
    the new model is kept only if it finds their passages better than the
    old one, and then the collection is re-embedded with it in one switch.
    """
    if pairs is not None and not pairs.exists():
        usage_error(f"--pairs: {pairs} does not exist")
    if labelled_only and pairs is None:
        usage_error("--labelled-only needs --pairs")
    if recipe not in {"heading", "inverse-cloze"}:
        usage_error(f"--recipe must be heading or inverse-cloze, not {recipe!r}")
    settings = settings_from_cli(store={"collection": collection})
    if revert:
        from rag.tune import revert as revert_model

        with _progress_bar() as progress:
            now = revert_model(settings, progress=progress)
        if as_json:
            print_json({"collection": settings.store.collection, "model": now})
        else:
            console.print(f"collection {settings.store.collection!r} uses {now} again")
        return
    from rag.tune import tune

    with _progress_bar() as progress:
        report = tune(settings, pairs_file=pairs, self_made=not labelled_only,
                      recipe=recipe, epochs=epochs, max_minutes=max_minutes,  # type: ignore[arg-type]
                      progress=progress)
    if as_json:
        print_json(report.as_dict())
    else:
        _print(report)


def _print(report: TuneReport) -> None:
    console.print(f"pairs: {report.pairs} to train on, {report.held_out_pairs} kept aside; "
                  f"{report.steps} steps" + (" (stopped at --max-minutes)" if report.stopped_early
                                            else ""))
    for kind, (before, after) in report.checks.items():
        each = ", ".join(f"{scores[kind]:.3f}" for scores in report.passes)
        console.print(f"held-out MRR@10, {kind} pairs: {before:.3f} before, {after:.3f} after"
                      + (f" (each pass: {each})" if len(report.passes) > 1 else ""))
    if report.kept:
        console.print(f"kept: collection {report.collection!r} now uses tuned model "
                      f"v{report.version}, after pass {report.kept_pass} "
                      f"({report.chunks_embedded} chunks re-embedded, "
                      f"{report.seconds:.0f} s); `rag tune --revert` goes back")
    else:
        console.print("not kept: the new model was not better on every kind of pair kept "
                      "aside; the collection is unchanged")
