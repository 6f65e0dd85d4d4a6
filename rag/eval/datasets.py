"""Readers for the evaluation datasets: BEIR folders and SQuAD 2.0 files.

Example:
    >>> from rag.eval.datasets import parse_ranges
    >>> parse_ranges("0-2,5")
    [0, 1, 2, 5]
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rag.errors import ConfigError

__all__ = [
    "BeirDataset",
    "SquadArticle",
    "SquadQuestion",
    "file_fingerprint",
    "load_beir",
    "load_squad",
    "parse_ranges",
]

logger = logging.getLogger(__name__)


def file_fingerprint(*paths: Path) -> str:
    """A short hash of the paths' absolute names, sizes and modification times.

    Args:
        paths: Files whose change should change the fingerprint.

    Returns:
        16 hex digits.
    """
    digest = hashlib.sha256()
    for path in paths:
        stat = path.stat()
        digest.update(f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns};".encode())
    return digest.hexdigest()[:16]


def parse_ranges(spec: str) -> list[int]:
    """Turn ``"0-3"`` or ``"0,2,5-7"`` into a sorted list of integers.

    Args:
        spec: Comma-separated numbers and inclusive ranges.

    Returns:
        The numbers, sorted, without repeats.

    Raises:
        ConfigError: When the text is not such a list.
    """
    numbers: set[int] = set()
    try:
        for part in filter(None, (p.strip() for p in spec.split(","))):
            low, _, high = part.partition("-")
            first, last = int(low), int(high or low)
            if first < 0 or last < first:
                raise ValueError(part)
            numbers.update(range(first, last + 1))
    except ValueError as exc:
        raise ConfigError(f"not a list of numbers and ranges like 0-3,5: {spec!r}") from exc
    if not numbers:
        raise ConfigError(f"no numbers in {spec!r}")
    return sorted(numbers)


@dataclass
class BeirDataset:
    """A BEIR dataset: corpus, queries and the relevance judgements of one split."""

    path: Path
    split: str
    corpus: dict[str, tuple[str, str]]
    """Document id to ``(title, text)``."""
    queries: dict[str, str]
    """Query id to text, only the queries judged in the split."""
    qrels: dict[str, dict[str, int]]
    """Query id to ``{document id: relevance grade}``."""

    @property
    def corpus_file(self) -> Path:
        """The corpus file (its fingerprint names the eval collection)."""
        return self.path / "corpus.jsonl"


def _jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        raise ConfigError(f"BEIR dataset file not found: {path}")
    rows = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise ConfigError(f"{path}:{number}: not JSON: {exc.msg}") from exc
    return rows


def load_beir(path: str | Path, split: str = "test") -> BeirDataset:
    """Read a BEIR folder (``corpus.jsonl``, ``queries.jsonl``, ``qrels/SPLIT.tsv``).

    Args:
        path: The dataset folder.
        split: The qrels file to use.

    Returns:
        The dataset; queries without judgements in the split are left out.

    Raises:
        ConfigError: When a file is missing or malformed.
    """
    folder = Path(path).expanduser()
    qrels_file = folder / "qrels" / f"{split}.tsv"
    if not qrels_file.is_file():
        raise ConfigError(f"qrels file not found: {qrels_file}")
    try:
        corpus = {
            str(r["_id"]): (str(r.get("title") or ""), str(r.get("text") or ""))
            for r in _jsonl(folder / "corpus.jsonl")
        }
        all_queries = {str(r["_id"]): str(r["text"]) for r in _jsonl(folder / "queries.jsonl")}
    except KeyError as exc:
        raise ConfigError(f"BEIR rows need _id and text; missing {exc} in {folder}") from exc
    qrels: dict[str, dict[str, int]] = {}
    with qrels_file.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t")
        for row in reader:
            if not row or row[0] == "query-id":
                continue
            if len(row) < 3:
                raise ConfigError(f"{qrels_file}: rows need query-id, corpus-id, score: {row}")
            qrels.setdefault(row[0], {})[row[1]] = int(float(row[2]))
    missing = [q for q in qrels if q not in all_queries]
    if missing:
        logger.warning("%d judged queries are not in queries.jsonl; skipped", len(missing))
    queries = {q: all_queries[q] for q in qrels if q in all_queries}
    return BeirDataset(
        path=folder,
        split=split,
        corpus=corpus,
        queries=queries,
        qrels={q: qrels[q] for q in queries},
    )


@dataclass(frozen=True)
class SquadQuestion:
    """One SQuAD question with where it comes from."""

    id: str
    question: str
    answers: tuple[str, ...]
    is_impossible: bool
    article: int
    paragraph: int

    @property
    def gold_source(self) -> str:
        """The source id the paragraph gets when ingested."""
        return squad_source(self.article, self.paragraph)


@dataclass
class SquadArticle:
    """One article: its title, paragraphs and questions."""

    number: int
    title: str
    paragraphs: list[str] = field(default_factory=list)
    questions: list[SquadQuestion] = field(default_factory=list)


def squad_source(article: int, paragraph: int) -> str:
    """The ``source`` id of an ingested SQuAD paragraph, ``squad:<article>:<paragraph>``."""
    return f"squad:{article}:{paragraph}"


def load_squad(path: str | Path) -> list[SquadArticle]:
    """Read a SQuAD 2.0 (or 1.1) JSON file.

    Args:
        path: The file.

    Returns:
        The articles in file order, numbered from 0.

    Raises:
        ConfigError: When the file is missing or not in SQuAD format.
    """
    file = Path(path).expanduser()
    if not file.is_file():
        raise ConfigError(f"SQuAD file not found: {file}")
    try:
        data = json.loads(file.read_text(encoding="utf-8"))["data"]
        articles = []
        for a, raw in enumerate(data):
            article = SquadArticle(number=a, title=str(raw.get("title", f"article {a}")))
            for p, paragraph in enumerate(raw["paragraphs"]):
                article.paragraphs.append(str(paragraph["context"]))
                for qa in paragraph["qas"]:
                    article.questions.append(
                        SquadQuestion(
                            id=str(qa["id"]),
                            question=str(qa["question"]),
                            answers=tuple(dict.fromkeys(x["text"] for x in qa.get("answers", []))),
                            is_impossible=bool(qa.get("is_impossible", False)),
                            article=a,
                            paragraph=p,
                        )
                    )
            articles.append(article)
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise ConfigError(f"{file} is not a SQuAD JSON file: {exc}") from exc
    return articles
