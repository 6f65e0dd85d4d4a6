from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

import rag.models.capability
from rag.models import resolve_llm_path
from rag.models.capability import (
    BUNDLED_LLM_PARAMETERS,
    MIN_WRITER_PARAMETERS,
    answer_mode,
    gguf_parameter_count,
    qa_template_name,
)
from rag.settings import LLMSettings, Settings


def write_gguf(path: Path, shapes: list[tuple[int, ...]]) -> Path:
    """Write a real GGUF file whose tensors have these shapes (zeros, float32)."""
    from gguf import GGUFWriter

    writer = GGUFWriter(path, "llama")
    writer.add_size_label("tiny")
    for n, shape in enumerate(shapes):
        writer.add_tensor(f"blk.{n}.weight", np.zeros(shape, dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


@pytest.fixture
def tiny_gguf(tmp_path: Path) -> Path:
    """A GGUF model of 1,000 parameters."""
    return write_gguf(tmp_path / "tiny.gguf", [(10, 50), (20, 20), (100,)])


def own_model(path: Path, **llm: object) -> Settings:
    return Settings(llm={"model_path": str(path), **llm})


@pytest.fixture
def no_file_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("no model file may be read")

    monkeypatch.setattr(rag.models.capability, "gguf_parameter_count", refuse)
    monkeypatch.setattr(rag.models.capability, "_parameter_count", refuse)


def test_parameter_count_is_the_sum_of_the_tensor_elements(tiny_gguf: Path) -> None:
    assert gguf_parameter_count(tiny_gguf) == 1_000
    assert gguf_parameter_count(str(tiny_gguf)) == 1_000


def test_a_changed_file_is_read_again(tmp_path: Path) -> None:
    path = write_gguf(tmp_path / "m.gguf", [(10, 10)])
    assert gguf_parameter_count(path) == 100
    write_gguf(path, [(10, 10), (30, 30)])
    assert gguf_parameter_count(path) == 1_000


def test_auto_quotes_with_a_small_gguf_and_writes_with_a_large_one(tiny_gguf: Path) -> None:
    settings = own_model(tiny_gguf)
    assert answer_mode(settings) == "quote"  # 1,000 < 1e9
    assert answer_mode(settings, min_writer_params=1_001) == "quote"
    assert answer_mode(settings, min_writer_params=1_000) == "write"
    assert qa_template_name(settings) == "extractive_qa"


def test_auto_quotes_with_the_bundled_model_without_reading_it(no_file_reads: None) -> None:
    assert answer_mode(Settings()) == "quote"
    assert qa_template_name(Settings()) == "extractive_qa"
    assert BUNDLED_LLM_PARAMETERS < MIN_WRITER_PARAMETERS


@pytest.mark.parametrize("provider", ["openai", "ollama"])
def test_remote_models_write_without_reading_any_file(
    provider: str, tmp_path: Path, no_file_reads: None
) -> None:
    settings = own_model(tmp_path / "missing.gguf", provider=provider)
    assert answer_mode(settings) == "write"
    assert qa_template_name(settings) == "grounded_qa"


@pytest.mark.parametrize(
    ("answers", "template"), [("write", "grounded_qa"), ("quote", "extractive_qa")]
)
def test_the_setting_forces_the_mode(
    answers: str, template: str, tiny_gguf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for settings in (
        own_model(tiny_gguf, answers=answers),
        Settings(llm={"provider": "ollama", "answers": answers}),
    ):
        assert answer_mode(settings, min_writer_params=1) == answers
        assert qa_template_name(settings) == template
    monkeypatch.setenv("RAG_LLM__ANSWERS", answers)
    assert Settings().llm.answers == answers


def test_an_explicit_template_wins(no_file_reads: None) -> None:
    settings = Settings(llm={"answers": "write"}, prompts={"qa_template": "my_template"})
    assert qa_template_name(settings) == "my_template"
    assert qa_template_name(Settings(llm={"provider": "ollama"},
                                     prompts={"qa_template": "extractive_qa"})) == "extractive_qa"


def test_an_unreadable_file_counts_as_small(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"not a GGUF file at all")
    with caplog.at_level(logging.WARNING, logger="rag.models.capability"):
        assert gguf_parameter_count(broken) is None
        assert answer_mode(own_model(broken), min_writer_params=1) == "quote"
        assert answer_mode(own_model(tmp_path / "missing.gguf"), min_writer_params=1) == "quote"
    assert "broken.gguf" in caplog.text and "missing.gguf" in caplog.text


def test_settings_construction_reads_no_file(tmp_path: Path, no_file_reads: None) -> None:
    settings = own_model(tmp_path / "missing.gguf")
    assert settings.prompts.qa_template is None
    assert settings.llm.answers == "auto"


def test_the_bundled_model_count() -> None:
    count = gguf_parameter_count(resolve_llm_path(LLMSettings()))
    assert count == BUNDLED_LLM_PARAMETERS
    assert 1e8 < count < 2e8
