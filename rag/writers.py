"""The answer's text: written by the LLM, or a phrase of the passages chosen with its help.

Both writers take the standalone question and the passages shown for it
(numbered from 1; None where focusing kept nothing) and yield the answer's
text in pieces, so the chain can stream it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from rag.context import format_context, text_of
from rag.extract import PhraseCandidate, choose_span
from rag.remote import LLM_BACKEND, remote_errors
from rag.text import split_sentences

if TYPE_CHECKING:
    from langchain_core.documents import Document
    from langchain_core.language_models import BaseChatModel
    from langchain_core.prompts import ChatPromptTemplate
    from langchain_core.runnables import RunnableConfig

    from rag.scoring import ContinuationScorer

__all__ = ["LLMWriter", "PhraseChooser"]


class LLMWriter:
    """The LLM writes the answer from the numbered passages, streamed.

    Args:
        llm: The chat model.
        qa_prompt: The QA prompt (``context``, ``question``, ``not_found``).
        not_found_text: The "not found" answer the prompt offers the model.
    """

    def __init__(self, llm: BaseChatModel, qa_prompt: ChatPromptTemplate,
                 not_found_text: str) -> None:
        self.llm = llm
        self.qa_prompt = qa_prompt
        self.not_found_text = not_found_text

    def __call__(self, question: str, shown: Sequence[Document | None],
                 config: RunnableConfig | None = None) -> Iterator[str]:
        """Yield the model's words as it writes them."""
        messages = self.qa_prompt.format_messages(
            context=format_context(shown), question=question, not_found=self.not_found_text)
        with remote_errors(LLM_BACKEND):
            for chunk in self.llm.stream(messages, config):
                piece = text_of(chunk.content)
                if piece:
                    yield piece


class PhraseChooser:
    """The answer is the candidate phrase the ranker and the LLM's scores choose.

    Args:
        qa_prompt: The QA prompt the candidates are scored as answers to.
        scorer: Scores continuations with the LLM (see :mod:`rag.scoring`).
        not_found_text: The "not found" answer the prompt offers the model.
    """

    def __init__(self, qa_prompt: ChatPromptTemplate, scorer: ContinuationScorer,
                 not_found_text: str) -> None:
        self.qa_prompt = qa_prompt
        self.scorer = scorer
        self.not_found_text = not_found_text

    def __call__(self, question: str, shown: Sequence[Document | None],
                 config: RunnableConfig | None = None) -> Iterator[str]:
        """Yield the chosen phrase, cited to the passage it was chosen from (or nothing)."""
        passages = [doc.page_content if doc is not None else None for doc in shown]
        with remote_errors(LLM_BACKEND):
            best = choose_span(question, passages,
                               rescore=lambda top: self.score_candidates(question, passages, top))
        if best is not None:
            yield f"{best.text} [{best.passage}]"

    def score_candidates(
        self, question: str, passages: Sequence[str | None], top: Sequence[PhraseCandidate]
    ) -> list[float]:
        """The LLM's scores for candidate phrases, shown only the sentences that hold them.

        Args:
            question: The standalone question.
            passages: The shown passages' texts, numbered from 1 (None: not shown).
            top: The candidates to score (see :func:`rag.extract.choose_span`).

        Returns:
            One mean log-probability per candidate.
        """
        from langchain_core.documents import Document

        holding = {(c.passage, c.sentence) for c in top}
        short: list[Document | None] = [
            Document(page_content=" ".join(s for s in split_sentences(text) if (n, s) in holding))
            if text and any(p == n for p, _ in holding) else None
            for n, text in enumerate(passages, start=1)
        ]
        messages = self.qa_prompt.format_messages(
            context=format_context(short), question=question, not_found=self.not_found_text)
        return self.scorer(messages, [c.text for c in top])
