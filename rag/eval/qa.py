"""Answer evaluation on SQuAD 2.0: the full chain, scored like the official script.

The paragraphs of the chosen articles become one collection (one document per
paragraph, source ``squad:<article>:<paragraph>``, the article title kept in
the metadata). A reproducible sample of questions is answered through the
chain, in three groups:

* ``answerable``: questions of the ingested articles with a reference answer;
* ``impossible``: their near-miss unanswerable questions (``is_impossible``);
* ``off_corpus``: questions of articles that were *not* ingested, which the
  documents do not cover at all.

Exact match, token F1 and "contains a reference" are computed on the short
fact (``Answer.short``) or, when the answer has none, on the answer as shown
(its quoted sentences), with citation markers removed, over every answerable
question (an abstention scores 0). "Shown contains reference" scores the
answer as shown, quotes included. Abstaining means ``Answer.not_found``.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rag.eval.corpus import EvalCollection, collection_name, open_eval_collection
from rag.eval.datasets import SquadArticle, SquadQuestion, squad_source
from rag.eval.facts import strip_citations
from rag.eval.metrics import (
    abstention_scores,
    contains_reference,
    mean,
    percentile,
    squad_exact_match,
    squad_f1,
)
from rag.eval.run import EvalProgress, EvalRun, ProgressFn, settings_summary
from rag.settings import Settings

if TYPE_CHECKING:
    from langchain_core.documents import Document
    from langchain_core.embeddings import Embeddings
    from langchain_core.language_models import BaseChatModel

    from rag.answer import Answer

__all__ = [
    "GROUPS",
    "QaSample",
    "evaluate_qa",
    "open_squad_collection",
    "sample_questions",
    "squad_documents",
]

logger = logging.getLogger(__name__)

GROUPS = ("answerable", "impossible", "off_corpus")
_WEIGHTS = {"answerable": 2, "impossible": 1, "off_corpus": 1}


@dataclass(frozen=True)
class QaSample:
    """One sampled question and its group (one of :data:`GROUPS`)."""

    question: SquadQuestion
    group: str


def squad_documents(articles: Sequence[SquadArticle]) -> list[Document]:
    """One document per paragraph, source ``squad:<article>:<paragraph>``, title kept."""
    from langchain_core.documents import Document

    return [
        Document(
            page_content=text,
            metadata={"source": squad_source(a.number, p), "title": a.title},
        )
        for a in articles
        for p, text in enumerate(a.paragraphs)
    ]


def open_squad_collection(
    articles: Sequence[SquadArticle],
    settings: Settings,
    *,
    corpus_key: str,
    ingest: Sequence[int],
    embeddings: Embeddings | None = None,
    progress: ProgressFn | None = None,
) -> EvalCollection:
    """Open (building it on first use) the collection of the ``ingest`` articles' paragraphs.

    The name depends on the file, the article numbers and the embedding and
    chunk settings, so every caller with the same inputs shares one collection.

    Args:
        articles: Every article of the SQuAD file.
        settings: Project settings.
        corpus_key: Identifies the file (see :func:`rag.eval.datasets.file_fingerprint`).
        ingest: Numbers of the articles to ingest.
        embeddings: The embedding model; defaults to the settings' model.
        progress: Receives ``ingest`` updates while building.

    Returns:
        The collection; close ``.index`` when done.
    """
    chosen = [articles[n] for n in ingest]
    name = collection_name("squad", f"{corpus_key}:{list(ingest)}", settings)
    return open_eval_collection(
        lambda: squad_documents(chosen), settings, name=name,
        embeddings=embeddings, progress=progress,
    )


def _allocate(limit: int, sizes: dict[str, int]) -> dict[str, int]:
    """Split ``limit`` over the non-empty groups by weight, never above a group's size."""
    alloc = dict.fromkeys(sizes, 0)
    remaining = min(limit, sum(sizes.values()))
    while remaining > 0:
        open_groups = [g for g in sizes if alloc[g] < sizes[g]]
        weight = sum(_WEIGHTS[g] for g in open_groups)
        given = 0
        for g in open_groups:
            share = max(1, remaining * _WEIGHTS[g] // weight)
            take = min(share, sizes[g] - alloc[g], remaining - given)
            alloc[g] += take
            given += take
        remaining -= given
    return alloc


def sample_questions(
    ingested: Sequence[SquadArticle],
    off_corpus: Sequence[SquadArticle] = (),
    *,
    limit: int | None = None,
    seed: int = 0,
) -> list[QaSample]:
    """Draw a reproducible sample of questions in the three groups.

    With a limit, it is split 2:1:1 over answerable, impossible and off-corpus
    questions (among the groups that have questions; a group smaller than its
    share gives the rest to the others).

    Args:
        ingested: The articles whose paragraphs are ingested.
        off_corpus: Articles not ingested; all their questions are off-corpus.
        limit: Questions in total; None = every question.
        seed: Seed of the sampling and of the question order.

    Returns:
        The sample, shuffled with the same seed.
    """
    pools: dict[str, list[SquadQuestion]] = {
        "answerable": [q for a in ingested for q in a.questions if not q.is_impossible],
        "impossible": [q for a in ingested for q in a.questions if q.is_impossible],
        "off_corpus": [q for a in off_corpus for q in a.questions],
    }
    rng = random.Random(seed)
    sizes = {g: len(p) for g, p in pools.items() if p}
    counts = sizes if limit is None else _allocate(limit, sizes)
    sample = [QaSample(q, g) for g, n in counts.items() for q in rng.sample(pools[g], n)]
    rng.shuffle(sample)
    return sample


def _score(item: QaSample, answer: Answer) -> dict[str, Any]:
    q = item.question
    # The short fact when there is one, else the answer as shown (quoted sentences).
    prediction = "" if answer.not_found else strip_citations(answer.short or answer.text)
    shown = "" if answer.not_found else strip_citations(answer.text)
    record: dict[str, Any] = {
        "id": q.id,
        "group": item.group,
        "question": q.question,
        "references": list(q.answers),
        "answer": answer.text,
        "not_found": answer.not_found,
        "gold_source": q.gold_source if item.group != "off_corpus" else None,
        "sources": [s.source for s in answer.sources],
        "cited": [s.source for s in answer.cited_sources],
        "timings": {k: round(v, 4) for k, v in answer.timings.items()},
        "rejected": answer.rejected_text,
        "support": None if answer.support is None else round(answer.support, 4),
        "short": answer.short,
    }
    if item.group == "answerable":
        record["exact_match"] = squad_exact_match(prediction, q.answers)
        record["f1"] = squad_f1(prediction, q.answers)
        record["contains"] = contains_reference(prediction, q.answers)
        record["shown_contains"] = contains_reference(shown, q.answers)
        # What the answer would have scored without the support check.
        unchecked = strip_citations(answer.rejected_text or "") or prediction
        record["f1_unchecked"] = squad_f1(unchecked, q.answers)
        record["contains_unchecked"] = contains_reference(unchecked, q.answers)
    return record


def _rate(
    records: Sequence[dict[str, Any]], group: str, *, key: str = "not_found"
) -> float | None:
    return mean([float(bool(r[key])) for r in records if r["group"] == group])


def _support_check(records: Sequence[dict[str, Any]]) -> dict[str, float | None]:
    """What the support check changed: its rejections and the figures without it."""
    answerable = [r for r in records if r["group"] == "answerable"]

    def abstained_without_check(group: str) -> float | None:
        return mean([float(r["not_found"] and not r["rejected"])
                      for r in records if r["group"] == group])

    return {
        "rejected answerable": _rate(records, "answerable", key="rejected"),
        "rejected impossible": _rate(records, "impossible", key="rejected"),
        "rejected off-corpus": _rate(records, "off_corpus", key="rejected"),
        "token F1 without check": mean([r["f1_unchecked"] for r in answerable]),
        "contains reference without check": mean(
            [float(r["contains_unchecked"]) for r in answerable]
        ),
        "false abstention without check": abstained_without_check("answerable"),
        "recall impossible without check": abstained_without_check("impossible"),
        "recall off-corpus without check": abstained_without_check("off_corpus"),
    }


def _precision(records: Sequence[dict[str, Any]], unanswerable: set[str]) -> float | None:
    subset = [r for r in records if r["group"] in unanswerable | {"answerable"}]
    return abstention_scores(
        [r["not_found"] for r in subset], [r["group"] in unanswerable for r in subset]
    ).precision


def summarise(records: Sequence[dict[str, Any]]) -> dict[str, dict[str, float | None]]:
    """Turn per-question records into the run's metric sections.

    Args:
        records: What :func:`evaluate_qa` keeps per question.

    Returns:
        Sections ``answers``, ``abstention``, ``support check`` (its rejections
        and the figures had it been off, from the same answers) and ``latency``
        (seconds).
    """
    answerable = [r for r in records if r["group"] == "answerable"]
    everything = abstention_scores(
        [r["not_found"] for r in records], [r["group"] != "answerable" for r in records]
    )

    def timing(key: str, subset: Sequence[dict[str, Any]], q: float) -> float | None:
        values = [r["timings"][key] for r in subset if key in r["timings"]]
        value = percentile(values, q)
        return None if value is None else round(value, 4)

    silent = [r for r in records if r["not_found"] and "first_token" not in r["timings"]]
    return {
        "answers": {
            "exact match": mean([r["exact_match"] for r in answerable]),
            "token F1": mean([r["f1"] for r in answerable]),
            "contains reference": mean([float(r["contains"]) for r in answerable]),
            "with a short fact": mean([float(r["short"] is not None) for r in answerable]),
            "shown contains reference": mean([float(r["shown_contains"]) for r in answerable]),
            "gold in sources": mean([float(r["gold_source"] in r["sources"]) for r in answerable]),
            "gold cited": mean([float(r["gold_source"] in r["cited"]) for r in answerable]),
        },
        "abstention": {
            "recall off-corpus": _rate(records, "off_corpus"),
            "recall impossible": _rate(records, "impossible"),
            "false abstention (answerable)": _rate(records, "answerable"),
            "precision off-corpus": _precision(records, {"off_corpus"}),
            "precision impossible": _precision(records, {"impossible"}),
            "precision all": everything.precision,
            "recall all": everything.recall,
        },
        "support check": _support_check(records),
        "latency": {
            "first token p50 s": timing("first_token", records, 50),
            "first token p95 s": timing("first_token", records, 95),
            "total p50 s": timing("total", records, 50),
            "total p95 s": timing("total", records, 95),
            "retrieve p50 s": timing("retrieve", records, 50),
            "not found (no LLM) p50 s": timing("total", silent, 50),
        },
    }


def evaluate_qa(
    articles: Sequence[SquadArticle],
    settings: Settings,
    *,
    corpus_key: str,
    ingest: Sequence[int],
    off_corpus: Sequence[SquadArticle] = (),
    limit: int | None = None,
    seed: int = 0,
    llm: BaseChatModel | None = None,
    embeddings: Embeddings | None = None,
    progress: ProgressFn | None = None,
    params: dict[str, Any] | None = None,
) -> EvalRun:
    """Answer a sample of SQuAD questions through the full chain and score them.

    Args:
        articles: Every article of the SQuAD file.
        settings: Project settings (retrieval, prompts and LLM shape the answers).
        corpus_key: Identifies the file (see :func:`rag.eval.datasets.file_fingerprint`).
        ingest: Numbers of the articles whose paragraphs are ingested.
        off_corpus: Articles not ingested whose questions test abstention.
        limit: Questions in total (see :func:`sample_questions`); None = all.
        seed: Sampling seed.
        llm: The chat model; defaults to ``make_llm(settings)``.
        embeddings: The embedding model; defaults to the settings' model.
        progress: Receives ``ingest`` then ``qa`` updates.
        params: Extra parameters recorded in the run (the command line's).

    Returns:
        The run, with one record per question in ``details``.

    Raises:
        ConfigError: When an article number does not exist.
    """
    from rag.chain import build_chain
    from rag.errors import ConfigError

    missing = [n for n in ingest if not 0 <= n < len(articles)]
    if missing or not ingest:
        raise ConfigError(f"no article(s) {missing} in the file (it has {len(articles)})")
    started = time.perf_counter()
    chosen = [articles[n] for n in ingest]
    collection = open_squad_collection(
        articles, settings, corpus_key=corpus_key, ingest=ingest,
        embeddings=embeddings, progress=progress,
    )
    sample = sample_questions(chosen, off_corpus, limit=limit, seed=seed)
    records = []
    try:
        chain = build_chain(collection.settings, llm=llm, index=collection.index)
        for done, item in enumerate(sample, start=1):
            answer = chain.invoke({"question": item.question.question})
            records.append(_score(item, answer))
            if progress is not None:
                progress(EvalProgress("qa", done, len(sample)))
    finally:
        collection.index.close()
    counts = {g: sum(r["group"] == g for r in records) for g in GROUPS}
    counts["abstained"] = sum(r["not_found"] for r in records)
    counts["chunks"] = collection.chunks
    counts["paragraphs"] = sum(len(a.paragraphs) for a in chosen)
    return EvalRun(
        kind="qa",
        params={**(params or {}), "ingested_articles": list(ingest), "limit": limit, "seed": seed},
        metrics=summarise(records),
        counts=counts,
        settings=settings_summary(settings),
        collection=collection.describe(),
        details=records,
        elapsed_s=round(time.perf_counter() - started, 2),
    )
