"""Answer evaluation end to end on a tiny SQuAD file: a scripted model, then the real one."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from prompts import load_text
from rag.errors import ConfigError
from rag.eval.datasets import file_fingerprint, load_squad
from rag.eval.metrics import squad_f1
from rag.eval.qa import evaluate_qa

_BLOCK = re.compile(r'\[(\d+)\][^\n]*:\n"""\n(.*?)\n"""', re.DOTALL)


class ScriptedModel(BaseChatModel):
    """Answers known questions with their reference, citing the block that holds it.

    Unknown questions and those scripted as None get the "not found" text.
    """

    script: dict[str, str | None]

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def _generate(self, messages: list[BaseMessage], stop: Any = None, **kwargs: Any) -> ChatResult:
        prompt = "\n".join(str(m.content) for m in messages)
        text = load_text("not_found")
        for question, reference in self.script.items():
            if question in prompt and reference is not None:
                blocks = {n: body for n, body in _BLOCK.findall(prompt)}
                n = next((n for n, body in blocks.items() if reference in body), "9")
                text = f"{reference} [{n}]"
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])


def test_scores_follow_the_answers(squad_file: Path, settings, embeddings) -> None:  # noqa: ANN001
    articles = load_squad(squad_file)
    script = {
        q.question: (q.answers[0] if q.answers else None) for a in articles for q in a.questions
    }
    calls: list[str] = []
    run = evaluate_qa(
        articles,
        settings,
        corpus_key=file_fingerprint(squad_file),
        ingest=[0, 1],
        off_corpus=articles[2:],
        llm=ScriptedModel(script=script),
        embeddings=embeddings,
        progress=lambda p: calls.append(p.stage),
    )
    assert run.counts == {
        "answerable": 4,
        "impossible": 2,
        "off_corpus": 2,
        "abstained": 4,
        "chunks": 3,
        "paragraphs": 3,
    }
    answers, abstention = run.metrics["answers"], run.metrics["abstention"]
    assert answers == {
        "exact match": 1.0, "token F1": 1.0, "contains reference": 1.0,
        "gold in sources": 1.0, "gold cited": 1.0,
        "with a short fact": 0.0, "shown contains reference": 1.0,  # written answers
    }
    assert abstention["recall off-corpus"] == abstention["recall impossible"] == 1.0
    assert abstention["false abstention (answerable)"] == 0.0
    assert abstention["precision all"] == 1.0
    assert run.metrics["latency"]["total p50 s"] > 0
    check = run.metrics["support check"]  # right answers: nothing rejected, nothing changes
    assert check["rejected answerable"] == 0.0 and check["token F1 without check"] == 1.0
    assert check["false abstention without check"] == 0.0
    assert calls[0] == "ingest" and calls[-1] == "qa" and calls.count("qa") == 8
    lava = next(r for r in run.details if r["id"] == "v1")
    assert lava["gold_source"] == "squad:1:1" and lava["cited"][0] == "squad:1:1"

    # A model that answers every question wrongly in the same run setup.
    wrong = {q: ("Paris" if ref else None) for q, ref in script.items()}
    bad = evaluate_qa(
        articles, settings, corpus_key=file_fingerprint(squad_file), ingest=[0, 1],
        off_corpus=articles[2:], limit=4, seed=1, llm=ScriptedModel(script=wrong),
        embeddings=embeddings,
    )
    assert bad.collection["reused"] is True
    assert bad.metrics["answers"]["exact match"] == 0.0
    assert bad.metrics["answers"]["gold cited"] == 0.0  # "Paris" is in no block: cites [9], dropped
    assert sum(bad.counts[g] for g in ("answerable", "impossible", "off_corpus")) == 4
    # "Paris" is backed by no passage: the support check turns it into "not found",
    # and the run says what the answers would have been without the check.
    assert bad.counts["answerable"] == 2
    assert bad.metrics["abstention"]["false abstention (answerable)"] == 1.0
    bad_check = bad.metrics["support check"]
    assert bad_check["rejected answerable"] == 1.0
    assert bad_check["false abstention without check"] == 0.0
    assert bad_check["token F1 without check"] == 0.0
    assert all(r["rejected"] == "Paris" for r in bad.details if r["group"] == "answerable")


def test_unknown_article_is_refused(squad_file: Path, settings) -> None:  # noqa: ANN001
    with pytest.raises(ConfigError, match="no article"):
        evaluate_qa(load_squad(squad_file), settings, corpus_key="x", ingest=[7])


@pytest.mark.slow
def test_real_model_answers_a_handful(
    squad_file: Path, settings, embeddings, llm  # noqa: ANN001
) -> None:
    articles = load_squad(squad_file)
    run = evaluate_qa(
        articles, settings, corpus_key=file_fingerprint(squad_file), ingest=[0, 1],
        off_corpus=articles[2:], limit=4, seed=0, llm=llm, embeddings=embeddings,
    )
    assert run.counts["answerable"] == 2 and len(run.details) == 4
    answerable = [r for r in run.details if r["group"] == "answerable"]
    # Retrieval decides the sources before the model speaks: the gold paragraph is there.
    assert run.metrics["answers"]["gold in sources"] == 1.0
    mean_f1 = sum(squad_f1("" if r["not_found"] else re.sub(r"\s*\[\d+\]", "", r["answer"]),
                           r["references"]) for r in answerable) / 2
    assert run.metrics["answers"]["token F1"] == pytest.approx(mean_f1)
    for record in run.details:
        timings = record["timings"]
        if "first_token" in timings:  # the model was called
            assert 0 < timings["first_token"] <= timings["total"]
        else:
            assert record["not_found"] and record["sources"] == []
    assert run.settings["llm"]["provider"] == "llamacpp"
