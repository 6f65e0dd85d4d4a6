"""Embedding models adapted to a collection (``rag tune``): versions kept under the data folder.

Each version is a sentence-transformers folder ``tuned/<collection>/v<N>``
with a ``card.json`` (base model and its sha256, data, recipe, steps, scores
before and after) and a ``README.md`` for people. A version is written whole
(into a temporary folder, then renamed) and never changed afterwards.

Which version a collection uses is not stored here: the collection's index
manifest names it (:attr:`TunedVersion.identity`), so the vectors and the
model that made them switch together, in one step (see
:func:`rag.index.reembed.reembed_collection`).

Example:
    >>> from pathlib import Path
    >>> TunedModels(Path("/data/tuned"), "documents").parse("tuned:documents/v2:0123456789ab")
    2
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rag.errors import ModelError
from rag.hashing import cached_sha256

__all__ = ["TUNED_PREFIX", "TunedModels", "TunedVersion"]

TUNED_PREFIX = "tuned:"
_WEIGHTS = "model.safetensors"
_IDENTITY = re.compile(r"^tuned:(?P<collection>[^/]+)/v(?P<number>\d+):(?P<sha>[0-9a-f]{12})$")


@dataclass(frozen=True)
class TunedVersion:
    """One saved version of an adapted model."""

    collection: str
    number: int
    folder: Path

    @property
    def sha256(self) -> str:
        """The hash of the version's weights."""
        return cached_sha256(self.folder / _WEIGHTS)

    @property
    def identity(self) -> str:
        """The name the index manifest records: ``tuned:<collection>/v<N>:<sha256[:12]>``."""
        return f"{TUNED_PREFIX}{self.collection}/v{self.number}:{self.sha256[:12]}"

    @property
    def card(self) -> dict[str, Any]:
        """What ``card.json`` says about the version."""
        return json.loads((self.folder / "card.json").read_text(encoding="utf-8"))


class TunedModels:
    """The versions of one collection's adapted model.

    Args:
        root: The data folder's ``tuned`` folder.
        collection: The collection whose versions these are.
    """

    def __init__(self, root: Path, collection: str) -> None:
        self.folder = root / collection
        self.collection = collection

    def versions(self) -> list[TunedVersion]:
        """The saved versions, oldest first."""
        found = []
        for child in self.folder.glob("v*"):
            if child.name[1:].isdigit() and (child / "card.json").is_file():
                found.append(TunedVersion(self.collection, int(child.name[1:]), child))
        return sorted(found, key=lambda version: version.number)

    def parse(self, identity: str) -> int | None:
        """The version number a manifest's model name gives, for this collection; else None."""
        match = _IDENTITY.match(identity)
        if not match or match["collection"] != self.collection:
            return None
        return int(match["number"])

    def named(self, manifest_name: str) -> TunedVersion | None:
        """The version a collection's manifest names (its backend's suffix, such as
        `` (onnx-int8)``, ignored), checked; None when it names no tuned version.

        Raises:
            ModelError: When the named version is missing or its weights changed.
        """
        identity = manifest_name.split(" (")[0]
        return self.resolve(identity) if self.parse(identity) is not None else None

    def resolve(self, identity: str) -> TunedVersion:
        """The saved version a manifest's model name names, checked against its hash.

        Raises:
            ModelError: When the version is missing or its weights changed.
        """
        number = self.parse(identity)
        version = TunedVersion(self.collection, number or 0, self.folder / f"v{number}")
        if number is None or not (version.folder / _WEIGHTS).is_file():
            raise ModelError(f"collection {self.collection!r} was embedded with {identity}, "
                             f"which is not in {self.folder}: re-index it or restore that folder")
        if version.identity != identity:
            raise ModelError(f"the weights in {version.folder} changed since collection "
                             f"{self.collection!r} was embedded with them: re-index it")
        return version

    def save(self, trained: Path, card: dict[str, Any]) -> TunedVersion:
        """Keep a trained model folder as the next version, with its card.

        Args:
            trained: A sentence-transformers folder (moved, not copied).
            card: Facts for ``card.json`` and ``README.md``.

        Returns:
            The new version.
        """
        number = max((v.number for v in self.versions()), default=0) + 1
        (trained / "card.json").write_text(json.dumps(card, indent=2), encoding="utf-8")
        (trained / "README.md").write_text(_readme(self.collection, number, card), encoding="utf-8")
        target = self.folder / f"v{number}"
        self.folder.mkdir(parents=True, exist_ok=True)
        os.replace(trained, target)
        return TunedVersion(self.collection, number, target)

    def scratch(self) -> Path:
        """A fresh folder to train into, beside the versions (so saving is a rename)."""
        path = self.folder / f".training-{os.getpid()}"
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)
        return path

    def clear_scratch(self) -> None:
        """Remove what killed runs left (folders of processes that are gone)."""
        for leftover in self.folder.glob(".training-*"):
            pid = leftover.name.rsplit("-", 1)[-1]
            if not pid.isdigit() or not _alive(int(pid)):
                shutil.rmtree(leftover, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _readme(collection: str, number: int, card: dict[str, Any]) -> str:
    lines = [f"# {collection} v{number}: an embedding model adapted by `rag tune`", ""]
    lines += [f"- **{key}**: {value}" for key, value in card.items()]
    return "\n".join(lines) + "\n"

