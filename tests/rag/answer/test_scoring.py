"""The LLM's scores for possible answers, with the real bundled model."""

from __future__ import annotations

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from rag.answer.scoring import continuation_scorer

MESSAGES = [
    SystemMessage("Answer with a phrase copied from the passage."),
    HumanMessage("Passage: The Quillon bridge in Vardø is 412 metres long.\n\n"
                 "Question: How long is the Quillon bridge?\nAnswer:"),
]


def test_other_chat_models_have_no_scorer() -> None:
    assert continuation_scorer(FakeListChatModel(responses=["x"])) is None


@pytest.mark.slow
def test_the_answer_scores_higher_than_unrelated_words(llm) -> None:
    score = continuation_scorer(llm)
    assert score is not None
    right, wrong, unrelated = score(MESSAGES, ["412 metres", "Vardø", "chunky merino wool"])
    assert right > wrong and right > unrelated
    assert all(s < 0 for s in (right, wrong, unrelated))  # mean log-probabilities
    again = score(MESSAGES, ["chunky merino wool", "412 metres"])  # prompt cache reused
    # Same scores up to float noise (the cached prompt's last token is evaluated alone).
    assert again == pytest.approx([unrelated, right], rel=0.05)


@pytest.mark.slow
def test_scoring_leaves_the_model_answering_as_before(llm) -> None:
    before = llm.invoke(MESSAGES).content
    continuation_scorer(llm)(MESSAGES, ["412 metres long", "a storm"])
    assert llm.invoke(MESSAGES).content == before
