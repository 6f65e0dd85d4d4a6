"""The running app through gradio_client: real chain, ingest, embeddings and LLM."""

from __future__ import annotations

import concurrent.futures
import itertools
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.rag.ui.pictures import highlighted_box

pytestmark = pytest.mark.slow


def _client(live_app):
    from gradio_client import Client

    return Client(live_app.url, verbose=False)


def _ask(client, question: str, scope: list[str] | None = None) -> list[tuple]:
    """Ask through /chat; return every streamed output (chat, box, table, picker, standalone)."""
    job = client.submit(
        question, "documents", scope or [], "hybrid", 4, "grounded_qa", 0.0, api_name="/chat"
    )
    job.result(timeout=120)
    return [tuple(o) for o in job.outputs()]


def _texts(chat: list[dict[str, Any]]) -> list[str]:
    return ["".join(part.get("text", "") for part in m["content"]) for m in chat]


def _table_rows(table: Any) -> list[list[Any]]:
    return table["data"] if isinstance(table, dict) else table


def test_chat_streams_the_answer_then_shows_sources(live_app) -> None:
    client = _client(live_app)
    outputs = _ask(client, "Who keeps the lighthouse of Quenta?")

    streamed = [_texts(o[0])[-1] for o in outputs[1:-1]]  # between question and sources
    growing = [a for a in dict.fromkeys(streamed) if a]
    assert len(growing) >= 3, "the answer should arrive in several pieces"
    assert all(b.startswith(a) for a, b in itertools.pairwise(growing))
    chat, _, table, picker, standalone = outputs[-1]
    assert chat[0]["role"] == "user" and _texts(chat)[0] == "Who keeps the lighthouse of Quenta?"
    panel = chat[-1]
    assert panel["metadata"]["title"].startswith("Sources (")
    rows = _table_rows(table)
    assert ["quenta-guide.pdf", "2"] in [[r[1], str(r[2])] for r in rows]
    assert f"[{rows[0][0]}] {rows[0][1]}" in _texts([panel])[0]  # same numbering
    assert picker["choices"][0][0].startswith("[1] ")
    assert standalone == "Who keeps the lighthouse of Quenta?"

    # the session's sources stay on the server: /preview takes the citation's number
    n = next(r[0] for r in rows if [r[1], str(r[2])] == ["quenta-guide.pdf", "2"])
    picture, text = client.predict(n, "documents", api_name="/preview")
    assert not text["visible"]  # a PDF page is shown as a picture, not as text
    assert picture["visible"]
    with Image.open(picture["value"]) as shown:
        assert shown.width > 0 and highlighted_box(shown) is not None


def test_upload_then_ask_about_the_uploaded_file(live_app, tmp_path: Path) -> None:
    from gradio_client import handle_file

    note = tmp_path / "ferry notes.txt"
    note.write_text(
        "The Velmora ferry leaves from pier nine every Tuesday at seven in the morning.",
        encoding="utf-8",
    )
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    client = _client(live_app)

    status, report, scope, _files = client.predict(
        [handle_file(str(note)), handle_file(str(empty))], "documents", api_name="/upload"
    )

    saved = live_app.settings.store.path / "uploads" / "documents" / "ferry notes.txt"
    assert saved.read_text(encoding="utf-8").startswith("The Velmora ferry")
    by_name = {r[0]: r for r in _table_rows(report)}
    assert by_name["ferry notes.txt"][1] == "added"
    assert by_name["empty.txt"][1] == "skipped" and by_name["empty.txt"][2]  # with a reason
    assert "1 added" in status
    assert str(saved.resolve()) in [v for _, v in scope["choices"]]

    _, _, table, *_ = _ask(client, "When does the Velmora ferry leave?")[-1]
    assert "ferry notes.txt" in [r[1] for r in _table_rows(table)]


def test_scope_filter_limits_sources_to_the_chosen_files(live_app) -> None:
    client = _client(live_app)
    guide = str((live_app.docs / "quenta-guide.pdf").resolve())
    question = "Tell me about the lighthouse of Quenta and the capital of Zorbia."

    free = {r[1] for r in _table_rows(_ask(client, question)[-1][2])}
    scoped = {r[1] for r in _table_rows(_ask(client, question, scope=[guide])[-1][2])}

    assert free == {"quenta-guide.pdf", "zorbia.txt"}
    assert scoped == {"quenta-guide.pdf"}


def test_two_clients_at_once_keep_separate_histories(live_app) -> None:
    first, second = _client(live_app), _client(live_app)
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        a = pool.submit(_ask, first, "Who keeps the lighthouse of Quenta?")
        b = pool.submit(_ask, second, "What is the capital of Zorbia?")
        a.result(), b.result()

    chat = _ask(first, "How many steps does it have?")[-1][0]

    user_turns = [t for m, t in zip(chat, _texts(chat)) if m["role"] == "user"]
    assert user_turns == ["Who keeps the lighthouse of Quenta?", "How many steps does it have?"]
    chat2 = _ask(second, "Is Tellamar known for kites?")[-1][0]
    user_turns2 = [t for m, t in zip(chat2, _texts(chat2)) if m["role"] == "user"]
    assert user_turns2 == ["What is the capital of Zorbia?", "Is Tellamar known for kites?"]


def _ask_raw(url: str, question: str) -> list[dict[str, Any]]:
    """Ask through Gradio's queue API with JSON built here (``\\udce9`` escapes as some
    clients send them, which gradio_client and httpx refuse to encode); return the events."""
    import json
    import uuid

    import httpx

    url = url.rstrip("/")
    config = httpx.get(f"{url}/config", timeout=30).json()
    fn_index = next(n for n, dep in enumerate(config["dependencies"])
                    if dep.get("api_name") == "chat")
    session = uuid.uuid4().hex
    payload = {"data": [question, None, "documents", [], "hybrid", 4, "grounded_qa", 0.0],
               "fn_index": fn_index, "session_hash": session, "event_data": None,
               "trigger_id": None}
    body = json.dumps(payload).encode("ascii")  # ensure_ascii: lone surrogates as escapes
    joined = httpx.post(f"{url}/gradio_api/queue/join", content=body, timeout=30,
                        headers={"content-type": "application/json"})
    assert joined.status_code == 200, joined.text
    events = []
    with httpx.stream("GET", f"{url}/gradio_api/queue/data", params={"session_hash": session},
                      timeout=120) as stream:
        for line in stream.iter_lines():
            if line.startswith("data:"):
                events.append(json.loads(line[5:]))
                if events[-1].get("msg") == "process_completed":
                    break
    return events


def test_a_question_with_undecodable_characters_gets_an_answer(live_app) -> None:
    events = _ask_raw(live_app.url, "Who keeps the lighthouse of Quenta? caf\udce9 \udcff")
    done = events[-1]
    assert done["msg"] == "process_completed" and done["success"], done
    chat = done["output"]["data"][0]
    texts = _texts(chat)
    assert texts[0] == "Who keeps the lighthouse of Quenta? caf\ufffd \ufffd"  # shown cleaned
    assert chat[-1]["metadata"]["title"].startswith("Sources (")  # answered, with sources
    assert not any("\u26a0" in text for text in texts)
