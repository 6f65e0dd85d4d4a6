"""The answer chain: condense, retrieve, decide, quote or generate, check citations.

:func:`build_chain` returns a LangChain ``Runnable``. Its input is a dict with
``question`` (required), ``history`` (earlier turns, optional) and ``sources``
(source ids to limit retrieval to, optional). ``invoke`` returns an
:class:`~rag.answer.Answer`; ``stream`` yields the answer's text pieces as the
LLM writes them and then, last, the :class:`~rag.answer.Answer` itself.

When no unit of the retrieved chunks (a sentence, a table row, a list item)
scores above the fitted floor, the chain answers "not found" without calling
the LLM at all. With a model too small to write (``extract``
templates, see :mod:`rag.models.capability`) the answer quotes the sentences that
answer, led by the short fact when the question asks for one
(:class:`~rag.answer.writers.QuoteWriter`); otherwise the LLM writes it and the
citations and support are checked.

Example:
    >>> import rag
    >>> chain = rag.build_chain()                                   # doctest: +SKIP
    >>> for piece in chain.stream({"question": "What is ingest?"}):  # doctest: +SKIP
    ...     print(piece if isinstance(piece, str) else piece.sources)
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from langchain_core.runnables import Runnable, RunnableConfig

from prompts import PromptTemplateError, load_chat_prompt, load_spec, load_text
from rag.answer import Answer
from rag.answer.condense import Condenser, says_not_found
from rag.answer.config import ChainConfig
from rag.answer.context import backed_answer, clean_citations, clean_question, to_source
from rag.answer.evidence import Evidence, rank_evidence
from rag.answer.focus import focus_documents
from rag.answer.quotes import QuoteRules, fitted_rules
from rag.answer.scoring import ContinuationScorer, continuation_scorer
from rag.answer.writers import LLMWriter, PhraseChooser, QuoteWriter
from rag.errors import ConfigError
from rag.models.capability import qa_template_name
from rag.models.remote import INDEX_BACKENDS, remote_errors
from rag.retrieval import HybridRetriever, Retrieved, VectorRetriever
from rag.settings import Settings, load_settings

if TYPE_CHECKING:
    from langchain_core.documents import Document
    from langchain_core.embeddings import Embeddings
    from langchain_core.language_models import BaseChatModel
    from langchain_core.prompts import ChatPromptTemplate
    from langchain_core.retrievers import BaseRetriever

    from rag.index import Index

__all__ = ["ChainConfig", "RagChain", "ask", "build_chain"]

logger = logging.getLogger(__name__)


class RagChain(Runnable[dict, Answer]):
    """The question-answering chain; build it with :func:`build_chain`.

    Args:
        llm: The chat model that writes answers and condenses follow-ups.
        retriever: Finds chunks; documents should carry ``similarity`` metadata.
            A :class:`~rag.retrieval.VectorRetriever` also hands back the
            question's embedding, which focusing reuses.
        qa_prompt: The grounded-answer prompt (``context``, ``question``, ``not_found``).
        condense_prompt: The follow-up rewrite prompt (``history``, ``question``).
        config: How the chain decides, focuses and answers.
        embeddings: The embedding model, needed for ``context_sentences``.
        scorer: For ``extract`` answers: scores candidate short facts with
            the LLM (see :mod:`rag.answer.scoring`); None ranks them by their features.
        quote_rules: For ``extract`` answers: the floor, share and rank weight
            of quoting; default the fitted ones (:func:`rag.answer.quotes.fitted_rules`).

    Raises:
        ConfigError: For ``extract`` answers without ``embeddings``.
    """

    def __init__(
        self,
        *,
        llm: BaseChatModel,
        retriever: BaseRetriever,
        qa_prompt: ChatPromptTemplate,
        condense_prompt: ChatPromptTemplate,
        config: ChainConfig,
        embeddings: Embeddings | None = None,
        scorer: ContinuationScorer | None = None,
        quote_rules: QuoteRules | None = None,
    ) -> None:
        self.llm = llm
        self.retriever = retriever
        self.qa_prompt = qa_prompt
        self.config = config
        self.embeddings = embeddings
        self.scorer = scorer
        self.rules = quote_rules or fitted_rules()
        self.condense = Condenser(llm, condense_prompt, config.not_found_text)
        self.writer: LLMWriter | QuoteWriter = LLMWriter(llm, qa_prompt, config.not_found_text)
        if config.answer_style == "extract":
            if embeddings is None:
                raise ConfigError("quoted answers need the embedding model (embeddings=...)")
            self.writer = QuoteWriter(
                PhraseChooser(qa_prompt, scorer, config.not_found_text), embeddings,
                rules=self.rules, lexical_weight=config.context_lexical_weight,
                context_sentences=config.context_sentences,
                neighbours=config.context_neighbours)

    @property
    def quotes(self) -> bool:
        """Whether answers are quoted from the passages rather than written."""
        return isinstance(self.writer, QuoteWriter)

    def invoke(self, input: dict, config: RunnableConfig | None = None, **kwargs: Any) -> Answer:
        """Answer one question; see the module docstring for the input keys."""
        answer: Answer | None = None
        for item in self.stream(input, config):
            if isinstance(item, Answer):
                answer = item
        assert answer is not None
        return answer

    def batch(
        self,
        inputs: list[dict],
        config: RunnableConfig | list[RunnableConfig] | None = None,
        *,
        return_exceptions: bool = False,
        **kwargs: Any,
    ) -> list[Answer]:
        """Answer several questions one after the other (one local LLM, one at a time)."""
        configs = config if isinstance(config, list) else [config] * len(inputs)
        results: list[Any] = []
        for item, item_config in zip(inputs, configs, strict=True):
            try:
                results.append(self.invoke(item, item_config))
            except Exception as exc:
                if not return_exceptions:
                    raise
                results.append(exc)
        return results

    def stream(
        self, input: dict, config: RunnableConfig | None = None, **kwargs: Any
    ) -> Iterator[str | Answer]:  # type: ignore[override]
        """Yield answer text pieces as generated, then the final :class:`Answer`."""
        started = time.perf_counter()
        timings: dict[str, float] = {}
        question = clean_question(input.get("question") or "", self.config.max_question_chars)
        standalone = self.condense(question, input.get("history") or [], config)
        timings["condense"] = time.perf_counter() - started

        mark = time.perf_counter()
        retrieved, query_vector = self._retrieve(standalone, input.get("sources"), config)
        timings["retrieve"] = time.perf_counter() - mark
        relevant = self._relevant(standalone, retrieved, query_vector)
        sources = [to_source(n, doc) for n, doc in enumerate(relevant, start=1)]

        if not relevant:
            yield from self._not_found(question, standalone, [], timings, started)
            return
        if isinstance(self.writer, QuoteWriter):
            mark = time.perf_counter()
            quoted = self.writer.compose(standalone, relevant, query_vector=query_vector,
                                         mentions=getattr(self.retriever, "mentions", None),
                                         holders=getattr(self.retriever, "phrase_documents", None))
            if quoted is None:
                yield from self._not_found(question, standalone, sources, timings, started)
                return
            timings["quote"] = time.perf_counter() - mark
            timings["first_token"] = time.perf_counter() - started
            yield quoted.text
            timings["total"] = time.perf_counter() - started
            yield quoted.answer(sources, question, standalone, timings)
            return

        mark = time.perf_counter()
        shown = self._focus(standalone, relevant, query_vector)
        timings["focus"] = time.perf_counter() - mark
        mark = time.perf_counter()
        pieces: list[str] = []
        for piece in self.writer(standalone, shown, config):
            if not pieces:
                timings["first_token"] = time.perf_counter() - started
            pieces.append(piece)
            yield piece
        timings["generate"] = time.perf_counter() - mark
        text = clean_citations("".join(pieces), len(sources))
        not_found = not text or says_not_found(text, self.config.not_found_text)
        rejected = score = None
        if not not_found:
            text, score, supported = backed_answer(text, shown, self.config.min_support)
            not_found = not supported
            rejected = None if supported else text
        timings["total"] = time.perf_counter() - started
        yield Answer(
            text=self.config.not_found_text if not_found else text,
            sources=sources,
            question=question,
            standalone_question=standalone,
            not_found=not_found,
            timings=timings,
            rejected_text=rejected,
            support=score,
        )

    def _not_found(self, question: str, standalone: str, sources: list, timings: dict[str, float],
                   started: float) -> Iterator[str | Answer]:
        """Yield the "not found" answer (the sources are those retrieved, if any)."""
        timings["total"] = time.perf_counter() - started
        yield self.config.not_found_text
        yield Answer(text=self.config.not_found_text, sources=sources, question=question,
                     standalone_question=standalone, not_found=True, timings=timings)

    def shown_passages(self, question: str, *, sources: Sequence[str] | None = None
                       ) -> list[Document | None]:
        """The passages the LLM is shown for a standalone ``question`` (no LLM call); with
        quoted answers, those the short fact is chosen from.

        Args:
            question: A standalone question (no history is applied).
            sources: Source ids to limit retrieval to.

        Returns:
            One entry per relevant chunk, best first: its focused text, or None
            when focusing kept none of its sentences; empty when nothing is relevant.
        """
        retrieved, query_vector = self._retrieve(question, sources, None)
        relevant = self._relevant(question, retrieved, query_vector)
        if not relevant:
            return []
        if isinstance(self.writer, QuoteWriter):
            ranked = self.writer.rank(question, relevant, query_vector=query_vector)
            return self.writer.shown(ranked, len(relevant))[0] if ranked else []
        return self._focus(question, relevant, query_vector)

    def evidence(self, question: str, *, sources: Sequence[str] | None = None
                 ) -> tuple[list[Document], list[Evidence]]:
        """The chunks quoted answers come from and their sentences, best first (no LLM call).

        Args:
            question: A standalone question (no history is applied).
            sources: Source ids to limit retrieval to.

        Returns:
            The chunks (numbered from 1) and their scored sentences; both empty
            when no chunk is relevant.

        Raises:
            ConfigError: When answers are written, not quoted.
        """
        if not isinstance(self.writer, QuoteWriter):
            raise ConfigError("evidence() needs quoted answers (an 'extract' QA template)")
        retrieved, query_vector = self._retrieve(question, sources, None)
        relevant = self._relevant(question, retrieved, query_vector)
        return relevant, self.writer.rank(question, relevant, query_vector=query_vector)

    def _relevant(self, question: str, retrieved: list[Document],
                  query_vector: Sequence[float] | None) -> list[Document]:
        """The chunks that count as sources: all retrieved when one of their units answers.

        Whether the documents answer is decided on the best units (sentences,
        rows, items), never on a whole chunk's similarity, which a short file's
        other lines dilute. Quoted answers decide when they quote
        (:meth:`QuoteWriter.compose` says "not found" under the floor of
        :class:`~rag.answer.quotes.QuoteRules`); for written answers the same
        floor is checked here, before the LLM is called, and the LLM is shown
        the chunks with a unit close to the best one. Without an embedding
        model, chunks below ``min_relevance`` do not count.
        """
        if isinstance(self.writer, QuoteWriter) or not retrieved:
            return list(retrieved)
        if self.embeddings is None:
            return [d for d in retrieved
                    if d.metadata.get("similarity", 1.0) >= self.config.min_relevance]
        ranked = rank_evidence(question, retrieved, self.embeddings, query_vector=query_vector,
                               lexical_weight=self.config.context_lexical_weight,
                               rank_weight=self.rules.rank_weight,
                               document_weight=self.rules.document_weight)
        if not ranked or ranked[0].score < self.rules.min_score:
            return []
        floor = self.rules.min_share * ranked[0].score  # the chunks whose units come close
        close = {unit.n for unit in ranked if unit.score >= floor}
        return [doc for n, doc in enumerate(retrieved, start=1) if n in close]

    def _focus(self, question: str, relevant: list[Document], query_vector: list[float] | None
               ) -> list[Document | None]:
        if not (self.config.context_sentences and self.embeddings is not None):
            return list(relevant)
        # The share filter keeps hostile sentences away from an LLM that writes.
        return focus_documents(question, relevant, self.embeddings,
                               max_sentences=self.config.context_sentences,
                               min_share=self.config.context_min_share,
                               query_vector=query_vector,
                               lexical_weight=self.config.context_lexical_weight)

    def _retrieve(
        self, query: str, sources: Sequence[str] | None, config: RunnableConfig | None
    ) -> Retrieved:
        """Retrieve; a :class:`VectorRetriever` also returns the question's embedding."""
        with remote_errors(INDEX_BACKENDS):
            if isinstance(self.retriever, VectorRetriever):
                return self.retriever.retrieve(query, sources=sources, config=config)
            kwargs = {} if sources is None else {"sources": list(sources)}
            return Retrieved(self.retriever.invoke(query, config, **kwargs), None)


def build_chain(
    settings: Settings | None = None,
    *,
    llm: BaseChatModel | None = None,
    retriever: BaseRetriever | None = None,
    index: Index | None = None,
    embeddings: Embeddings | None = None,
    scorer: ContinuationScorer | None = None,
    quote_rules: QuoteRules | None = None,
) -> RagChain:
    """Build the question-answering chain from settings and optional components.

    Building is cheap when ``llm`` and ``index`` (or ``retriever``) are given, so
    callers such as the web UI can build one chain per request with other
    settings while sharing one model and one index.

    Args:
        settings: Defaults to :func:`rag.settings.load_settings`.
        llm: The chat model; defaults to ``make_llm(settings)``.
        retriever: Defaults to a :class:`~rag.retrieval.HybridRetriever` over
            ``index`` configured by ``settings.retrieval``.
        index: The index to search; defaults to ``open_index(settings)``.
        embeddings: Embeds the passages' sentences for focusing; defaults to
            the index's model (or the retriever's, for a
            :class:`~rag.retrieval.VectorRetriever`).
        scorer: For ``extract`` templates, scores candidate phrases (see
            :mod:`rag.answer.scoring`); defaults to ``continuation_scorer(llm)``,
            which is None for backends that cannot score (they then write).
        quote_rules: For ``extract`` templates, the rules of quoting; default
            the fitted ones (``bench/fit_quote_rules.py`` passes others).

    Returns:
        The chain (a LangChain ``Runnable``).
    """
    settings = settings or load_settings()
    if retriever is None:
        from rag.index import open_index

        index = index or open_index(settings)
        retriever = HybridRetriever.from_settings(index, settings.retrieval)
    if llm is None:
        from rag.models import make_llm

        llm = make_llm(settings)
    folder = settings.prompts.directory
    try:
        qa_template = qa_template_name(settings)
        qa_prompt = load_chat_prompt(qa_template, folder)
        qa_style = load_spec(qa_template, folder).style
        condense_prompt = load_chat_prompt(settings.prompts.condense_template, folder)
        not_found_text = load_text("not_found", folder)
    except PromptTemplateError as exc:
        raise ConfigError(str(exc)) from exc
    if embeddings is None and index is not None:
        embeddings = index.embeddings
    elif embeddings is None and isinstance(retriever, VectorRetriever):
        embeddings = retriever.embeddings
    elif embeddings is None and qa_style == "extract":
        from rag.models import make_embeddings

        embeddings = make_embeddings(settings)
    config = ChainConfig.from_settings(settings.retrieval, not_found_text=not_found_text,
                                       answer_style=qa_style)
    return RagChain(
        llm=llm,
        retriever=retriever,
        qa_prompt=qa_prompt,
        condense_prompt=condense_prompt,
        config=config,
        embeddings=embeddings,
        scorer=None if qa_style != "extract" else scorer or continuation_scorer(llm),
        quote_rules=quote_rules,
    )


def ask(question: str, settings: Settings | None = None, **components: Any) -> Answer:
    """Answer one question with a freshly built chain (handy for one-liners).

    Args:
        question: The question.
        settings: Defaults to :func:`rag.settings.load_settings`.
        **components: Passed to :func:`build_chain` (``llm``, ``retriever``, ``index``).

    Returns:
        The answer with its sources.
    """
    return build_chain(settings, **components).invoke({"question": question})
