"""The sentence-transformers embedding model as a LangChain ``Embeddings``.

A small adapter of our own rather than ``langchain_huggingface``'s, so the
chunker can count tokens with the model's own tokenizer through public
attributes (:attr:`SentenceTransformerEmbeddings.tokenizer`,
:attr:`~SentenceTransformerEmbeddings.max_seq_length`). Vectors are
L2-normalised, so a dot product is the cosine similarity.

Example:
    >>> from rag.models.embeddings import SentenceTransformerEmbeddings
    >>> model = SentenceTransformerEmbeddings("/path/to/all-MiniLM-L6-v2")  # doctest: +SKIP
    >>> len(model.embed_query("hello"))                                   # doctest: +SKIP
    384
"""

from __future__ import annotations

from typing import Any

from langchain_core.embeddings import Embeddings

__all__ = ["SentenceTransformerEmbeddings"]


class SentenceTransformerEmbeddings(Embeddings):
    """Embeds texts with a local sentence-transformers model.

    Args:
        location: The model's folder (or a name sentence-transformers resolves).
        device: ``cpu``, ``cuda``, ...
        batch_size: Texts encoded per forward pass.
    """

    def __init__(self, location: str, *, device: str = "cpu", batch_size: int = 32) -> None:
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(location, device=device)
        self.batch_size = batch_size

    @property
    def tokenizer(self) -> Any:
        """The model's (Hugging Face) tokenizer."""
        return self.model.tokenizer

    @property
    def max_seq_length(self) -> int:
        """The most tokens the model reads of one text."""
        return int(self.model.max_seq_length)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed texts (new lines read as spaces), normalised to unit length."""
        vectors = self.model.encode(
            [text.replace("\n", " ") for text in texts],
            batch_size=self.batch_size,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return vectors.tolist()

    def embed_query(self, text: str) -> list[float]:
        """Embed one question."""
        return self.embed_documents([text])[0]
