"""What the chain returns: an answer, its numbered sources, and timings.

These are plain data classes so the CLI, the UI and library users can all read
them without touching LangChain types.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["CITATION", "Answer", "Quote", "Source"]

CITATION = re.compile(r"\[(\d+)\]")
"""A citation marker in an answer's text: ``[n]`` cites context block ``n``."""


@dataclass(frozen=True)
class Source:
    """One retrieved chunk shown to the model as context block ``[n]``."""

    n: int
    """The citation number used in the answer text (1-based)."""
    source: str
    """The source id: the file's absolute path for ingested files."""
    page: int | None
    """1-based page number for paged documents (PDF), else None."""
    chunk_id: str
    """The chunk's id in the index."""
    snippet: str
    """The chunk text (or the part of it given to the model)."""
    score: float
    """Relevance: cosine similarity for dense hits, fused score otherwise."""
    page_label: str | None = None
    """The page label printed on the page, when the PDF has one."""

    @property
    def file_name(self) -> str:
        """The file name without its folder."""
        return Path(self.source).name

    @property
    def citation(self) -> str:
        """``file:page`` (or just the file name when there are no pages); a sheet's rows
        are cited by their label (``sales.xlsx:Sales!2-41``).

        Example:
            >>> Source(1, "/d/sales.xlsx", 2, "c", "", 1.0, page_label="Sales!2-41").citation
            'sales.xlsx:Sales!2-41'
        """
        if not self.page:
            return self.file_name
        if self.page_label and "!" in self.page_label and _suffix(self.source) in _SHEETS:
            return f"{self.file_name}:{self.page_label}"
        return f"{self.file_name}:{self.page}"

    @property
    def location(self) -> str | None:
        """Where the chunk is in its file, in words: ``page 4`` (or its printed label),
        ``slide 3``, ``Sales rows 2-41``, ``msg 12: Subject``, ``chapter 2: Title``;
        None for a file without pages.

        Example:
            >>> Source(1, "/d/deck.pptx", 3, "c", "", 1.0).location
            'slide 3'
        """
        if not self.page:
            return None
        kind, label = _suffix(self.source), self.page_label
        if kind == ".pptx":
            return f"slide {self.page}"
        if kind in _SHEETS and label and "!" in label:
            sheet, _, rows = label.rpartition("!")
            return f"{sheet} rows {rows}"
        if kind == ".mbox" and label:
            return label
        if kind == ".epub":
            return f"chapter {self.page}: {label}" if label else f"chapter {self.page}"
        return f"page {label or self.page}"


_SHEETS = frozenset({".xlsx", ".xlsm", ".ods", ".csv", ".tsv", ".tab"})


def _suffix(source: str) -> str:
    return Path(source).suffix.lower()


@dataclass(frozen=True)
class Quote:
    """A sentence of a source quoted verbatim as the evidence of an answer.

    ``source.snippet[start:end] == text`` for the :class:`Source` numbered ``n``.
    """

    text: str
    """The quoted words, exactly as in the chunk."""
    n: int
    """The number of the source it is quoted from (as cited, ``[n]``)."""
    start: int
    """Character offset of the quote in that source's chunk text."""
    end: int
    """Character offset just past the quote's end."""
    heads: str = ""
    """For a table row, its column heads joined by `` | `` (empty otherwise)."""

    @property
    def flat_text(self) -> str:
        """The quote on one line, for display: its whitespace collapsed, a table row with
        its column heads ("Plan: Basic; Storage: 10 GB")."""
        from rag.index.units import readable

        return readable(self.text, self.heads)


@dataclass
class Answer:
    """The result of one question."""

    text: str
    """The answer as shown, with inline citations such as ``[1]``: the short fact
    (when there is one) and the quoted sentences, one per line, or the LLM's text."""
    sources: list[Source]
    """The context blocks the model saw; numbering matches the citations."""
    question: str
    """The question as asked."""
    standalone_question: str
    """The question used for retrieval (rewritten from the history if any)."""
    not_found: bool = False
    """True when the documents do not answer the question."""
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds per stage: ``condense``, ``retrieve``, ``quote`` (choosing the quotes) or
    ``generate`` (the LLM writing), ``first_token``, ``total``."""
    rejected_text: str | None = None
    """The model's answer when the support check rejected it (``not_found`` is then True)."""
    support: float | None = None
    """How well the best shown passage backs the answer, in [0, 1] (see
    :func:`rag.answer.context.support`); None when no answer was checked."""
    short: str | None = None
    """The short fact (a phrase of the sources) when the question asks for one and
    the chain is confident of it; None otherwise."""
    short_source: int | None = None
    """The number of the source the short fact is quoted from (None without one)."""
    quotes: list[Quote] = field(default_factory=list)
    """The sentences that prove the answer, verbatim, in the order shown; empty for
    answers the LLM wrote and for "not found"."""

    @property
    def cited_sources(self) -> list[Source]:
        """The sources the answer text actually cites, in citation order."""
        numbers = dict.fromkeys(int(m) for m in CITATION.findall(self.text))
        by_n = {s.n: s for s in self.sources}
        return [by_n[n] for n in numbers if n in by_n]
