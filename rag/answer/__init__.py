"""The answer path: from the retrieved chunks to the answer a person reads.

What lives here:

- :mod:`~rag.answer.result`: what the chain returns (:class:`Answer`, its
  numbered :class:`Source` blocks and verbatim :class:`Quote` s);
- :mod:`~rag.answer.quotes`: the quotable units of a chunk, scored against the
  question, and the fitted rules of quoting (``data/quote_rules.json``);
- :mod:`~rag.answer.extract` and :mod:`~rag.answer.phrases`: the short fact,
  a phrase chosen among candidates by a fitted ranker (``data/phrase_ranker.json``);
- :mod:`~rag.answer.scoring`: the local LLM's scores of candidate phrases;
- :mod:`~rag.answer.focus`: the sentences of a chunk shown to an LLM that writes;
- :mod:`~rag.answer.writers`: the answer's text, quoted or written;
- :mod:`~rag.answer.cells`: table cells and form values as short facts;
- :mod:`~rag.answer.people`: who holds the role or wrote the mail a question asks about;
- :mod:`~rag.answer.sections`: the section a question names by its number (a release);
- :mod:`~rag.answer.gates`: near misses refused first (a name, role, attribute or phone
  number no document gives);
- :mod:`~rag.answer.across`: a quote from each periodic report a question asks across;
- :mod:`~rag.answer.boilerplate` and :mod:`~rag.answer.siblings`: sentences many
  documents repeat set aside; near misses about a sibling ("gas meter" of a
  water meter letter) answered "not found";
- :mod:`~rag.answer.condense`: follow-up questions made standalone;
- :mod:`~rag.answer.context`: text into prompts and out of the LLM (questions,
  history, citations);
- :mod:`~rag.answer.config`: how the chain decides (:class:`~rag.answer.config.ChainConfig`).

May import: :mod:`rag.text`, :mod:`rag.errors`, :mod:`rag.models` (remote
errors) and :mod:`prompts`; never the index, retrieval, the chain or the faces.

Example:
    >>> from rag.answer import Answer
    >>> Answer(text="1994 [1]", sources=[], question="When?", standalone_question="When?").short
"""

from __future__ import annotations

from rag.answer.result import CITATION, Answer, Quote, Source

__all__ = ["CITATION", "Answer", "Quote", "Source"]
