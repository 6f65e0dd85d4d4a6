"""How likely the local LLM finds each of a few possible answers.

:func:`continuation_scorer` returns, for the bundled llama.cpp backend, a
callable that formats chat messages with the model's own chat template,
evaluates the prompt once (reusing the cache of the previous call's common
prefix) and then scores each continuation with one batched forward pass over
its tokens: the mean log-probability per token. Other chat models have no
scorer (None), and the chain lets them write their answer instead.

Example:
    >>> from rag.settings import Settings                     # doctest: +SKIP
    >>> from rag.models import make_llm                       # doctest: +SKIP
    >>> score = continuation_scorer(make_llm(Settings()))     # doctest: +SKIP
    >>> score([HumanMessage("The capital of France is?")], ["Paris", "a banana"])  # doctest: +SKIP
    [-0.9, -6.3]
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import BaseMessage

__all__ = ["ContinuationScorer", "continuation_scorer"]

ContinuationScorer = Callable[["Sequence[BaseMessage]", Sequence[str]], list[float]]

_ROLES = {"system": "system", "human": "user", "ai": "assistant"}


def continuation_scorer(llm: BaseChatModel) -> ContinuationScorer | None:
    """Return a scorer for ``llm``, or None when its backend cannot score.

    Args:
        llm: The chat model of the chain.

    Returns:
        ``score(messages, continuations) -> [mean log-probability, ...]`` for
        the local llama.cpp model (with a chat template); None otherwise.
    """
    from langchain_community.chat_models import ChatLlamaCpp

    if not isinstance(llm, ChatLlamaCpp):
        return None
    # LangChain's chat model has no public call for token log-probabilities of a
    # given continuation; its `client` field (the llama_cpp.Llama it wraps) does.
    model = llm.client
    if model is None or "tokenizer.chat_template" not in getattr(model, "metadata", {}):
        return None
    return _scorer_for(model)


@functools.lru_cache(maxsize=4)
def _scorer_for(model: Any) -> _LlamaCppScorer:
    """One scorer per loaded model: the web UI builds a chain per request."""
    return _LlamaCppScorer(model)


class _LlamaCppScorer:
    """Scores continuations of a chat prompt with a ``llama_cpp.Llama`` model."""

    def __init__(self, model: Any) -> None:
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        self.model = model
        special = {"eos_token": model.token_eos(), "bos_token": model.token_bos()}
        texts = {k: model.detokenize([v], special=True).decode("utf-8", "replace")
                 for k, v in special.items()}
        self.formatter = Jinja2ChatFormatter(
            template=model.metadata["tokenizer.chat_template"], **texts)

    def __call__(self, messages: Sequence[BaseMessage], continuations: Sequence[str]) -> list[float]:
        rendered = self.formatter(messages=[
            {"role": _ROLES.get(m.type, m.type), "content": m.content} for m in messages])
        prompt = self.model.tokenize(rendered.prompt.encode("utf-8"),
                                     add_bos=not rendered.added_special, special=True)
        last = self._evaluate(prompt)
        try:
            return [self._mean_log_probability(last, text) for text in continuations]
        finally:
            self._forget_last_token()

    def _forget_last_token(self) -> None:
        """Drop the prompt's last token from the cache, so the next call evaluates it again.

        llama-cpp-python samples an exactly cached prompt from the current
        logits, which are now those of the last continuation scored.
        """
        import llama_cpp

        model = self.model
        model.n_tokens = max(0, model.n_tokens - 1)
        llama_cpp.llama_memory_seq_rm(llama_cpp.llama_get_memory(model.ctx), 0, model.n_tokens, -1)

    def _evaluate(self, tokens: list[int]) -> np.ndarray:
        """Evaluate the prompt (after the cached common prefix); log-probabilities of the next token."""
        import llama_cpp

        model = self.model
        cached = model.input_ids[: model.n_tokens]
        keep = 0
        limit = min(len(cached), len(tokens) - 1)  # at least one token to evaluate
        while keep < limit and cached[keep] == tokens[keep]:
            keep += 1
        model.n_tokens = keep
        model.eval(tokens[keep:])
        return _log_softmax(self._logits(llama_cpp.llama_get_logits_ith(model.ctx, -1)))

    def _mean_log_probability(self, last: np.ndarray, text: str) -> float:
        """Mean log-probability of ``text``'s tokens after the evaluated prompt."""
        import llama_cpp

        model = self.model
        tokens = model.tokenize(text.encode("utf-8"), add_bos=False, special=False)
        if not tokens:
            return float("-inf")
        scores = [float(last[tokens[0]])]
        start = model.n_tokens
        inner = tokens[:-1]
        if inner:
            memory = llama_cpp.llama_get_memory(model.ctx)
            batch = llama_cpp.llama_batch_init(len(inner), 0, 1)
            try:
                for i, token in enumerate(inner):
                    batch.token[i] = token
                    batch.pos[i] = start + i
                    batch.n_seq_id[i] = 1
                    batch.seq_id[i][0] = 0
                    batch.logits[i] = True
                batch.n_tokens = len(inner)
                if llama_cpp.llama_decode(model.ctx, batch) != 0:
                    raise RuntimeError("llama.cpp could not evaluate a continuation")
                for i, token in enumerate(tokens[1:]):
                    row = _log_softmax(self._logits(llama_cpp.llama_get_logits_ith(model.ctx, i)))
                    scores.append(float(row[token]))
            finally:
                llama_cpp.llama_batch_free(batch)
                llama_cpp.llama_memory_seq_rm(memory, 0, start, -1)
        return float(np.mean(scores))

    def _logits(self, pointer: Any) -> np.ndarray:
        return np.ctypeslib.as_array(pointer, shape=(self.model.n_vocab(),)).astype(np.float64)


def _log_softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max()
    return shifted - np.log(np.exp(shifted).sum())
