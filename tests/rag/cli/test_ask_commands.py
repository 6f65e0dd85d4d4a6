"""``rag ask`` and ``rag chat``: early refusals, and how answers print.

The question and ``--source`` are checked before any model loads: opening the
index for the chain loads the embedding model and creates the store's Chroma
folder and keyword database; these refusals must come before that, so the
tests check that neither was created. The printing tests hand the CLI a fake
chain as Typer's context object (``obj``), in place of the real one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from typer.testing import CliRunner

import rag.cli
from rag.answer import Answer, Quote, Source
from rag.cli import app
from rag.index import FileRecord, open_ledger

rag.cli._register()
runner = CliRunner()


def test_a_too_long_question_is_refused_before_anything_opens(isolated_state: Path) -> None:
    result = runner.invoke(app, ["ask", "why " * 12_500])
    assert result.exit_code == 2, result.output
    assert "error: the question is too long (49999 characters; at most 2000)" in result.stderr
    assert not isolated_state.exists()  # no store, so no index and no model


def test_the_limit_is_the_chains_setting(isolated_state: Path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("RAG_RETRIEVAL__MAX_QUESTION_CHARS", "20")
    result = runner.invoke(app, ["ask", "How long do barn owls live?"])
    assert result.exit_code == 2 and "at most 20)" in result.stderr
    result = runner.invoke(app, ["ask", " \t "])
    assert result.exit_code == 2 and "error: the question is empty" in result.stderr


def test_an_invalid_collection_name_is_a_usage_error(isolated_state: Path) -> None:
    for name in ("bad name!", "x", "a..b"):
        result = runner.invoke(app, ["ask", "--collection", name, "Where do owls hunt?"])
        assert result.exit_code == 2, result.output
        assert f"error: invalid settings: store.collection: invalid collection name {name!r}: " \
               "use 3-63 letters" in result.stderr
    assert not isolated_state.exists()  # refused before Chroma saw the name


def test_an_invalid_option_is_a_usage_error(isolated_state: Path) -> None:
    result = runner.invoke(app, ["ask", "--mode", "fast", "Where do owls hunt?"])
    assert result.exit_code == 2, result.output
    assert "error: invalid settings: retrieval.mode: Input should be 'hybrid'" in result.stderr
    assert not isolated_state.exists()


def test_an_unknown_source_is_refused_naming_it(settings, tmp_path: Path) -> None:  # noqa: ANN001
    owls = tmp_path / "docs" / "owls.md"
    ledger = open_ledger(settings)
    try:
        ledger.put(FileRecord(str(owls), 1, 1, "0" * 64, 1, 1, 0, dt.datetime.now(dt.timezone.utc)))
    finally:
        ledger.engine.dispose()
    args = ["--source", "/no/such/file.pdf", "--source", "*.nomatch", "--source", str(owls)]
    result = runner.invoke(app, ["ask", *args, "--source", "docs", "Where do owls hunt?"])
    assert result.exit_code == 2, result.output
    error = result.stderr.strip()
    assert error == (
        "error: --source /no/such/file.pdf, *.nomatch: matches no file of collection "
        "'documents' (see rag sources)"
    )  # the file and its folder ("docs", relative to here) matched: not named
    store = settings.store.path
    assert not (store / "chroma").exists() and not (store / "keywords.sqlite3").exists()


# -- how answers print: a chain built by the test, handed to the CLI as its context object --

GUIDE = "Setup.\nBy default the all-MiniLM-L6-v2 embedding model\n  is used. Run `rag ingest`."
MODEL = "By default the all-MiniLM-L6-v2 embedding model\n  is used."
NOTES = "rag forget ~/papers/old.pdf removes one file from the index."


class FakeChain:
    """Streams like :class:`rag.chain.RagChain`: text pieces, then the :class:`Answer`.

    A quoted chain (``quotes``) streams the answer's whole text as one piece.
    """

    def __init__(self, answer: Answer, *, quotes: bool) -> None:
        self.answer = answer
        self.quotes = quotes
        self.calls: list[dict] = []

    def stream(self, inputs: dict) -> Iterator[str | Answer]:
        self.calls.append(inputs)
        if self.quotes:
            yield self.answer.text
        else:
            yield from (word + " " for word in self.answer.text.split(" "))
        yield self.answer


def _sources() -> list[Source]:
    return [Source(1, "/d/guide.pdf", 3, "c1", GUIDE, 0.81),
            Source(2, "/d/notes.md", None, "c2", NOTES, 0.52)]


def _quoted(short: str | None) -> Answer:
    start = GUIDE.index(MODEL)
    quotes = [Quote(MODEL, 1, start, start + len(MODEL)), Quote(NOTES, 2, 0, len(NOTES))]
    lines = [f"{short} [1]"] if short else []
    lines += [f"“{q.flat_text}” [{q.n}]" for q in quotes]
    return Answer(text="\n\n".join(lines), sources=_sources(), question="q",
                  standalone_question="q", short=short, short_source=1 if short else None,
                  quotes=quotes)


def _ask(chain: FakeChain, *args: str) -> str:
    result = runner.invoke(app, ["ask", *args, "Which embedding model?"], obj=lambda _: chain)
    assert result.exit_code == 0, result.output
    assert "\x1b[" not in result.stdout  # piped: plain text
    return result.stdout


def test_a_quoted_answer_prints_the_fact_then_each_quote_once_with_file_and_page() -> None:
    out = _ask(FakeChain(_quoted("all-MiniLM-L6-v2"), quotes=True))

    assert out.splitlines() == [
        "all-MiniLM-L6-v2 [1]",
        "“By default the all-MiniLM-L6-v2 embedding model is used.” — guide.pdf:3",
        f"“{NOTES}” — notes.md",
        "Sources:",
        "  [1] guide.pdf:3  (0.81)",
        "  [2] notes.md  (0.52)",
    ]  # the streamed text, with its [n] after each quote, is not printed


def test_a_quoted_answer_without_a_fact_prints_only_its_quotes() -> None:
    out = _ask(FakeChain(_quoted(None), quotes=True))
    assert out.splitlines()[:3] == [
        "“By default the all-MiniLM-L6-v2 embedding model is used.” — guide.pdf:3",
        f"“{NOTES}” — notes.md",
        "Sources:",
    ]


def test_a_written_answer_streams_as_before() -> None:
    written = Answer(text="The default is all-MiniLM-L6-v2 [1].", sources=_sources(),
                     question="q", standalone_question="q")
    out = _ask(FakeChain(written, quotes=False))
    assert out.splitlines()[:2] == ["The default is all-MiniLM-L6-v2 [1]. ", "Sources:"]


def test_not_found_from_a_quoting_chain_prints_once() -> None:
    answer = Answer(text="I could not find that in the documents.", sources=_sources(),
                    question="q", standalone_question="q", not_found=True)
    out = _ask(FakeChain(answer, quotes=True))
    assert out == "I could not find that in the documents.\n"


def test_chat_prints_quoted_answers_and_keeps_their_text_as_history() -> None:
    chain = FakeChain(_quoted("all-MiniLM-L6-v2"), quotes=True)
    result = runner.invoke(app, ["chat"], input="Which model?\nAnd then?\n\n", obj=lambda _: chain)

    assert result.exit_code == 0, result.output
    assert result.stdout.count("” — guide.pdf:3") == 2  # one per answer
    assert "[2]\n" not in result.stdout  # no raw quote line with its marker
    assert chain.calls[1]["history"][1] == {"role": "assistant", "content": chain.answer.text}


def test_undecodable_bytes_in_a_question_are_answered_not_a_traceback(
    tmp_path: Path, isolated_state: Path
) -> None:
    notes = tmp_path / "menu.md"
    notes.write_text("# Menu\n\nThe café serves crêpes named after Molière every Sunday.\n")
    assert runner.invoke(app, ["ingest", str(notes)]).exit_code == 0
    # Python hands undecodable argument bytes (Latin-1 é, 0xff 0xfe) over as lone surrogates
    result = runner.invoke(app, ["ask", "caf\udce9 \udcff\udcfe Moli\udce8re?"])
    assert result.exit_code == 0, result.output
    assert result.exception is None and "Traceback" not in result.output
    assert "menu.md" in result.output or "could not find" in result.output

    # the same bytes typed into the chat do not end the session: the next question is answered
    result = runner.invoke(app, ["chat"], input=b"caf\xe9 Moli\xe8re?\nWhat does the caf\xc3\xa9 "
                                                b"serve on Sunday?\n\n")
    assert result.exit_code == 0, result.output
    assert result.exception is None
    assert result.output.count("> ") >= 3  # three prompts: two questions, then the empty line
    assert "crêpes" in result.output
