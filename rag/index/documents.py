"""Which documents hold which words: per-document statistics beside the keyword index.

For every source (document) the keyword index also keeps how many chunks it
has and, for every term, how many of its chunks hold that term. The retriever
reads them to favour the chunks of the documents a question names (see
:mod:`rag.retrieval`): a term held by few documents, and by much of each, says
which document is meant, even in a chunk that does not say it itself.

Terms are the lower-cased content words of a chunk's searchable text (its
header and text, see :mod:`rag.index.searchable`), lightly stemmed
(:func:`rag.text.content_words`, :func:`rag.text.stem`), so a question's terms
are found the same way with :func:`chunk_terms`.

Both tables live in the keyword index's SQLite file and are written in the
same transactions as its rows (:class:`rag.index.keyword.KeywordIndex`), so
they always describe exactly the chunks it holds.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from rag.text import content_words, stem

__all__ = ["DocumentScore", "DocumentTerms", "chunk_terms"]

def chunk_terms(text: str) -> set[str]:
    """The distinct terms of a text: content words, lower-cased and lightly stemmed.

    Example:
        >>> sorted(chunk_terms("Apple's net sales of iPhones"))
        ['apple', 'iphone', 'net', 's', 'sale']
    """
    return {stem(word) for word in content_words(text)}


class DocumentScore(NamedTuple):
    """A document's weighted share of chunks holding some terms, and its size."""

    score: float
    """Sum over the terms of their weight times the share of its chunks that hold them."""
    chunks: int
    """How many chunks the document has."""


class DocumentTerms:
    """The two tables of one collection; the keyword index calls these under its lock.

    Args:
        name: A table-name-safe name of the collection.
    """

    def __init__(self, name: str) -> None:
        self.docs = f"doc_chunks_{name}"
        self.terms = f"doc_terms_{name}"

    def exists(self, conn: sqlite3.Connection) -> bool:
        """Whether the tables are there."""
        return conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (self.terms,)
        ).fetchone() is not None

    def create(self, conn: sqlite3.Connection) -> bool:
        """Create the tables when missing; True when they were created now."""
        if self.exists(conn):
            return False
        conn.execute(f"CREATE TABLE {self.docs} (source TEXT PRIMARY KEY, chunks INTEGER)")
        conn.execute(f"CREATE INDEX {self.docs}_size ON {self.docs} (chunks)")
        conn.execute(
            f"CREATE TABLE {self.terms} (term TEXT, source TEXT, chunks INTEGER, "
            "PRIMARY KEY (term, source)) WITHOUT ROWID"
        )
        return True

    def add(self, conn: sqlite3.Connection, rows: Iterable[tuple[str, str]]) -> None:
        """Count chunks in: ``rows`` are ``(source, searchable text)`` pairs."""
        self._change(conn, rows, +1)

    def remove(self, conn: sqlite3.Connection, rows: Iterable[tuple[str, str]]) -> None:
        """Count chunks out (the same pairs they were added with)."""
        self._change(conn, rows, -1)

    def _change(self, conn: sqlite3.Connection, rows: Iterable[tuple[str, str]], sign: int) -> None:
        docs: Counter[str] = Counter()
        terms: Counter[tuple[str, str]] = Counter()
        for source, text in rows:
            docs[source] += 1
            terms.update((term, source) for term in chunk_terms(text))
        if not docs:
            return
        self._apply(conn, self.docs, "source", [((s,), n) for s, n in docs.items()], sign)
        self._apply(conn, self.terms, "term, source", list(terms.items()), sign)

    @staticmethod
    def _apply(
        conn: sqlite3.Connection,
        table: str,
        key: str,
        counts: Sequence[tuple[tuple[str, ...], int]],
        sign: int,
    ) -> None:
        marks = ", ".join("?" * (key.count(",") + 1))
        conn.executemany(
            f"INSERT INTO {table} ({key}, chunks) VALUES ({marks}, ?) "
            f"ON CONFLICT ({key}) DO UPDATE SET chunks = chunks + excluded.chunks",
            sorted((*keys, sign * n) for keys, n in counts),  # in key order: fewer page splits
        )
        if sign < 0:
            where = " AND ".join(f"{column.strip()} = ?" for column in key.split(","))
            conn.executemany(f"DELETE FROM {table} WHERE {where} AND chunks <= 0",
                             [keys for keys, _ in counts])

    def frequencies(
        self, conn: sqlite3.Connection, terms: Iterable[str]
    ) -> tuple[int, dict[str, int]]:
        """How many documents there are, and how many hold each of ``terms``."""
        documents = conn.execute(f"SELECT count(*) FROM {self.docs}").fetchone()[0]
        frequency = {
            term: conn.execute(f"SELECT count(*) FROM {self.terms} WHERE term = ?",
                               (term,)).fetchone()[0]
            for term in set(terms)
        }
        return documents, frequency

    def longer_than(
        self, conn: sqlite3.Connection, chunks: int, sources: Sequence[str] | None = None
    ) -> list[str]:
        """The documents with more than ``chunks`` chunks (among ``sources``; None: all)."""
        sql, params = f"SELECT source FROM {self.docs} WHERE chunks > ?", [chunks]
        if sources is not None:
            sql += f" AND source IN ({','.join('?' * len(sources))})"
            params.extend(sources)
        return [row[0] for row in conn.execute(sql + " ORDER BY source", params)]

    def scores(
        self,
        conn: sqlite3.Connection,
        weights: Mapping[str, float],
        sources: Sequence[str] | None = None,
    ) -> dict[str, DocumentScore]:
        """Score the documents holding any of the weighted terms (see :class:`DocumentScore`).

        Args:
            conn: The keyword index's connection.
            weights: A weight for each term.
            sources: Only these documents (None: all; a short list is much faster).
        """
        if not weights or (sources is not None and not sources):
            return {}
        values = ", ".join("(?, ?)" for _ in weights)
        sql = (
            f"WITH w(term, weight) AS (VALUES {values}) "
            f"SELECT t.source, SUM(w.weight * t.chunks) / d.chunks, d.chunks "
            f"FROM w JOIN {self.terms} t ON t.term = w.term "
            f"JOIN {self.docs} d ON d.source = t.source"
        )
        params: list[object] = [x for pair in weights.items() for x in pair]
        if sources is not None:
            sql += f" WHERE t.source IN ({','.join('?' * len(sources))})"
            params.extend(sources)
        rows = conn.execute(sql + " GROUP BY t.source", params).fetchall()
        return {source: DocumentScore(float(score), chunks) for source, score, chunks in rows}
