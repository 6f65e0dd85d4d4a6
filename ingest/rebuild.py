"""Rebuilding an index whose chunks an older version made (another chunk header form).

When only the form of the chunks' headers changed (the software, not the
user's chunk settings, see :meth:`rag.index.IndexManifest.settings_differ`),
the next ingest rebuilds the whole collection instead of refusing: every file
the ledger lists that still exists is read again with the files asked for,
each file's new chunks replace its old ones, and afterwards every chunk the
run did not write or confirm is removed (files gone or unreadable, documents
added from Python), so the collection never keeps two kinds of chunks. Only
then is the new form recorded in the manifest; an interrupted rebuild is
finished by the next ingest, which embeds only the chunks still missing.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.discover import FoundFile, discover
from ingest.report import FileEntry

if TYPE_CHECKING:
    from rag.index import FileRecord, Index

__all__ = ["NOT_REBUILT", "finish_rebuild", "needs_rebuild", "with_ledger_files"]

logger = logging.getLogger(__name__)

_BATCH = 1000

NOT_REBUILT = "removed: the index was rebuilt and this source could not be read again"


def needs_rebuild(index: Index) -> bool:
    """Whether the collection holds chunks of another header form (and the same chunk settings)."""
    stored, wanted = index.manifest, index.wanted
    return (stored.chunk_header != wanted.chunk_header and not stored.settings_differ(wanted)
            and index.count() > 0)


def with_ledger_files(
    found: Sequence[FoundFile], ledger: Mapping[str, FileRecord]
) -> list[FoundFile]:
    """The files found, then every other file of the ledger that still exists."""
    seen = {f.source for f in found}
    others = [Path(source) for source in ledger if source not in seen and Path(source).is_file()]
    extra = discover(others, include_hidden=True).files if others else []
    return [*found, *(f for f in extra if f.source not in seen)]


def finish_rebuild(index: Index, started: float) -> list[FileEntry]:
    """Remove what the rebuild did not write again, then record the new chunk form.

    Args:
        index: The index being rebuilt.
        started: The record manager's clock before the run (:meth:`Index.clock`).

    Returns:
        One ``deleted`` report entry per source whose old chunks were removed.
    """
    stale = index.records.list_keys(before=started)
    sources: dict[str, int] = {}
    for start in range(0, len(stale), _BATCH):
        for chunk in index.fetch(stale[start : start + _BATCH]):
            source = str(chunk.metadata.get("source", ""))
            sources[source] = sources.get(source, 0) + 1
    index.delete_chunks(stale)
    index.ledger.remove(sources)
    index.adopt_chunking()
    if stale:
        logger.info("rebuild removed %d chunks of %d sources", len(stale), len(sources))
    return [FileEntry(source, "deleted", NOT_REBUILT, chunks=n) for source, n in sources.items()]
