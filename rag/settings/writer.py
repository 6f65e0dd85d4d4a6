"""Writing settings into the user's config file (``rag models use`` records its choice there).

The file is the one :func:`rag.settings.load_settings` reads: the one given
(``--config``, ``$RAG_CONFIG``), else ``rag.toml`` in the working folder,
created when missing. TOML is edited with tomlkit, so comments and layout
stay; YAML is rewritten. The new file must load before it replaces the old
one. ``RAG_*`` environment variables still win over it: :func:`shadowing_env`
names those that would hide a written value.

Example:
    >>> import tempfile
    >>> from pathlib import Path
    >>> path = Path(tempfile.mkdtemp()) / "rag.toml"
    >>> _ = path.write_text("# mine\\n[retrieval]\\ntop_k = 3\\n")
    >>> write_settings(path, {"llm": {"model_path": "/m/q.gguf"}})
    >>> print(path.read_text().strip())
    # mine
    [retrieval]
    top_k = 3
    <BLANKLINE>
    [llm]
    model_path = "/m/q.gguf"
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rag.errors import ConfigError

__all__ = ["config_target", "shadowing_env", "write_settings"]

_LOCAL = Path("rag.toml")


def config_target(explicit: str | Path | None = None) -> Path:
    """The config file to write: ``explicit``, else ``$RAG_CONFIG``, else ``./rag.toml``.

    Example:
        >>> config_target("~/my.yaml").name
        'my.yaml'
    """
    chosen = explicit or os.environ.get("RAG_CONFIG") or _LOCAL
    return Path(chosen).expanduser()


def write_settings(path: Path, values: Mapping[str, Mapping[str, Any]]) -> None:
    """Set fields of sections in a TOML or YAML config file, keeping the rest.

    Args:
        path: The file (created with its folder when missing).
        values: Section to the fields to set, for example
            ``{"llm": {"model_path": "/m/q.gguf"}}``.

    Raises:
        ConfigError: When the file cannot be read or written, or the result
            would not load (the file is then left as it was).
    """
    yaml_file = path.suffix in {".yaml", ".yml"}
    try:
        old = path.read_text(encoding="utf-8") if path.is_file() else None
    except OSError as exc:
        raise ConfigError(f"cannot read the config file {path}: {exc}") from exc
    try:
        text = (_yaml if yaml_file else _toml)(old or "", values)
    except (ValueError, TypeError) as exc:  # tomlkit's parse errors are ValueErrors
        raise ConfigError(f"cannot update the config file {path}: {exc}") from exc
    _replace(path, text)
    from rag.settings import load_settings

    try:
        load_settings(path)
    except ConfigError:
        if old is None:
            path.unlink(missing_ok=True)
        else:
            _replace(path, old)
        raise


def shadowing_env(values: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The ``RAG_*`` variables set now that win over these values.

    Example:
        >>> shadowing_env({"llm": {"no_such_field": 1}})
        []
    """
    names = [f"RAG_{section}__{name}".upper()
             for section, fields in values.items() for name in fields]
    return [name for name in names if name in os.environ]


def _toml(text: str, values: Mapping[str, Mapping[str, Any]]) -> str:
    import tomlkit

    doc = tomlkit.parse(text)
    for section, fields in values.items():
        table = doc.get(section)
        if table is None:
            table = tomlkit.table()
            doc[section] = table
        for name, value in fields.items():
            table[name] = value
    return tomlkit.dumps(doc)


def _yaml(text: str, values: Mapping[str, Mapping[str, Any]]) -> str:
    import yaml

    try:
        doc = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise ValueError(str(exc)) from exc
    if not isinstance(doc, dict):
        raise TypeError("the file does not hold a mapping of sections")
    for section, fields in values.items():
        doc.setdefault(section, {}).update(fields)
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


def _replace(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, then rename it over ``path``."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        raise ConfigError(f"cannot write the config file {path}: {exc}") from exc
