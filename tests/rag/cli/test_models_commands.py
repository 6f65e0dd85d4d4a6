"""``rag models``: list, pull, use, remove, through the CLI, against a loopback Hub.

Each test's state is in its own temp folder (``isolated_state``: the data
folder, and the working folder where ``use`` writes ``rag.toml``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import rag.cli
from rag.cli import app, main
from rag.settings import load_settings
from tests.hub_server import fake_hub
from tests.test_offline import no_network  # noqa: F401  (a fixture)

rag.cli._register()
runner = CliRunner()

QWEN = ("Qwen/Qwen2.5-1.5B-Instruct-GGUF", "qwen2.5-1.5b-instruct-q4_k_m.gguf")
DATA = bytes(range(256)) * 400
EMBEDDER = "someone/tiny-embedder"
EMBEDDER_FILES = {"modules.json": b"[]", "config.json": b"{}", "model.safetensors": DATA}


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch):
    with fake_hub({QWEN[0]: {QWEN[1]: DATA}, EMBEDDER: dict(EMBEDDER_FILES)}) as served:
        monkeypatch.setenv("HF_ENDPOINT", served.url)
        yield served


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the CLI as the ``rag`` command does; (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as exit_info:
        main(["models", *args])
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


def models(*args: str):
    result = runner.invoke(app, ["models", *args])
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def rows() -> dict[str, dict[str, str]]:
    return {row["name"]: row for row in json.loads(models("list", "--json").stdout)}


def test_list_shows_the_recommended_and_bundled_models(isolated_state: Path) -> None:
    listed = rows()
    assert listed["qwen2.5-1.5b"] | {"for": ""} == {
        "name": "qwen2.5-1.5b", "kind": "chat", "status": "available", "size": "~1.1 GB",
        "ram": "2 GB", "licence": "Apache-2.0", "for": "", "path": ""}
    assert listed["smollm2-135m"]["status"] == listed["all-minilm-l6"]["status"] == "in use"
    assert {"llama3.2-3b", "phi3.5-mini", "qwen2.5-3b", "bge-small-en",
            "multilingual-minilm"} <= set(listed)
    piped = models("list").stdout.splitlines()  # not a terminal: tab-separated rows
    assert piped[0].split("\t")[:3] == ["qwen2.5-1.5b", "chat", "available"]
    assert not isolated_state.exists()  # listing creates nothing


def test_pull_use_and_remove_a_chat_model(hub, isolated_state: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str],
                                          no_network: list[str]) -> None:  # noqa: F811
    result = models("pull", "qwen2.5-1.5b")
    path = isolated_state / "models" / "hub" / "Qwen--Qwen2.5-1.5B-Instruct-GGUF" / QWEN[1]
    assert path.read_bytes() == DATA
    assert "rag models use qwen2.5-1.5b" in result.stderr
    assert rows()["qwen2.5-1.5b"]["status"] == "installed"

    result = models("use", "qwen2.5-1.5b")
    assert (tmp_path / "rag.toml").is_file()  # the config file settings read here
    assert "qwen2.5-1.5b is now the chat model" in result.stderr
    assert Path(load_settings().llm.model_path) == path
    listed = rows()
    assert (listed["qwen2.5-1.5b"]["status"], listed["smollm2-135m"]["status"]) == (
        "in use", "bundled")

    code, _, err = run_main(capsys, "remove", "qwen2.5-1.5b")
    assert code == 1 and "qwen2.5-1.5b is in use" in err and path.exists()
    models("use", "smollm2-135m")
    assert load_settings().llm.model_path == "bundled"
    models("remove", "qwen2.5-1.5b")
    assert not path.exists()
    assert rows()["qwen2.5-1.5b"]["status"] == "available"
    assert no_network == []  # the loopback Hub only


def test_any_gguf_repository_is_pulled_with_file(hub) -> None:
    hub.repos["someone/x-GGUF"] = {"x.Q4_0.gguf": DATA}
    models("pull", "someone/x-GGUF", "--file", "x.Q4_0.gguf")
    assert rows()["someone/x-GGUF/x.Q4_0.gguf"]["status"] == "installed"
    models("use", "x.Q4_0.gguf")
    assert load_settings().llm.model_path.endswith("x.Q4_0.gguf")


def test_a_wrong_checksum_is_one_line_and_nothing_is_installed(
    hub, isolated_state: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hub.corrupt.add(QWEN[1])
    code, out, err = run_main(capsys, "pull", "qwen2.5-1.5b")
    assert code == 1 and out == ""
    assert err.startswith(f"error: {QWEN[1]} from {QWEN[0]} failed its integrity check")
    assert len(err.strip().splitlines()) == 1
    assert rows()["qwen2.5-1.5b"]["status"] == "available"


def test_command_lines_that_cannot_work(isolated_state: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    result = runner.invoke(app, ["models", "pull", "gpt-9"])
    assert result.exit_code == 2 and "unknown model 'gpt-9': pull one of qwen2.5-1.5b" in (
        result.stderr)
    result = runner.invoke(app, ["models", "pull", "qwen2.5-1.5b", "--file", "x.gguf"])
    assert result.exit_code == 2 and "--file goes with a repository" in result.stderr
    result = runner.invoke(app, ["models", "remove", "smollm2-135m"])
    assert result.exit_code == 2 and "is bundled" in result.stderr
    assert "nothing to pull" in models("pull", "smollm2-135m").stderr
    code, _, err = run_main(capsys, "use", "qwen2.5-1.5b")
    assert code == 1
    assert err.strip() == ("error: model 'qwen2.5-1.5b' is not installed; "
                           "pull it first: rag models pull qwen2.5-1.5b")
    assert not (isolated_state / "models").exists()  # nothing went online


def test_use_writes_the_file_given_by_config(hub, tmp_path: Path) -> None:
    models("pull", "qwen2.5-1.5b")
    config = tmp_path / "elsewhere" / "mine.yaml"
    config.parent.mkdir()
    config.write_text("retrieval:\n  top_k: 6\n")
    result = runner.invoke(app, ["--config", str(config), "models", "use", "qwen2.5-1.5b"])
    assert result.exit_code == 0, result.output
    settings = load_settings(config)
    assert settings.llm.model_path.endswith(QWEN[1]) and settings.retrieval.top_k == 6
    assert not (tmp_path / "rag.toml").exists()


def test_an_environment_variable_that_wins_is_said(hub, monkeypatch: pytest.MonkeyPatch) -> None:
    models("pull", "qwen2.5-1.5b")
    monkeypatch.setenv("RAG_LLM__MODEL_PATH", "bundled")
    assert "RAG_LLM__MODEL_PATH is set and wins" in models("use", "qwen2.5-1.5b").stderr


def test_using_another_embedding_model_asks_for_a_reindex(
    hub, index, embeddings
) -> None:
    from rag.errors import IndexMismatchError
    from rag.index import open_index

    index.close()  # a collection built with the bundled model
    models("pull", EMBEDDER)
    result = models("use", EMBEDDER)
    assert "rag ingest --reindex PATH" in result.stderr
    settings = load_settings()
    assert settings.embedding.model.endswith("someone--tiny-embedder")
    with pytest.raises(IndexMismatchError, match=r"rag ingest --reindex PATH"):
        open_index(settings, embeddings=embeddings)  # the same vectors, but another model's name


@pytest.mark.slow
def test_rag_ask_answers_with_the_pulled_model(
    reports, isolated_state: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rag.models import BUNDLED_LLM, factories

    gguf = BUNDLED_LLM.locate()  # a real GGUF, served as if it were on the Hub
    with fake_hub({"someone/SmolLM2-GGUF": {gguf.name: gguf.read_bytes()}}) as served:
        monkeypatch.setenv("HF_ENDPOINT", served.url)
        models("pull", "someone/SmolLM2-GGUF", "--file", gguf.name)
    models("use", gguf.name)
    pulled = isolated_state / "models" / "hub" / "someone--SmolLM2-GGUF" / gguf.name
    loaded: list[Path] = []
    real = factories.resolve_llm_path
    monkeypatch.setattr(factories, "resolve_llm_path",
                        lambda cfg: loaded.append(real(cfg)) or loaded[-1])
    reports.close()
    result = runner.invoke(app, ["ask", "What was Acme's gross margin?"])
    assert result.exit_code == 0, (result.output, result.exception)
    assert "Sources:" in result.stdout and "acme.txt" in result.stdout
    assert loaded and set(loaded) == {pulled}  # the model (and its capability) from the pull
