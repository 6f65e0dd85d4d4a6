"""ZIP-based formats (XLSX, PPTX, ODS, EPUB): opened only after a check that they are no ZIP bomb.

The sizes the archive's directory declares bound what can be unpacked
(:mod:`zipfile` never reads past a member's declared size), so the check
reads no member: an archive whose members would unpack to more than
:data:`MAX_UNZIPPED_BYTES` in all, or a big member packed more than
:data:`MAX_ZIP_RATIO` times, is refused before any parsing. An Office file
saved with a password is no ZIP at all but an OLE container holding the
encrypted package: it is skipped as encrypted.

Example:
    >>> import io, zipfile
    >>> data = io.BytesIO()
    >>> with zipfile.ZipFile(data, "w") as archive:
    ...     archive.writestr("a.txt", "hello")
    >>> with open_zip(data, "EPUB") as archive:
    ...     read_member(archive, "a.txt", "EPUB")
    b'hello'
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import IO

from ingest.readers.types import SkipFile
from rag.errors import IngestError

__all__ = ["BIG_MEMBER_BYTES", "MAX_MEMBER_BYTES", "MAX_UNZIPPED_BYTES", "MAX_ZIP_RATIO",
           "OLE_SIGNATURE", "ZIP_SIGNATURE", "check_zip", "open_zip", "read_member"]

MAX_UNZIPPED_BYTES = 1 << 30
"""Most bytes all members of an archive may unpack to (1 GiB)."""
MAX_ZIP_RATIO = 100
"""Highest unpacked-to-packed ratio of a big member (XML compresses some 5-30 times)."""
BIG_MEMBER_BYTES = 16 << 20
"""Members unpacking to at least this many bytes must keep under :data:`MAX_ZIP_RATIO`."""
MAX_MEMBER_BYTES = 64 << 20
"""Most bytes of one member read whole into memory (:func:`read_member`)."""
ZIP_SIGNATURE = b"PK\x03\x04"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""An OLE compound file: what Office writes for a password-protected XLSX or PPTX."""


def check_zip(archive: zipfile.ZipFile, kind: str) -> None:
    """Refuse an archive whose declared sizes look like a ZIP bomb.

    Raises:
        SkipFile: The members would unpack to more than :data:`MAX_UNZIPPED_BYTES`,
            or a big member is packed more than :data:`MAX_ZIP_RATIO` times.
    """
    members = archive.infolist()
    total = sum(member.file_size for member in members)
    ratio = max((m.file_size / max(m.compress_size, 1) for m in members
                 if m.file_size >= BIG_MEMBER_BYTES), default=0.0)
    if total > MAX_UNZIPPED_BYTES or ratio > MAX_ZIP_RATIO:
        raise SkipFile(
            f"refused: the {kind} would unpack to {total / (1 << 20):.0f} MB "
            f"(compression ratio {ratio:.0f}:1), which looks like a ZIP bomb"
        )


def open_zip(source: Path | IO[bytes], kind: str) -> zipfile.ZipFile:
    """Open a ZIP-based file after checking its signature and its sizes.

    Args:
        source: The file (a path or a binary stream).
        kind: The format's name for messages ("XLSX", "EPUB").

    Returns:
        The open archive (close it, or use it in a ``with``).

    Raises:
        SkipFile: Encrypted (an OLE container), no ZIP at all, or a ZIP bomb.
        IngestError: A ZIP whose directory is broken.
    """
    if isinstance(source, Path):
        with source.open("rb") as handle:
            head = handle.read(8)
    else:
        source.seek(0)
        head = source.read(8)
        source.seek(0)
    if head == OLE_SIGNATURE:
        raise SkipFile(f"encrypted {kind} (password-protected): not read")
    if head[:4] != ZIP_SIGNATURE:
        raise SkipFile(f"not a real {kind} file (no ZIP signature)")
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise IngestError(f"corrupt {kind}: {exc}") from exc
    try:
        check_zip(archive, kind)
    except BaseException:
        archive.close()
        raise
    return archive


def read_member(archive: zipfile.ZipFile, name: str, kind: str,
                limit: int = MAX_MEMBER_BYTES) -> bytes:
    """The bytes of one member, at most ``limit`` of them.

    Raises:
        IngestError: No such member, a member too big to read whole, or broken data.
    """
    try:
        info = archive.getinfo(name)
    except KeyError as exc:
        raise IngestError(f"corrupt {kind}: no {name} in the archive") from exc
    if info.file_size > limit:
        raise IngestError(f"{kind} part {name} too large ({info.file_size >> 20} MB)")
    if info.flag_bits & 0x1:
        raise SkipFile(f"encrypted {kind} (password-protected): not read")
    try:
        return archive.read(info)
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError, OSError) as exc:
        raise IngestError(f"corrupt {kind}: {name}: {exc}") from exc
