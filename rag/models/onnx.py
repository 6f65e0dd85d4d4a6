"""The local embedding model run by ONNX Runtime: exported once from its weights, checked on load.

``embedding.backend`` ``onnx`` runs the same model as sentence-transformers
in ONNX Runtime (float32), ``onnx-int8`` a copy whose weights are quantized
to 8-bit integers, per output channel, with ONNX Runtime's own dynamic
quantization. Both are made locally from the model's folder, nothing is
downloaded: :func:`ensure_onnx_model` exports the transformer with mean
pooling and normalisation inside the graph (``torch.onnx``), quantizes when
asked, and writes a small record beside the file with the source weights'
sha256 and the file's own. A file whose record is missing, whose source
weights changed or whose bytes no longer match is made again, never used.

:class:`OnnxEmbeddings` tokenizes with the model's fast tokenizer (the
``tokenizers`` library, no ``transformers``) and runs the session; torch is
imported only to export, in a child process, so the process that embeds and
answers never loads it.

Example:
    >>> from rag.models.onnx import OnnxEmbeddings, ensure_onnx_model
    >>> path = ensure_onnx_model(model_dir, cache_dir, variant="onnx-int8")  # doctest: +SKIP
    >>> OnnxEmbeddings(path, model_dir).embed_query("hello")[:2]              # doctest: +SKIP
"""

from __future__ import annotations

import json
import logging
import os
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
from langchain_core.embeddings import Embeddings

from rag.errors import ModelError
from rag.hashing import cached_sha256

__all__ = ["OnnxEmbeddings", "OnnxVariant", "ensure_onnx_model"]

OnnxVariant = Literal["onnx", "onnx-int8"]
WEIGHTS = "model.safetensors"
"""The source model's weights file, whose hash the export records."""
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def ensure_onnx_model(model_dir: Path, cache_dir: Path, *, variant: OnnxVariant) -> Path:
    """The ONNX file of the model in ``model_dir``, exported (and quantized) on first use.

    Args:
        model_dir: The sentence-transformers model's folder (``model.safetensors``,
            ``tokenizer.json``, ...).
        cache_dir: Where exports are kept (a folder of the data folder).
        variant: ``onnx`` (float32) or ``onnx-int8`` (quantized per channel).

    Returns:
        The path of a verified ONNX file.

    Raises:
        ModelError: When the model folder has no weights or the export fails.
    """
    weights = model_dir / WEIGHTS
    if not weights.is_file():
        raise ModelError(f"cannot export {model_dir} to ONNX: no {WEIGHTS} in it")
    source = cached_sha256(weights)
    target = cache_dir / f"{variant}-{source[:12]}.onnx"
    if _verified(target, source):
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(f".{os.getpid()}.partial")
    try:
        _in_child(_make, model_dir, partial, variant)
        partial.replace(target)  # whole files only: a killed export leaves no model
    except Exception as exc:  # torch.onnx and onnxruntime raise many kinds
        for leftover in cache_dir.glob(f"{partial.stem}*"):
            leftover.unlink(missing_ok=True)
        raise ModelError(f"cannot export {model_dir} to ONNX: {exc}") from exc
    _record(target).write_text(json.dumps({"source_sha256": source,
                                           "sha256": cached_sha256(target)}), encoding="utf-8")
    return target


def _in_child(function: Callable[..., None], *args: Any) -> None:
    """Run ``function(*args)`` in a fresh process and wait: torch, which exporting
    needs, is then never loaded into the process that embeds and answers."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        pool.submit(function, *args).result()


def _make(model_dir: Path, path: Path, variant: OnnxVariant) -> None:
    """Export (and for ``onnx-int8`` quantize) the model in ``model_dir`` to ``path``."""
    float32 = path.with_suffix(".f32.partial") if variant == "onnx-int8" else path
    _export(model_dir, float32)
    if variant == "onnx-int8":
        _quantize(float32, path)
        float32.unlink()


def _record(path: Path) -> Path:
    """The record beside an export: its source's hash and its own."""
    return path.with_suffix(".json")


def _verified(path: Path, source: str) -> bool:
    """Whether ``path`` exists, comes from weights with hash ``source`` and is intact."""
    try:
        record = json.loads(_record(path).read_text(encoding="utf-8"))
        return record["source_sha256"] == source and record["sha256"] == cached_sha256(path)
    except (OSError, ValueError, KeyError, TypeError):
        return False


def _export(model_dir: Path, path: Path) -> None:
    """Export the transformer with mean pooling and L2 normalisation to ``path``."""
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # its weight-loading bar is noise in our output
    class Pooled(torch.nn.Module):
        def __init__(self, model: Any) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            hidden = self.model(input_ids=input_ids, attention_mask=attention_mask,
                                token_type_ids=token_type_ids).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, dim=-1)

    model = Pooled(AutoModel.from_pretrained(str(model_dir))).eval()
    example = tuple(torch.ones((2, 8), dtype=torch.long) for _ in _INPUTS)
    axes = {name: {0: "batch", 1: "tokens"} for name in _INPUTS}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the tracer's notes on the model's code, not ours
        torch.onnx.export(model, example, str(path), input_names=list(_INPUTS),
                          output_names=["embedding"],
                          dynamic_axes={**axes, "embedding": {0: "batch"}},
                          opset_version=17, dynamo=False)


def _quantize(source: Path, target: Path) -> None:
    """Quantize the weights of ``source`` to int8, per output channel (keeps cosine ~0.995)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # it advises pre-processing on the root logger, every time
    try:
        quantize_dynamic(str(source), str(target), weight_type=QuantType.QInt8, per_channel=True)
    finally:
        root.setLevel(level)


class OnnxEmbeddings(Embeddings):
    """Embeds texts with an exported model in ONNX Runtime; vectors are L2-normalised.

    Args:
        model_path: The ONNX file (:func:`ensure_onnx_model`).
        model_dir: The source model's folder, for ``tokenizer.json`` and the
            longest input (``sentence_bert_config.json``).
        batch_size: Texts run per batch (sorted by length, so batches pad little).
        threads: ONNX Runtime's intra-op threads (None: its default, all cores).
    """

    def __init__(self, model_path: Path, model_dir: Path, *, batch_size: int = 32,
                 threads: int | None = None) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        config = json.loads((model_dir / "sentence_bert_config.json").read_text(encoding="utf-8"))
        self.max_seq_length = int(config.get("max_seq_length", 256))
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(self.max_seq_length)
        self.tokenizer.enable_padding()
        options = onnxruntime.SessionOptions()
        options.enable_mem_pattern = False  # planned for one shape; batches vary: 0.7x the peak
        if threads:
            options.intra_op_num_threads = threads
        self.session = onnxruntime.InferenceSession(str(model_path), options,
                                                    providers=["CPUExecutionProvider"])
        self.batch_size = batch_size

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed texts (new lines read as spaces), normalised to unit length."""
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        vectors: list[np.ndarray] = [np.empty(0)] * len(texts)
        for first in range(0, len(order), self.batch_size):
            batch = order[first:first + self.batch_size]
            for i, vector in zip(batch, self._run([texts[i].replace("\n", " ") for i in batch]),
                                 strict=True):
                vectors[i] = vector
        return [vector.tolist() for vector in vectors]

    def embed_query(self, text: str) -> list[float]:
        """Embed one question."""
        return self.embed_documents([text])[0]

    def _run(self, texts: Sequence[str]) -> np.ndarray:
        encoded = self.tokenizer.encode_batch(list(texts))
        feed = {
            "input_ids": np.asarray([e.ids for e in encoded], dtype=np.int64),
            "attention_mask": np.asarray([e.attention_mask for e in encoded], dtype=np.int64),
            "token_type_ids": np.asarray([e.type_ids for e in encoded], dtype=np.int64),
        }
        return self.session.run(None, feed)[0]
