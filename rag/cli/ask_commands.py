"""``rag ask`` and ``rag chat``: questions from the terminal, answers streamed."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from rag.cli import app
from rag.cli._common import CollectionOption, console, err_console, settings_from_cli

if TYPE_CHECKING:
    from rag.answer import Answer
    from rag.chain import RagChain
    from rag.index import Index

_Mode = Annotated[
    str | None,
    typer.Option("--mode", help="Retrieval mode: hybrid, dense or bm25.", show_default=False),
]
_TopK = Annotated[
    int | None, typer.Option("--top-k", "-k", help="Chunks given to the model.", show_default=False)
]
_Source = Annotated[
    list[str] | None,
    typer.Option("--source", "-s", help="Only search these files, folders or globs (repeatable)."),
]


def _build(collection: str | None, mode: str | None, top_k: int | None) -> tuple[RagChain, Index]:
    from rag.chain import build_chain
    from rag.index import open_index

    settings = settings_from_cli(
        store={"collection": collection}, retrieval={"mode": mode, "top_k": top_k}
    )
    with err_console.status("Loading models…"):
        index = open_index(settings)
        chain = build_chain(settings, index=index)
    return chain, index


def _stream_answer(chain: RagChain, inputs: dict) -> Answer:
    answer: Answer | None = None
    streamed = ""
    for piece in chain.stream(inputs):
        if isinstance(piece, str):
            streamed += piece
            console.print(piece, end="", markup=False, highlight=False, soft_wrap=True)
        else:
            answer = piece
    assert answer is not None
    final = answer.text
    if final.startswith(streamed.rstrip()):  # the chain added a citation: print the rest
        console.print(final[len(streamed.rstrip()):], markup=False, highlight=False)
    else:  # the support check turned the streamed text into "not found"
        console.print()
        console.print("(not backed by the passages) ", style="dim", end="", markup=False)
        console.print(final, markup=False, highlight=False)
    return answer


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


def _resolve(index: Index, patterns: list[str] | None) -> list[str] | None:
    """Turn --source values (paths relative to here, folders, globs) into source ids."""
    if not patterns:
        return None
    from rag.retrieval import resolve_sources

    absolute = [p if any(c in p for c in "*?[") else str(Path(p).expanduser().resolve())
                for p in patterns]
    return resolve_sources(index, absolute)


@app.command()
def ask(
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
    if not question.strip():
        raise typer.BadParameter("the question is empty")
    chain, index = _build(collection, mode, top_k)
    answer = _stream_answer(chain, {"question": question, "sources": _resolve(index, source)})
    if show_question:
        console.print(f"[dim]Retrieval question: {answer.standalone_question}[/]", highlight=False)
    _print_sources(answer)


@app.command()
def chat(
    collection: CollectionOption = None,
    mode: _Mode = None,
    top_k: _TopK = None,
    source: _Source = None,
) -> None:
    """Talk with your documents in the terminal; follow-up questions keep context."""
    chain, index = _build(collection, mode, top_k)
    sources = _resolve(index, source)
    history: list[dict[str, str]] = []
    console.print("[dim]Ask a question; an empty line or Ctrl-D ends the chat.[/]")
    while True:
        try:
            question = console.input("[bold]> [/]").strip()
        except EOFError:
            break
        if not question:
            break
        answer = _stream_answer(
            chain, {"question": question, "history": history, "sources": sources}
        )
        _print_sources(answer)
        history += [
            {"role": "user", "content": question},
            {"role": "assistant", "content": answer.text},
        ]
