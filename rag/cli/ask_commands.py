"""``rag ask`` and ``rag chat``: questions from the terminal, answers streamed."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.text import Text

from rag.cli._app import app
from rag.cli._common import (
    CollectionOption,
    console,
    err_console,
    print_error,
    settings_from_cli,
    usage_error,
)
from rag.errors import QuestionError
from rag.settings import RETRIEVAL_MODES

if TYPE_CHECKING:
    from rag.answer import Answer
    from rag.chain import RagChain
    from rag.settings import Settings

_Mode = Annotated[
    str | None,
    typer.Option("--mode", help=f"Retrieval mode: {', '.join(RETRIEVAL_MODES)}.",
                 show_default=False),
]
_TopK = Annotated[
    int | None, typer.Option("--top-k", "-k", help="Chunks given to the model.", show_default=False)
]
_Source = Annotated[
    list[str] | None,
    typer.Option("--source", "-s", help="Only search these files, folders or globs (repeatable)."),
]


def _settings(collection: str | None, mode: str | None, top_k: int | None) -> Settings:
    return settings_from_cli(
        store={"collection": collection}, retrieval={"mode": mode, "top_k": top_k}
    )


def _build(ctx: typer.Context, settings: Settings) -> RagChain:
    """The chain for ``settings``: by default the real one (models and index load here).

    A program that runs the CLI may hand it another chain builder as the
    context object, ``(settings) -> chain``: ``CliRunner().invoke(app, args, obj=builder)``.
    """
    if callable(ctx.obj):
        return ctx.obj(settings)
    from rag.chain import build_chain
    from rag.index import open_index

    with err_console.status("Loading models…"):
        return build_chain(settings, index=open_index(settings))


def _check_question(question: str, settings: Settings) -> None:
    """Refuse an empty or too long question (exit code 2) before any model loads.

    The chain checks it again, with the same function and limit.
    """
    from rag.answer.context import clean_question

    try:
        clean_question(question, settings.retrieval.max_question_chars)
    except QuestionError as exc:
        usage_error(str(exc))


def _stream_answer(chain: RagChain, inputs: dict) -> Answer:
    """Print the answer to ``inputs`` as it comes, and return it.

    A written answer is printed piece by piece as the LLM writes it. A quoted
    answer (``chain.quotes``) comes whole, so it is printed from the
    :class:`Answer` instead: its quotes with where they come from.
    """
    echo = not getattr(chain, "quotes", False)
    answer: Answer | None = None
    streamed = ""
    for piece in chain.stream(inputs):
        if isinstance(piece, str):
            streamed += piece
            if echo:
                console.print(piece, end="", markup=False, highlight=False, soft_wrap=True)
        else:
            answer = piece
    assert answer is not None
    if echo:
        _finish_streamed(streamed, answer.text)
    elif answer.quotes:
        _print_quoted(answer)
    else:  # "not found"
        console.print(answer.text, markup=False, highlight=False, soft_wrap=True)
    return answer


def _finish_streamed(streamed: str, final: str) -> None:
    """End a streamed answer: the citation the chain added, or why it was replaced."""
    if final.startswith(streamed.rstrip()):  # the chain added a citation: print the rest
        console.print(final[len(streamed.rstrip()):], markup=False, highlight=False)
    else:  # the support check turned the streamed text into "not found"
        console.print()
        console.print("(not backed by the passages) ", style="dim", end="", markup=False)
        console.print(final, markup=False, highlight=False)


def _print_quoted(answer: Answer) -> None:
    """Print the short fact with its ``[n]``, then each quote on a line with its ``file:page``.

    Whitespace inside a quote is collapsed; on a terminal the fact is bold and
    the citations dim.
    """
    if answer.short:
        console.print(Text.assemble((answer.short, "bold"), f" [{answer.short_source}]"),
                      soft_wrap=True)
    by_n = {s.n: s for s in answer.sources}
    for quote in answer.quotes:
        source = by_n.get(quote.n)
        where = source.citation if source else f"[{quote.n}]"
        console.print(Text.assemble(f"\u201c{quote.flat_text}\u201d", (f" \u2014 {where}", "dim")),
                      soft_wrap=True)


def _print_sources(answer: Answer) -> None:
    if answer.not_found or not answer.sources:
        return
    console.print("[dim]Sources:[/]")
    for source in answer.sources:
        console.print(
            f"  [{source.n}] {source.citation}  [dim]({source.score:.2f})[/]",
            markup=True,
            highlight=False,
        )


def _resolve(settings: Settings, patterns: list[str] | None) -> list[str] | None:
    """Turn --source values (paths relative to here, folders, globs) into source ids.

    Only the file ledger is read (no model). A value that matches no indexed
    file is refused (exit code 2), naming it.
    """
    if not patterns:
        return None
    from rag.index import open_ledger
    from rag.retrieval import match_sources

    ledger = open_ledger(settings)
    try:
        known = [record.source for record in ledger.all()]
    finally:
        ledger.engine.dispose()
    absolute = {
        raw: raw if any(c in raw for c in "*?[") else str(Path(raw).expanduser().resolve())
        for raw in patterns
    }
    matched = match_sources(known, list(absolute.values()))
    if unknown := [raw for raw, pattern in absolute.items() if not matched[pattern]]:
        usage_error(
            f"--source {', '.join(unknown)}: matches no file of collection "
            f"{settings.store.collection!r} (see rag sources)"
        )
    return list(dict.fromkeys(source for hits in matched.values() for source in hits))


@app.command()
def ask(
    ctx: typer.Context,
    question: Annotated[str, typer.Argument(help="Your question.")],
    collection: CollectionOption = None,
    mode: _Mode = None,
    top_k: _TopK = None,
    source: _Source = None,
    show_question: Annotated[
        bool, typer.Option("--show-question", help="Print the question used for retrieval.")
    ] = False,
) -> None:
    """Answer one question from your documents, streaming, then list the sources."""
    settings = _settings(collection, mode, top_k)
    _check_question(question, settings)
    sources = _resolve(settings, source)
    answer = _stream_answer(_build(ctx, settings), {"question": question, "sources": sources})
    if show_question:
        console.print(f"[dim]Retrieval question: {answer.standalone_question}[/]", highlight=False)
    _print_sources(answer)


@app.command()
def chat(
    ctx: typer.Context,
    collection: CollectionOption = None,
    mode: _Mode = None,
    top_k: _TopK = None,
    source: _Source = None,
) -> None:
    """Talk with your documents in the terminal; follow-up questions keep context."""
    settings = _settings(collection, mode, top_k)
    sources = _resolve(settings, source)
    chain = _build(ctx, settings)
    history: list[dict[str, str]] = []
    console.print("[dim]Ask a question; an empty line or Ctrl-D ends the chat.[/]")
    _tolerate_undecodable_input()
    while True:
        try:
            question = console.input("[bold]> [/]").strip()
        except EOFError:
            break
        if not question:
            break
        try:
            answer = _stream_answer(
                chain, {"question": question, "history": history, "sources": sources}
            )
        except QuestionError as exc:  # a question too long: say so, and go on
            print_error(str(exc))
            continue
        _print_sources(answer)
        history += [
            {"role": "user", "content": answer.question},
            {"role": "assistant", "content": answer.text},
        ]


def _tolerate_undecodable_input() -> None:
    """Hand bytes of another encoding typed or piped into the chat over as lone surrogates
    (which the chain turns into U+FFFD) instead of ending the session on a decoding error."""
    import io
    import sys

    if isinstance(sys.stdin, io.TextIOWrapper):
        sys.stdin.reconfigure(errors="surrogateescape")
