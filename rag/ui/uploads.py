"""Saving uploaded files under the data folder, safely.

An upload arrives as a file in Gradio's own cache. Before ingest sees it, it
is copied to ``<store.path>/uploads/<collection>/<clean name>``: the name is
reduced to a plain file name (no folders, no leading dots, a small alphabet),
the collection name is checked, and files over the size limit are refused.
"""

from __future__ import annotations

import logging
import re
import shutil
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from rag.errors import ConfigError
from rag.settings import COLLECTION_NAME

__all__ = ["SavedUploads", "check_collection_name", "safe_filename", "save_uploads"]

logger = logging.getLogger(__name__)

_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")
_COLLECTION = re.compile(COLLECTION_NAME)
_MAX_NAME = 120


def safe_filename(name: str) -> str:
    """Reduce an uploaded file's name to a harmless plain file name.

    Args:
        name: The name the browser sent (may hold folders, ``..`` or odd characters).

    Returns:
        A name without separators or leading dots, at most 120 characters,
        keeping the extension; ``"upload"`` when nothing usable is left.

    Example:
        >>> safe_filename("../../etc/passwd")
        'passwd'
        >>> safe_filename("C:\\\\Users\\\\me\\\\Report (final).pdf")
        'Report _final_.pdf'
    """
    base = re.split(r"[\\/]", name)[-1]
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    base = _UNSAFE.sub("_", base).strip(" .")
    base = re.sub(r"\.{2,}", ".", base)
    if len(base) > _MAX_NAME:
        stem, dot, ext = base.rpartition(".")
        ext = ext[:16] if dot else ""
        base = (stem if dot else base)[: _MAX_NAME - len(ext) - 1].rstrip(" .") + (
            f".{ext}" if ext else ""
        )
    return base or "upload"


def check_collection_name(name: str) -> str:
    """Return ``name`` when it is a valid collection name, else raise.

    Args:
        name: A collection name from the browser.

    Returns:
        The name, stripped.

    Raises:
        ConfigError: When it is not 3-63 letters, digits, ``.``, ``_`` or ``-``
            starting and ending with a letter or digit, or holds ``..``.
    """
    name = (name or "").strip()
    if not _COLLECTION.match(name) or ".." in name:
        raise ConfigError(
            f"invalid collection name {name!r}: use 3-63 letters, digits, '.', '_' or '-', "
            "starting and ending with a letter or digit"
        )
    return name


@dataclass
class SavedUploads:
    """What happened to each uploaded file before ingest."""

    saved: list[Path] = field(default_factory=list)
    """Files copied into the uploads folder, ready for ingest."""
    rejected: list[tuple[str, str]] = field(default_factory=list)
    """``(file name, reason)`` for files that were refused."""


def save_uploads(paths: list[str | Path], folder: Path, *, max_bytes: int) -> SavedUploads:
    """Copy uploaded files into ``folder`` under clean names, enforcing the size limit.

    Args:
        paths: Files Gradio stored for this upload (their names are the
            names the browser sent).
        folder: The collection's uploads folder (created when missing).
        max_bytes: Largest accepted file.

    Returns:
        The saved files and the refused ones with reasons. A file with the same
        clean name replaces the earlier upload, so re-uploading updates it.
    """
    result = SavedUploads()
    folder.mkdir(parents=True, exist_ok=True)
    root = folder.resolve()
    for raw in paths:
        src = Path(raw)
        name = safe_filename(src.name)
        try:
            size = src.stat().st_size
        except OSError:
            result.rejected.append((name, "the upload could not be read"))
            continue
        if size > max_bytes:
            limit = max_bytes / (1 << 20)
            result.rejected.append((name, f"larger than the upload limit of {limit:g} MB"))
            continue
        target = (root / name).resolve()
        if target.parent != root:  # cannot happen after safe_filename; belt and braces
            result.rejected.append((name, "invalid file name"))
            continue
        shutil.copyfile(src, target)
        logger.info("saved upload %s (%d bytes)", target, size)
        result.saved.append(target)
    return result
