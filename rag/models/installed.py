"""The models pulled with ``rag models pull``: what and where they are, which are in use.

They live in ``models/hub`` under the data folder (``store.path``, beside
the ONNX exports), one folder per repository, and a record ``pulled.json``
there lists each with its name, files and hashes. A model is named by its
catalogue short name (``qwen2.5-1.5b``) when it is one of the recommended
models, else ``OWNER/REPO`` (an embedding model) or ``OWNER/REPO/FILE.gguf``.

Using a model means two settings: ``llm.model_path`` (the GGUF file) for a chat
model, ``embedding.model`` (the folder) for an embedding model; see
:func:`settings_for`.

Example:
    >>> from pathlib import Path
    >>> model_name("Qwen/Qwen2.5-1.5B-Instruct-GGUF", "qwen2.5-1.5b-instruct-q4_k_m.gguf")
    'qwen2.5-1.5b'
    >>> model_name("someone/tiny-GGUF", "tiny.Q4_0.gguf")
    'someone/tiny-GGUF/tiny.Q4_0.gguf'
    >>> installed_models(Path("no-such-folder"))
    []
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rag.errors import ModelError
from rag.models.catalogue import ModelKind, catalogue
from rag.models.hub import Pulled
from rag.settings import BUNDLED, Settings

__all__ = [
    "InstalledModel",
    "find_installed",
    "installed_models",
    "model_name",
    "models_folder",
    "record_pull",
    "remove_installed",
    "settings_for",
    "uses",
    "verify_installed",
]

_RECORD = "pulled.json"


@dataclass(frozen=True)
class InstalledModel:
    """A pulled model, as the record keeps it."""

    name: str
    kind: ModelKind
    repo: str
    file: str | None
    """The GGUF file of a chat model; None for an embedding model."""
    path: Path
    """The GGUF file, or the embedding model's folder."""
    commit: str
    size: int
    """Bytes on disk."""
    files: dict[str, str] = field(default_factory=dict)
    """Each file (relative to the repository) to its sha256 or git sha1."""


def models_folder(settings: Settings) -> Path:
    """Where pulled models go: ``models/hub`` in the data folder.

    Example:
        >>> from rag.settings import Settings
        >>> models_folder(Settings(store={"path": "/d"})).as_posix()
        '/d/models/hub'
    """
    return settings.store.path / "models" / "hub"


def model_name(repo: str, file: str | None) -> str:
    """The name a pulled model goes by: its catalogue name, else the repository (and file)."""
    for entry in catalogue():
        if not entry.bundled and entry.matches(repo, file):
            return entry.name
    return f"{repo}/{file}" if file else repo


def installed_models(root: Path) -> list[InstalledModel]:
    """The pulled models whose files are still there, by name.

    Raises:
        ModelError: When the record is unreadable.
    """
    return [m for m in _read(root) if m.path.exists()]


def find_installed(root: Path, name: str) -> InstalledModel | None:
    """The pulled model called ``name`` (any case), or known by its repository or
    file name when only one model is.

    Example:
        >>> find_installed(Path("no-such-folder"), "qwen2.5-1.5b") is None
        True
    """
    models = installed_models(root)
    wanted = name.lower()
    exact = [m for m in models if m.name.lower() == wanted]
    if exact:
        return exact[0]
    loose = [m for m in models if wanted in {m.repo.lower(), (m.file or "").lower()}]
    return loose[0] if len(loose) == 1 else None


def record_pull(root: Path, pulled: Pulled) -> InstalledModel:
    """Add (or refresh) a pulled model in the record.

    Returns:
        The model as recorded.
    """
    file = pulled.path.name if pulled.kind == "chat" else None
    model = InstalledModel(
        name=model_name(pulled.repo, file), kind=pulled.kind, repo=pulled.repo, file=file,
        path=pulled.path, commit=pulled.commit, size=pulled.size, files=dict(pulled.files),
    )
    others = [m for m in _read(root) if m.name != model.name]
    _write(root, [*others, model])
    return model


def remove_installed(root: Path, model: InstalledModel) -> None:
    """Delete a pulled model's files and forget it (its repository folder goes when empty)."""
    if model.kind == "chat":
        model.path.unlink(missing_ok=True)
        folder = model.path.parent
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    else:
        shutil.rmtree(model.path, ignore_errors=True)
    _write(root, [m for m in _read(root) if m.name != model.name])


def verify_installed(model: InstalledModel) -> None:
    """Check a pulled model's files against the hashes they were pulled with.

    sha256 files are hashed once per process (cached per path, size and time).

    Raises:
        ModelError: When a file is missing or changed since the pull.
    """
    from rag.hashing import cached_sha256

    for relative, digest in model.files.items():
        path = model.path if model.kind == "chat" else model.path / relative
        if not path.is_file():
            raise ModelError(f"model file not found: {path}; pull {model.name} again")
        if len(digest) == 64 and (actual := cached_sha256(path)) != digest:
            raise ModelError(f"model file {path} failed its integrity check: sha256 {actual}, "
                             f"pulled as {digest}; pull {model.name} again")


def settings_for(kind: ModelKind, location: str | Path) -> dict[str, dict[str, str]]:
    """The settings that make a model the one in use.

    Args:
        kind: A chat or an embedding model.
        location: The GGUF file or the folder; or ``"bundled"``.

    Example:
        >>> settings_for("chat", "/m/q.gguf")
        {'llm': {'provider': 'llamacpp', 'model_path': '/m/q.gguf'}}
        >>> settings_for("embedding", "bundled")
        {'embedding': {'provider': 'sentence-transformers', 'model': 'bundled'}}
    """
    if kind == "chat":
        return {"llm": {"provider": "llamacpp", "model_path": str(location)}}
    return {"embedding": {"provider": "sentence-transformers", "model": str(location)}}


def uses(settings: Settings, kind: ModelKind, location: str | Path) -> bool:
    """Whether the settings use this model (a path, or ``"bundled"``).

    Example:
        >>> from rag.settings import Settings
        >>> uses(Settings(), "chat", "bundled"), uses(Settings(), "embedding", "/m/e")
        (True, False)
    """
    if kind == "chat":
        current, provider = settings.llm.model_path, settings.llm.provider == "llamacpp"
    else:
        current = settings.embedding.model
        provider = settings.embedding.provider == "sentence-transformers"
    if not provider:
        return False
    if BUNDLED in (current, str(location)):
        return current == str(location)
    return Path(current).expanduser().resolve() == Path(location).expanduser().resolve()


def _read(root: Path) -> list[InstalledModel]:
    path = root / _RECORD
    if not path.is_file():
        return []
    try:
        raw: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["models"]
        return sorted((InstalledModel(**(item | {"path": Path(item["path"])})) for item in raw),
                      key=lambda m: (m.kind != "chat", m.name))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"the record of pulled models {path} cannot be read: {exc}; "
                         "delete it and pull the models again") from exc


def _write(root: Path, models: list[InstalledModel]) -> None:
    root.mkdir(parents=True, exist_ok=True)
    data = {"models": [asdict(m) | {"path": str(m.path)} for m in models]}
    tmp = root / f".{_RECORD}.tmp"
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, root / _RECORD)
