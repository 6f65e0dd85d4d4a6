"""The web app's event handlers: Gradio values in, Gradio values out.

Each browser session keeps its own conversation in a ``gr.State`` (a list of
turns ``{"role", "content", "shown", "sources"}``: the raw text, and for
answers their rendered bubble and sources); the chat window is re-rendered
from it with every text escaped. Import this module through
:func:`rag.ui.build_app`, which switches Gradio analytics off first.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import gradio as gr

from rag.answer import Answer
from rag.answer.context import scrub_surrogates
from rag.errors import ConfigError, RagError
from rag.ui.backend import ChatOptions, UIBackend, describe_error
from rag.ui.page_image import can_render
from rag.ui.render import (
    answer_content,
    chat_sources_message,
    file_choices,
    inert,
    preview_choices,
    preview_html,
    report_rows,
    source_rows,
    sources_to_state,
)
from rag.ui.tuning import ModelInfo, Tuning, progress_text

__all__ = ["Handlers", "render_chat"]

logger = logging.getLogger(__name__)

Turn = dict[str, Any]


def render_chat(turns: Sequence[Turn]) -> list[dict[str, Any]]:
    """Build the chat window's messages from the session's turns.

    Args:
        turns: ``{"role", "content", "shown"?, "sources"?}`` dicts: the raw
            text, the rendered answer bubble and sources message.

    Returns:
        Gradio message dicts with escaped text; an answer's sources follow it
        as a closed accordion.
    """
    messages: list[dict[str, Any]] = []
    for turn in turns:
        content = turn.get("shown") or inert(turn["content"])
        messages.append({"role": turn["role"], "content": content})
        if turn.get("sources"):
            messages.append(turn["sources"])
    return messages


def _chain_history(turns: Sequence[Turn]) -> list[dict[str, str]]:
    return [{"role": t["role"], "content": t["content"]} for t in turns if not t.get("error")]


def _log(exc: BaseException) -> None:
    if isinstance(exc, RagError):
        logger.info("request refused: %s", exc)
    else:
        logger.exception("request failed")


class Handlers:
    """Event handlers bound to one shared :class:`UIBackend`.

    Args:
        backend: The app's shared services.
        tuning: Tunes collections' embedding models; defaults to ``Tuning(backend)``.
    """

    def __init__(self, backend: UIBackend, *, tuning: Tuning | None = None) -> None:
        self.backend = backend
        self.tuning = tuning or Tuning(backend)

    # -- page and collection --------------------------------------------------------

    def on_load(self) -> tuple[Any, ...]:
        """Fill the collection picker and what :meth:`on_collection` fills."""
        collection = self.backend.default_collection
        names = self.backend.collections()
        return (
            gr.update(choices=names, value=collection),
            *self.on_collection(collection),
        )

    def on_collection(self, collection: str) -> tuple[Any, ...]:
        """Show the files and the embedding model of the chosen collection; reset the scope.

        A name that is not in the store yet is not created here: the first
        upload (or question) creates it.

        Outputs: scope filter, file list, model line, adapt button, go-back button.
        """
        try:
            if collection not in self.backend.collections():
                self.backend.check_collection(collection)
                return gr.update(choices=[], value=[]), [], *_model_outputs(
                    self.tuning.configured(), can_adapt=False)
            files = self.backend.files(collection)
            model = self.tuning.model(collection)
        except Exception as exc:  # noqa: BLE001 - the UI turns every failure into a message
            _log(exc)
            gr.Warning(describe_error(exc))
            return gr.update(choices=[], value=[]), [], "", *_buttons(False, False)
        return (gr.update(choices=file_choices(files), value=[]), _file_rows(files),
                *_model_outputs(model))

    # -- chat ---------------------------------------------------------------------------

    def chat(
        self,
        message: str,
        turns: list[Turn],
        collection: str,
        scope: list[str] | None,
        mode: str,
        top_k: float,
        template: str,
        temperature: float,
    ) -> Iterator[tuple[Any, ...]]:
        """Stream one answer into the chat window, then show its sources.

        Outputs: chat window, session turns, question box, sources table,
        sources state, preview picker, standalone question.
        """
        message = scrub_surrogates(message or "").strip()  # undecodable bytes: U+FFFD
        if not message:
            yield (gr.skip(),) * 7
            return
        turns = list(turns or [])
        history = _chain_history(turns)
        turns.append({"role": "user", "content": message})
        shown = render_chat(turns)  # the chat shows a "pending" indicator until text comes
        yield shown, turns, "", [], [], gr.update(choices=[], value=None), ""
        shown = [*shown, {"role": "assistant", "content": ""}]
        options = ChatOptions(
            mode=mode or None,
            top_k=int(top_k) if top_k else None,
            template=template or None,
            temperature=temperature,
        )
        text, answer = "", None
        try:
            for piece in self.backend.ask(
                message, history, collection=collection, scope=scope, options=options
            ):
                if isinstance(piece, Answer):
                    answer = piece
                else:
                    text += piece
                    shown[-1] = {"role": "assistant", "content": inert(text)}
                    yield shown, gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
            if answer is None:
                raise RuntimeError("the chain ended without an answer")
        except Exception as exc:  # noqa: BLE001 - the UI turns every failure into a message
            _log(exc)
            turns.append(
                {"role": "assistant", "content": f"⚠ {describe_error(exc)}", "error": True}
            )
            yield render_chat(turns), turns, gr.skip(), [], [], gr.skip(), ""
            return
        turns.append({"role": "assistant", "content": answer.text,
                      "shown": answer_content(answer), "sources": chat_sources_message(answer)})
        state = sources_to_state(answer)
        yield (
            render_chat(turns),
            turns,
            gr.skip(),
            source_rows(answer.sources),
            state,
            gr.update(choices=preview_choices(state), value=None),
            answer.standalone_question,
        )

    @staticmethod
    def clear() -> tuple[Any, ...]:
        """Forget this session's conversation and sources.

        Outputs: chat window, session turns, sources table, sources state,
        preview picker, page text, page picture, standalone question.
        """
        return ([], [], [], [], gr.update(choices=[], value=None), gr.update(visible=True, value=""),
                _no_picture(), "")

    def preview(self, n: int | None, sources: list[dict[str, Any]], collection: str
                ) -> tuple[Any, Any]:
        """Show the page a citation points at, its quotes highlighted.

        A page of a PDF or image file is shown as a picture; a file without
        pages (or a page that cannot be pictured, with the reason) as its
        indexed text, the quotes marked.

        Outputs: page picture, page text (HTML).
        """
        item = next((s for s in sources or [] if s["n"] == n), None)
        if item is None:
            return _no_picture(), gr.update(visible=True, value="")
        note = ""
        if item["page"] and can_render(item["source"]):
            try:
                picture = self.backend.page_image(collection, item["source"], item["page"],
                                                  item["chunk_id"], item.get("quotes", ()))
            except Exception as exc:  # noqa: BLE001 - the UI turns every failure into a message
                _log(exc)
                note = describe_error(exc)
            else:
                return gr.update(visible=True, value=picture), gr.update(visible=False, value="")
        return _no_picture(), gr.update(visible=True, value=self._page_text(item, collection, note))

    def _page_text(self, item: dict[str, Any], collection: str, note: str = "") -> str:
        """The cited page's indexed text, its quotes marked, after ``note`` (why no picture)."""
        try:
            chunks = self.backend.page_chunks(
                collection, item["source"], item["page"], item["chunk_id"]
            )
        except Exception as exc:  # noqa: BLE001 - the UI turns every failure into a message
            _log(exc)
            return inert(describe_error(exc))
        shown = preview_html(chunks, item["chunk_id"], item.get("quotes", ()))
        shown = shown or "(this page has no indexed text)"
        return f"⚠ {inert(note)}; its indexed text:\n\n{shown}" if note else shown

    # -- documents ----------------------------------------------------------------------

    def upload(
        self,
        files: list[str] | None,
        collection: str,
        progress: gr.Progress = gr.Progress(),  # noqa: B008 - Gradio's injection idiom
    ) -> tuple[Any, ...]:
        """Save and ingest uploaded files; report per file and refresh the file lists.

        Outputs: status line, report table, scope filter, file list.
        """
        if not files:
            return "No files uploaded.", [], gr.skip(), gr.skip()
        try:
            _check_in_upload_cache(files)

            def on_progress(update: Any) -> None:
                progress(
                    update.fraction,
                    desc=f"{update.files_done}/{update.files_total} files "
                    f"({update.chunks_written} chunks)",
                )

            with self.tuning.busy(collection, "files are being added to it"):
                saved, report = self.backend.ingest_uploads(
                    files, collection, progress=on_progress
                )
            indexed = self.backend.files(collection)
        except Exception as exc:  # noqa: BLE001 - the UI turns every failure into a message
            _log(exc)
            return f"⚠ {inert(describe_error(exc))}", [], gr.skip(), gr.skip()
        rows = report_rows(report.entries if report else [], saved.rejected)
        summary = report.summary() if report is not None else "nothing ingested"
        if saved.rejected:
            summary = f"{len(saved.rejected)} rejected; {summary}"
        return (
            inert(summary),
            rows,
            gr.update(choices=file_choices(indexed)),
            _file_rows(indexed),
        )

    # -- the embedding model ------------------------------------------------------------

    @staticmethod
    def hold(status: str) -> tuple[Any, ...]:
        """Say what starts and disable both model buttons until it ends.

        Outputs: tune status, model line, adapt button, go-back button.
        """
        return inert(status), gr.skip(), *_buttons(False, False)

    def adapt(
        self,
        collection: str,
        progress: gr.Progress = gr.Progress(),  # noqa: B008 - Gradio's injection idiom
    ) -> tuple[Any, ...]:
        """Tune the collection's embedding model on its documents, showing progress.

        Outputs: tune status, model line, adapt button, go-back button.
        """
        return self._model_action(self.tuning.adapt, collection, progress)

    def go_back(
        self,
        collection: str,
        progress: gr.Progress = gr.Progress(),  # noqa: B008 - Gradio's injection idiom
    ) -> tuple[Any, ...]:
        """Go back to the model the collection used before its tuned one.

        Outputs: tune status, model line, adapt button, go-back button.
        """
        return self._model_action(self.tuning.go_back, collection, progress)

    def _model_action(
        self, action: Callable[..., str], collection: str, progress: Callable[..., Any]
    ) -> tuple[Any, ...]:
        def on_progress(stage: str, done: int, total: int, seconds: float) -> None:
            desc, unit = progress_text(stage, done, total, seconds)
            progress((done, total), desc=desc, unit=unit)

        try:
            status = action(collection, progress=on_progress)
        except Exception as exc:  # noqa: BLE001 - the UI turns every failure into a message
            _log(exc)
            status = f"⚠ {describe_error(exc)}"
        try:
            model = self.tuning.model(collection)
        except Exception as exc:  # noqa: BLE001 - the UI turns every failure into a message
            _log(exc)
            return inert(status), inert(f"⚠ {describe_error(exc)}"), *_buttons(True, False)
        return inert(status), *_model_outputs(model)


def _model_outputs(model: ModelInfo, *, can_adapt: bool = True) -> tuple[Any, ...]:
    """The model line, and the two buttons enabled when they can do something."""
    return inert(model.line), *_buttons(can_adapt, model.tuned)


def _no_picture() -> Any:
    return gr.update(visible=False, value=None)


def _buttons(adapt: bool, go_back: bool) -> tuple[Any, Any]:
    return gr.update(interactive=adapt), gr.update(interactive=go_back)


def _file_rows(files: Sequence[str]) -> list[list[str]]:
    return [[Path(f).name, f] for f in files]


def _check_in_upload_cache(files: Sequence[str]) -> None:
    cache = Path(gr.utils.get_upload_folder()).resolve()
    for f in files:
        if not Path(f).resolve().is_relative_to(cache):
            raise ConfigError("uploads must come through the upload box")
