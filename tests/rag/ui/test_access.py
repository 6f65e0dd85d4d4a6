"""With login enabled, nothing (pages, API, files) is reachable without it; hostile
requests to the running app get a clear refusal and touch nothing outside the
data folder. A live app on loopback with a fake chain (answers at once).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from rag.settings import Settings
from tests.servers import free_port

USER, PASSWORD = "alice", "correct horse battery staple"


@pytest.fixture(scope="module")
def guarded(tmp_path_factory, embeddings) -> Iterator[tuple[str, Settings, Path]]:
    from rag.index import open_index
    from rag.ui import build_app, launch
    from tests.rag.ui.conftest import FakeChain, add_file

    root = tmp_path_factory.mktemp("guarded")
    settings = Settings(
        store={"path": str(root / "data"), "collection": "vault7f3k"},
        ui={"host": "127.0.0.1", "port": free_port(), "username": USER, "password": PASSWORD,
            "max_upload_mb": 1, "collections": ["vault7f3k"]},
    )
    index = open_index(settings, embeddings=embeddings)
    add_file(index, "/docs/secret-plan.txt", {0: ["The launch code is 0000."]})
    demo = build_app(settings, index=index, chain=FakeChain())
    launch(demo, settings, prevent_thread_lock=True, quiet=True)
    try:
        yield f"http://127.0.0.1:{settings.ui.port}", settings, root
    finally:
        demo.close()
        index.close()


PROTECTED = [  # (method, path, also requested after login: routes that answer at once)
    ("GET", "/config", True),
    ("GET", "/gradio_api/info", True),
    ("GET", "/gradio_api/info?all_endpoints=true", True),
    ("POST", "/gradio_api/call/chat", True),
    ("POST", "/gradio_api/queue/join", True),
    ("POST", "/gradio_api/upload", True),
    ("GET", "/gradio_api/file=/etc/passwd", True),
    ("GET", "/gradio_api/file=/docs/secret-plan.txt", True),
    ("GET", "/gradio_api/queue/data?session_hash=x", False),  # streams once logged in
]


@pytest.mark.parametrize(("method", "path", "after_login"), PROTECTED)
def test_nothing_is_served_without_login(guarded, method: str, path: str, after_login: bool) -> None:
    url, _, _ = guarded
    body = {"json": {}} if method == "POST" else {}
    with httpx.Client(base_url=url, timeout=10) as client:
        response = client.request(method, path, **body)
        assert response.status_code == 401, (path, response.status_code)
        assert "0000" not in response.text and "secret-plan" not in response.text
        if after_login:  # the route exists: the 401 was the missing login, nothing else
            client.post("/login", data={"username": USER, "password": PASSWORD})
            assert client.request(method, path, **body).status_code != 401


def test_the_page_without_login_is_only_the_login_form(guarded) -> None:
    url, _, _ = guarded
    page = httpx.get(url + "/", timeout=10)
    assert "secret-plan" not in page.text and "vault7f3k" not in page.text
    assert httpx.get(url + "/config", timeout=10).status_code == 401


def test_a_wrong_password_is_refused_and_the_right_one_works(guarded) -> None:
    url, _, _ = guarded
    with httpx.Client(base_url=url, timeout=10) as client:
        bad = client.post("/login", data={"username": USER, "password": "guess"})
        assert bad.status_code >= 400
        assert client.get("/config").status_code == 401
        good = client.post("/login", data={"username": USER, "password": PASSWORD})
        assert good.status_code < 400
        assert client.get("/config").status_code == 200
        assert client.get("/gradio_api/info").status_code == 200


def test_other_collections_are_not_served(guarded) -> None:
    from gradio_client import Client

    url, _, _ = guarded
    client = Client(url + "/", auth=(USER, PASSWORD), verbose=False)
    job = client.submit("What is the code?", "someone-elses", [], "hybrid", 4, "grounded_qa",
                        0.0, api_name="/chat")
    job.result(timeout=60)
    chat = job.outputs()[-1][0]
    assert "not available in this app" in str(chat[-1]["content"])


def test_server_files_cannot_be_passed_off_as_uploads(guarded) -> None:
    url, settings, _ = guarded
    with httpx.Client(base_url=url, timeout=30) as client:
        client.post("/login", data={"username": USER, "password": PASSWORD})
        sent = client.post("/gradio_api/call/upload", json={"data": [
            [{"path": "/etc/passwd", "meta": {"_type": "gradio.FileData"}}], "vault7f3k"]})
        assert sent.status_code == 200
        events = client.get(f"/gradio_api/call/upload/{sent.json()['event_id']}").text
    assert "event: error" in events and "root:" not in events
    assert not any(settings.store.path.rglob("passwd"))
