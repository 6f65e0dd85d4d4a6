"""Span grammars: their shape, and a real llama.cpp model held to them."""

from __future__ import annotations

import re

import pytest

from rag.models import grammar_kwargs
from rag.spans import span_grammar


def _rules(grammar: str) -> dict[str, str]:
    return dict(line.split(" ::= ", 1) for line in grammar.splitlines())


def test_a_span_never_crosses_into_the_next_passage() -> None:
    rules = _rules(span_grammar(["Owls hunt.", "Bats see"], alternatives=["Not found."]))
    assert rules["root"] == 'w0 | w1 | w2 | w3 | "Not found."'
    assert rules["w1"] == '"hunt."'  # the first passage's last word ends every span
    assert rules["w2"] == '"Bats" (" " w3)?'


def test_quotes_and_backslashes_are_escaped_and_nothing_to_accept_is_an_error() -> None:
    rules = _rules(span_grammar(['say "hi"\\now']))
    assert rules["w1"] == r'"\"hi\"\\now"'
    with pytest.raises(ValueError, match="at least one"):
        span_grammar(["   "], alternatives=[""])


def test_other_chat_models_get_no_grammar() -> None:
    from langchain_core.language_models import FakeListChatModel

    assert grammar_kwargs(FakeListChatModel(responses=["x"]), span_grammar(["a b"])) == {}


@pytest.mark.slow
def test_the_local_model_writes_only_words_of_a_passage(llm) -> None:
    from langchain_core.messages import HumanMessage

    passages = ["The Quillon bridge in Vardø is 412 metres long.", "It opened in 1994."]
    not_found = "I could not find this in your documents."
    kwargs = grammar_kwargs(llm, span_grammar(passages, alternatives=[not_found]))
    assert set(kwargs) == {"grammar"}
    for question in ("How long is the Quillon bridge?", "Write a poem about cats."):
        prompt = f"Passages: {' '.join(passages)}\nQuestion: {question}\nAnswer:"
        reply = "".join(c.content for c in llm.stream([HumanMessage(prompt)], **kwargs)).strip()
        words = reply.split()
        assert reply == not_found or any(
            re.search(r"(^| )" + re.escape(" ".join(words)) + r"( |$)", p) for p in passages
        ), reply


@pytest.mark.slow
def test_extract_answers_are_quoted_from_the_cited_passage(tmp_path, embeddings, llm) -> None:  # noqa: ANN001
    import ingest
    from rag.chain import build_chain
    from rag.index import open_index
    from rag.settings import Settings

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "bridge.md").write_text(
        "# The Quillon bridge\n\nThe Quillon bridge in Vardø is 412 metres long. "
        "It opened to traffic in 1994 after four years of construction.\n"
    )
    (docs / "wool.txt").write_text("Winter scarves use chunky merino wool and 8 mm needles.\n")
    settings = Settings(store={"path": tmp_path / "data"}, prompts={"qa_template": "extractive_qa"})
    index = open_index(settings, embeddings=embeddings)
    try:
        assert ingest.ingest_paths([docs], settings, index=index).ok
        answer = build_chain(settings, llm=llm, index=index).invoke(
            {"question": "How long is the Quillon bridge?"}
        )
    finally:
        index.close()
    assert not answer.not_found
    quoted = re.sub(r"\s*\[\d+\]$", "", answer.text)
    cited = int(re.search(r"\[(\d+)\]$", answer.text).group(1))
    source = answer.sources[cited - 1]
    assert source.file_name == "bridge.md"
    assert f" {quoted} " in f" {' '.join((docs / 'bridge.md').read_text().split())} "
    assert answer.support == 1.0
