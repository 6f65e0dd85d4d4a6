"""The exception tree of the project.

Every error the library raises on purpose derives from :class:`RagError`, so
callers (the CLI and the UI) can turn them into one clear line for people::

    RagError
    ├── ConfigError           settings that cannot work (unknown provider, bad path)
    ├── ModelError            a model cannot be found, verified or loaded
    ├── IndexMismatchError    the index was built with another embedding model or schema
    ├── IngestError           a source could not be ingested (kept per file in reports)
    ├── IndexBusyError        another ingest kept the collection busy past our wait
    ├── QuestionError         a question that cannot be asked (empty, far too long)
    ├── BackendUnavailableError  a remote server (Chroma, LLM) is down or refuses us
    └── TuneError             a collection cannot be tuned (too small, nothing to revert to)
"""

from __future__ import annotations

__all__ = [
    "BackendUnavailableError",
    "ConfigError",
    "IndexBusyError",
    "IndexMismatchError",
    "IngestError",
    "ModelError",
    "QuestionError",
    "RagError",
    "TuneError",
]


class RagError(Exception):
    """Base class of every error this project raises on purpose."""


class ConfigError(RagError):
    """The settings ask for something that cannot work."""


class ModelError(RagError):
    """A model file is missing, fails its integrity check, or cannot be loaded."""


class IndexMismatchError(RagError):
    """The stored index was built with different embedding settings or schema."""


class IngestError(RagError):
    """A source could not be ingested; the message says why."""


class IndexBusyError(RagError):
    """Another ingest held the collection's write lock for longer than we would wait."""


class QuestionError(RagError, ValueError):
    """The question is empty or too long to ask."""


class BackendUnavailableError(RagError):
    """A remote backend (Chroma server, LLM server) cannot be reached or refused."""


class TuneError(RagError):
    """``rag tune`` cannot adapt the model: too few chunks, or nothing to revert to."""
