"""File content hashes: one sha256 helper for model integrity checks and ingest.

Example:
    >>> import tempfile
    >>> from pathlib import Path
    >>> path = Path(tempfile.mkdtemp()) / "a.txt"
    >>> _ = path.write_bytes(b"abc")
    >>> sha256_file(path)[:12]
    'ba7816bf8f01'
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

__all__ = ["cached_sha256", "sha256_file"]


def sha256_file(path: Path, *, block_size: int = 1 << 20) -> str:
    """Hash a file's content in blocks (bounded memory for any size).

    Args:
        path: The file.
        block_size: Bytes read at a time.

    Returns:
        64 hex digits.
    """
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(block_size), b""):
            digest.update(block)
    return digest.hexdigest()


def cached_sha256(path: Path) -> str:
    """:func:`sha256_file`, computed once per path, size and modification time in a
    process (model files are large and checked on every load).

    Raises:
        OSError: When the file cannot be read.
    """
    stat = path.stat()
    return _hash_once(path.resolve(), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=16)
def _hash_once(path: Path, size: int, mtime_ns: int) -> str:
    return sha256_file(path)
