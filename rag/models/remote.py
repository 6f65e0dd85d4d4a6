"""Errors of remote backends, turned into the project's exception tree.

The HTTP clients behind the remote backends (openai, ollama, chromadb, all on
httpx) raise their own exception types. :func:`remote_errors` wraps a call to
a backend and re-raises what a person can act on as a :class:`RagError`:
a server that is down or too slow, a model the server does not know, a key
it refuses. The backends' packages are not imported: exceptions are matched
by class name, so this module costs nothing when no remote backend is used.

Example:
    >>> with remote_errors("the LLM server"):
    ...     raise ConnectionRefusedError("[Errno 111] Connection refused")
    Traceback (most recent call last):
    ...
    rag.errors.BackendUnavailableError: cannot reach the LLM server: [Errno 111] Connection refused
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rag.errors import BackendUnavailableError, ConfigError, ModelError, RagError

__all__ = ["INDEX_BACKENDS", "LLM_BACKEND", "remote_errors", "translate_remote_error"]

LLM_BACKEND = "the LLM server"
"""How messages name the LLM backend."""
INDEX_BACKENDS = "a remote backend (Chroma server or embedding server)"
"""How messages name what the index reaches over the network."""

_UNREACHABLE = frozenset({
    "APIConnectionError",  # openai (APITimeoutError derives from it)
    "ConnectError",  # httpx
    "ConnectTimeout",
    "ReadTimeout",
    "TimeoutException",
    "RemoteProtocolError",
    "ConnectionError",  # builtin; also what ollama raises when it cannot connect
    "TimeoutError",
})
_REFUSED_KEY = frozenset({"AuthenticationError", "PermissionDeniedError"})


def translate_remote_error(exc: BaseException, what: str) -> RagError | None:
    """Return the :class:`RagError` for a backend's exception, or None if it is not one.

    Args:
        exc: The exception a backend client raised.
        what: Names the backend in the message ("the LLM server").
    """
    if isinstance(exc, RagError):
        return exc
    names = {cls.__name__ for cls in type(exc).__mro__}
    status = getattr(exc, "status_code", None)
    if names & _UNREACHABLE:
        return BackendUnavailableError(f"cannot reach {what}: {exc}")
    if names & _REFUSED_KEY or status in (401, 403):
        return ConfigError(f"{what} refused our credentials (check the API key): {exc}")
    if "NotFoundError" in names or ("ResponseError" in names and status == 404):
        return ModelError(f"{what} does not know what we asked for (check the model "
                          f"or collection name): {exc}")
    if status is not None and status >= 500:
        return BackendUnavailableError(f"{what} failed (HTTP {status}): {exc}")
    return None


@contextmanager
def remote_errors(what: str) -> Iterator[None]:
    """Re-raise a backend's connection, model and key errors as :class:`RagError`.

    Args:
        what: Names the backend in the message ("the LLM server", "the Chroma server").

    Raises:
        BackendUnavailableError: When the server is down, too slow or failing.
        ModelError: When the server does not know the model.
        ConfigError: When the server refuses the credentials.
    """
    try:
        yield
    except Exception as exc:
        error = translate_remote_error(exc, what)
        if error is None or error is exc:
            raise
        raise error from exc
