"""Backend client errors become one clear RagError."""

from __future__ import annotations

import httpx
import openai
import pytest

from rag.errors import BackendUnavailableError, ConfigError, ModelError
from rag.models.remote import remote_errors, translate_remote_error

REQUEST = httpx.Request("POST", "http://127.0.0.1:9/v1/chat/completions")


def status_error(cls: type, status: int) -> Exception:
    response = httpx.Response(status, request=REQUEST, json={"error": {"message": "nope"}})
    return cls("nope", response=response, body=None)


@pytest.mark.parametrize(
    ("exc", "expected", "words"),
    [
        (openai.APIConnectionError(request=REQUEST), BackendUnavailableError, "cannot reach"),
        (openai.APITimeoutError(request=REQUEST), BackendUnavailableError, "cannot reach"),
        (httpx.ConnectError("refused"), BackendUnavailableError, "cannot reach"),
        (ConnectionRefusedError(111, "refused"), BackendUnavailableError, "cannot reach"),
        (status_error(openai.NotFoundError, 404), ModelError, "check the model"),
        (status_error(openai.AuthenticationError, 401), ConfigError, "API key"),
        (status_error(openai.InternalServerError, 503), BackendUnavailableError, "HTTP 503"),
    ],
)
def test_backend_errors_are_translated(exc, expected, words) -> None:
    error = translate_remote_error(exc, "the LLM server")
    assert isinstance(error, expected)
    assert words in str(error) and "the LLM server" in str(error)


def test_ollama_unknown_model_is_a_model_error() -> None:
    import ollama

    error = translate_remote_error(ollama.ResponseError("model 'x' not found", 404), "Ollama")
    assert isinstance(error, ModelError)


def test_other_errors_pass_through_unchanged() -> None:
    with pytest.raises(KeyError):
        with remote_errors("the LLM server"):
            raise KeyError("a bug, not a backend problem")
    assert translate_remote_error(ValueError("x"), "the LLM server") is None


def test_the_original_error_is_kept_as_the_cause() -> None:
    with pytest.raises(BackendUnavailableError) as caught:
        with remote_errors("the Chroma server"):
            raise httpx.ConnectError("refused")
    assert isinstance(caught.value.__cause__, httpx.ConnectError)
