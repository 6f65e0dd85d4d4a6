"""Bytes to text: encoding detection and binary sniffing, by content not by name.

Text files are read as a stream: the encoding is found from the first
:data:`SAMPLE_BYTES` (a byte-order mark, strict UTF-8, else
:func:`ingest.readers.charsets.guess_encoding`), then the file is decoded
incrementally and handed out in blocks of about :data:`BLOCK_CHARS`
characters cut at paragraph or line breaks, so a 200 MB file never sits in
memory whole. While a file is plain ASCII the choice waits: at the first
other byte the encoding is found from the text around it (ASCII reads the
same in every candidate, so nothing decoded before is wrong).
"""

from __future__ import annotations

import codecs
import io
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from rag.errors import IngestError

__all__ = [
    "BLOCK_CHARS",
    "SAMPLE_BYTES",
    "BinaryContentError",
    "decode_text",
    "detect_encoding",
    "iter_text",
    "sniff_binary",
]

logger = logging.getLogger(__name__)

SAMPLE_BYTES = 64 * 1024
"""Bytes read to find a file's encoding and tell text from binary."""
BLOCK_CHARS = 1 << 20
"""Characters in one block of a streamed text (a block may be up to this long)."""
READ_BYTES = 1 << 20
"""Bytes read from the file at a time after the sample."""

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
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")
_WIDE = ("utf_16_le", "utf_16_be", "utf_32_le", "utf_32_be")
_CUTS = ("\n\n", "\n\r\n", "\n", ". ", " ")
"""Where blocks are cut, best first: paragraph breaks, line breaks, sentences, words."""


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


def detect_encoding(sample: bytes, *, complete: bool = True) -> str:
    """Find the encoding of a text from its first bytes; refuse binary content.

    A byte-order mark wins; then strict UTF-8; then the best-supported guess
    of :func:`ingest.readers.charsets.guess_encoding` (cp1250, KOI8-R, Big5,
    UTF-16 without BOM, ...).

    Args:
        sample: The start of a file (or all of it).
        complete: False when ``sample`` is only the start: its last
            character may be cut, and it is trimmed before guessing.

    Returns:
        A Python codec name.

    Raises:
        BinaryContentError: When the bytes are not text in any encoding.

    Example:
        >>> detect_encoding("Geçen hafta İstanbul'a gittik. ".encode("cp1254") * 4)
        'cp1254'
        >>> detect_encoding("Zürich".encode("utf-8"))
        'utf-8'
    """
    kind = sniff_binary(sample[:64])
    if kind is not None:
        raise BinaryContentError(f"binary content ({kind}), not text")
    for bom, encoding in _BOMS:
        if sample.startswith(bom):
            return encoding
    head = sample[:8192]
    if b"\x00" not in head and _is_utf8(sample, complete=complete):
        return "utf-8"
    # Text has no NUL characters: NUL bytes mean UTF-16/32 (where they fit) or binary.
    wide = [name for name in _WIDE if _wide_unicode(head, name)] if b"\x00" in head else []
    if b"\x00" in head and not wide:
        raise BinaryContentError("binary content (NUL bytes), not text")
    from ingest.readers.charsets import guess_encoding

    for candidate in _whole_characters(sample, complete=complete):
        encoding = guess_encoding(candidate, among=wide)
        if encoding is not None:
            return encoding
    raise BinaryContentError("binary content or unknown encoding, not text")


def decode_text(data: bytes) -> str:
    """Decode text of any common encoding; refuse binary content.

    The same decoding as :func:`iter_text`, for bytes in memory.

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
    return "".join(_Decoder(io.BytesIO(data)).pieces())


def iter_text(path: Path, *, block_size: int = BLOCK_CHARS) -> Iterator[str]:
    """Read a text file in blocks of at most ``block_size`` characters.

    The encoding and the binary check come from the first
    :data:`SAMPLE_BYTES`, before this returns; the rest is decoded as the
    blocks are taken. Blocks are cut at a blank line where there is one in
    their second half, else at a line break, a sentence, a space.

    Args:
        path: The file.
        block_size: Most characters in a block.

    Returns:
        The blocks, lazily; joined they are the whole text.

    Raises:
        BinaryContentError: When the file is not text.
        OSError: When the file cannot be read.

    Example:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = Path(folder, "a.txt")
        ...     _ = path.write_text("One.\\n\\nTwo.\\n\\nThree.\\n", encoding="utf-16")
        ...     list(iter_text(path, block_size=12))
        ['One.\\n\\nTwo.\\n\\n', 'Three.\\n']
    """
    handle = path.open("rb")
    try:
        decoder = _Decoder(handle)
    except BaseException:
        handle.close()
        raise
    return _blocks(_closing(decoder.pieces(), handle), block_size)


class _Decoder:
    """Decode a binary stream incrementally; the sample is read and checked at once."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        head = stream.read(SAMPLE_BYTES)
        self.complete = len(head) < SAMPLE_BYTES
        self.encoding: str | None = None
        """The encoding, None while everything read so far is plain ASCII."""
        self.decoder: codecs.IncrementalDecoder | None = None
        if not head:
            self.first = ""
            return
        if head.isascii() and b"\x00" not in head and sniff_binary(head[:64]) is None:
            self.first = head.decode("ascii")
        else:
            self.encoding = detect_encoding(head, complete=self.complete)
            self.decoder = codecs.getincrementaldecoder(self.encoding)(errors="replace")
            self.first = self.decoder.decode(head, final=self.complete)
        _check_text(self.first)

    def pieces(self) -> Iterator[str]:
        """Yield the decoded text in pieces of any size, the sample first."""
        yield self.first
        while True:
            data = self.stream.read(READ_BYTES)
            if not data:
                break
            yield self._decode(data)
        if self.decoder is not None:
            yield self.decoder.decode(b"", final=True)

    def _decode(self, data: bytes) -> str:
        if self.decoder is not None:
            return self.decoder.decode(data)
        found = _HIGH_BYTE.search(data)
        if found is None:
            return data.decode("ascii")
        start = found.start()
        rest = data[start:] + self.stream.read(max(0, SAMPLE_BYTES - (len(data) - start)))
        line = data.rfind(b"\n", 0, start) + 1
        context = data[max(line, start - 4096) : start]  # the ASCII start of its line
        self.encoding = _encoding_after_ascii(context + rest, complete=len(rest) < SAMPLE_BYTES)
        self.decoder = codecs.getincrementaldecoder(self.encoding)(errors="replace")
        return data[:start].decode("ascii") + self.decoder.decode(rest)


def _encoding_after_ascii(sample: bytes, *, complete: bool) -> str:
    """The encoding of a file whose start was plain ASCII; UTF-8 when unsure."""
    try:
        encoding = detect_encoding(sample, complete=complete)
    except BinaryContentError:
        logger.info("undecodable bytes after an ASCII start: reading them as UTF-8")
        return "utf-8"
    printable = bytes(range(0x20, 0x7F)) + b"\t\n\r"
    if codecs.decode(printable, encoding, errors="replace") != printable.decode("ascii"):
        return "utf-8"  # UTF-16/32 or 7-bit encodings cannot follow plain ASCII text
    return encoding


def _closing(pieces: Iterator[str], handle: BinaryIO) -> Iterator[str]:
    try:
        yield from pieces
    finally:
        handle.close()


def _blocks(pieces: Iterator[str], size: int) -> Iterator[str]:
    """Re-cut text pieces into blocks of at most ``size`` characters at natural breaks."""
    pending = ""
    for piece in pieces:
        pending += piece
        while len(pending) >= size:
            cut = _cut_point(pending, size)
            yield pending[:cut]
            pending = pending[cut:]
    if pending:
        yield pending


def _cut_point(text: str, size: int) -> int:
    """Where to end a block of at most ``size`` characters of ``text``.

    Example:
        >>> _cut_point("one two.\\n\\nthree four five", 14)
        10
    """
    for separator in _CUTS:
        at = text.rfind(separator, size // 2, size)
        if at != -1:
            return at + len(separator)
    return size


def _check_text(text: str) -> None:
    """Refuse text with more than a few control characters (binary read as text)."""
    if text and len(_CONTROL.findall(text)) > _MAX_CONTROL_RATIO * len(text):
        raise BinaryContentError("binary content, not text")


def _is_utf8(sample: bytes, *, complete: bool) -> bool:
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=complete)
    except UnicodeDecodeError:
        return False
    return True


def _whole_characters(sample: bytes, *, complete: bool) -> Iterator[bytes]:
    """Yield ``sample`` cut where no character can be split, best cut first.

    A partial sample is cut after its last line feed (never part of a
    multibyte character in ASCII-based encodings; in UTF-16-LE its NUL is
    kept), then one, two and three bytes shorter for texts without one.
    """
    if complete:
        yield sample
        return
    end = sample.rfind(b"\n", len(sample) // 2) + 1
    if end:
        yield sample[: end + 1] if end % 2 and sample[end : end + 1] == b"\x00" else sample[:end]
    for trim in (0, 1, 2, 3):
        yield sample[: len(sample) - trim]


def _wide_unicode(head: bytes, encoding: str) -> bool:
    """Tell whether NUL bytes sit where UTF-16/32 text puts them (never in binary).

    Read as the encoding's code units, text has characters of the ASCII
    range (spaces, line breaks) and no NUL or control characters; binary
    has NUL units, control characters or values past Unicode.

    Example:
        >>> _wide_unicode("一日\\n".encode("utf-16-le"), "utf_16_le")
        True
        >>> _wide_unicode(b"\\x00\\x01\\x02binary\\xff", "utf_16_le")
        False
    """
    width = 4 if encoding.startswith("utf_32") else 2 if encoding.startswith("utf_16") else 0
    if not width:
        return False
    order = "big" if encoding.endswith("_be") else "little"
    end = len(head) - len(head) % width
    units = [int.from_bytes(head[i : i + width], order) for i in range(0, end, width)]
    small = [chr(unit) for unit in units if unit < 0x100]
    return (
        bool(small)
        and 0 < min(units)
        and max(units) <= 0x10FFFF
        and not any(_CONTROL.match(char) for char in small)
    )
