"""A persistent BM25 keyword index on SQLite FTS5.

Ingest keeps it in sync with the vector store (both are written through
:class:`rag.index.store.ChunkStore`), so the keyword side of hybrid retrieval
never has to be rebuilt. FTS5 ranks with BM25 and stems with Porter. Each
chunk is indexed with its header (:func:`rag.index.searchable.searchable_text`),
and per-document term counts are kept beside it in the same transactions
(:mod:`rag.index.documents`).

Example:
    >>> from pathlib import Path
    >>> import tempfile
    >>> kw = KeywordIndex(Path(tempfile.mkdtemp()) / "kw.sqlite3", "docs")
    >>> kw.upsert(["a", "b"], ["cats purr softly", "dogs bark loudly"], ["x.txt", "y.txt"])
    >>> [hit.id for hit in kw.search("barking dog")]
    ['b']
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from rag.index.documents import DocumentScore, DocumentTerms
from rag.text import WORD, content_words

__all__ = ["KeywordHit", "KeywordIndex"]

_VARIABLES = 500
"""Values bound in one ``IN (...)`` list."""


def _rowid(chunk_id: str) -> int:
    """A stable 63-bit row id for a chunk id: deletes by rowid, not by table scan."""
    digest = hashlib.blake2b(chunk_id.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


@dataclass(frozen=True)
class KeywordHit:
    """One keyword match: the chunk id, its indexed text (header and text), source and
    BM25 score (higher is better)."""

    id: str
    text: str
    source: str
    score: float


class KeywordIndex:
    """BM25 search over chunk texts, one FTS5 table per collection.

    Args:
        path: The SQLite file (created when missing).
        collection: The collection whose chunks this index holds.
    """

    def __init__(self, path: Path, collection: str) -> None:
        self.path = path
        name = re.sub(r"\W", "_", collection)
        self.table = "fts_" + name
        self._documents = DocumentTerms(name)
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(path, check_same_thread=False, timeout=30)
        with self._lock, self._conn:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")  # durable across a killed process
            self._conn.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {self.table} USING fts5("
                "id UNINDEXED, source UNINDEXED, text, tokenize='porter unicode61')"
            )
        if not self._documents.exists(self._conn):  # new, or from before the counts existed
            with self._lock, self._conn:
                self._conn.execute("BEGIN IMMEDIATE")  # one process creates and fills them
                if self._documents.create(self._conn):
                    rows = self._conn.execute(f"SELECT source, text FROM {self.table}")
                    self._documents.add(self._conn, rows)

    def upsert(self, ids: Sequence[str], texts: Sequence[str], sources: Sequence[str]) -> None:
        """Insert or replace chunks by id (the last of repeated ids wins)."""
        rows = {_rowid(i): (i, s, t) for i, s, t in zip(ids, sources, texts, strict=True)}
        with self._lock, self._conn:
            self._documents.remove(self._conn, self._stored(list(rows)))
            self._conn.executemany(
                f"DELETE FROM {self.table} WHERE rowid = ?", [(r,) for r in rows]
            )
            self._conn.executemany(
                f"INSERT INTO {self.table} (rowid, id, source, text) VALUES (?, ?, ?, ?)",
                [(r, *row) for r, row in rows.items()],
            )
            self._documents.add(self._conn, [(s, t) for _, s, t in rows.values()])

    def delete(self, ids: Sequence[str]) -> None:
        """Remove chunks by id; unknown ids are ignored."""
        rowids = [_rowid(i) for i in ids]
        with self._lock, self._conn:
            self._documents.remove(self._conn, self._stored(rowids))
            self._conn.executemany(
                f"DELETE FROM {self.table} WHERE rowid = ?", [(r,) for r in rowids]
            )

    def _stored(self, rowids: Sequence[int]) -> list[tuple[str, str]]:
        """``(source, text)`` of the rows held among ``rowids`` (call under the lock)."""
        found: list[tuple[str, str]] = []
        for start in range(0, len(rowids), _VARIABLES):
            part = rowids[start : start + _VARIABLES]
            found += self._conn.execute(
                f"SELECT source, text FROM {self.table} WHERE rowid IN "
                f"({','.join('?' * len(part))})", part
            ).fetchall()
        return found

    def document_frequencies(self, terms: Iterable[str]) -> tuple[int, dict[str, int]]:
        """How many documents (sources) the index holds, and how many hold each term.

        Args:
            terms: Terms as :func:`rag.index.documents.chunk_terms` finds them.
        """
        with self._lock:
            return self._documents.frequencies(self._conn, terms)

    def long_documents(
        self, more_than: int, *, sources: Sequence[str] | None = None
    ) -> list[str]:
        """The documents (sources) with more than ``more_than`` chunks, among ``sources``."""
        with self._lock:
            return self._documents.longer_than(self._conn, more_than, sources)

    def document_scores(
        self, weights: Mapping[str, float], *, sources: Sequence[str] | None = None
    ) -> dict[str, DocumentScore]:
        """Each document holding a weighted term: the weighted share of its chunks holding them.

        Args:
            weights: A weight per term.
            sources: Only these documents (None: all).

        Returns:
            Source to :class:`rag.index.documents.DocumentScore`.
        """
        with self._lock:
            return self._documents.scores(self._conn, weights, sources)

    def phrase_documents(self, phrase: str) -> int:
        """How many documents (sources) hold ``phrase``, its words in this order (FTS5
        phrase match: case, punctuation and word endings aside).

        Example:
            >>> from pathlib import Path
            >>> import tempfile
            >>> kw = KeywordIndex(Path(tempfile.mkdtemp()) / "kw.sqlite3", "docs")
            >>> kw.upsert(["a", "b", "c"], ["I have reviewed this report.", "We have reviewed it.",
            ...           "I have reviewed this report; it is true."], ["x.pdf", "y.pdf", "z.pdf"])
            >>> kw.phrase_documents("I have reviewed this report"), kw.phrase_documents("")
            (2, 0)
        """
        words = WORD.findall(phrase.lower())
        if not words:
            return 0
        match = '"' + " ".join(w.replace('"', "") for w in words) + '"'
        with self._lock:
            return self._conn.execute(
                f"SELECT count(DISTINCT source) FROM {self.table} WHERE {self.table} MATCH ?",
                [match]).fetchone()[0]

    def count(self) -> int:
        """Return how many chunks the index holds."""
        with self._lock:
            return self._conn.execute(f"SELECT count(*) FROM {self.table}").fetchone()[0]

    def ids(self) -> set[str]:
        """Return the ids of every chunk in the index."""
        with self._lock:
            return {row[0] for row in self._conn.execute(f"SELECT id FROM {self.table}")}

    def search(
        self, query: str, k: int = 20, *, sources: Sequence[str] | None = None
    ) -> list[KeywordHit]:
        """Rank chunks by BM25 against the words of ``query``.

        Args:
            query: Free text; words are OR-ed, stopwords dropped.
            k: How many hits to return at most.
            sources: When given, only chunks of these sources are searched.

        Returns:
            Hits, best first; empty when the query has no searchable word.
        """
        words = content_words(query)
        if not words:
            words = WORD.findall(query.lower())
        if not words:
            return []
        match = " OR ".join('"' + w.replace('"', "") + '"' for w in dict.fromkeys(words))
        sql = (
            f"SELECT id, text, source, bm25({self.table}) AS rank FROM {self.table} "
            f"WHERE {self.table} MATCH ?"
        )
        params: list[object] = [match]
        if sources is not None:
            if not sources:
                return []
            sql += f" AND source IN ({','.join('?' * len(sources))})"
            params.extend(sources)
        sql += " ORDER BY rank LIMIT ?"
        params.append(k)
        with self._lock:
            rows = self._conn.execute(sql, params).fetchall()
        return [KeywordHit(id=r[0], text=r[1], source=r[2], score=-r[3]) for r in rows]

    def close(self) -> None:
        """Close the SQLite connection."""
        with self._lock:
            self._conn.close()
