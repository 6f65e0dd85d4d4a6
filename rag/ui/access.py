"""Login in front of every route of the web app, not only the routes Gradio guards.

Gradio checks the login on its config, API, queue and file routes, but answers
others without it: the heartbeat stream (``/gradio_api/heartbeat/<session>``),
the run history page, FastAPI's ``/openapi.json``, and more. With a login
configured, :func:`rag.ui.app.launch` puts :class:`LoginRequired` on Gradio's
FastAPI app (through ``launch(app_kwargs={"middleware": ...})``); it answers
401 to every request without a valid login, except the few paths the login
form needs (:func:`is_open`). Without a login, the page at ``/`` is Gradio's
login form, and the description of the app's API that Gradio embeds in it is
replaced by an empty one.

Whether a request is logged in is asked of Gradio itself: the middleware
passes the request's cookies to Gradio's ``/gradio_api/login_check`` route,
inside the process. The password check, the session tokens and logout stay
Gradio's.
"""

from __future__ import annotations

import re

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocketClose

__all__ = [
    "LOGIN_PAGE",
    "OPEN_PATHS",
    "OPEN_PREFIXES",
    "STARTUP_EVENTS",
    "LoginRequired",
    "is_open",
]

LOGIN_PAGE = "/"
"""Gradio's page: the login form until login, the app after it."""
STARTUP_EVENTS = "/gradio_api/startup-events"
"""Called by ``gr.Blocks.launch`` itself, without login, once the server is up."""
OPEN_PATHS = frozenset(
    {LOGIN_PAGE, "/login", "/login/", "/theme.css", "/favicon.ico", STARTUP_EVENTS}
)
"""Paths served without login: the login form, the password check, its look, startup."""
OPEN_PREFIXES = ("/assets/", "/static/")
"""Folders served without login: the scripts, styles and fonts Gradio ships."""
LOGIN_CHECK = "/gradio_api/login_check"

_API_INFO = re.compile(rb"window\.gradio_api_info = .*?;</script>", re.DOTALL)
_NO_API_INFO = (
    b'window.gradio_api_info = {"named_endpoints": {}, "unnamed_endpoints": {}};</script>'
)


def is_open(path: str) -> bool:
    """Say whether ``path`` is served without login.

    Args:
        path: The request path, without the app's root path.

    Returns:
        True for :data:`OPEN_PATHS` and for files under :data:`OPEN_PREFIXES`;
        never for a path with a ``..`` segment.
    """
    if ".." in path.split("/"):
        return False
    return path in OPEN_PATHS or path.startswith(OPEN_PREFIXES)


def route_path(scope: Scope) -> str:
    """Return the request path without the app's root path (``/`` when empty).

    Args:
        scope: The ASGI scope of an HTTP or WebSocket request.
    """
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if root and path.startswith(root):
        return path[len(root) :] or "/"
    return path


def strip_api_info(body: bytes) -> bytes:
    """Replace the API description in Gradio's page with an empty one.

    Args:
        body: The HTML of Gradio's page.

    Returns:
        The page without the names, parameters and defaults of the app's endpoints.

    Raises:
        RuntimeError: The page holds an API description in a form this does not
            know (a newer Gradio): better no login page than a leaking one.
    """
    stripped, count = _API_INFO.subn(_NO_API_INFO, body, count=1)
    if count != 1 and b"gradio_api_info" in body:
        raise RuntimeError("cannot remove the API description from Gradio's login page")
    return stripped


def _without_api_info(send: Send) -> Send:
    """Wrap ``send`` so the response body passes :func:`strip_api_info` first."""
    start: Message = {}
    chunks: list[bytes] = []

    async def send_stripped(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            start = message
            return
        if message["type"] != "http.response.body":
            await send(message)
            return
        chunks.append(message.get("body", b""))
        if message.get("more_body", False):
            return
        body = strip_api_info(b"".join(chunks))
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": body, "more_body": False})

    return send_stripped


async def _refuse(scope: Scope, receive: Receive, send: Send) -> None:
    """Answer 401 (HTTP) or close the connection (WebSocket)."""
    if scope["type"] == "websocket":
        await WebSocketClose(code=1008, reason="Not authenticated")(scope, receive, send)
        return
    response = JSONResponse({"detail": "Not authenticated"}, status_code=401)
    await response(scope, receive, send)


class LoginRequired:
    """ASGI middleware: without a login, only :func:`is_open` paths are served.

    Args:
        app: The application below (Gradio's routes).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve the request, serve the bare login page, or answer 401."""
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        path = route_path(scope)
        if path != LOGIN_PAGE and is_open(path):
            await self.app(scope, receive, send)
        elif await self.logged_in(scope):
            await self.app(scope, receive, send)
        elif path == LOGIN_PAGE:
            await self.app(scope, receive, _without_api_info(send))
        else:
            await _refuse(scope, receive, send)

    async def logged_in(self, scope: Scope) -> bool:
        """Ask Gradio's login check, with the request's cookies, whether it is logged in.

        Args:
            scope: The ASGI scope of the request.

        Returns:
            True when Gradio's ``/gradio_api/login_check`` answers 200.
        """
        path = scope.get("root_path", "") + LOGIN_CHECK
        scheme = scope.get("scheme", "http")
        probe: Scope = {
            **scope,
            "type": "http",
            "method": "GET",
            "scheme": {"ws": "http", "wss": "https"}.get(scheme, scheme),
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "state": dict(scope.get("state", {})),
        }
        status = 0

        async def receive() -> Message:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]

        await self.app(probe, receive, send)
        return status == 200
