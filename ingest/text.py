"""Bytes to text: encoding detection and binary sniffing, by content not by name."""

from __future__ import annotations

import codecs
import re

from rag.errors import IngestError

__all__ = ["BinaryContentError", "decode_text", "sniff_binary"]

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "PDF"),
    (b"PK\x03\x04", "ZIP/Office"),
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"\x7fELF", "executable"),
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ", "xz"),
    (b"7z\xbc\xaf", "7-zip"),
    (b"SQLite format 3", "SQLite database"),
    (b"\xd0\xcf\x11\xe0", "legacy Office"),
)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_MAX_CONTROL_RATIO = 0.01


class BinaryContentError(IngestError):
    """The content is not text, whatever the file name says."""


def sniff_binary(data: bytes) -> str | None:
    """Name the binary format that ``data`` starts with, if any.

    Args:
        data: The first bytes of a file (a few hundred are enough).

    Returns:
        A format name such as ``"PDF"``, or None for no known signature.

    Example:
        >>> sniff_binary(b"%PDF-1.7 ...")
        'PDF'
        >>> sniff_binary(b"plain words") is None
        True
    """
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return name
    return None


def decode_text(data: bytes) -> str:
    """Decode text of any common encoding; refuse binary content.

    A byte-order mark wins; then strict UTF-8; then charset-normalizer's best
    guess (cp1252, UTF-16 without BOM, Big5, Shift-JIS, ...). The result must
    be text: almost no control characters.

    Args:
        data: The whole file.

    Returns:
        The text (empty for empty input).

    Raises:
        BinaryContentError: When the bytes are not text in any encoding.

    Example:
        >>> decode_text("Le café coûte 3 €. ".encode("cp1252") * 5)[:13]
        'Le café coûte'
    """
    if not data:
        return ""
    kind = sniff_binary(data[:64])
    if kind is not None:
        raise BinaryContentError(f"binary content ({kind}), not text")
    text = _decode(data)
    sample = text[:200_000]
    if sample and len(_CONTROL.findall(sample)) > _MAX_CONTROL_RATIO * len(sample):
        raise BinaryContentError("binary content, not text")
    return text


def _decode(data: bytes) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    if b"\x00" not in data[:8192]:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes

    matches = from_bytes(data)
    best = matches.best()
    if best is not None and _single_byte_latin(best.encoding):
        # Short Western text is ambiguous between Latin code pages (French in
        # cp1252 scores as well as, or better than, cp1250 or cp1257): when
        # cp1252 decodes it too, prefer it, by far the most used of them.
        western = [m for m in matches if "cp1252" in m.could_be_from_charset]
        best = western[0] if western else best
    if best is None:
        raise BinaryContentError("binary content or unknown encoding, not text")
    if b"\x00" in data[:8192] and not _wide_unicode(data[:8192], best.encoding):
        raise BinaryContentError("binary content (NUL bytes), not text")
    return str(best)


def _single_byte_latin(encoding: str) -> bool:
    return encoding.startswith(("cp125", "iso8859_", "mac_", "latin_1", "cp850"))


def _wide_unicode(head: bytes, encoding: str) -> bool:
    """Tell whether NUL bytes sit where UTF-16/32 text puts them (never in binary)."""
    width = 4 if encoding.startswith("utf_32") else 2 if encoding.startswith("utf_16") else 0
    if not width:
        return False
    big_endian = encoding.endswith("_be")
    positions = {i % width for i, byte in enumerate(head) if byte == 0}
    # Latin text in UTF-16-LE has NULs at odd offsets only, in UTF-16-BE at even ones.
    if width == 2:
        return positions <= ({0} if big_endian else {1})
    return 0 not in positions if not big_endian else 3 not in positions
