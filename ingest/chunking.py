"""Chunks measured with the embedding model's own tokenizer, and their keys.

all-MiniLM-L6-v2 silently truncates input after 256 word pieces, so chunks
are measured in its tokens, never in characters. :class:`Chunker` counts
them, truncates a text to a number of them, and cuts a text longer than a
chunk at token boundaries; the chunks themselves are packed from a page's
blocks by :mod:`ingest.packing`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ingest.headers import HEADER_TOKENS

if TYPE_CHECKING:
    from langchain_core.documents import Document
    from langchain_core.embeddings import Embeddings

    from rag.settings import Settings

__all__ = ["Chunk", "Chunker", "chunk_key", "content_hash", "make_chunker"]

logger = logging.getLogger(__name__)

_SPECIAL_TOKENS = 2  # [CLS] and [SEP]


@dataclass(frozen=True)
class Chunk:
    """One chunk of a page: its text and its character offset in the page."""

    text: str
    start: int


def content_hash(text: str) -> str:
    """Return the sha256 hex digest of a chunk's text.

    Example:
        >>> content_hash("abc")[:12]
        'ba7816bf8f01'
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def chunk_key(document: Document) -> str:
    """Return the id a chunk is indexed under: a hash of its text and metadata.

    The same key as LangChain's indexing API computes with
    ``key_encoder="sha256"``, so indexes written before this function existed
    keep their ids. It is given to :func:`langchain_core.indexing.index` as its
    key encoder, and ingest uses it to find the chunks that still need
    embedding before ``index`` runs.

    Args:
        document: A chunk.

    Returns:
        64 hex digits.
    """
    meta = json.dumps(dict(document.metadata or {}), sort_keys=True)
    return content_hash(content_hash(document.page_content) + content_hash(meta))


class Chunker:
    """Cut text into chunks of at most ``size`` tokens, ``overlap`` shared.

    Args:
        size: Most tokens in a chunk (without the model's special tokens).
        overlap: Tokens shared by neighbouring chunks.
        count_tokens: Tokens in one text.
        token_spans: Character ``(start, end)`` of each token of a text; used
            to cut a chunk that still exceeds ``size``. None: cut by characters.
    """

    def __init__(
        self,
        *,
        size: int,
        overlap: int,
        count_tokens: Callable[[str], int],
        token_spans: Callable[[str], list[tuple[int, int]]] | None = None,
    ) -> None:
        self.size = size
        self.overlap = min(overlap, size // 2)
        self.count_tokens = count_tokens
        self.token_spans = token_spans

    def truncate(self, text: str, tokens: int) -> str:
        """The longest start of ``text`` that has at most ``tokens`` tokens, cut between words.

        Example:
            >>> words = Chunker(size=8, overlap=0, count_tokens=lambda t: len(t.split()))
            >>> words.truncate("a b c", 2)
            'a b'
        """
        if self.count_tokens(text) <= tokens:
            return text
        if tokens <= 0:
            return ""
        if self.token_spans is None:
            cut = text[: tokens * 4]  # the estimate's 4 characters per token
            while cut and self.count_tokens(cut) > tokens:
                cut = cut[: cut.rfind(" ")] if " " in cut else ""
            return cut.rstrip()
        spans = self.token_spans(text)
        end = spans[tokens - 1][1]
        if tokens < len(spans) and spans[tokens][0] == end and " " in text[:end]:
            end = text.rfind(" ", 0, end)  # the next token continues the word: drop the word
        return text[:end].rstrip()

    def split_long(self, text: str) -> list[str]:
        """Cut a text longer than a chunk at token boundaries (a giant sentence, a word
        without spaces), ``overlap`` tokens shared by neighbouring pieces."""
        return [chunk.text for chunk in self._cut(text, 0)]

    def _cut(self, text: str, start: int) -> Iterator[Chunk]:
        """Cut an oversized chunk at token boundaries (rare: odd tokenisation)."""
        if self.token_spans is None:
            step = max(1, len(text) * self.size // max(1, self.count_tokens(text)) - 1)
            for i in range(0, len(text), step):
                piece = text[i : i + step]
                if piece.strip():
                    yield Chunk(piece, start + i)
            return
        spans = self.token_spans(text)
        stride = max(1, self.size - self.overlap)
        for i in range(0, len(spans), stride):
            window = spans[i : i + self.size]
            begin, end = window[0][0], window[-1][1]
            piece = text[begin:end]
            if piece.strip():
                yield Chunk(piece, start + begin)
            if i + self.size >= len(spans):
                break


def make_chunker(settings: Settings, embeddings: Embeddings) -> Chunker:
    """Build the chunker that fits the embedding model.

    For sentence-transformers models the model's tokenizer counts tokens and
    the chunk size is capped at its max sequence length minus the special
    tokens and the room a chunk's header takes (:data:`ingest.headers.HEADER_TOKENS`),
    so the model never truncates what it embeds. Other models (remote APIs)
    get an estimate of 4 characters per token.

    Args:
        settings: The project settings (``settings.chunking``).
        embeddings: The embedding model of the index.

    Returns:
        The chunker.
    """
    cfg = settings.chunking
    tokenizer = getattr(embeddings, "tokenizer", None)  # see rag.models.embeddings
    max_len = getattr(embeddings, "max_seq_length", None)
    if tokenizer is None or not max_len:
        logger.info("no tokenizer for %s: estimating 4 characters per token", embeddings)
        return Chunker(
            size=cfg.size_tokens,
            overlap=cfg.overlap_tokens,
            count_tokens=lambda text: math.ceil(len(text) / 4),
        )
    size = min(cfg.size_tokens, int(max_len) - _SPECIAL_TOKENS - HEADER_TOKENS)
    count, spans = _token_functions(tokenizer)
    return Chunker(size=size, overlap=cfg.overlap_tokens, count_tokens=count, token_spans=spans)


def _token_functions(
    tokenizer: Any,
) -> tuple[Callable[[str], int], Callable[[str], list[tuple[int, int]]]]:
    # a Hugging Face fast tokenizer wraps a `tokenizers` one; ONNX embeddings hold one directly
    backend = getattr(tokenizer, "backend_tokenizer", None) or (
        tokenizer if hasattr(tokenizer, "to_str") else None)
    if backend is not None:
        from tokenizers import Tokenizer

        raw = Tokenizer.from_str(backend.to_str())  # a copy without padding/truncation
        raw.no_padding()
        raw.no_truncation()

        def count(text: str) -> int:
            return len(raw.encode(text, add_special_tokens=False).ids)

        def spans(text: str) -> list[tuple[int, int]]:
            return list(raw.encode(text, add_special_tokens=False).offsets)

        return count, spans

    def slow_count(text: str) -> int:
        return len(tokenizer(text, add_special_tokens=False)["input_ids"])

    def slow_spans(text: str) -> list[tuple[int, int]]:
        encoded = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
        return [tuple(span) for span in encoded["offset_mapping"]]

    return slow_count, slow_spans
