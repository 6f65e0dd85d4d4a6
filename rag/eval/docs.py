"""Answer evaluation on a folder of real documents and a CSV of analyst questions.

The folder is ingested with :func:`ingest.ingest_paths` into an eval
collection named after the files' names, sizes and modification times (and the
index settings), so a second run over the same folder reuses it. Every
question of the CSV goes through the full chain, and each answer is scored
against the question's reference answer and expected source files:

* ``source accuracy``: the file of the answer's first citation matches one of
  the question's ``Source Docs`` globs (see :func:`rag.eval.facts.source_matches`);
  an answer that cites nothing, abstentions included, is wrong.
* ``source retrieved``: some passage shown to the model comes from such a file.
* ``fact recall``: share of the reference's numbers and named entities stated in
  the answer (:func:`rag.eval.facts.check_facts`); ``fact recall numbers`` the
  same for numbers alone. References without such facts are left out.
* ``content F1``: token F1 of the content words (:func:`rag.eval.facts.content_f1`).
* ``abstention``: share of "not found" answers; ``answer words``: mean length of
  the answers given (abstentions left out), citation markers removed.
* latency percentiles of the whole answer and of its first piece, in seconds.

An abstention is scored as the empty answer. The reference's ``SOURCE(S): ...``
annotations are removed before scoring. Each metric is reported ``overall`` and
per question type (the CSV's ``Question Type`` in lower case, without "RAG").
"""

from __future__ import annotations

import csv
import logging
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.eval.corpus import EvalCollection, collection_name, open_eval_collection
from rag.eval.datasets import file_fingerprint
from rag.eval.facts import check_facts, content_f1, source_matches, strip_citations
from rag.eval.metrics import mean, percentile
from rag.eval.run import EvalProgress, EvalRun, ProgressFn, settings_summary
from rag.settings import Settings

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings
    from langchain_core.language_models import BaseChatModel

    from rag.answer import Answer

__all__ = [
    "DocQuestion",
    "evaluate_docs",
    "load_qna",
    "open_docs_collection",
    "question_type",
    "select_questions",
    "summarise",
]

logger = logging.getLogger(__name__)

OVERALL = "overall"
_COLUMNS = ("Question", "Source Docs", "Answer")
_GLOB_SEPARATORS = re.compile(r"[,;\n]")
_SOURCE_NOTE = re.compile(r"\(?\bSOURCE(?:\(S\))?:[^)\n]*\)?")


@dataclass(frozen=True)
class DocQuestion:
    """One question of the CSV.

    Attributes:
        question: The question text.
        source_globs: File-name globs of the files the answer must come from.
        kind: The question type, normalised by :func:`question_type`.
        chunk_type: Where the answer sits (``Table`` or ``Text``; may be empty).
        answer: The reference answer.
    """

    question: str
    source_globs: tuple[str, ...]
    kind: str
    chunk_type: str
    answer: str


def question_type(label: str) -> str:
    """The question type in lower case without a trailing "RAG" ("untyped" when empty).

    Example:
        >>> question_type("Single-Doc Multi-Chunk RAG")
        'single-doc multi-chunk'
    """
    words = label.lower().split()
    if words and words[-1] == "rag":
        words.pop()
    return " ".join(words) or "untyped"


def load_qna(path: str | Path) -> list[DocQuestion]:
    """Read the questions of a CSV with columns ``Question``, ``Source Docs``, ``Answer``.

    ``Question Type`` and ``Source Chunk Type`` are optional. ``Source Docs``
    holds one or more file-name globs separated by commas, semicolons or line
    breaks. A UTF-8 byte order mark is accepted; empty rows are skipped.

    Args:
        path: The CSV file.

    Returns:
        The questions in file order.

    Raises:
        ConfigError: When the file is missing, unreadable, lacks a column or a
            row has no question.
    """
    from rag.errors import ConfigError

    file = Path(path).expanduser()
    try:
        with file.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in _COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise ConfigError(f"{file}: no column(s) {', '.join(missing)}")
            rows = [row for row in reader if any((v or "").strip() for v in row.values())]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ConfigError(f"cannot read the questions file {file}: {exc}") from exc
    questions = []
    for line, row in enumerate(rows, start=2):
        text = (row["Question"] or "").strip()
        if not text:
            raise ConfigError(f"{file}: row {line} has no question")
        globs = _GLOB_SEPARATORS.split(row["Source Docs"] or "")
        questions.append(DocQuestion(
            question=text,
            source_globs=tuple(g.strip() for g in globs if g.strip()),
            kind=question_type(row.get("Question Type") or ""),
            chunk_type=(row.get("Source Chunk Type") or "").strip(),
            answer=(row["Answer"] or "").strip(),
        ))
    if not questions:
        raise ConfigError(f"{file}: no questions")
    return questions


def open_docs_collection(
    folder: Path,
    settings: Settings,
    *,
    embeddings: Embeddings | None = None,
    progress: ProgressFn | None = None,
) -> tuple[EvalCollection, int]:
    """Open (ingesting it on first use) the eval collection of a folder of documents.

    Args:
        folder: The documents.
        settings: Project settings.
        embeddings: The embedding model; defaults to the settings' model.
        progress: Receives ``ingest`` updates while building.

    Returns:
        The collection (close ``.index`` when done) and the number of files.

    Raises:
        ConfigError: When the folder does not exist or holds no file.
    """
    from rag.errors import ConfigError

    folder = folder.expanduser().resolve()
    if not folder.is_dir():
        raise ConfigError(f"documents folder not found: {folder}")
    from ingest.discover import discover

    files = [found.path for found in discover([folder]).files]  # as the ingest finds them
    if not files:
        raise ConfigError(f"no files in {folder}")
    name = collection_name("docs", file_fingerprint(*files), settings)
    collection = open_eval_collection(
        [folder], settings, name=name, embeddings=embeddings, progress=progress
    )
    return collection, len(files)


def select_questions(questions: Sequence[DocQuestion], limit: int | None) -> list[DocQuestion]:
    """At most ``limit`` questions, taken in turn from each type (file order within a type).

    Example:
        >>> qs = [DocQuestion(str(n), (), k, "", "") for n, k in enumerate("aabbc")]
        >>> [q.question for q in select_questions(qs, 4)]
        ['0', '2', '4', '1']
    """
    if limit is None or limit >= len(questions):
        return list(questions)
    by_kind: dict[str, list[DocQuestion]] = {}
    for q in questions:
        by_kind.setdefault(q.kind, []).append(q)
    chosen: list[DocQuestion] = []
    for rank in range(max(len(group) for group in by_kind.values())):
        chosen += [group[rank] for group in by_kind.values() if rank < len(group)]
    return chosen[:limit]


def _score(q: DocQuestion, answer: Answer) -> dict[str, Any]:
    shown = "" if answer.not_found else strip_citations(answer.text)
    reference = _SOURCE_NOTE.sub("", q.answer)
    cited = [s.file_name for s in answer.cited_sources]
    retrieved = list(dict.fromkeys(s.file_name for s in answer.sources))
    facts = check_facts(shown, reference)
    expected = bool(q.source_globs)
    return {
        "question": q.question,
        "type": q.kind,
        "chunk_type": q.chunk_type,
        "expected": list(q.source_globs),
        "reference": q.answer,
        "answer": answer.text,
        "not_found": answer.not_found,
        "rejected": answer.rejected_text,
        "cited": cited,
        "retrieved": retrieved,
        "source_correct": (bool(cited) and source_matches(cited[0], q.source_globs))
        if expected else None,
        "source_retrieved": any(source_matches(f, q.source_globs) for f in retrieved)
        if expected else None,
        "fact_recall": facts.recall,
        "fact_recall_numbers": facts.number_recall,
        "facts_found": {**facts.numbers, **facts.entities},
        "content_f1": content_f1(shown, reference),
        "answer_words": len(shown.split()),
        "timings": {k: round(v, 4) for k, v in answer.timings.items()},
    }


def _section(records: Sequence[dict[str, Any]]) -> dict[str, float | None]:
    def timing(key: str, q: float) -> float | None:
        value = percentile([r["timings"][key] for r in records if key in r["timings"]], q)
        return None if value is None else round(value, 4)

    return {
        "source accuracy": mean([r["source_correct"] for r in records]),
        "source retrieved": mean([r["source_retrieved"] for r in records]),
        "fact recall": mean([r["fact_recall"] for r in records]),
        "fact recall numbers": mean([r["fact_recall_numbers"] for r in records]),
        "content F1": mean([r["content_f1"] for r in records]),
        "abstention": mean([float(r["not_found"]) for r in records]),
        "answer words": mean([r["answer_words"] for r in records if not r["not_found"]]),
        "total p50 s": timing("total", 50),
        "total p95 s": timing("total", 95),
        "first token p50 s": timing("first_token", 50),
        "first token p95 s": timing("first_token", 95),
    }


def summarise(records: Sequence[dict[str, Any]]) -> dict[str, dict[str, float | None]]:
    """The run's metric sections: ``overall``, then one per question type.

    Args:
        records: What :func:`evaluate_docs` keeps per question.

    Returns:
        Section name to the same metrics (see the module docstring).
    """
    kinds = dict.fromkeys(r["type"] for r in records)
    sections = {OVERALL: _section(records)}
    sections.update({k: _section([r for r in records if r["type"] == k]) for k in kinds})
    return sections


def evaluate_docs(
    docs_dir: str | Path,
    qna: str | Path,
    settings: Settings,
    *,
    llm: BaseChatModel | None = None,
    embeddings: Embeddings | None = None,
    limit: int | None = None,
    progress: ProgressFn | None = None,
) -> EvalRun:
    """Ingest a folder, answer the CSV's questions through the full chain and score them.

    Args:
        docs_dir: The documents folder (ingested once, then reused).
        qna: The questions CSV (see :func:`load_qna`).
        settings: Project settings (retrieval, prompts and LLM shape the answers).
        llm: The chat model; defaults to ``make_llm(settings)``.
        embeddings: The embedding model; defaults to the settings' model.
        limit: At most this many questions (see :func:`select_questions`); None = all.
        progress: Receives ``ingest`` then ``docs`` updates.

    Returns:
        The run, with one record per question in ``details``.

    Raises:
        ConfigError: For a missing folder, an empty one, or a bad questions file.
    """
    from rag.chain import build_chain

    started = time.perf_counter()
    questions = select_questions(load_qna(qna), limit)
    collection, files = open_docs_collection(
        Path(docs_dir), settings, embeddings=embeddings, progress=progress
    )
    records = []
    try:
        chain = build_chain(collection.settings, llm=llm, index=collection.index)
        for done, q in enumerate(questions, start=1):
            records.append(_score(q, chain.invoke({"question": q.question})))
            if progress is not None:
                progress(EvalProgress("docs", done, len(questions)))
    finally:
        collection.index.close()
    metrics = summarise(records)
    counts = {
        "questions": len(records),
        **{k: sum(r["type"] == k for r in records) for k in metrics if k != OVERALL},
        "abstained": sum(r["not_found"] for r in records),
        "with facts": sum(r["fact_recall"] is not None for r in records),
        "files": files,
        "chunks": collection.chunks,
    }
    return EvalRun(
        kind="docs",
        params={"docs": str(Path(docs_dir).expanduser().resolve()),
                "qna": str(Path(qna).expanduser().resolve()), "limit": limit},
        metrics=metrics,
        counts=counts,
        settings=settings_summary(settings),
        collection=collection.describe(),
        details=records,
        elapsed_s=round(time.perf_counter() - started, 2),
    )
