"""Follow-up questions made standalone: the chain's first stage.

"And for spare parts?" means nothing to retrieval; with the conversation it
becomes "What is the warranty period for spare parts?". The LLM rewrites the
question from the history, unless the question stands alone (no word that
points back, see :func:`stands_alone`); a rewrite that is empty, parrots "not
found", shares no word with what was asked or drops most of the question's own
words falls back to the previous question plus this one.

Example:
    >>> says_not_found("Sorry: I could not find this in your documents.",
    ...                "I could not find this in your documents.")
    True
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rag.answer.context import format_history, normalise_history, text_of
from rag.models.remote import LLM_BACKEND, remote_errors
from rag.text import WORD, content_words

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.prompts import ChatPromptTemplate
    from langchain_core.runnables import RunnableConfig

__all__ = ["Condenser", "says_not_found", "stands_alone"]

logger = logging.getLogger(__name__)


def says_not_found(text: str, not_found_text: str) -> bool:
    """Whether ``text`` holds the "not found" answer (punctuation and case aside)."""

    def norm(s: str) -> str:
        return re.sub(r"\W+", " ", s.lower()).strip()

    return norm(not_found_text) in norm(text)


class Condenser:
    """Rewrites a follow-up question into a standalone one with the LLM.

    Args:
        llm: The chat model.
        prompt: The rewrite prompt (``history``, ``question``).
        not_found_text: The chain's "not found" answer, kept out of the history.
    """

    def __init__(self, llm: BaseChatModel, prompt: ChatPromptTemplate, not_found_text: str) -> None:
        self.llm = llm
        self.prompt = prompt
        self.not_found_text = not_found_text

    def __call__(self, question: str, history: Sequence[Any],
                 config: RunnableConfig | None = None) -> str:
        """Return the standalone question (``question`` itself when there is no history)."""
        # "Not found" answers say nothing about the topic; small models even copy
        # them as the "rewritten question", so they are left out of the history.
        turns = [(role, text) for role, text in normalise_history(history)
                 if not (role != "user" and says_not_found(text, self.not_found_text))]
        rendered = format_history([{"role": role, "content": text} for role, text in turns])
        if not rendered or stands_alone(question):
            return question  # nothing to resolve: no rewrite, no LLM call
        messages = self.prompt.format_messages(history=rendered, question=question)
        # One line is all a rewrite needs; stopping there keeps follow-ups fast.
        with remote_errors(LLM_BACKEND):
            reply = self.llm.invoke(messages, config, stop=["\n"])
        rewritten = text_of(reply.content).strip()
        rewritten = rewritten.splitlines()[0].strip() if rewritten else ""
        if "?" in rewritten:  # small models go on to answer: keep the question only
            rewritten = rewritten[: rewritten.index("?") + 1]
        asked = [text for role, text in turns if role == "user"]
        if not self._usable(rewritten, question, asked):
            # No usable rewrite: let retrieval see the previous question too.
            rewritten = f"{asked[-1]} {question}" if asked else question
        logger.debug("condensed %r to %r", question, rewritten)
        return rewritten

    def _usable(self, rewritten: str, question: str, asked: list[str]) -> bool:
        known = set(content_words(" ".join([*asked, question])))
        own = set(content_words(question))
        kept = own & set(content_words(rewritten))
        return bool(
            rewritten
            and rewritten.lower() != question.lower()
            and not says_not_found(rewritten, self.not_found_text)
            and known & set(content_words(rewritten))  # not about something else entirely
            and 2 * len(kept) >= len(own)  # and still about what was asked
        )


_REFERRING = frozenset("""it its they them their theirs this that these those he him his she
    her hers there then one ones same other else also too""".split())
"""Words that point back into the conversation ("How much does *it* cost?")."""


def stands_alone(question: str) -> bool:
    """Whether a question needs no history: no word that points back, and at least three
    content words ("And for spare parts?" does not; "What does the café serve?" does).

    Example:
        >>> [stands_alone(q) for q in ("What does the café serve on Sunday?",
        ...                            "And for spare parts?", "How much does it cost?")]
        [True, False, False]
    """
    words = {w.lower() for w in WORD.findall(question)}
    return not words & _REFERRING and len(content_words(question)) >= 3
