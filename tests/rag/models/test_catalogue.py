"""The catalogue of recommended models: the issue's models, real Hub names, sane numbers."""

from __future__ import annotations

from rag.models.catalogue import catalogue, catalogue_entry


def test_the_recommended_models_are_listed_with_their_hub_files() -> None:
    expected = {
        "qwen2.5-1.5b": ("Qwen/Qwen2.5-1.5B-Instruct-GGUF", "qwen2.5-1.5b-instruct-q4_k_m.gguf"),
        "qwen2.5-3b": ("Qwen/Qwen2.5-3B-Instruct-GGUF", "qwen2.5-3b-instruct-q4_k_m.gguf"),
        "llama3.2-3b": ("bartowski/Llama-3.2-3B-Instruct-GGUF",
                        "Llama-3.2-3B-Instruct-Q4_K_M.gguf"),
        "phi3.5-mini": ("bartowski/Phi-3.5-mini-instruct-GGUF",
                        "Phi-3.5-mini-instruct-Q4_K_M.gguf"),
        "bge-small-en": ("BAAI/bge-small-en-v1.5", None),
        "multilingual-minilm": ("sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2",
                                None),
    }
    for name, (repo, file) in expected.items():
        entry = catalogue_entry(name)
        assert entry is not None, name
        assert (entry.repo, entry.file, entry.bundled) == (repo, file, False)


def test_every_entry_is_complete_and_consistent() -> None:
    entries = catalogue()
    assert len({e.name for e in entries}) == len(entries)
    for entry in entries:
        assert entry.kind in ("chat", "embedding")
        assert entry.licence and entry.purpose and "/" in entry.repo
        assert 0 < entry.size_mb < 5000 and 0 < entry.ram_gb <= 8
        if entry.kind == "chat" and not entry.bundled:
            assert entry.file and entry.file.lower().endswith("q4_k_m.gguf")
            assert entry.ram_gb * 1000 > entry.size_mb  # runs in more than its file
        else:
            assert entry.file is None
    assert [e.kind for e in entries] == sorted(e.kind for e in entries)  # chat models first
    assert sum(e.bundled for e in entries) == 2


def test_names_are_found_in_any_case_and_unknown_ones_are_none() -> None:
    assert catalogue_entry("QWEN2.5-1.5B") is catalogue_entry("qwen2.5-1.5b")
    assert catalogue_entry("Qwen/Qwen2.5-1.5B-Instruct-GGUF") is None
