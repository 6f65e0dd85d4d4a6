"""Typed settings for every part of the project.

One :class:`Settings` object holds everything, in nested sections. Values come
from, highest priority first: keyword arguments, environment variables
(prefix ``RAG_``, ``__`` between section and field, for example
``RAG_LLM__PROVIDER=ollama``), a TOML or YAML config file (``RAG_CONFIG`` or
``rag.toml`` in the working folder), then the defaults below.

Nothing is read at import time: call :func:`load_settings` (or construct
:class:`Settings`) when you need them.

What lives here: :class:`Settings` and :func:`load_settings` (this module), the
sections (:mod:`~rag.settings.sections`; retrieval's in
:mod:`~rag.settings.retrieval`), and writing values into the config file
(:mod:`~rag.settings.writer`, for ``rag models use``). May import: only
:mod:`rag.errors`; everything else imports them.

Example:
    >>> from rag.settings import Settings
    >>> s = Settings(retrieval={"top_k": 3})
    >>> s.retrieval.top_k
    3
"""

from __future__ import annotations

import contextvars
import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
    YamlConfigSettingsSource,
)

from rag.errors import ConfigError
from rag.settings.retrieval import RETRIEVAL_MODES, RetrievalMode, RetrievalSettings
from rag.settings.sections import (
    BUNDLED,
    COLLECTION_NAME,
    ChunkingSettings,
    EmbeddingSettings,
    LLMSettings,
    OcrSettings,
    PromptSettings,
    StoreSettings,
    UISettings,
    default_data_dir,
)

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

_CONFIG_FILE: contextvars.ContextVar[Path | None] = contextvars.ContextVar(
    "rag_config_file", default=None
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
