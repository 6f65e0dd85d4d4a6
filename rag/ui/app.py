"""The Gradio Blocks layout of the web app, and how it is launched.

:func:`build_app` wires a :class:`~rag.ui.backend.UIBackend` (one LLM, the
indexes, ingest) to the page: a chat tab with sources, scope and settings, and
a documents tab for uploads and the collection's embedding model (adapt it to
the documents, or go back: :mod:`rag.ui.tuning`). Questions share the one LLM
through a queue (``concurrency_id="llm"``, one at a time); uploads run in
their own queue, so ingesting never blocks chatting, and so do tunes.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import TYPE_CHECKING, Any

from rag.errors import ConfigError
from rag.models import ensure_offline
from rag.models.capability import qa_template_name
from rag.settings import RETRIEVAL_MODES, Settings, load_settings
from rag.ui.render import REPORT_HEADERS, SOURCE_HEADERS

if TYPE_CHECKING:
    import gradio as gr

    from rag.ui.backend import UIBackend
    from rag.ui.tuning import Tuning

__all__ = ["build_app", "launch"]

logger = logging.getLogger(__name__)

_QA_VARIABLES = {"context", "question"}
# The page preview: text as written (line breaks kept), the quotes highlighted
# and scrolled into view.
_PREVIEW_TEMPLATE = '<div class="page-text">${value}</div>'
_PREVIEW_CSS = ".page-text { white-space: pre-wrap; } mark { padding: 0 1px; }"
_SHOW_MARK = (
    "watch('value', () => element.querySelector('mark')?.scrollIntoView({block: 'nearest'}))"
)


def _qa_templates(settings: Settings, current: str) -> list[str]:
    """The answer templates the dropdown offers: every QA template, and ``current``."""
    from prompts import PromptTemplateError, available_templates, load_spec

    folder = settings.prompts.directory
    names = []
    for name in available_templates(folder):
        try:
            spec = load_spec(name, folder)
        except PromptTemplateError:
            continue
        if _QA_VARIABLES <= set(spec.input_variables):
            names.append(name)
    if current not in names:
        names.append(current)
    return names


def build_app(
    settings: Settings | None = None,
    *,
    backend: UIBackend | None = None,
    tuning: Tuning | None = None,
    **components: Any,
) -> gr.Blocks:
    """Build the web app; nothing heavy loads until the first request.

    Args:
        settings: Defaults to :func:`rag.settings.load_settings`.
        backend: The shared services; defaults to ``UIBackend(settings, **components)``.
        tuning: Adapts collections' embedding models; defaults to ``Tuning(backend)``.
        **components: Keyword arguments of :class:`~rag.ui.backend.UIBackend`:
            ``llm``, ``index``, ``embeddings``, ``client``, ``chain``,
            ``chain_factory``, ``ingest_fn``, ``ocr``.

    Returns:
        The Gradio Blocks, not yet launched.
    """
    ensure_offline()  # before Gradio is imported: analytics off
    import gradio as gr

    from rag.ui.backend import UIBackend
    from rag.ui.handlers import Handlers

    settings = settings or (backend.settings if backend else load_settings())
    backend = backend or UIBackend(settings, **components)
    h = Handlers(backend, tuning=tuning)
    qa_template = qa_template_name(settings)
    templates = _qa_templates(settings, qa_template)

    with gr.Blocks(title="Document chat", analytics_enabled=False) as demo:
        turns = gr.State([])
        last_sources = gr.State([])
        gr.Markdown("## Document chat\nAnswers come from your indexed documents, with sources.")
        with gr.Tabs():
            with gr.Tab("Chat"), gr.Row():
                with gr.Column(scale=3):
                    chatbot = gr.Chatbot(
                        label="Conversation",
                        height=460,
                        render_markdown=False,  # document and model text stay inert
                        sanitize_html=True,
                        latex_delimiters=[],
                        buttons=["copy", "copy_all"],
                        placeholder="Ask a question about your documents.",
                        elem_id="chat",
                    )
                    with gr.Row():
                        question = gr.Textbox(
                            placeholder="Ask about your documents…",
                            show_label=False,
                            scale=6,
                            elem_id="question",
                        )
                        send = gr.Button("Send", variant="primary", scale=1, elem_id="send")
                        clear = gr.Button("Clear chat", scale=1, elem_id="clear")
                    standalone = gr.Textbox(
                        label="Question used for retrieval",
                        visible=False,
                        interactive=False,
                        elem_id="standalone",
                    )
                    with gr.Accordion("Sources of the last answer", open=True):
                        sources_table = gr.Dataframe(
                            headers=SOURCE_HEADERS,
                            datatype=["number", "str", "str", "number", "str"],
                            interactive=False,
                            wrap=True,
                            column_widths=["6%", "22%", "8%", "10%", "54%"],
                            elem_id="sources",
                        )
                        preview_pick = gr.Dropdown(
                            label="Preview a cited page", choices=[], elem_id="preview-pick"
                        )
                        preview_image = gr.Image(  # a PDF or image page, the quotes highlighted
                            label="Cited page",
                            type="pil",
                            format="png",  # lossless: small print stays sharp
                            interactive=False,
                            sources=[],
                            buttons=["fullscreen"],
                            height=640,
                            visible=False,
                            elem_id="preview-image",
                        )
                        preview_text = gr.HTML(  # escaped text, the quotes in <mark>
                            label="Page text (from the index)",
                            show_label=True,
                            container=True,
                            padding=True,
                            max_height=380,
                            html_template=_PREVIEW_TEMPLATE,
                            css_template=_PREVIEW_CSS,
                            js_on_load=_SHOW_MARK,
                            elem_id="preview",
                        )
                with gr.Column(scale=1, min_width=260):
                    # With a login, the picker is filled only when the page loads:
                    # Gradio puts every component's initial choices into the API
                    # description it serves even before login.
                    first = [] if _auth(settings) else [settings.store.collection]
                    collection = gr.Dropdown(
                        label="Collection",
                        choices=first,
                        value=first[0] if first else None,
                        allow_custom_value=True,
                        info="Type a new name to start a collection.",
                        elem_id="collection",
                    )
                    scope = gr.Dropdown(
                        label="Only use these files",
                        choices=[],
                        multiselect=True,
                        allow_custom_value=True,  # checked against the index instead
                        info="Empty = all files of the collection.",
                        elem_id="scope",
                    )
                    with gr.Accordion("Answer settings", open=False):
                        mode = gr.Radio(
                            list(RETRIEVAL_MODES),
                            value=settings.retrieval.mode,
                            label="Retrieval",
                        )
                        top_k = gr.Slider(
                            1, 20, step=1, value=settings.retrieval.top_k, label="Top-k chunks"
                        )
                        template = gr.Dropdown(
                            templates,
                            value=qa_template,
                            label="Prompt template",
                        )
                        temperature = gr.Slider(
                            0.0,
                            1.5,
                            step=0.05,
                            value=settings.llm.temperature,
                            label="Temperature",
                        )
                        show_standalone = gr.Checkbox(
                            label="Show the question used for retrieval", value=False
                        )
            with gr.Tab("Documents"):
                files = gr.File(
                    label=f"Drop files here (up to {settings.ui.max_upload_mb} MB each)",
                    file_count="multiple",
                    elem_id="upload",
                )
                upload_status = gr.Markdown(elem_id="upload-status")
                report = gr.Dataframe(
                    headers=REPORT_HEADERS,
                    datatype=["str", "str", "str", "number", "number"],
                    interactive=False,
                    wrap=True,
                    label="Ingest report",
                )
                file_list = gr.Dataframe(
                    headers=["File", "Source"],
                    interactive=False,
                    wrap=True,
                    label="Files in this collection",
                )
                model_line = gr.Markdown(elem_id="model-line")
                with gr.Row():
                    adapt = gr.Button("Adapt to these documents", elem_id="adapt")
                    go_back = gr.Button(
                        "Go back to the previous model", interactive=False, elem_id="go-back"
                    )
                tune_status = gr.Markdown(elem_id="tune-status")

        chat_outputs = [
            chatbot,
            turns,
            question,
            sources_table,
            last_sources,
            preview_pick,
            standalone,
        ]
        gr.on(
            [send.click, question.submit],
            h.chat,
            inputs=[question, turns, collection, scope, mode, top_k, template, temperature],
            outputs=chat_outputs,
            api_name="chat",
            concurrency_limit=1,  # one LLM, one answer at a time: others wait in the queue
            concurrency_id="llm",
        )
        clear.click(
            h.clear,
            outputs=[
                chatbot,
                turns,
                sources_table,
                last_sources,
                preview_pick,
                preview_text,
                preview_image,
                standalone,
            ],
            api_name="clear",
            queue=False,
        )
        preview_pick.change(
            h.preview,
            inputs=[preview_pick, last_sources, collection],
            outputs=[preview_image, preview_text],
            api_name="preview",
            concurrency_id="reads",
            concurrency_limit=4,
        )
        show_standalone.change(
            lambda on: gr.update(visible=on),
            show_standalone,
            standalone,
            api_visibility="private",
            queue=False,
        )
        model_outputs = [model_line, adapt, go_back]
        collection.change(
            h.on_collection,
            collection,
            [scope, file_list, *model_outputs],
            api_name="collection",
            concurrency_id="reads",
        )
        files.upload(
            h.upload,
            inputs=[files, collection],
            outputs=[upload_status, report, scope, file_list],
            api_name="upload",
            concurrency_limit=1,  # its own queue: ingest never blocks chatting
            concurrency_id="ingest",
        )
        tune_outputs = [tune_status, *model_outputs]
        for button, start, action in (
            (adapt, "Adapting the model to these documents; the chat keeps working.", h.adapt),
            (go_back, "Going back to the previous model.", h.go_back),
        ):
            button.click(
                partial(h.hold, start), outputs=tune_outputs, api_visibility="private", queue=False
            ).then(
                action,
                inputs=collection,
                outputs=tune_outputs,
                api_name=action.__name__,
                concurrency_limit=1,  # training takes the CPU: one tune or revert at a time
                concurrency_id="tune",
            )
        demo.load(
            h.on_load,
            outputs=[collection, scope, file_list, *model_outputs],
            api_visibility="private",
            concurrency_id="reads",
        )
    demo.backend = backend  # type: ignore[attr-defined]  # for tests and callers
    return demo


def _auth(settings: Settings) -> tuple[str, str] | None:
    ui = settings.ui
    if ui.username is None and ui.password is None:
        return None
    if not ui.username or ui.password is None:
        raise ConfigError("ui.username and ui.password must be set together")
    return ui.username, ui.password.get_secret_value()


def _with_login_required(app_kwargs: dict[str, Any] | None) -> dict[str, Any]:
    """Add :class:`~rag.ui.access.LoginRequired` to the FastAPI app's middleware.

    Args:
        app_kwargs: The caller's ``app_kwargs`` for ``gr.Blocks.launch``, if any.

    Returns:
        A copy whose ``middleware`` list ends with the login check (the innermost one).
    """
    from starlette.middleware import Middleware

    from rag.ui.access import LoginRequired

    kwargs = dict(app_kwargs or {})
    kwargs["middleware"] = [*kwargs.get("middleware", []), Middleware(LoginRequired)]
    return kwargs


def launch(
    demo: gr.Blocks | None = None,
    settings: Settings | None = None,
    **launch_kwargs: Any,
) -> Any:
    """Serve the app on ``settings.ui.host``/``port``: no share link, login when configured.

    With a login, every route but the login form's answers 401 until login
    (see :mod:`rag.ui.access`).

    Args:
        demo: The app; defaults to ``build_app(settings)``.
        settings: Defaults to the app's backend settings, else :func:`load_settings`.
        **launch_kwargs: Extra ``gr.Blocks.launch`` arguments (``prevent_thread_lock``, ...).

    Returns:
        What ``gr.Blocks.launch`` returns: ``(FastAPI app, local URL, share URL)``.
    """
    backend = getattr(demo, "backend", None)
    settings = settings or (backend.settings if backend else load_settings())
    demo = demo or build_app(settings)
    options: dict[str, Any] = {
        "server_name": settings.ui.host,
        "server_port": settings.ui.port,
        "share": False,
        "auth": _auth(settings),
        "max_file_size": settings.ui.max_upload_mb * (1 << 20),
        "footer_links": ["api", "settings"],
        "show_error": False,
    }
    options.update(launch_kwargs)
    if options.get("share"):
        raise ConfigError("share links are disabled: the app stays on your network")
    if options.get("auth") is not None:
        options["app_kwargs"] = _with_login_required(options.get("app_kwargs"))
    logger.info("web UI on http://%s:%s", options["server_name"], options["server_port"])
    return demo.queue(default_concurrency_limit=2).launch(**options)
