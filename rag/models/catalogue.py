"""The recommended models: a short list kept in ``data/catalogue.json``.

Each entry names a model by a short name (``qwen2.5-1.5b``), says where it
comes from on the Hugging Face Hub, how much it downloads and how much memory
it needs, its licence and what it is for. Two entries are the bundled models
(installed with the package, nothing to pull). The file is read on first use.

Example:
    >>> from rag.models.catalogue import catalogue_entry
    >>> entry = catalogue_entry("qwen2.5-1.5b")
    >>> entry.repo, entry.file
    ('Qwen/Qwen2.5-1.5B-Instruct-GGUF', 'qwen2.5-1.5b-instruct-q4_k_m.gguf')
    >>> entry.kind, entry.ram_gb
    ('chat', 2.0)
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from rag.errors import ConfigError

__all__ = ["CatalogueEntry", "ModelKind", "catalogue", "catalogue_entry"]

ModelKind = Literal["chat", "embedding"]
"""What a model does: write answers (a GGUF file) or embed text (a sentence-transformers folder)."""

_DATA = Path(__file__).parent / "data" / "catalogue.json"


@dataclass(frozen=True)
class CatalogueEntry:
    """One recommended model."""

    name: str
    """The short name ``rag models pull`` and ``use`` take."""
    kind: ModelKind
    repo: str
    """The Hub repository."""
    file: str | None
    """The GGUF file of a chat model; None for an embedding model (the whole repository)."""
    size_mb: int
    """Approximate download, MB."""
    ram_gb: float
    """Approximate memory needed to run it, GB."""
    licence: str
    purpose: str
    """What it is good for, in a few words."""
    bundled: bool = False
    """Installed with the package (nothing to pull)."""

    def matches(self, repo: str, file: str | None) -> bool:
        """Whether a repository (and file) is this entry's, ignoring case.

        Example:
            >>> catalogue_entry("bge-small-en").matches("baai/bge-small-en-v1.5", None)
            True
        """
        same_file = (self.file or "").lower() == (file or "").lower()
        return self.repo.lower() == repo.lower() and same_file


@functools.lru_cache(maxsize=1)
def catalogue() -> tuple[CatalogueEntry, ...]:
    """The recommended models, chat models first, read once from the data file.

    Raises:
        ConfigError: When the data file is missing or malformed (a broken install).

    Example:
        >>> [e.name for e in catalogue() if e.kind == "embedding" and not e.bundled]
        ['bge-small-en', 'multilingual-minilm']
    """
    try:
        raw = json.loads(_DATA.read_text(encoding="utf-8"))
        entries = tuple(CatalogueEntry(**item) for item in raw["models"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"the model catalogue {_DATA} cannot be read: {exc}") from exc
    return tuple(sorted(entries, key=lambda e: (e.kind != "chat", e.bundled)))


def catalogue_entry(name: str) -> CatalogueEntry | None:
    """The entry with this short name (any case), or None.

    Example:
        >>> catalogue_entry("Phi3.5-Mini").file
        'Phi-3.5-mini-instruct-Q4_K_M.gguf'
        >>> catalogue_entry("gpt-9") is None
        True
    """
    wanted = name.lower()
    return next((e for e in catalogue() if e.name == wanted), None)
