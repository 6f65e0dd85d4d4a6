"""The Gradio web app: streaming chat with visible sources, upload, scope and settings.

Importing this package does no work and does not import Gradio:
:func:`build_app` switches analytics off first, then builds the Blocks.

What lives here: the Blocks (:mod:`~rag.ui.app`), the event handlers
(:mod:`~rag.ui.handlers`) and the backend they call (:mod:`~rag.ui.backend`),
rendering (:mod:`~rag.ui.render`, :mod:`~rag.ui.cited`,
:mod:`~rag.ui.passages`, :mod:`~rag.ui.page_image`), uploads, login and
tuning (:mod:`~rag.ui.uploads`, :mod:`~rag.ui.access`, :mod:`~rag.ui.tuning`).
May import everything below the faces; never the CLI.

Example:
    >>> from rag.ui import build_app, launch
    >>> demo = build_app()          # doctest: +SKIP
    >>> launch(demo)                # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rag.ui.app import build_app, launch
    from rag.ui.backend import ChatOptions, UIBackend

__all__ = ["ChatOptions", "UIBackend", "build_app", "launch"]

_HOMES = {
    "build_app": "rag.ui.app",
    "launch": "rag.ui.app",
    "ChatOptions": "rag.ui.backend",
    "UIBackend": "rag.ui.backend",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'rag.ui' has no attribute {name!r}")
