"""How the answer chain decides, focuses and answers: :class:`ChainConfig`.

Read from the retrieval settings and the QA template by
:meth:`ChainConfig.from_settings`; :func:`rag.chain.build_chain` does that.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rag.settings import RetrievalSettings

__all__ = ["ChainConfig"]


@dataclass(frozen=True)
class ChainConfig:
    """How the chain decides, focuses and answers; :meth:`from_settings` reads the settings.

    Attributes:
        not_found_text: The answer given when nothing relevant was retrieved.
        min_relevance: Chunks with a lower ``similarity`` do not count.
        max_question_chars: Longer questions are refused.
        context_sentences: Show the LLM only this many sentences of the
            relevant chunks, those closest to the question (0: whole chunks).
        context_min_share: Of those, drop sentences less similar than this
            share of the best sentence's similarity (not when the answer is
            chosen from candidate phrases).
        context_lexical_weight: Weight of the question's words in choosing
            those sentences (see :func:`rag.answer.focus.focus_documents`).
        context_neighbours: Also show this many sentences after the best one
            in its chunk, when the short fact is chosen from candidate phrases.
        answer_style: ``cited`` or ``extract``, from the QA template (see
            :class:`prompts.TemplateSpec`).
        min_support: Abstain when the best passage backs less than this share
            of the answer's content words (0: never).
    """

    not_found_text: str
    min_relevance: float = 0.0
    max_question_chars: int = 2000
    context_sentences: int = 0
    context_min_share: float = 0.0
    context_lexical_weight: float = 0.0
    context_neighbours: int = 0
    answer_style: str = "cited"
    min_support: float = 0.0

    @classmethod
    def from_settings(cls, retrieval: RetrievalSettings, *, not_found_text: str,
                      answer_style: str) -> ChainConfig:
        """The configuration the retrieval settings and the QA template ask for."""
        return cls(
            not_found_text=not_found_text,
            min_relevance=retrieval.min_relevance,
            max_question_chars=retrieval.max_question_chars,
            context_sentences=retrieval.context_sentences,
            context_min_share=retrieval.context_min_share,
            context_lexical_weight=retrieval.context_lexical_weight,
            context_neighbours=retrieval.context_neighbours,
            answer_style=answer_style,
            min_support=retrieval.min_support,
        )
