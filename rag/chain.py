"""The answer chain: condense, retrieve, decide, generate, check citations.

:func:`build_chain` returns a LangChain ``Runnable``. Its input is a dict with
``question`` (required), ``history`` (earlier turns, optional) and ``sources``
(source ids to limit retrieval to, optional). ``invoke`` returns an
:class:`~rag.answer.Answer`; ``stream`` yields the answer's text pieces as the
LLM writes them and then, last, the :class:`~rag.answer.Answer` itself.

When no retrieved chunk is relevant enough, the chain answers "not found"
without calling the LLM at all.

Example:
    >>> import rag
    >>> chain = rag.build_chain()                                   # doctest: +SKIP
    >>> for piece in chain.stream({"question": "What is ingest?"}):  # doctest: +SKIP
    ...     print(piece if isinstance(piece, str) else piece.sources)
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from langchain_core.runnables import Runnable, RunnableConfig

from prompts import PromptTemplateError, load_chat_prompt, load_text
from rag.answer import Answer, Source
from rag.errors import ConfigError
from rag.settings import Settings, load_settings

if TYPE_CHECKING:
    from langchain_core.documents import Document
    from langchain_core.language_models import BaseChatModel
    from langchain_core.prompts import ChatPromptTemplate
    from langchain_core.retrievers import BaseRetriever

    from rag.index import Index

__all__ = ["RagChain", "ask", "build_chain", "format_context", "format_history"]

logger = logging.getLogger(__name__)

_CITATION = re.compile(r"\[(\d+)\]")
_HISTORY_TURNS = 6


def format_context(documents: Sequence[Document]) -> str:
    """Number the passages and fence them so the model reads them as data.

    Args:
        documents: The retrieved chunks, best first.

    Returns:
        Blocks like ``[1] guide.md, page 2:`` followed by the quoted text.
    """
    blocks = []
    for n, doc in enumerate(documents, start=1):
        source = _to_source(n, doc)
        where = f"{source.file_name}, page {source.page}" if source.page else source.file_name
        text = doc.page_content.replace('"""', "''")
        blocks.append(f'[{n}] {where}:\n"""\n{text.strip()}\n"""')
    return "\n\n".join(blocks)


def format_history(history: Sequence[Any]) -> str:
    """Render the last turns of a conversation as ``User:``/``Assistant:`` lines.

    Args:
        history: ``{"role", "content"}`` dicts, ``(user, assistant)`` pairs or
            LangChain messages.

    Returns:
        The recent turns, citations removed, one per line.
    """
    lines = []
    for role, content in _normalise_history(history)[-_HISTORY_TURNS:]:
        speaker = "User" if role == "user" else "Assistant"
        lines.append(f"{speaker}: {_CITATION.sub('', content).strip()}")
    return "\n".join(lines)


def _normalise_history(history: Sequence[Any]) -> list[tuple[str, str]]:
    turns: list[tuple[str, str]] = []
    for item in history or ():
        if isinstance(item, Mapping):
            turns.append((str(item.get("role", "user")), _text_of(item.get("content", ""))))
        elif isinstance(item, tuple | list) and len(item) == 2:
            turns.append(("user", _text_of(item[0])))
            if item[1]:
                turns.append(("assistant", _text_of(item[1])))
        else:  # a LangChain message
            role = "user" if getattr(item, "type", "human") == "human" else "assistant"
            turns.append((role, _text_of(getattr(item, "content", ""))))
    return [(role, text) for role, text in turns if text.strip()]


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, Sequence):  # Gradio / multimodal content parts
        return " ".join(p.get("text", "") if isinstance(p, Mapping) else str(p) for p in content)
    return str(content or "")


def _to_source(n: int, doc: Document) -> Source:
    meta = doc.metadata
    page = meta.get("page")
    return Source(
        n=n,
        source=str(meta.get("source", "")),
        page=int(page) if isinstance(page, int | float) and page > 0 else None,
        chunk_id=str(meta.get("chunk_id") or doc.id or ""),
        snippet=doc.page_content,
        score=float(meta.get("similarity", meta.get("score", 0.0))),
        page_label=str(meta["page_label"]) if meta.get("page_label") else None,
    )


def clean_citations(text: str, n_sources: int) -> str:
    """Drop citation markers that point at no context block.

    Args:
        text: The model's answer.
        n_sources: How many context blocks it was given.

    Returns:
        The text with ``[n]`` removed wherever ``n`` is not in ``1..n_sources``.
    """
    cleaned = _CITATION.sub(lambda m: m.group(0) if 1 <= int(m.group(1)) <= n_sources else "", text)
    cleaned = re.sub(r"[ \t]+([.,;:!?])", r"\1", cleaned)
    return re.sub(r"[ \t]{2,}", " ", cleaned).strip()


class RagChain(Runnable[dict, Answer]):
    """The question-answering chain; build it with :func:`build_chain`.

    Args:
        llm: The chat model that writes answers and condenses follow-ups.
        retriever: Finds chunks; documents should carry ``similarity`` metadata.
        qa_prompt: The grounded-answer prompt (``context``, ``question``, ``not_found``).
        condense_prompt: The follow-up rewrite prompt (``history``, ``question``).
        not_found_text: The answer given when nothing relevant was retrieved.
        min_relevance: Chunks with a lower ``similarity`` do not count.
    """

    def __init__(
        self,
        *,
        llm: BaseChatModel,
        retriever: BaseRetriever,
        qa_prompt: ChatPromptTemplate,
        condense_prompt: ChatPromptTemplate,
        not_found_text: str,
        min_relevance: float,
    ) -> None:
        self.llm = llm
        self.retriever = retriever
        self.qa_prompt = qa_prompt
        self.condense_prompt = condense_prompt
        self.not_found_text = not_found_text
        self.min_relevance = min_relevance

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
        question = str(input.get("question") or "").strip()
        if not question:
            raise ValueError("the input needs a non-empty 'question'")
        standalone = self._condense(question, input.get("history") or [], config)
        timings["condense"] = time.perf_counter() - started

        mark = time.perf_counter()
        retrieved = self._retrieve(standalone, input.get("sources"), config)
        timings["retrieve"] = time.perf_counter() - mark
        relevant = [d for d in retrieved if d.metadata.get("similarity", 1.0) >= self.min_relevance]
        sources = [_to_source(n, doc) for n, doc in enumerate(relevant, start=1)]

        if not relevant:
            timings["total"] = time.perf_counter() - started
            yield self.not_found_text
            yield Answer(
                text=self.not_found_text,
                sources=[],
                question=question,
                standalone_question=standalone,
                not_found=True,
                timings=timings,
            )
            return

        messages = self.qa_prompt.format_messages(
            context=format_context(relevant),
            question=standalone,
            not_found=self.not_found_text,
        )
        mark = time.perf_counter()
        pieces: list[str] = []
        for chunk in self.llm.stream(messages, config):
            piece = _text_of(chunk.content)
            if piece:
                if not pieces:
                    timings["first_token"] = time.perf_counter() - started
                pieces.append(piece)
                yield piece
        timings["generate"] = time.perf_counter() - mark
        text = clean_citations("".join(pieces), len(sources))
        not_found = not text or self._says_not_found(text)
        timings["total"] = time.perf_counter() - started
        yield Answer(
            text=self.not_found_text if not_found else text,
            sources=sources,
            question=question,
            standalone_question=standalone,
            not_found=not_found,
            timings=timings,
        )

    def _condense(self, question: str, history: Sequence[Any], config: RunnableConfig | None) -> str:
        rendered = format_history(history)
        if not rendered:
            return question  # no history: no rewrite, no LLM call
        messages = self.condense_prompt.format_messages(history=rendered, question=question)
        # One line is all a rewrite needs; stopping there keeps follow-ups fast.
        rewritten = _text_of(self.llm.invoke(messages, config, stop=["\n"]).content).strip()
        rewritten = rewritten.splitlines()[0].strip() if rewritten else ""
        if "?" in rewritten:  # small models go on to answer: keep the question only
            rewritten = rewritten[: rewritten.index("?") + 1]
        if not rewritten or rewritten.lower() == question.lower():
            # The model did not rewrite: let retrieval see the previous question too.
            previous = [text for role, text in _normalise_history(history) if role == "user"]
            rewritten = f"{previous[-1]} {question}" if previous else question
        logger.debug("condensed %r to %r", question, rewritten)
        return rewritten

    def _retrieve(
        self, query: str, sources: Sequence[str] | None, config: RunnableConfig | None
    ) -> list[Document]:
        if sources is None:
            return self.retriever.invoke(query, config)
        return self.retriever.invoke(query, config, sources=list(sources))

    def _says_not_found(self, text: str) -> bool:
        def norm(s: str) -> str:
            return re.sub(r"\W+", " ", s.lower()).strip()

        return norm(self.not_found_text) in norm(text)


def build_chain(
    settings: Settings | None = None,
    *,
    llm: BaseChatModel | None = None,
    retriever: BaseRetriever | None = None,
    index: Index | None = None,
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

    Returns:
        The chain (a LangChain ``Runnable``).
    """
    settings = settings or load_settings()
    if retriever is None:
        from rag.index import open_index
        from rag.retrieval import HybridRetriever

        retriever = HybridRetriever.from_settings(
            index or open_index(settings), settings.retrieval
        )
    if llm is None:
        from rag.models import make_llm

        llm = make_llm(settings)
    folder = settings.prompts.directory
    try:
        qa_prompt = load_chat_prompt(settings.prompts.qa_template, folder)
        condense_prompt = load_chat_prompt(settings.prompts.condense_template, folder)
        not_found_text = load_text("not_found", folder)
    except PromptTemplateError as exc:
        raise ConfigError(str(exc)) from exc
    return RagChain(
        llm=llm,
        retriever=retriever,
        qa_prompt=qa_prompt,
        condense_prompt=condense_prompt,
        not_found_text=not_found_text,
        min_relevance=settings.retrieval.min_relevance,
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
