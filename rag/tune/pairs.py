"""Training pairs for adapting the embedding model: made from the indexed chunks, or given.

A pair is a short text (the *anchor*, standing in for a question) and the
chunk text it should find. Without labels they come from the chunks
themselves, by one of two recipes:

- ``heading``: a chunk's heading (its document title and section, as the
  chunk header holds them; else its first sentence) and the rest of the chunk;
- ``inverse-cloze``: one sentence of a chunk and the chunk without that
  sentence (kept in one pair of ten, as in Lee et al. 2019, so the model also
  learns that the same words match).

With labels, a CSV of ``question,source`` rows pairs each question with the
chunk of that source that the current model finds closest, or BEIR
``queries.jsonl`` and ``qrels`` pair each query with its relevant documents.

Example:
    >>> from rag.index import StoredChunk
    >>> chunk = StoredChunk("1", "Mitochondria make ATP. They have two membranes. Both fold.",
    ...                     {"header": "Cell biology"})
    >>> [(p.anchor, p.positive) for p in chunk_pairs([chunk], recipe="heading")]
    [('Cell biology', 'Mitochondria make ATP. They have two membranes. Both fold.')]
"""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from rag.errors import ConfigError
from rag.index import HEADER_KEY, StoredChunk
from rag.text import sentence_spans

__all__ = ["Pair", "Recipe", "chunk_pairs", "labelled_pairs", "split_held_out"]

Recipe = Literal["heading", "inverse-cloze"]
MIN_WORDS = 4
"""Anchors and positives shorter than this many words teach nothing."""
KEEP_SENTENCE = 0.1
"""Share of inverse-cloze pairs whose positive still holds the anchor sentence."""


@dataclass(frozen=True)
class Pair:
    """A text and the chunk text it should retrieve."""

    anchor: str
    positive: str
    source: str = ""
    """The file the positive comes from (pairs of one source are held out together)."""


def chunk_pairs(chunks: Iterable[StoredChunk], *, recipe: Recipe, seed: int = 0) -> list[Pair]:
    """Make self-supervised pairs from indexed chunks.

    Args:
        chunks: The collection's chunks (text and metadata).
        recipe: ``heading`` or ``inverse-cloze`` (see the module docstring).
        seed: Chooses the sentence of each inverse-cloze pair.

    Returns:
        At most one pair per chunk; chunks too short to split give none.
    """
    rng = random.Random(seed)
    make = {"heading": _heading_pair, "inverse-cloze": _cloze_pair}.get(recipe)
    if make is None:
        raise ConfigError(f"unknown pair recipe {recipe!r}; choose 'heading' or 'inverse-cloze'")
    pairs = []
    for chunk in chunks:
        pair = make(chunk, rng)
        if pair and len(pair.anchor.split()) >= 1 and len(pair.positive.split()) >= MIN_WORDS:
            pairs.append(pair)
    return pairs


def _source(chunk: StoredChunk) -> str:
    return str(chunk.metadata.get("source", chunk.id))


def _heading_pair(chunk: StoredChunk, rng: random.Random) -> Pair | None:
    header = " ".join(str(chunk.metadata.get(HEADER_KEY) or "").split())
    if header:
        return Pair(header, chunk.text, _source(chunk))
    spans = sentence_spans(chunk.text)
    if len(spans) < 2:
        return None
    first = chunk.text[spans[0][0]:spans[0][1]]
    if len(first.split()) < MIN_WORDS:
        return None
    return Pair(first, chunk.text[spans[0][1]:].strip(), _source(chunk))


def _cloze_pair(chunk: StoredChunk, rng: random.Random) -> Pair | None:
    spans = [span for span in sentence_spans(chunk.text)
             if len(chunk.text[span[0]:span[1]].split()) >= MIN_WORDS]
    if len(spans) < 2:
        return None
    start, end = rng.choice(spans)
    sentence = chunk.text[start:end]
    keep = rng.random() < KEEP_SENTENCE
    rest = chunk.text if keep else f"{chunk.text[:start].rstrip()} {chunk.text[end:].lstrip()}"
    return Pair(sentence, rest.strip(), _source(chunk))


def labelled_pairs(
    path: Path,
    chunks: Sequence[StoredChunk],
    *,
    closest: Callable[[str, Sequence[StoredChunk]], StoredChunk],
) -> list[Pair]:
    """Read labelled pairs: a ``question,source`` CSV, or a BEIR folder's queries and qrels.

    Args:
        path: A CSV file with a header row naming ``question`` and ``source``
            (a file's path or name, as ``rag ingest`` recorded it), or a BEIR
            dataset folder (``queries.jsonl`` and ``qrels/*.tsv``, whose
            corpus ids are the indexed files' names without extension, or the
            ids after ``beir:`` in an eval collection).
        chunks: The collection's chunks.
        closest: Picks, of a source's chunks, the one a question should find
            (the current model's nearest).

    Returns:
        One pair per question and relevant source that the collection holds.

    Raises:
        ConfigError: When the file has neither form, or names no indexed source.
    """
    by_source: dict[str, list[StoredChunk]] = {}
    for chunk in chunks:
        source = _source(chunk)
        for key in {source, Path(source).name, Path(source).stem, source.rpartition(":")[2]}:
            by_source.setdefault(key, []).append(chunk)
    rows = _beir_rows(path) if path.is_dir() else _csv_rows(path)
    pairs = []
    for question, source in rows:
        candidates = by_source.get(source) or by_source.get(Path(source).name)
        if candidates:
            chunk = closest(question, candidates)  # held out with its file's other pairs
            pairs.append(Pair(question, chunk.text, _source(chunk)))
    if not pairs:
        raise ConfigError(f"{path}: none of its {len(rows)} pairs names a file in the collection")
    return pairs


def _csv_rows(path: Path) -> list[tuple[str, str]]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            if not reader.fieldnames or not {"question", "source"} <= set(reader.fieldnames):
                raise ConfigError(f"{path}: a pairs CSV needs the columns question,source")
            return [(row["question"].strip(), row["source"].strip()) for row in reader
                    if row["question"] and row["source"]]
    except OSError as exc:
        raise ConfigError(f"cannot read pairs file {path}: {exc}") from exc


def _beir_rows(folder: Path) -> list[tuple[str, str]]:
    queries_file = folder / "queries.jsonl"
    qrels = sorted((folder / "qrels").glob("*.tsv"))
    if not queries_file.is_file() or not qrels:
        raise ConfigError(f"{folder}: a BEIR folder needs queries.jsonl and qrels/*.tsv")
    queries = {}
    with queries_file.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            queries[str(row["_id"])] = row["text"]
    rows = []
    for qrel in qrels:
        with qrel.open(encoding="utf-8") as handle:
            for line in csv.reader(handle, delimiter="\t"):
                if len(line) >= 3 and line[0] in queries and line[2] not in {"0", "score"}:
                    rows.append((queries[line[0]], line[1]))
    return rows


def split_held_out(pairs: Sequence[Pair], *, share: float, seed: int = 0) -> tuple[list[Pair], list[Pair]]:
    """Split pairs into training and held-out, whole sources at a time.

    Holding out sources, not pairs, keeps a held-out pair's chunk out of
    training, so the check measures what the model learned about the
    documents in general rather than about that chunk.

    Args:
        pairs: All pairs.
        share: About this share of the sources is held out.
        seed: Chooses the sources.

    Returns:
        ``(train, held_out)``.
    """
    sources = sorted({pair.source for pair in pairs})
    random.Random(seed).shuffle(sources)
    held = set(sources[:max(1, round(len(sources) * share))])
    train = [pair for pair in pairs if pair.source not in held]
    return train, [pair for pair in pairs if pair.source in held]
