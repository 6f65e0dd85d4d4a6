"""Helpers of the ``rag tune`` tests: a corpus of field notes, vectors, tuned versions.

The ``notes`` fixture (a collection of :func:`field_notes`) is in ``tests/rag/conftest.py``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from rag.index import open_index
from rag.models.tuned import TunedModels, TunedVersion

TOPICS = ["volcanoes", "glaciers", "rivers", "deserts", "forests", "reefs", "caves", "tundra"]


def field_notes(documents: int = 16) -> dict[str, list[str]]:
    """Small documents of three chunk-sized pages each (16 documents: 48 chunks)."""
    files = {}
    for n in range(documents):
        topic = TOPICS[n % len(TOPICS)]
        files[f"/notes/{topic}-{n}.md"] = [
            f"Field note {n} on {topic}. The survey team measured site {n} twice. "
            f"Readings at site {n} were logged by hand. Samples went to lab {n % 3}.",
            f"Weather during visit {n} to the {topic}: wind from the north. "
            f"The crew camped for {n + 2} nights. Equipment list {n} was checked daily.",
            f"Findings {n}: the {topic} site shows change since the last visit. "
            f"A second visit is planned. Photos of site {n} are archived.",
        ]
    return files



def vectors(settings) -> dict[str, list[float]]:  # noqa: ANN001
    """Each chunk's stored vector, read through a freshly opened index."""
    index = open_index(settings)
    try:
        return {c.id: list(c.vector) for c in index.fetch(with_vectors=True)}
    finally:
        index.close()


def model_in_use(settings) -> str:  # noqa: ANN001
    """The model the collection's manifest names."""
    index = open_index(settings)
    try:
        return index.manifest.embedding_model
    finally:
        index.close()


def switch_to_saved_copies(settings, scratch: Path, count: int = 1) -> TunedVersion:  # noqa: ANN001
    """Save ``count`` tuned versions without training (copies of the configured model,
    as if trained from it) and switch the collection to the last, as ``rag tune`` does."""
    from rag.models import embedding_identity, make_embeddings, resolve_embedding_model

    base_name, base_folder = resolve_embedding_model(settings.embedding)
    models = TunedModels(settings.store.path / "tuned", settings.store.collection)
    replaces = model_in_use(settings)
    for number in range(count):
        trained = scratch / f"trained-{number}"
        shutil.copytree(base_folder, trained)
        version = models.save(trained, {"base_model": base_folder, "base_identity": base_name,
                                        "replaces": replaces})
    tuned = settings.with_overrides(embedding={"model": str(version.folder)})
    index = open_index(settings)
    try:
        index.reembed(make_embeddings(tuned),
                      embedding_identity(tuned.embedding, model_name=version.identity))
    finally:
        index.close()
    return version
