"""What the chat model can do: write cited answers, or only quote the passages.

A model that can write gets the ``grounded_qa`` template (an answer in its own
words with ``[n]`` citations); one that cannot gets ``extractive_qa`` (the chain
quotes the sentences that answer, led by a short fact chosen with the model's
scores, see :class:`rag.answer.writers.QuoteWriter`). With
``llm.answers = "auto"`` the choice follows the model, not the provider:

- ``openai`` and ``ollama`` models write (they are served models, in practice
  far larger than the bundled one);
- a GGUF file writes when it holds at least :data:`MIN_WRITER_PARAMETERS`
  parameters, read from the file's tensor table with the ``gguf`` package;
- the bundled SmolLM2-135M quotes, without reading its file.

``llm.answers = "write"`` or ``"quote"`` forces either, and an explicit
``prompts.qa_template`` wins over both (see :func:`qa_template_name`).

Example:
    >>> from rag.settings import Settings
    >>> answer_mode(Settings())
    'quote'
    >>> answer_mode(Settings(llm={"provider": "ollama"}))
    'write'
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import Literal

from rag.errors import ModelError
from rag.settings import BUNDLED, LLMSettings, Settings

__all__ = [
    "BUNDLED_LLM_PARAMETERS",
    "MIN_WRITER_PARAMETERS",
    "AnswerMode",
    "answer_mode",
    "qa_template_name",
    "gguf_parameter_count",
]

logger = logging.getLogger(__name__)

AnswerMode = Literal["write", "quote"]
"""'write': the LLM writes a cited answer; 'quote': the chain quotes the passages."""

MIN_WRITER_PARAMETERS = 1_000_000_000
"""Smallest GGUF model, in parameters, trusted to write cited answers.

A product rule, not a fitted value: around 1B parameters instruction-tuned
models start to follow "answer only from the passages, cite them" reliably,
while the bundled 135M model paraphrases and invents when it writes freely.
"""

BUNDLED_LLM_PARAMETERS = 134_515_008
"""Parameters of the bundled SmolLM2-135M GGUF (the sum of its tensors' elements).

The bundled file is fixed by its sha256, so its size is known and the default
settings decide without opening it; the tests check this number against the file.
"""


def answer_mode(
    settings: Settings, *, min_writer_params: int = MIN_WRITER_PARAMETERS
) -> AnswerMode:
    """Decide whether the LLM writes answers or the chain quotes the passages.

    Args:
        settings: The project settings; only ``settings.llm`` is read.
        min_writer_params: Parameters a GGUF model needs to write; injectable
            for tests (defaults to :data:`MIN_WRITER_PARAMETERS`).

    Returns:
        ``llm.answers`` when it is ``"write"`` or ``"quote"``; for ``"auto"``,
        ``"write"`` for remote providers and GGUF models of at least
        ``min_writer_params`` parameters, else ``"quote"`` (also when the GGUF
        file cannot be read, with a warning).
    """
    cfg = settings.llm
    if cfg.answers != "auto":
        return cfg.answers
    if cfg.provider != "llamacpp":
        return "write"
    count = _llamacpp_parameters(cfg)
    return "write" if count is not None and count >= min_writer_params else "quote"


def _llamacpp_parameters(cfg: LLMSettings) -> int | None:
    """The parameter count of the ``llamacpp`` model, or None when unknown."""
    if cfg.model_path == BUNDLED:
        return BUNDLED_LLM_PARAMETERS
    from rag.models.factories import resolve_llm_path

    try:
        path = resolve_llm_path(cfg)
    except ModelError as exc:
        logger.warning("cannot size the LLM (%s); its answers will be quotes", exc)
        return None
    return gguf_parameter_count(path)


def gguf_parameter_count(path: str | Path) -> int | None:
    """Count a GGUF model's parameters from its tensor table (cached per file version).

    The ``gguf`` reader memory-maps the file and parses its header, not the
    weights; it is cached per (path, size, modification time), so a file is
    read once per process until it changes.

    Args:
        path: A GGUF file.

    Returns:
        The sum of the elements of its tensors, or None (with a warning) when
        the file cannot be read as GGUF.
    """
    path = Path(path).expanduser().resolve()
    try:
        stat = path.stat()
    except OSError as exc:
        logger.warning("cannot read GGUF file %s: %s", path, exc)
        return None
    return _parameter_count(path, stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=8)
def _parameter_count(path: Path, size: int, mtime_ns: int) -> int | None:
    """The file's parameter count, cached per (path, size, modification time)."""
    from gguf import GGUFReader

    try:
        reader = GGUFReader(path)
        return sum(int(tensor.n_elements) for tensor in reader.tensors)
    except Exception as exc:  # noqa: BLE001 - a foreign file can fail the reader anywhere
        logger.warning("cannot read GGUF file %s (%d bytes): %s", path, size, exc)
        return None


def qa_template_name(settings: Settings) -> str:
    """The answer template: ``prompts.qa_template``, else the one the model suits.

    Resolved on call, not at construction: with ``llm.answers = "auto"`` and a
    GGUF file of your own it reads the file's metadata (once per file version).

    Returns:
        ``prompts.qa_template`` when set; otherwise ``"grounded_qa"`` when the
        LLM writes answers and ``"extractive_qa"`` when the chain quotes (see
        :func:`answer_mode`).

    Example:
        >>> qa_template_name(Settings()), qa_template_name(Settings(llm={"answers": "write"}))
        ('extractive_qa', 'grounded_qa')
    """
    if settings.prompts.qa_template is not None:
        return settings.prompts.qa_template
    return "grounded_qa" if answer_mode(settings) == "write" else "extractive_qa"
