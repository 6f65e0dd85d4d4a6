"""The retrieval section of the settings (:class:`RetrievalSettings`); see :mod:`rag.settings`."""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, Field

__all__ = ["RETRIEVAL_MODES", "RetrievalMode", "RetrievalSettings"]

RetrievalMode = Literal["hybrid", "dense", "bm25"]
"""How chunks are found: BM25 and dense fused, dense (vectors) only, BM25 (keywords) only."""
RETRIEVAL_MODES: tuple[str, ...] = get_args(RetrievalMode)


class RetrievalSettings(BaseModel):
    """How chunks are found for a question."""

    mode: RetrievalMode = Field(
        "hybrid",
        description="'hybrid' fuses dense and BM25 rankings (reciprocal rank fusion).",
    )
    top_k: int = Field(4, ge=1, le=50, description="Chunks given to the LLM.")
    fetch_k: int = Field(20, ge=1, le=500, description="Candidates per retriever.")
    mmr: bool = Field(False, description="Diversify results with MMR.")
    rrf_k: int = Field(
        10,
        ge=1,
        description="Reciprocal rank fusion constant of 'hybrid': smaller trusts the top "
        "ranks of each side more (chosen by bench/fusion_bench.py).",
    )
    document_prior: bool = Field(
        True,
        description="In 'hybrid', favour the chunks of the documents a question names by "
        "terms few documents hold (a company, a quarter, a title): their fused scores count "
        "up to double, and a long best-matching document is also searched on its own; "
        "a question about 'the latest' or 'most recent' report favours the newest of them "
        "by the period in their file names "
        "(see rag.retrieval.document_prior; measured by bench/doc_source_bench.py).",
    )
    min_relevance: float = Field(
        0.32,
        ge=-1.0,
        le=1.0,
        description="For an LLM that writes, without an embedding model to score the "
        "chunks' units: cosine similarity below which a chunk does not count as an answer "
        "source. Otherwise whether the documents answer is decided on their best unit "
        "(sentence, row, item) against the fitted floor of rag/answer/data/quote_rules.json.",
    )
    context_sentences: int = Field(
        3,
        ge=0,
        le=50,
        description="Sentences of the relevant chunks shown to the LLM, those closest "
        "to the question (a small model answers better from less); 0 = whole chunks.",
    )
    context_min_share: float = Field(
        0.6,
        ge=0.0,
        le=1.0,
        description="Of those sentences, drop the ones less than this share as similar to "
        "the question as the best one (keeps unrelated sentences, such as injected "
        "instructions, away from the LLM). Not applied when the chain quotes (extractive_qa, "
        "the bundled model): no LLM writes.",
    )
    context_lexical_weight: float = Field(
        0.3,
        ge=0.0,
        le=5.0,
        description="In choosing those sentences, add this weight times the share of "
        "the question's content words a sentence holds to its cosine similarity "
        "(measured by bench/focus_bench.py).",
    )
    context_neighbours: int = Field(
        1,
        ge=0,
        le=5,
        description="When the chain quotes (extractive_qa, the bundled model), the short "
        "fact is chosen from the best sentences and this many that follow the best "
        "one in its chunk: the sentence after the one matching the question often "
        "holds the answer (measured by bench/fit_span_ranker.py --neighbours N).",
    )
    min_support: float = Field(
        0.15,
        ge=0.0,
        le=1.0,
        description="Support check: abstain when the best passage holds less than this "
        "share of the answer's content words (1.0 for a copied phrase); 0 = off. Low "
        "on purpose: it catches answers invented without the passages "
        "(swept by bench/support_sweep.py).",
    )
    max_question_chars: int = Field(
        2000, ge=10, description="Longest question accepted (characters)."
    )
