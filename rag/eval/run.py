"""The result of one evaluation run: what was measured, how, on what machine.

An :class:`EvalRun` is plain data that round-trips through JSON, so two runs
saved on different days can be compared.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from rag.errors import ConfigError
from rag.settings import Settings

__all__ = ["EvalProgress", "EvalRun", "ProgressFn", "machine_info", "settings_summary"]

Kind = Literal["retrieval", "qa", "docs"]


@dataclass(frozen=True)
class EvalProgress:
    """A progress snapshot sent to the caller's callback.

    Attributes:
        stage: ``"ingest"`` while the collection is built, then the run's kind.
        done: Units finished (documents while ingesting, queries after).
        total: Units in the stage.
    """

    stage: str
    done: int
    total: int


ProgressFn = Callable[[EvalProgress], None]
"""What the evaluation functions call with progress; the CLI draws a bar."""


def machine_info() -> dict[str, Any]:
    """Describe the machine: CPUs, platform, Python, load when the run started."""
    info: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "python": platform.python_version(),
    }
    if hasattr(os, "getloadavg"):
        info["load_1min_at_start"] = round(os.getloadavg()[0], 2)
    return info


def settings_summary(settings: Settings) -> dict[str, Any]:
    """The settings that shape the results (secrets left out)."""
    secret = {"api_key", "auth_token", "password"}
    return {
        name: getattr(settings, name).model_dump(mode="json", exclude=secret)
        for name in ("embedding", "llm", "chunking", "retrieval", "prompts")
    }


@dataclass
class EvalRun:
    """One evaluation run.

    Attributes:
        kind: ``"retrieval"``, ``"qa"`` or ``"docs"``.
        params: The command's parameters (dataset, split, modes, limit, seed...).
        metrics: Section name to ``{metric: value}``; for retrieval one section
            per mode, for QA ``answers``, ``abstention``, ``latency``, for docs
            ``overall`` and one per question type.
        counts: How many queries/questions, chunks, and so on.
        settings: :func:`settings_summary` of the settings used.
        machine: :func:`machine_info` at the start.
        collection: The eval collection and whether it was reused.
        details: Per-question records (QA) for error analysis.
        created: ISO timestamp.
        elapsed_s: Wall-clock seconds, ingest included.
    """

    kind: Kind
    params: dict[str, Any]
    metrics: dict[str, dict[str, float | None]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    machine: dict[str, Any] = field(default_factory=machine_info)
    collection: dict[str, Any] = field(default_factory=dict)
    details: list[dict[str, Any]] = field(default_factory=list)
    created: str = field(
        default_factory=lambda: dt.datetime.now().astimezone().isoformat(timespec="seconds")
    )
    elapsed_s: float = 0.0

    def to_json(self) -> str:
        """Serialise the run (indented JSON)."""
        return json.dumps(asdict(self), indent=2, ensure_ascii=False)

    def save(self, path: Path) -> Path:
        """Write the run as JSON to ``path`` (folders created)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.to_json() + "\n", encoding="utf-8")
        return path

    @classmethod
    def load(cls, path: str | Path) -> EvalRun:
        """Read a run saved with :meth:`save` (a folder means its ``results.json``).

        Raises:
            ConfigError: When the file is missing or not a saved run.
        """
        file = Path(path).expanduser()
        if file.is_dir():
            file = file / "results.json"
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
            return cls(**data)
        except FileNotFoundError as exc:
            raise ConfigError(f"evaluation run not found: {file}") from exc
        except (json.JSONDecodeError, TypeError) as exc:
            raise ConfigError(f"{file} is not a saved evaluation run: {exc}") from exc
