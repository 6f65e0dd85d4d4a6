"""Server mode against real servers on loopback: a Chroma server (``chroma run``)
and llama-cpp-python's OpenAI-compatible server with the bundled SmolLM2.

The same commands and chain as embedded mode, pointed at the servers by
settings only (``RAG_STORE__URL``, ``RAG_LLM__PROVIDER=openai``...).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from rag.answer import Answer
from rag.errors import BackendUnavailableError, ConfigError
from tests.ingest.conftest import assert_consistent, clean_run_ids

pytestmark = [pytest.mark.server, pytest.mark.slow]

FACTS = {
    "volcanoes.md": "# Volcanoes\n\nThe Zarnock volcano erupted in 1783 and its ash cooled "
    "the northern hemisphere for three winters.\n",
    "bees.md": "# Bees\n\nA honeybee colony keeps its brood at 35 degrees Celsius by "
    "shivering its flight muscles.\n",
    "trains.txt": "The Glimmerline night train runs from Oslo to Narvik in eighteen hours "
    "and carries a sauna car.\n",
}
QUESTIONS = [
    "When did the Zarnock volcano erupt?",
    "How do bees keep the brood warm?",
    "Which train has a sauna car?",
]


def write_docs(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in FACTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def embedded(settings, folder: Path):  # noqa: ANN001, ANN201
    """The same settings in embedded mode, with their data in ``folder``."""
    store = settings.store.model_copy(
        update={"url": None, "path": folder, "record_manager_url": None}
    )
    return settings.model_copy(update={"store": store})


def run_cli(*args: str, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [str(Path(sys.executable).with_name("rag")), *args],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_ingest_ask_and_stream_through_the_servers(server_env, tmp_path, embeddings) -> None:
    from ingest import ingest_paths
    from rag import build_chain, load_settings
    from rag.index import open_index

    docs = write_docs(tmp_path / "docs")
    settings = load_settings()
    assert settings.store.url == server_env["RAG_STORE__URL"]
    index = open_index(settings, embeddings=embeddings)
    try:
        report = ingest_paths([docs], index=index)
        assert report.counts["added"] == 3 and report.chunks_written == 3
        ids = assert_consistent(index)

        again = ingest_paths([docs], index=index)
        assert again.counts["unchanged"] == 3 and again.chunks_written == 0
        assert assert_consistent(index) == ids

        chain = build_chain(settings, index=index)  # the LLM is the OpenAI-compatible server
        pieces = list(chain.stream({"question": QUESTIONS[0]}))
        answer = pieces[-1]
        assert isinstance(answer, Answer)
        text_pieces = [p for p in pieces[:-1] if isinstance(p, str)]
        assert len(text_pieces) > 1, "the remote LLM's answer should arrive in pieces"
        assert "".join(text_pieces).strip()
        assert answer.sources[0].file_name == "volcanoes.md"
        assert "generate" in answer.timings

        server_sources = [
            [Path(d.metadata["source"]).name for d in chain.retriever.invoke(q)]
            for q in QUESTIONS
        ]
    finally:
        index.close()

    local = open_index(embedded(settings, tmp_path / "embedded"), embeddings=embeddings)
    try:
        ingest_paths([docs], index=local)
        assert assert_consistent(local) == ids, "server and embedded mode store the same chunks"
        local_chain = build_chain(embedded(settings, tmp_path / "embedded"), index=local,
                                  llm=chain.llm)
        local_sources = [
            [Path(d.metadata["source"]).name for d in local_chain.retriever.invoke(q)]
            for q in QUESTIONS
        ]
    finally:
        local.close()
    assert server_sources == local_sources
    assert [s[0] for s in server_sources] == ["volcanoes.md", "bees.md", "trains.txt"]


def test_two_processes_ingest_at_once_and_take_turns(
    server_env, tmp_path, embeddings, chunker
) -> None:
    from rag import load_settings
    from rag.index import open_index

    docs = write_docs(tmp_path / "docs")
    shared = {"RAG_STORE__RECORD_MANAGER_URL": f"sqlite:///{tmp_path / 'shared-records.sqlite3'}"}

    def both(*args: str) -> list[tuple[int, str, str]]:
        procs = [
            run_cli(*args, env={**server_env, **shared,
                                "RAG_STORE__PATH": str(tmp_path / f"machine{n}")})
            for n in (1, 2)
        ]
        return [(p.wait(timeout=300), *p.communicate()) for p in procs]

    for code, out, err in both("ingest", str(docs)):
        assert code == 0, err
    settings = load_settings(store={"record_manager_url": shared["RAG_STORE__RECORD_MANAGER_URL"]})
    expected = clean_run_ids([docs], embedded(settings, tmp_path / "clean"), embeddings,
                             tmp_path / "clean", chunker)
    index = open_index(settings, embeddings=embeddings)
    try:
        assert assert_consistent(index) == expected

        (docs / "bees.md").write_text("# Bees\n\nBumblebees fly in the cold.\n", encoding="utf-8")
        (docs / "trains.txt").unlink()
        results = both("ingest", "--prune", str(docs))
        assert [code for code, _, _ in results] == [0, 0], results
        expected = clean_run_ids([docs], embedded(settings, tmp_path / "clean2"), embeddings,
                                 tmp_path / "clean2", chunker)
        assert assert_consistent(index) == expected
        assert index.count() == 2
    finally:
        index.close()


def test_another_machine_sees_new_and_removed_chunks_through_its_keyword_mirror(
    server_env, tmp_path, embeddings
) -> None:
    from ingest import forget, ingest_paths
    from rag import load_settings
    from rag.index import open_index
    from rag.retrieval import HybridRetriever

    docs = write_docs(tmp_path / "docs")
    records = {"record_manager_url": f"sqlite:///{tmp_path / 'records.sqlite3'}"}
    writer = open_index(load_settings(store={"path": tmp_path / "a", **records}),
                        embeddings=embeddings)
    reader = open_index(load_settings(store={"path": tmp_path / "b"}), embeddings=embeddings)
    try:
        bm25 = HybridRetriever(index=reader, mode="bm25", top_k=3, fetch_k=10)
        assert bm25.invoke("Glimmerline sauna") == []
        ingest_paths([docs], index=writer)
        hits = bm25.invoke("Glimmerline sauna")
        assert Path(hits[0].metadata["source"]).name == "trains.txt"

        forget([docs / "trains.txt"], index=writer)
        assert all(Path(d.metadata["source"]).name != "trains.txt"
                   for d in bm25.invoke("Glimmerline sauna"))
        assert reader.keywords.ids() == assert_consistent(writer)
    finally:
        writer.close()
        reader.close()


def test_a_second_records_database_is_refused_instead_of_deleting_chunks(
    server_env, tmp_path, embeddings
) -> None:
    from ingest import ingest_paths
    from rag import load_settings
    from rag.index import open_index

    docs = write_docs(tmp_path / "docs")
    first = open_index(load_settings(store={"path": tmp_path / "a"}), embeddings=embeddings)
    second = open_index(load_settings(store={"path": tmp_path / "b"}), embeddings=embeddings)
    try:
        ingest_paths([docs], index=first)
        before = assert_consistent(first)
        other = write_docs(tmp_path / "other")
        with pytest.raises(ConfigError, match="record_manager_url"):
            ingest_paths([other], index=second)
        assert assert_consistent(first) == before
    finally:
        first.close()
        second.close()


def test_servers_that_are_down_give_one_clear_error(
    server_env, tmp_path, embeddings, monkeypatch
) -> None:
    from ingest import ingest_paths
    from rag import build_chain, load_settings
    from rag.index import open_index
    from tests.servers import free_port

    dead = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(BackendUnavailableError, match="Chroma"):
        open_index(load_settings(store={"url": dead}), embeddings=embeddings)

    settings = load_settings(llm={"base_url": dead + "/v1", "max_retries": 0, "timeout_s": 5})
    index = open_index(settings, embeddings=embeddings)
    try:
        ingest_paths([write_docs(tmp_path / "docs")], index=index)
        chain = build_chain(settings, index=index)
        with pytest.raises(BackendUnavailableError, match="cannot reach the LLM server"):
            chain.invoke({"question": QUESTIONS[1]})
    finally:
        index.close()

    monkeypatch.setenv("RAG_LLM__BASE_URL", dead + "/v1")
    monkeypatch.setenv("RAG_LLM__MAX_RETRIES", "0")
    proc = run_cli("ask", QUESTIONS[1], env={})
    _, err = proc.communicate(timeout=120)
    assert proc.returncode != 0
    assert "cannot reach the LLM server" in err and "Traceback" not in err


def test_a_chroma_server_that_goes_away_gives_a_clear_error_and_recovers(
    tmp_path, embeddings, monkeypatch
) -> None:
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    from ingest import ingest_paths
    from rag import build_chain, load_settings
    from rag.index import open_index
    from tests.servers import chroma_server, free_port

    port = free_port()
    docs = write_docs(tmp_path / "docs")
    llm = FakeListChatModel(responses=["It runs from Oslo to Narvik [1]."])
    with chroma_server(tmp_path / "chroma", port=port) as server:
        monkeypatch.setenv("RAG_STORE__URL", server.url)
        settings = load_settings()
        index = open_index(settings, embeddings=embeddings)
        ingest_paths([docs], index=index)
        chain = build_chain(settings, index=index, llm=llm)
        before = chain.invoke({"question": QUESTIONS[2]})
    try:
        with pytest.raises(BackendUnavailableError, match="cannot reach"):
            chain.invoke({"question": QUESTIONS[2]})
        with chroma_server(tmp_path / "chroma", port=port):
            after = chain.invoke({"question": QUESTIONS[2]})
            assert assert_consistent(index)
    finally:
        index.close()
    assert [s.chunk_id for s in after.sources] == [s.chunk_id for s in before.sources]
    assert after.sources[0].file_name == "trains.txt"
