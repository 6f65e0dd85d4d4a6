"""Local storage faults, turned into one clear error: a full disk, a read-only folder, I/O errors.

SQLite, Chroma and the file system each report these their own way ("database
or disk is full", ``OSError(ENOSPC)``, "attempt to write a readonly
database"...). :func:`storage_errors` re-raises them as :class:`IngestError`
with what to do. The index itself needs no repair afterwards: SQLite rolls
back the interrupted transaction and the next ingest reconciles Chroma, the
keyword index and the records (see :meth:`rag.index.Index.reconcile`).

Example:
    >>> import errno
    >>> from pathlib import Path
    >>> with storage_errors(Path("/data")):
    ...     raise OSError(errno.ENOSPC, "No space left on device")
    Traceback (most recent call last):
    ...
    rag.errors.IngestError: the disk that holds /data is full ([Errno 28] No space left on device): free some space and run the ingest again; what was ingested before is intact
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rag.errors import IngestError, RagError

__all__ = ["check_writable", "storage_errors"]

_FULL_ERRNOS = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}
_READ_ONLY_ERRNOS = {errno.EROFS, errno.EACCES, errno.EPERM}
_FULL_WORDS = ("disk is full", "no space left", "file too large", "disk quota")
_READ_ONLY_WORDS = ("readonly database", "read-only file system", "permission denied")
_IO_WORDS = ("disk i/o error", "input/output error")
_STATE_FILES = ("records.sqlite3", "keywords.sqlite3", "chroma", "chroma/chroma.sqlite3")


def check_writable(path: Path) -> None:
    """Refuse to start writing when the data folder or its files are read-only.

    Args:
        path: The data folder (``settings.store.path``).

    Raises:
        IngestError: Naming the first thing that cannot be written.
    """
    for target in (path, *(path / name for name in _STATE_FILES)):
        if target.exists() and not os.access(target, os.W_OK):
            raise IngestError(
                f"the data folder {path} is not writable ({target}): fix its permissions, "
                f"or point RAG_STORE__PATH at a folder you can write"
            )


def _kind(exc: BaseException) -> str | None:
    text = str(exc).lower()
    number = getattr(exc, "errno", None)
    if number in _FULL_ERRNOS or any(words in text for words in _FULL_WORDS):
        return "full"
    if number in _READ_ONLY_ERRNOS or any(words in text for words in _READ_ONLY_WORDS):
        return "read-only"
    if number == errno.EIO or any(words in text for words in _IO_WORDS):
        return "io"
    return None


@contextmanager
def storage_errors(path: Path) -> Iterator[None]:
    """Re-raise full-disk and read-only errors of writes under ``path`` as :class:`IngestError`.

    Args:
        path: The data folder, named in the message.

    Raises:
        IngestError: For a full disk or a folder that cannot be written.
    """
    try:
        yield
    except RagError:
        raise
    except Exception as exc:
        cause: BaseException | None = exc
        while cause is not None and _kind(cause) is None:  # look through wrapped errors
            cause = cause.__cause__ or cause.__context__
        match _kind(cause) if cause is not None else None:
            case "full":
                raise IngestError(
                    f"the disk that holds {path} is full ({cause}): free some space and run "
                    f"the ingest again; what was ingested before is intact"
                ) from exc
            case "io":
                raise IngestError(
                    f"writing under {path} failed ({cause}): the disk may be full or failing; "
                    f"free some space or check the disk, then run the ingest again"
                ) from exc
            case "read-only":
                raise IngestError(
                    f"the data folder {path} is not writable ({cause}): fix its permissions, "
                    f"or point RAG_STORE__PATH at a folder you can write"
                ) from exc
            case _:
                raise
