"""The answer's text: written by the LLM, or quoted from the passages.

:class:`LLMWriter` takes the standalone question and the passages shown for
it (numbered from 1; None where focusing kept nothing) and yields the answer's
text in pieces, so the chain can stream it. :class:`QuoteWriter` quotes the
sentences that answer (:mod:`rag.answer.quotes`), led by the short fact that
:class:`PhraseChooser` picks when the question asks for one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rag.answer.across import REPORT_RANK_KEY, report_quotes
from rag.answer.boilerplate import specific_first
from rag.answer.cells import is_amount, kind_field, named_value, structured_fact
from rag.answer.context import format_context, text_of
from rag.answer.evidence import Evidence, antecedent, falls_under, in_context, rank_evidence
from rag.answer.extract import PhraseCandidate, choose_span
from rag.answer.gates import never_given
from rag.answer.names import named_first
from rag.answer.people import is_mail, role_holder, sender
from rag.answer.phrases import whole_date
from rag.answer.quotes import (
    ANSWER_WORDS,
    SHORT_WORDS,
    QuoteRules,
    answer_shape,
    is_short_fact,
    is_table_row,
    pick_quotes,
)
from rag.answer.result import Answer, Quote, Source
from rag.answer.sections import asked_version, section_answer
from rag.answer.shape import (
    asks_change,
    asks_how_to,
    command_after,
    fits_kind,
    informative,
    list_evidence,
    promote_kind,
    table_evidence,
    wants_list,
)
from rag.answer.siblings import BEST_UNITS, other_thing, seen_text
from rag.models.remote import LLM_BACKEND, remote_errors
from rag.text import split_sentences

if TYPE_CHECKING:
    from langchain_core.documents import Document
    from langchain_core.embeddings import Embeddings
    from langchain_core.language_models import BaseChatModel
    from langchain_core.prompts import ChatPromptTemplate
    from langchain_core.runnables import RunnableConfig

    from rag.answer.scoring import ContinuationScorer

__all__ = ["LLMWriter", "PhraseChooser", "Quoted", "QuoteWriter"]


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
        scorer: Scores continuations with the LLM (see :mod:`rag.answer.scoring`).
        not_found_text: The "not found" answer the prompt offers the model.
    """

    def __init__(self, qa_prompt: ChatPromptTemplate, scorer: ContinuationScorer | None,
                 not_found_text: str) -> None:
        self.qa_prompt = qa_prompt
        self.scorer = scorer
        self.not_found_text = not_found_text

    def choose(self, question: str, shown: Sequence[Document | None]) -> PhraseCandidate | None:
        """The chosen phrase (ranked by its features alone without a scorer), or None."""
        passages = [doc.page_content if doc is not None else None for doc in shown]
        if self.scorer is None:
            return choose_span(question, passages)
        with remote_errors(LLM_BACKEND):
            return choose_span(question, passages,
                               rescore=lambda top: self.score_candidates(question, passages, top))

    def score_candidates(
        self, question: str, passages: Sequence[str | None], top: Sequence[PhraseCandidate]
    ) -> list[float]:
        """The LLM's scores for candidate phrases, shown only the sentences that hold them.

        Args:
            question: The standalone question.
            passages: The shown passages' texts, numbered from 1 (None: not shown).
            top: The candidates to score (see :func:`rag.answer.extract.choose_span`).

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
        assert self.scorer is not None
        return self.scorer(messages, [c.text for c in top])


@dataclass(frozen=True)
class Quoted:
    """A quoted answer: the short fact (or None), its citation and the quoted units."""

    short: str | None
    short_n: int | None
    quotes: list[Evidence]

    @property
    def text(self) -> str:
        """The answer as shown: the fact with its citation, then each quote on its own line."""
        lines = [f"{self.short} [{self.short_n}]"] if self.short else []
        lines += [f"\u201c{q.flat_text}\u201d [{q.n}]" for q in self.quoted()]
        return "\n\n".join(lines)

    def answer(self, sources: list[Source], question: str, standalone: str,
               timings: dict[str, float]) -> Answer:
        """The chain's :class:`~rag.answer.Answer` (quotes are verbatim: support 1)."""
        return Answer(text=self.text, sources=sources, question=question,
                      standalone_question=standalone, timings=timings, support=1.0,
                      short=self.short, short_source=self.short_n, quotes=self.quoted())

    def quoted(self) -> list[Quote]:
        """The quotes as the answer carries them."""
        return [Quote(q.text, q.n, q.start, q.end, q.heads) for q in self.quotes]


STRUCTURED_UNITS = 3
"""The best unit gives a table cell or a form value as the short fact; a field or a
two-cell row among this many of the best does when the question names its key in its
own words (a specification's "Capacity" row under two prose sentences)."""


class QuoteWriter:
    """The answer quotes the sentences that answer, led by the short fact when one is asked.

    For a question that asks for a fact (:func:`rag.answer.quotes.answer_shape`),
    the chooser picks a phrase from the best few sentences (and the one after
    the best); the phrase is the short fact only when it is short and new
    (:func:`~rag.answer.quotes.is_short_fact`) and lies in the best or
    second-best sentence, or in the one after the best, and that sentence (with
    the best one, when it is its neighbour) is quoted as its proof. Otherwise,
    and for questions that ask for a passage, the best sentences are quoted;
    for a passage, rows of Markdown tables only when no prose sentence clears
    the floor.

    Args:
        chooser: Picks the short fact.
        embeddings: Embeds the sentences (the index's model).
        rules: The fitted floor, share and rank weight (:func:`rag.answer.quotes.fitted_rules`).
        lexical_weight: Weight of the question's words in a sentence's score.
        context_sentences: How many of the best sentences the chooser sees.
        neighbours: Also show it this many sentences after the best one.
    """

    def __init__(self, chooser: PhraseChooser, embeddings: Embeddings, *, rules: QuoteRules,
                 lexical_weight: float, context_sentences: int, neighbours: int) -> None:
        self.chooser = chooser
        self.embeddings = embeddings
        self.rules = rules
        self.lexical_weight = lexical_weight
        self.context_sentences = max(1, context_sentences)
        self.neighbours = neighbours

    def with_rules(self, rules: QuoteRules) -> QuoteWriter:
        """The same writer with other rules (a fit tries many on one question's evidence)."""
        return QuoteWriter(self.chooser, self.embeddings, rules=rules,
                           lexical_weight=self.lexical_weight,
                           context_sentences=self.context_sentences, neighbours=self.neighbours)

    def compose(self, question: str, relevant: Sequence[Document], *,
                query_vector: Sequence[float] | None = None,
                mentions: Callable[[str], bool] | None = None,
                holders: Callable[[str], int] | None = None) -> Quoted | None:
        """Quote the answer to ``question`` from the relevant chunks (numbered from 1).

        Args:
            question: The standalone question.
            relevant: The retrieved chunks.
            query_vector: The question's embedding, when the caller has it already.
            mentions: Whether the collection mentions a name anywhere (a name the
                question asks about that no chunk holds is looked up there).
            holders: How many documents of the collection hold a phrase (their shared
                boilerplate is set aside, :func:`rag.answer.boilerplate.specific_first`).

        Returns:
            The quoted answer, or None when no sentence scores above the floor.
        """
        return self.quote(question, relevant,
                          self.rank(question, relevant, query_vector=query_vector),
                          mentions=mentions, holders=holders)

    @staticmethod
    def _sibling(question: str, relevant: Sequence[Document], ranked: Sequence[Evidence],
                 mentions: Callable[[str], bool] | None) -> str | None:
        """What the best units speak of instead of what the question asks about, read in
        their own chunks (:func:`rag.answer.siblings.other_thing`); None: nothing else."""
        best = ranked[:BEST_UNITS]
        chunks = [relevant[n - 1] for n in sorted({unit.n for unit in best})]
        contexts = [falls_under(unit, relevant) for unit in best]
        return other_thing(question, [unit.flat_text for unit in best], seen_text(chunks),
                           contexts=contexts, mentions=mentions)

    def quote(self, question: str, relevant: Sequence[Document], ranked: Sequence[Evidence], *,
              mentions: Callable[[str], bool] | None = None,
              holders: Callable[[str], int] | None = None) -> Quoted | None:
        """Quote the answer from ranked evidence (:meth:`rank`); see :meth:`compose`."""
        if not ranked or never_given(question, relevant, ranked, mentions) is not None:
            return None  # what it names or asks for, no document gives (rag.answer.gates)
        section = section_answer(question, relevant, ranked)  # "What changed in 2.4.0?"
        if section is not None:
            short, quote = section
            return Quoted(short, quote.n if short else None, [quote])
        wrote = sender(question, ranked, relevant[ranked[0].n - 1].page_content)
        if wrote is not None:  # "Who wrote the email about ...?": its "From:" line
            return Quoted(wrote[0], wrote[1].n, [wrote[1]])
        if ranked[0].score < self.rules.min_score:
            return None
        if self._sibling(question, relevant, ranked, mentions) is not None:
            return None
        ranked = specific_first(question, ranked, holders, self.rules.min_score)
        ranked = named_first(  # Belgium's row, not another table's
            ranked, question, self.rules.min_share,
            unit_text=lambda unit: in_context(unit, relevant),
            chunk_text=lambda unit: seen_text([relevant[unit.n - 1]]))
        version = asked_version(question, ranked[0])  # "Which version added ...?": its heading's
        if version is not None:
            return Quoted(version, ranked[0].n, [ranked[0]])
        shape = answer_shape(question)
        if shape == "passage" and not asks_change(question):
            ranked = _prose_first(ranked, self.rules.min_score)
        reports = {n: int(doc.metadata[REPORT_RANK_KEY]) for n, doc in enumerate(relevant, start=1)
                   if REPORT_RANK_KEY in (doc.metadata or {})}
        across = report_quotes(ranked, reports, min_share=self.rules.min_share,
                               rank_weight=self.rules.rank_weight, question=question)
        if across is not None:  # a question across periodic reports: a line from each
            return Quoted(None, None, across)
        if wants_list(question):
            texts = [doc.page_content for doc in relevant]
            whole = list_evidence(ranked, texts, self.rules.min_share,
                                  steps_only=asks_how_to(question), question=question)
            if whole is not None:
                return Quoted(None, None, [whole])
        ranked = promote_kind(informative(ranked, question), question, self.rules.min_share)
        best = ranked[0]
        cell = None if asks_how_to(question) else self._cell(question, ranked, relevant)
        if cell is not None:  # a how-to is no field's value ("How do I make a claim?")
            return cell
        table = table_evidence(best, ranked, [doc.page_content for doc in relevant], ANSWER_WORDS)
        if table is not None:  # a small table answers whole, its heads above its rows
            return Quoted(None, None, [table])
        if shape == "fact":
            shown, after_best = self.shown(ranked, len(relevant))
            phrase = self.chooser.choose(question, shown)
            proof = _proof(phrase, [*ranked[:2], *after_best]) if phrase else None
            if phrase is not None and proof is not None and is_short_fact(phrase.text, question) \
                    and fits_kind(phrase.text, question, context=proof.flat_text):
                context = ranked[0] if proof in after_best else antecedent(proof, ranked)
                return Quoted(whole_date(phrase.text, proof.flat_text), proof.n,
                              [proof, *([context] if context else [])])
        quotes = pick_quotes(ranked, min_share=self.rules.min_share)
        if asks_how_to(question):  # the command that follows the sentence saying how
            quotes = command_after(quotes, ranked) or quotes
        return Quoted(None, None, quotes)

    def _cell(self, question: str, ranked: Sequence[Evidence], relevant: Sequence[Document]
              ) -> Quoted | None:
        """The answer whose short fact is a role's holder (:mod:`rag.answer.people`), a
        page's date or venue, a table's cell or a form's value
        (:data:`STRUCTURED_UNITS`), or None."""
        close = [u for u in ranked[:STRUCTURED_UNITS]
                 if u.score >= self.rules.min_share * ranked[0].score]
        fields = [u for u in ranked if u.n == ranked[0].n and u.kind == "field"]
        for unit in close:
            name = role_holder(unit, question)
            if name is not None:  # "Ann Cole (chair)"
                return Quoted(name, unit.n, [unit])
        if not is_mail(fields):
            found = [(unit, value)  # a poster's "Date:" (not a mail's), in the page's order
                     for unit in sorted(fields, key=lambda u: u.start)
                     if (value := kind_field(unit, question, falls_under(unit, relevant)))
                     and fits_kind(value, question)]
            if found:  # the first one (a date before its time), proved by all
                return Quoted(found[0][1], found[0][0].n, [unit for unit, _ in found])
        for at, unit in enumerate(close):
            value = structured_fact(unit, question) if at == 0 else named_value(unit, question)
            if value is not None and len(value.split()) <= SHORT_WORDS \
                    and (fits_kind(value, question) or is_amount(value)):
                return Quoted(value, unit.n, [unit])
        return None

    def rank(self, question: str, relevant: Sequence[Document], *,
             query_vector: Sequence[float] | None = None) -> list[Evidence]:
        """The relevant chunks' sentences, best first (:func:`rag.answer.evidence.rank_evidence`)."""
        return rank_evidence(question, relevant, self.embeddings, query_vector=query_vector,
                             lexical_weight=self.lexical_weight,
                             rank_weight=self.rules.rank_weight,
                             document_weight=self.rules.document_weight)

    def shown(self, ranked: Sequence[Evidence], count: int
              ) -> tuple[list[Document | None], list[Evidence]]:
        """The passages the chooser sees: the best sentences and those after the best.

        Returns:
            One entry per chunk (None when none of its sentences is shown) and
            the sentences shown for following the best one.
        """
        from langchain_core.documents import Document

        best = ranked[0]
        in_order = sorted((u for u in ranked if u.n == best.n), key=lambda u: u.start)
        at = in_order.index(best)
        after_best = [u for u in in_order[at + 1:at + 1 + self.neighbours]
                      if u.heading == best.heading]  # not across a heading: another section
        chosen = {*ranked[:self.context_sentences], *after_best}
        shown: list[Document | None] = []
        for n in range(1, count + 1):
            kept = sorted((u for u in chosen if u.n == n), key=lambda u: u.start)
            shown.append(Document(page_content="\n\n".join(u.flat_text for u in kept))
                         if kept else None)  # each unit a sentence, "Title: subtitle" too
        return shown, after_best


def _prose_first(ranked: Sequence[Evidence], floor: float) -> list[Evidence]:
    """For a passage question (not one about a change), the units without table rows when
    one of them clears the floor (a settings row does not say how or why); else all."""
    prose = [u for u in ranked if u.kind != "row" and not is_table_row(u.text)]
    return prose if prose and prose[0].score >= floor else list(ranked)


def _proof(phrase: PhraseCandidate, sentences: Sequence[Evidence]) -> Evidence | None:
    """The first of ``sentences`` in the phrase's passage that holds the phrase."""
    return next((u for u in sentences
                 if u.n == phrase.passage and phrase.text in u.flat_text), None)
