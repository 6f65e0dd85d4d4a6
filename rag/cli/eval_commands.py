"""``rag eval``: measure retrieval and answers on standard datasets, compare runs.

``rag eval retrieval`` scores every retrieval mode on a BEIR dataset,
``rag eval qa`` answers SQuAD 2.0 questions through the full chain,
``rag eval docs`` answers a CSV of questions about a folder of real documents,
and ``rag eval compare A B`` puts two saved runs side by side. Each run prints a
table, and writes ``results.json``, ``results.md`` and ``chart.png`` to its
output folder (default ``./eval-runs/<timestamp>-<kind>/``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from rag.cli._app import app
from rag.cli._common import console, settings_from_cli, usage_error

if TYPE_CHECKING:
    from rag.eval.run import EvalProgress, EvalRun, ProgressFn

__all__ = ["eval_app"]

eval_app = typer.Typer(
    name="eval",
    help="Measure retrieval and answer quality on standard datasets; compare runs.",
    no_args_is_help=True,
)
app.add_typer(eval_app, name="eval")

_Out = Annotated[
    Path | None,
    typer.Option("--out", help="Output folder (default ./eval-runs/<timestamp>-<kind>/)."),
]
_Limit = Annotated[int | None, typer.Option("--limit", min=1, help="Evaluate at most N queries.")]


def _progress_lines() -> ProgressFn:
    """Without a terminal (nohup, CI): one line per 10% of each stage, with an ETA."""
    import time

    started: dict[str, float] = {}
    shown: dict[str, int] = {}

    def update(snapshot: EvalProgress) -> None:
        now = time.monotonic()
        first = started.setdefault(snapshot.stage, now)
        step = snapshot.done * 10 // snapshot.total if snapshot.total else 0
        if snapshot.done == 0 or step <= shown.get(snapshot.stage, 0):
            return
        shown[snapshot.stage] = step
        rate = snapshot.done / max(now - first, 1e-9)
        eta = (snapshot.total - snapshot.done) / rate if rate else 0.0
        console.print(
            f"{snapshot.stage}: {snapshot.done}/{snapshot.total}, "
            f"{now - first:.0f} s elapsed, ETA {eta:.0f} s",
            highlight=False,
        )

    return update


@contextmanager
def _progress_bar() -> Iterator[ProgressFn]:
    """A Rich progress bar with an ETA, one task per stage (ingest, then queries)."""
    if not console.is_terminal:
        yield _progress_lines()
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    bar = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )
    tasks: dict[str, int] = {}

    def update(snapshot: EvalProgress) -> None:
        if snapshot.stage not in tasks:
            tasks[snapshot.stage] = bar.add_task(snapshot.stage, total=snapshot.total or None)
        bar.update(tasks[snapshot.stage], completed=snapshot.done, total=snapshot.total or None)

    with bar:
        yield update


def _finish(run: EvalRun, out: Path | None) -> None:
    from rich.markdown import Markdown

    from rag.eval.report import run_markdown, save_run

    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    folder = out or Path("eval-runs") / f"{stamp}-{run.kind}"
    written = save_run(run, folder)
    console.print(Markdown(run_markdown(run)))
    console.print(
        f"wrote {written['json']}, {written['markdown'].name}, {written['chart'].name}",
        highlight=False,
    )


def _split_modes(modes: str) -> list[str]:
    return [m.strip() for m in modes.split(",") if m.strip()]


@eval_app.command("retrieval")
def retrieval_command(
    dataset: Annotated[
        Path, typer.Option("--dataset", help="BEIR folder: corpus.jsonl, queries.jsonl, qrels/.")
    ],
    split: Annotated[str, typer.Option("--split", help="The qrels split to score.")] = "test",
    modes: Annotated[
        str, typer.Option("--modes", help="Comma-separated modes: dense, bm25, hybrid.")
    ] = "dense,bm25,hybrid",
    model: Annotated[
        Path | None,
        typer.Option("--model", help="Embed with this sentence-transformers model folder "
                     "(e.g. a tuned version under <store>/tuned/) instead of the configured one."),
    ] = None,
    limit: _Limit = None,
    out: _Out = None,
) -> None:
    """Score retrieval modes on a BEIR dataset: nDCG@10, Recall@10/100, MRR@10, latency.

    The corpus gets its own collection per embedding model; a collection
    tuned in place (``rag tune --collection eval-beir-...``) is scored with
    its tuned model.
    """
    from rag.eval.beir import evaluate_retrieval
    from rag.eval.datasets import load_beir

    if model is not None and not model.is_dir():
        usage_error(f"--model: {model} is not a model folder")
    settings = settings_from_cli(embedding={"model": str(model.resolve())} if model else None)
    data = load_beir(dataset, split)
    console.print(
        f"{len(data.corpus)} documents, {len(data.queries)} judged queries ({split})",
        highlight=False,
    )
    with _progress_bar() as progress:
        run = evaluate_retrieval(
            data, settings, modes=_split_modes(modes), limit=limit, progress=progress
        )
    _finish(run, out)


@eval_app.command("qa")
def qa_command(
    squad: Annotated[Path, typer.Option("--squad", help="A SQuAD 2.0 JSON file.")],
    articles: Annotated[
        str, typer.Option("--articles", help="Articles to ingest and ask about, e.g. 0-3.")
    ] = "0-3",
    off_corpus_articles: Annotated[
        str | None,
        typer.Option(
            "--off-corpus-articles",
            help="Articles of the same file NOT ingested; their questions test abstention.",
        ),
    ] = None,
    off_corpus: Annotated[
        Path | None,
        typer.Option("--off-corpus", help="A second SQuAD file whose questions test abstention."),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            min=1,
            help="Questions in total, split 2:1:1 over answerable, impossible, off-corpus.",
        ),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Sampling seed.")] = 0,
    out: _Out = None,
) -> None:
    """Answer SQuAD 2.0 questions through the chain: EM, F1, abstention, citations, latency."""
    from rag.errors import ConfigError
    from rag.eval.datasets import file_fingerprint, load_squad, parse_ranges
    from rag.eval.qa import evaluate_qa

    settings = settings_from_cli()
    all_articles = load_squad(squad)
    ingest = parse_ranges(articles)
    off = []
    if off_corpus_articles:
        numbers = parse_ranges(off_corpus_articles)
        if overlap := sorted(set(numbers) & set(ingest)):
            raise ConfigError(f"articles {overlap} are both ingested and off-corpus")
        if unknown := [n for n in numbers if n >= len(all_articles)]:
            raise ConfigError(f"no article(s) {unknown} in {squad} (it has {len(all_articles)})")
        off += [all_articles[n] for n in numbers]
    if off_corpus is not None:
        off += load_squad(off_corpus)
    params = {
        "squad": str(squad),
        "articles": articles,
        "off_corpus_articles": off_corpus_articles,
        "off_corpus": str(off_corpus) if off_corpus else None,
    }
    with _progress_bar() as progress:
        run = evaluate_qa(
            all_articles,
            settings,
            corpus_key=file_fingerprint(squad),
            ingest=ingest,
            off_corpus=off,
            limit=limit,
            seed=seed,
            progress=progress,
            params=params,
        )
    _finish(run, out)


@eval_app.command("docs")
def docs_command(
    docs: Annotated[
        Path, typer.Option("--docs", help="Folder of documents (ingested once, then reused).")
    ],
    qna: Annotated[
        Path,
        typer.Option(
            "--qna",
            help="CSV with columns Question, Source Docs (file-name globs), Answer; "
            "optional Question Type, Source Chunk Type.",
        ),
    ],
    limit: Annotated[
        int | None,
        typer.Option("--limit", min=1, help="At most N questions, taken in turn from each type."),
    ] = None,
    out: _Out = None,
) -> None:
    """Answer questions about real documents: cited source, facts, F1, abstention, latency."""
    from rag.eval.docs import evaluate_docs, load_qna

    settings = settings_from_cli()
    questions = load_qna(qna)  # a bad file fails here, before any model loads
    console.print(f"{len(questions)} questions in {qna}", highlight=False)
    with _progress_bar() as progress:
        run = evaluate_docs(docs, qna, settings, limit=limit, progress=progress)
    _finish(run, out)


@eval_app.command("compare")
def compare_command(
    a: Annotated[Path, typer.Argument(help="The first run: results.json or its folder.")],
    b: Annotated[Path, typer.Argument(help="The second run.")],
    out: Annotated[
        Path | None, typer.Option("--out", help="Also write compare.md and compare.png here.")
    ] = None,
) -> None:
    """Put two saved runs side by side with the change of every metric."""
    from rich.markdown import Markdown

    from rag.eval.report import compare_markdown, save_compare_chart
    from rag.eval.run import EvalRun

    run_a, run_b = EvalRun.load(a), EvalRun.load(b)
    text = compare_markdown(run_a, run_b)
    console.print(f"A = {a}\nB = {b}", highlight=False)
    console.print(Markdown(text))
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / "compare.md").write_text(f"A = {a}\nB = {b}\n\n{text}\n", encoding="utf-8")
        save_compare_chart(run_a, run_b, out / "compare.png")
        console.print(f"wrote {out / 'compare.md'}, compare.png", highlight=False)
