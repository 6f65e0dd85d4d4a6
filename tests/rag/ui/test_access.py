"""With login enabled, nothing (pages, API, files) is reachable without it; hostile
requests to the running app get a clear refusal and touch nothing outside the
data folder. A live app on loopback with a fake chain (answers at once).

The routes are read from the running FastAPI app itself, so a route that a newer
Gradio adds is checked too: without login it answers 401, unless it is one of the
few the login form needs (``OPEN_ROUTES``, listed in docs/security.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from rag.settings import Settings
from tests.rag.ui.test_browser import browser  # noqa: F401  (Debian's Chromium)
from tests.servers import free_port

USER, PASSWORD = "alice", "correct horse battery staple"
SECRETS = ("0000", "secret-plan", "vault7f3k")
SECURITY_DOC = Path(__file__).resolve().parents[3] / "docs" / "security.md"

OPEN_ROUTES = {  # served without login: what the login form needs (docs/security.md)
    "/",
    "/login",
    "/login/",
    "/assets/{path:path}",
    "/static/{path:path}",
    "/theme.css",
    "/favicon.ico",
    "/gradio_api/startup-events",
}
WERE_OPEN = {  # answered without login before the login middleware (issue #18, item 7)
    "/gradio_api/heartbeat/{session_hash}",
    "/gradio_api/runs",
    "/gradio_api/token",
    "/gradio_api/user",
    "/openapi.json",
    "/logout",
}


@dataclass
class Guarded:
    """The app with a login, served on loopback."""

    url: str
    settings: Settings
    root: Path
    app: Any  # the FastAPI app that gr.Blocks.launch returns


@pytest.fixture(scope="module")
def guarded(tmp_path_factory, embeddings) -> Iterator[Guarded]:
    """The app with a login over one secret file, served until the module's tests end."""
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
    app, _, _ = launch(demo, settings, prevent_thread_lock=True, quiet=True)
    try:
        yield Guarded(f"http://127.0.0.1:{settings.ui.port}", settings, root, app)
    finally:
        demo.close()
        index.close()


def routes(app: Any) -> list[tuple[str, str]]:
    """Every (method, path template) the app serves, included routers expanded."""
    from fastapi.routing import iter_route_contexts

    return sorted(
        (method, route.path)
        for route in iter_route_contexts(app.routes)
        for method in route.methods or ("GET",)  # a mount has no methods of its own
    )


def status_of(client: httpx.Client, method: str, template: str) -> tuple[int, str]:
    """Request ``template`` with every path parameter set to ``x``.

    Returns:
        The status and, for an error, the body (streams such as the heartbeat are
        not read); status 0 when the server dropped the connection (some Gradio
        routes do on an unknown ``api_name``, login or not).
    """
    path = re.sub(r"\{[^}]*\}", "x", template)
    body = {"json": {}} if method == "POST" else {}
    try:
        with client.stream(method, path, **body) as response:
            text = response.read().decode() if response.status_code >= 400 else ""
            return response.status_code, text
    except (httpx.RemoteProtocolError, httpx.ReadError):
        return 0, ""


def log_in(client: httpx.Client) -> None:
    """Log ``client`` in (Gradio's session cookie), asserting that it worked."""
    assert client.post("/login", data={"username": USER, "password": PASSWORD}).status_code == 200


def test_every_route_but_the_login_forms_answers_401_without_login(guarded) -> None:
    closed = [(m, p) for m, p in routes(guarded.app) if p not in OPEN_ROUTES]
    assert WERE_OPEN <= {p for _, p in closed}  # the routes seen open are among those checked
    wrong = []
    with httpx.Client(base_url=guarded.url, timeout=10) as client:
        for method, path in closed:
            status, text = status_of(client, method, path)
            if status != 401 or any(secret in text for secret in SECRETS):
                wrong.append((method, path, status))
    assert not wrong, wrong


def test_every_route_answers_after_login(guarded) -> None:
    wrong = []
    with httpx.Client(base_url=guarded.url, timeout=10) as client:
        log_in(client)
        for method, path in routes(guarded.app):
            if path == "/logout":  # tested below
                continue
            status, text = status_of(client, method, path)
            # the run history's bucket routes ask for a Hugging Face token: a 401 of their own
            if status == 401 and "Not authenticated" in text:
                wrong.append((method, path))
    assert not wrong, wrong  # the 401s above were the missing login, nothing else


def test_only_the_login_forms_routes_are_open_and_the_docs_name_them(guarded) -> None:
    served = {p for _, p in routes(guarded.app)}
    assert OPEN_ROUTES <= served  # each open route exists, so the list is not stale
    page = httpx.get(guarded.url + "/", timeout=10).text
    script = re.search(r'src="\./(assets/[^"]+\.js)"', page)
    assert script, page[:500]
    for path in ["/", f"/{script[1]}", "/static/js/iframeResizer.contentWindow.min.js",
                 "/theme.css", "/favicon.ico", "/gradio_api/startup-events"]:
        assert httpx.get(guarded.url + path, timeout=10).status_code == 200, path
    # startup ran when the app was launched: calling it again does nothing
    assert httpx.get(guarded.url + "/gradio_api/startup-events", timeout=10).json() is False
    doc = SECURITY_DOC.read_text(encoding="utf-8")
    for template in OPEN_ROUTES:  # a row of the table of open routes: | `/assets/…` | ...
        assert f"| `{re.sub(r'[{][^}]*[}]', '…', template)}` |" in doc, template


@pytest.mark.parametrize("path", [
    "/no-such-page",
    "/assets/%2e%2e/config",
    "/static/%2e%2e/%2e%2e/gradio_api/info",
    "/gradio_api/heartbeat/x",
])
def test_paths_outside_the_open_routes_answer_401(guarded, path: str) -> None:
    assert httpx.get(guarded.url + path, timeout=10).status_code == 401


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
    ("GET", "/gradio_api/heartbeat/x", False),  # streams once logged in
]


@pytest.mark.parametrize(("method", "path", "after_login"), PROTECTED)
def test_nothing_is_served_without_login(
    guarded, method: str, path: str, after_login: bool
) -> None:
    body = {"json": {}} if method == "POST" else {}
    with httpx.Client(base_url=guarded.url, timeout=10) as client:
        response = client.request(method, path, **body)
        assert response.status_code == 401, (path, response.status_code)
        assert not any(secret in response.text for secret in SECRETS)
        if after_login:  # the route exists: the 401 was the missing login, nothing else
            log_in(client)
            assert client.request(method, path, **body).status_code != 401


def test_the_page_without_login_is_only_the_login_form(guarded) -> None:
    page = httpx.get(guarded.url + "/", timeout=10)
    assert page.status_code == 200 and '"auth_required":true' in page.text
    assert not any(secret in page.text for secret in SECRETS)
    # no API description either: endpoint names, parameters, defaults come after login
    assert '"named_endpoints": {}' in page.text
    assert "/chat" not in page.text and "parameter_name" not in page.text
    with httpx.Client(base_url=guarded.url, timeout=10) as client:
        log_in(client)
        assert "parameter_name" in client.get("/").text  # it is there once logged in


def test_logging_out_closes_every_route_again(guarded) -> None:
    with httpx.Client(base_url=guarded.url, timeout=10) as client:
        log_in(client)
        assert client.get("/config").status_code == 200
        client.get("/logout")
        assert client.get("/config").status_code == 401
        assert status_of(client, "GET", "/gradio_api/heartbeat/{session_hash}")[0] == 401


def test_a_wrong_password_is_refused_and_the_right_one_works(guarded) -> None:
    with httpx.Client(base_url=guarded.url, timeout=10) as client:
        bad = client.post("/login", data={"username": USER, "password": "guess"})
        assert bad.status_code >= 400
        assert client.get("/config").status_code == 401
        good = client.post("/login", data={"username": USER, "password": PASSWORD})
        assert good.status_code < 400
        assert client.get("/config").status_code == 200
        assert client.get("/gradio_api/info").status_code == 200


@pytest.mark.browser
def test_the_login_form_works_in_a_browser(guarded, browser) -> None:  # noqa: F811
    page = browser.new_page()
    failed: list[str] = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.goto(guarded.url + "/")
    page.get_by_label("username").fill(USER)
    page.get_by_label("password").fill(PASSWORD)
    page.get_by_role("button", name="Login").click()
    page.locator("#question textarea").wait_for(timeout=30_000)
    page.close()
    assert not failed, failed  # the login form loaded everything it asked for


def test_a_login_page_whose_api_description_cannot_be_removed_is_not_served() -> None:
    from rag.ui.access import strip_api_info

    known = b'<script>window.gradio_api_info = {"named_endpoints":{"/chat":{}}};</script>'
    assert b"/chat" not in strip_api_info(known)
    with pytest.raises(RuntimeError):  # a newer Gradio's page: no login page, not a leak
        strip_api_info(b'<script>window.gradio_api_info={"named_endpoints":{"/chat":{}}}</script>')


def test_a_websocket_without_login_is_closed() -> None:
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from rag.ui.access import LoginRequired

    reached: list[str] = []

    async def gradio(scope, receive, send) -> None:  # its login check says "not logged in"
        reached.append(scope["path"])
        await send({"type": "http.response.start", "status": 401, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "websocket", "scheme": "ws", "path": "/gradio_api/ws", "root_path": "",
             "headers": [], "query_string": b""}
    with ThreadPoolExecutor(1) as thread:  # Playwright's sync API may run a loop in this one
        thread.submit(asyncio.run, LoginRequired(gradio)(scope, None, send)).result()
    assert reached == ["/gradio_api/login_check"]  # asked, then refused: never passed on
    assert sent == [{"type": "websocket.close", "code": 1008, "reason": "Not authenticated"}]


def test_other_collections_are_not_served(guarded) -> None:
    from gradio_client import Client

    client = Client(guarded.url + "/", auth=(USER, PASSWORD), verbose=False)
    job = client.submit("What is the code?", "someone-elses", [], "hybrid", 4, "grounded_qa",
                        0.0, api_name="/chat")
    job.result(timeout=60)
    chat = job.outputs()[-1][0]
    assert "not available in this app" in str(chat[-1]["content"])
    status, *_ = client.predict("someone-elses", api_name="/adapt")  # the rules of uploads
    assert "not available in this app" in status


def test_server_files_cannot_be_passed_off_as_uploads(guarded) -> None:
    settings = guarded.settings
    with httpx.Client(base_url=guarded.url, timeout=30) as client:
        log_in(client)
        sent = client.post("/gradio_api/call/upload", json={"data": [
            [{"path": "/etc/passwd", "meta": {"_type": "gradio.FileData"}}], "vault7f3k"]})
        assert sent.status_code == 200
        events = client.get(f"/gradio_api/call/upload/{sent.json()['event_id']}").text
    assert "event: error" in events and "root:" not in events
    assert not any(settings.store.path.rglob("passwd"))
