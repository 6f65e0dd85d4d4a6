"""A mail's attachments as sources of their own: ``"/mail/box.eml > report.pdf"``.

The readers hand a message's attachments over (:attr:`LoadedFile.attachments`);
each is written to a temporary file under its own name, read by the same
readers as any file (OCR, passwords), chunked, then removed. Its source id is
the mail's followed by :data:`SEPARATOR` and its name, its ``file_name`` the
mail's name so (``box.eml > report.pdf``), so a citation reads
``box.eml > report.pdf:3``. The ledger keeps a record per attachment (its
size and hash, the mail's modification time): a changed mail's attachments
are compared by content and only the changed ones read again; the ones no
longer attached are dropped. Attachments of an attached message are not read
(one level deep).
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

from ingest.discover import FoundFile
from ingest.items import Done, Drop, Item
from ingest.readers import Attachment
from ingest.report import FileEntry
from rag.index import FileRecord

__all__ = ["MAIL_SUFFIXES", "SEPARATOR", "attachment_items", "attachments_by_mail",
           "file_name", "mail_of", "unchanged_attachments"]

logger = logging.getLogger(__name__)

SEPARATOR = " > "
"""Between a mail's source id and its attachment's name."""
MAIL_SUFFIXES = frozenset({".eml", ".mbox", ".msg"})
"""The files whose attachments are read."""
GONE = "no longer attached to its message"
"""The reason of an attachment source dropped when its message was read again."""

Reader = Callable[[str, FoundFile, str, FileRecord | None, str], Iterator[Item]]
"""Reads one file as a source: ``read(source, file, sha256, previous, file_name)``."""


def mail_of(source: str) -> str | None:
    """The mail source an attachment's source id belongs to; None for other sources.

    Example:
        >>> mail_of("/d/box.mbox > msg 2 > report.pdf"), mail_of("/d/report.pdf")
        ('/d/box.mbox', None)
    """
    start = 0
    while (at := source.find(SEPARATOR, start)) >= 0:
        if Path(source[:at]).suffix.lower() in MAIL_SUFFIXES:
            return source[:at]
        start = at + 1
    return None


def file_name(source: str) -> str:
    """What a source is called in citations: a file's name; an attachment's mail name,
    the separator and the attachment's name.

    Example:
        >>> file_name("/d/box.eml > report.pdf"), file_name("/d/report.pdf")
        ('box.eml > report.pdf', 'report.pdf')
    """
    mail = mail_of(source)
    return Path(source).name if mail is None else Path(mail).name + source[len(mail):]


def attachments_by_mail(
    ledger: Mapping[str, FileRecord], mails: Iterable[str]
) -> dict[str, dict[str, FileRecord]]:
    """The ledger's attachment records of each of ``mails``, by source."""
    wanted = set(mails)
    found: dict[str, dict[str, FileRecord]] = {}
    for source, record in ledger.items():
        mail = mail_of(source)
        if mail in wanted:
            found.setdefault(mail, {})[source] = record
    return found


def unchanged_attachments(known: Mapping[str, FileRecord]) -> Iterator[Done]:
    """An unchanged mail's attachments: unchanged too, not read."""
    for source, record in sorted(known.items()):
        yield Done(FileEntry(source, "unchanged", "", record.pages, record.chunks,
                             record.empty_pages))


def attachment_items(
    mail: FoundFile,
    attachments: Iterator[Attachment],
    known: Mapping[str, FileRecord],
    read: Reader,
    *,
    reread: bool = False,
) -> Iterator[Item]:
    """Read a mail's attachments as sources of their own (after the mail's own chunks).

    Args:
        mail: The mail file.
        attachments: Its attachments, taken one at a time.
        known: The ledger's records of its attachments, by source.
        read: Reads one file (the producer's reader, see :data:`Reader`).
        reread: Read every attachment, unchanged ones too (rebuilding the index).

    Yields:
        Each attachment's items; at the end a :class:`Drop` for each known
        attachment the mail no longer has (none when the attachments could not
        all be taken).
    """
    seen: set[str] = set()
    while True:
        try:
            attachment = next(attachments, None)
        except Exception as exc:  # a broken message: the attachments read so far stay
            logger.debug("attachments of %s", mail.source, exc_info=True)
            yield Done(FileEntry(mail.source + SEPARATOR + "(attachments)", "failed",
                                 f"{type(exc).__name__}: {exc}"))
            return
        if attachment is None:
            break
        source = mail.source + SEPARATOR + attachment.name
        seen.add(source)
        yield from _one(mail, source, attachment, known.get(source), read, reread)
    for source in sorted(known.keys() - seen):
        yield Drop(source, GONE)


def _one(
    mail: FoundFile,
    source: str,
    attachment: Attachment,
    previous: FileRecord | None,
    read: Reader,
    reread: bool,
) -> Iterator[Item]:
    if attachment.skipped:
        yield Done(FileEntry(source, "skipped", attachment.skipped))
        return
    digest = hashlib.sha256(attachment.data).hexdigest()
    if previous and previous.sha256 == digest and not reread:
        touch = dataclasses.replace(previous, mtime_ns=mail.mtime_ns)
        yield Done(FileEntry(source, "unchanged", "", previous.pages, previous.chunks,
                             previous.empty_pages), 0, touch)
        return
    with tempfile.TemporaryDirectory(prefix="rag-attachment-") as folder:
        path = Path(folder) / _short(attachment.name.rpartition(SEPARATOR)[2])
        path.write_bytes(attachment.data)
        found = FoundFile(path, len(attachment.data), mail.mtime_ns)
        yield from read(source, found, digest, previous, file_name(source))


def _short(name: str, limit: int = 120) -> str:
    """A file name short enough for any file system, its suffix kept."""
    if len(name.encode()) <= limit:
        return name
    suffix = Path(name).suffix[:20]
    return name[: limit // 4] + suffix
