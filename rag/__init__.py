"""Offline-first document chatbot: retrieval, the answer chain, and their settings.

Importing this package does no work: models, settings and indexes load when
first used.

What lives here, bottom up: :mod:`rag.errors`, :mod:`rag.text` (words and
sentences) and :mod:`rag.hashing`; :mod:`rag.settings`; :mod:`rag.models`
(model factories); :mod:`rag.index` (the only code that touches Chroma and the
keyword index); :mod:`rag.retrieval` and :mod:`rag.answer` (the query path);
:mod:`rag.chain`; :mod:`rag.eval` and :mod:`rag.tune`; the faces
:mod:`rag.ui` and :mod:`rag.cli`. Each part may import only the parts below
it (``tests/test_layout.py`` checks it); this module may import all of them,
lazily, for the public names.

Example:
    >>> import rag
    >>> answer = rag.ask("What does the ingest command do?")   # doctest: +SKIP
    >>> print(answer.text, [s.citation for s in answer.sources])  # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rag.answer import Answer, Quote, Source
    from rag.chain import ask, build_chain
    from rag.errors import (
        BackendUnavailableError,
        ConfigError,
        IndexBusyError,
        IndexMismatchError,
        IngestError,
        ModelError,
        QuestionError,
        RagError,
    )
    from rag.settings import Settings, load_settings

__all__ = [
    "Answer",
    "BackendUnavailableError",
    "ConfigError",
    "IndexBusyError",
    "IndexMismatchError",
    "IngestError",
    "ModelError",
    "QuestionError",
    "Quote",
    "RagError",
    "Settings",
    "Source",
    "ask",
    "build_chain",
    "load_settings",
]

_HOMES = {
    "Answer": "rag.answer",
    "Source": "rag.answer",
    "Quote": "rag.answer",
    "ask": "rag.chain",
    "build_chain": "rag.chain",
    "Settings": "rag.settings",
    "load_settings": "rag.settings",
    **{
        name: "rag.errors"
        for name in (
            "BackendUnavailableError",
            "ConfigError",
            "IndexBusyError",
            "IndexMismatchError",
            "IngestError",
            "ModelError",
            "QuestionError",
            "RagError",
        )
    },
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'rag' has no attribute {name!r}")
