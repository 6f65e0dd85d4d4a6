"""The services behind the web app, shared by every browser session.

:class:`UIBackend` owns the one LLM, the opened indexes (one per collection),
the chain factory and the ingest function. It knows nothing about Gradio, so
it can be tested with small fakes. Everything heavy is created on first use.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.answer import Answer
from rag.errors import ConfigError, RagError
from rag.settings import Settings, load_settings
from rag.ui import cited
from rag.ui.page_image import cited_passages, render_page
from rag.ui.uploads import SavedUploads, check_collection_name, save_uploads

if TYPE_CHECKING:
    import chromadb
    from langchain_core.embeddings import Embeddings
    from langchain_core.language_models import BaseChatModel
    from langchain_core.runnables import Runnable
    from PIL import Image

    from ingest.readers.ocr import OcrEngine
    from rag.index import Index

__all__ = ["ChatOptions", "UIBackend"]

logger = logging.getLogger(__name__)

ChainFactory = Callable[..., "Runnable"]
IngestFn = Callable[..., Any]


@dataclass(frozen=True)
class ChatOptions:
    """The settings panel's choices for one question (None = the configured value)."""

    mode: str | None = None
    top_k: int | None = None
    template: str | None = None
    temperature: float | None = None


class UIBackend:
    """Shared services of the web app.

    Args:
        settings: Defaults to :func:`rag.settings.load_settings`.
        llm: The chat model shared by all sessions; defaults to ``make_llm(settings)``
            on first use.
        index: An opened index of ``settings.store.collection``; other
            collections are opened with its embedding model.
        embeddings: The embedding model; defaults to the index's, else
            ``make_embeddings(settings)``.
        client: The Chroma client; defaults to ``make_chroma_client(settings)``.
        chain: A fixed chain used for every question (the settings panel is
            then ignored); by default a chain is built per question.
        chain_factory: ``(settings, *, llm, index) -> Runnable``; defaults to
            :func:`rag.chain.build_chain`.
        ingest_fn: ``(paths, settings, *, index, progress) -> report``; defaults
            to :func:`ingest.ingest_paths`.
        ocr: Finds quotes on scanned pages for the page preview; defaults to
            ``make_ocr(settings.ocr)`` on first use (None when OCR is off).
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        llm: BaseChatModel | None = None,
        index: Index | None = None,
        embeddings: Embeddings | None = None,
        client: chromadb.ClientAPI | None = None,
        chain: Runnable | None = None,
        chain_factory: ChainFactory | None = None,
        ingest_fn: IngestFn | None = None,
        ocr: OcrEngine | None = None,
    ) -> None:
        self.settings = settings or load_settings()
        self._llm = llm
        self._embeddings = embeddings
        self._chroma_client = client
        self._chain = chain
        self._chain_factory = chain_factory
        self._ingest_fn = ingest_fn
        self._ocr = ocr
        self._ocr_made = ocr is not None
        self._indexes: dict[str, Index] = {}
        if index is not None:
            self._indexes[index.collection] = index
        self._lock = threading.RLock()

    # -- shared components, created on first use ---------------------------------

    @property
    def default_collection(self) -> str:
        """The collection named in the settings."""
        return self.settings.store.collection

    def llm(self) -> BaseChatModel:
        """Return the shared chat model, loading it on first use."""
        with self._lock:
            if self._llm is None:
                from rag.models import make_llm

                self._llm = make_llm(self.settings)
            return self._llm

    def embeddings(self) -> Embeddings:
        """Return the shared embedding model, loading it on first use."""
        with self._lock:
            if self._embeddings is None:
                if self._indexes:
                    self._embeddings = next(iter(self._indexes.values())).embeddings
                else:
                    from rag.models import make_embeddings

                    self._embeddings = make_embeddings(self.settings)
            return self._embeddings

    def client(self) -> chromadb.ClientAPI:
        """Return the Chroma client, connecting on first use."""
        with self._lock:
            if self._chroma_client is None:
                from rag.index import make_chroma_client

                self._chroma_client = make_chroma_client(self.settings)
            return self._chroma_client

    def ocr(self) -> OcrEngine | None:
        """Return the OCR engine of ``settings.ocr``, made on first use; None when OCR is off."""
        with self._lock:
            if not self._ocr_made:
                from ingest.readers.ocr import make_ocr

                self._ocr, self._ocr_made = make_ocr(self.settings.ocr), True
            return self._ocr

    def settings_for(self, collection: str, options: ChatOptions | None = None) -> Settings:
        """The settings with another collection and the panel's choices applied.

        Args:
            collection: The collection to use.
            options: The settings panel's choices.

        Returns:
            A validated copy of the settings.

        Raises:
            ConfigError: When a choice is invalid.
        """
        options = options or ChatOptions()
        return self.settings.with_overrides(
            store={"collection": self.check_collection(collection)},
            retrieval={"mode": options.mode,
                       "top_k": None if options.top_k is None else int(options.top_k)},
            prompts={"qa_template": options.template or None},
            llm={"temperature": None if options.temperature is None else float(options.temperature)},
        )

    # -- collections and files ------------------------------------------------------

    def collections(self) -> list[str]:
        """Names of the collections this app serves, the configured one included."""
        if (allowed := self._allowed()) is not None:
            return sorted(allowed)
        try:
            listed = self.client().list_collections()
        except Exception as exc:  # noqa: BLE001 - chromadb raises plain exceptions
            logger.warning("cannot list collections: %s", exc)
            listed = []
        from rag.index.reembed import NEXT, PREVIOUS

        names = {str(getattr(c, "name", c)) for c in listed}
        names = {name for name in names if not name.endswith((NEXT, PREVIOUS))}  # rag tune's work
        names.update(self._indexes)
        names.add(self.default_collection)
        return sorted(names)

    def check_collection(self, collection: str) -> str:
        """Return ``collection`` when this app may serve it.

        Raises:
            ConfigError: For an invalid name, or one outside ``ui.collections``.
        """
        collection = check_collection_name(collection)
        allowed = self._allowed()
        if allowed is not None and collection not in allowed:
            raise ConfigError(f"collection {collection!r} is not available in this app")
        return collection

    def _allowed(self) -> set[str] | None:
        """The collections of ``ui.collections`` plus the default one; None = no list."""
        listed = self.settings.ui.collections
        return {*listed, self.default_collection} if listed else None

    def index(self, collection: str) -> Index:
        """Return the opened index of ``collection``, opening (or creating) it once.

        Raises:
            ConfigError: For an invalid collection name.
            IndexMismatchError: When it was built with another embedding model.
        """
        collection = self.check_collection(collection)
        with self._lock:
            if collection not in self._indexes:
                from rag.index import open_index

                self._indexes[collection] = open_index(
                    self.settings_for(collection),
                    embeddings=self.embeddings(),
                    client=self.client(),
                )
            return self._indexes[collection]

    def forget(self, collection: str) -> None:
        """Drop the opened index of ``collection``; the next request opens it again.

        For when its model and vectors were switched (``rag tune``). Questions
        already running keep the old index until they end.
        """
        with self._lock:
            self._indexes.pop(collection, None)

    def files(self, collection: str) -> list[str]:
        """Source ids (absolute paths) of the files indexed in ``collection``."""
        return [record.source for record in self.index(collection).ledger.all()]

    def resolve_scope(self, collection: str, scope: Sequence[str] | None) -> list[str] | None:
        """Keep only scope entries that are files of the collection.

        Args:
            collection: The collection asked.
            scope: Source ids chosen in the browser (untrusted).

        Returns:
            None when no scope was chosen, else the chosen indexed files.

        Raises:
            ConfigError: When none of the chosen files is in the collection.
        """
        if not scope:
            return None
        known = set(self.files(collection))
        kept = [s for s in scope if s in known]
        if not kept:
            raise ConfigError("none of the chosen files is in this collection any more")
        return kept

    # -- answering --------------------------------------------------------------------

    def chain_for(self, collection: str, options: ChatOptions | None = None) -> Runnable:
        """Build the chain for one question (cheap: model and index are shared)."""
        if self._chain is not None:
            return self._chain
        settings = self.settings_for(collection, options)
        llm: Any = self.llm()
        if settings.llm.temperature != self.settings.llm.temperature:
            # Every supported chat model takes `temperature` as a call argument
            # (ChatLlamaCpp merges call kwargs over its defaults).
            llm = llm.bind(temperature=settings.llm.temperature)
        factory = self._chain_factory
        if factory is None:
            from rag.chain import build_chain as factory
        return factory(settings, llm=llm, index=self.index(collection))

    def ask(
        self,
        question: str,
        history: Sequence[dict[str, Any]],
        *,
        collection: str,
        scope: Sequence[str] | None = None,
        options: ChatOptions | None = None,
    ) -> Iterator[str | Answer]:
        """Stream the answer to ``question``: text pieces, then the :class:`Answer`.

        Args:
            question: The user's question.
            history: Earlier turns as ``{"role", "content"}`` dicts.
            collection: The collection to search.
            scope: Source ids to limit retrieval to (checked against the index).
            options: The settings panel's choices.

        Yields:
            Text pieces as generated, then the final answer.

        Raises:
            RagError: For anything a person can fix (bad settings, missing files).
        """
        collection = self.check_collection(collection)
        sources = self.resolve_scope(collection, scope)
        chain = self.chain_for(collection, options)
        inputs = {"question": question, "history": list(history), "sources": sources}
        yield from chain.stream(inputs)

    # -- documents ----------------------------------------------------------------------

    def upload_folder(self, collection: str) -> Path:
        """Where uploads to ``collection`` are saved."""
        return self.settings.store.path / "uploads" / self.check_collection(collection)

    def ingest_uploads(
        self,
        paths: Sequence[str | Path],
        collection: str,
        *,
        progress: Callable[..., Any] | None = None,
    ) -> tuple[SavedUploads, Any]:
        """Save uploads under the data folder and ingest them into ``collection``.

        Args:
            paths: The files Gradio received.
            collection: The target collection.
            progress: Passed to the ingest function.

        Returns:
            The saved/refused uploads and the ingest report (None when nothing
            was saved).
        """
        max_bytes = self.settings.ui.max_upload_mb * (1 << 20)
        saved = save_uploads(list(paths), self.upload_folder(collection), max_bytes=max_bytes)
        if not saved.saved:
            return saved, None
        ingest_fn = self._ingest_fn
        if ingest_fn is None:
            from ingest import ingest_paths as ingest_fn
        index = self.index(collection)
        report = ingest_fn(
            [str(p) for p in saved.saved],
            self.settings_for(collection),
            index=index,
            progress=progress,
        )
        return saved, report

    def page_chunks(self, collection: str, source: str, page: int | None, chunk_id: str
                    ) -> list[tuple[str, str]]:
        """The indexed chunks of one page (or the one chunk) of an indexed file, in order.

        Only the index is read (never the file system), for files the ledger lists.

        Args:
            collection: The collection.
            source: The source id of the file.
            page: 1-based page number, or None for files without pages.
            chunk_id: The chunk to show when there is no page.

        Returns:
            ``(chunk id, text)`` pairs in the page's order.

        Raises:
            ConfigError: When the file is not in the collection.
        """
        self._check_listed(collection, source)
        return cited.page_chunks(self.index(collection), source, page, chunk_id)

    def page_image(self, collection: str, source: str, page: int, chunk_id: str,
                   quotes: Sequence[Sequence[int]] = ()) -> Image.Image:
        """An RGB picture of a cited page of a PDF or image, its quotes highlighted.

        Only files the collection's ledger lists are read, at their indexed path.

        Args:
            collection: The collection.
            source: The source id (absolute path) of the file.
            page: The 1-based page (frame of an image file).
            chunk_id: The cited chunk.
            quotes: ``[start, end]`` offsets of the quotes in the chunk; none: the whole chunk.

        Raises:
            ConfigError: The file is not in the collection, or not where it was indexed.
            IngestError: The file cannot be read, or has no such page any more.
        """
        self._check_listed(collection, source)
        if not (path := Path(source)).is_file():
            raise ConfigError(f"{path.name} is no longer where it was indexed")
        text = cited.chunk_text(self.index(collection), source, chunk_id)
        return render_page(path, page, cited_passages(text, quotes), ocr=self.ocr())

    def _check_listed(self, collection: str, source: str) -> None:
        """Refuse a file the collection's ledger does not list (a forged source id)."""
        if source not in set(self.files(collection)):
            raise ConfigError("that file is not in this collection")


def describe_error(exc: BaseException) -> str:
    """One line for people: the message of a :class:`RagError`, else a generic note."""
    if isinstance(exc, RagError):
        return str(exc)
    return "something went wrong on the server; the details are in its log"
