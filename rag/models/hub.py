"""Downloads from the Hugging Face Hub for ``rag models pull``: the only code that goes online.

Nothing here runs unless called. The product keeps ``HF_HUB_OFFLINE=1``
(:func:`rag.models.ensure_offline`); :func:`pull` lifts it for its own
requests only, then puts it back. The Hub is ``$HF_ENDPOINT`` when set
(a mirror), else huggingface.co.

A pull lists the repository's files at one commit with their sizes and
hashes (``/api/models/REPO/revision/REV?blobs=true``), then fetches each
wanted file into ``.partial/`` under the models folder
(:func:`rag.models.download.fetch_file`: resumed, verified against the Hub's
sha256, then moved into place); a sentence-transformers folder is assembled
in ``.partial/`` and renamed whole.
A bad hash, a full disk or a missing file is a :class:`~rag.errors.ModelError`.

Example:
    >>> from pathlib import Path
    >>> from rag.models.hub import pull
    >>> pulled = pull("Qwen/Qwen2.5-1.5B-Instruct-GGUF", Path("models"),
    ...               filename="qwen2.5-1.5b-instruct-q4_k_m.gguf")  # doctest: +SKIP
    >>> pulled.path.name                                              # doctest: +SKIP
    'qwen2.5-1.5b-instruct-q4_k_m.gguf'
"""

from __future__ import annotations

import errno
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rag.errors import ModelError
from rag.models.catalogue import ModelKind
from rag.models.download import Progress, RemoteFile, fetch_file, file_matches, partial_size

__all__ = [
    "DEFAULT_ENDPOINT",
    "Progress",
    "Pulled",
    "RemoteFile",
    "hub_endpoint",
    "pull",
    "repo_folder",
]

DEFAULT_ENDPOINT = "https://huggingface.co"
_PARTIAL = ".partial"
_SKIPPED_DIRS = ("onnx/", "openvino/", "coreml/")
_SKIPPED_SUFFIXES = (".onnx", ".h5", ".msgpack", ".ot", ".gguf", ".tflite", ".mlmodel")

@dataclass(frozen=True)
class Pulled:
    """What :func:`pull` put in place."""

    repo: str
    commit: str
    kind: ModelKind
    path: Path
    """The GGUF file of a chat model, the folder of an embedding model."""
    files: dict[str, str] = field(default_factory=dict)
    """Each file (relative to the repository) to the hash it was checked against."""
    size: int = 0
    """Bytes on disk."""
    downloaded: bool = True
    """False when everything was in place already."""


def hub_endpoint() -> str:
    """The Hub to pull from: ``$HF_ENDPOINT`` (read now, not at import), else huggingface.co.

    Example:
        >>> hub_endpoint().startswith("http")
        True
    """
    return (os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")


def repo_folder(root: Path, repo: str) -> Path:
    """Where a repository's files go under the models folder.

    Example:
        >>> repo_folder(Path("m"), "BAAI/bge-small-en-v1.5").as_posix()
        'm/BAAI--bge-small-en-v1.5'
    """
    return root / repo.replace("/", "--")


def pull(
    repo: str,
    root: Path,
    *,
    filename: str | None = None,
    revision: str | None = None,
    endpoint: str | None = None,
    token: str | bool | None = None,
    progress: Progress | None = None,
    free_space: Callable[[Path], int] | None = None,
) -> Pulled:
    """Download a GGUF file, or a sentence-transformers repository, verified.

    Args:
        repo: The Hub repository, ``owner/name``.
        root: The models folder; files go to ``root/owner--name/``.
        filename: The GGUF file to fetch; None: the repository is a
            sentence-transformers model and its files (without ONNX, TF,
            duplicate PyTorch weights) are fetched.
        revision: Branch, tag or commit; default the main branch.
        endpoint: The Hub; default :func:`hub_endpoint`.
        token: A Hub token (gated repositories); default the user's login, if any.
        progress: Told as bytes arrive (see :data:`Progress`).
        free_space: Free bytes where a folder lies (tests pass a full disk).

    Returns:
        What is now in place.

    Raises:
        ModelError: The repository, revision or file does not exist, the Hub
            cannot be reached, a hash does not match, or the disk is full.
    """
    endpoint = (endpoint or hub_endpoint()).rstrip("/")
    partial = root / _PARTIAL
    with _online(), _hub_errors(repo, endpoint, partial):
        commit, listing = _remote_files(repo, revision, endpoint, token)
        kind, wanted = _choose(repo, listing, filename)
        files = {f.name: f.digest for f in wanted}
        size = sum(f.size for f in wanted)
        folder = repo_folder(root, repo)
        target = folder / wanted[0].name if kind == "chat" else folder
        if all(file_matches(folder / f.name, f) for f in wanted):
            return Pulled(repo, commit, kind, target, files, size, downloaded=False)
        partial.mkdir(parents=True, exist_ok=True)
        staging = target if kind == "chat" else partial / f"{folder.name}@{commit}"
        todo = [f for f in wanted if kind == "chat" or not (staging / f.name).is_file()]
        need = sum(f.size - partial_size(partial, f) for f in todo)
        free = (free_space or _free_bytes)(partial)
        if need > free:
            raise ModelError(f"not enough disk space to pull {repo}: it needs {_human(need)}, "
                             f"{_human(free)} free in {root}")
        for f in todo:
            dest = target if kind == "chat" else staging / f.name
            fetch_file(repo, commit, f, dest, partial, endpoint=endpoint, token=token,
                       progress=progress)
        if kind == "embedding":
            _swap_in(staging, folder, partial)
        return Pulled(repo, commit, kind, target, files, size)


@contextmanager
def _online() -> Iterator[None]:
    """Lift huggingface_hub's offline mode (read at its import) for this block only."""
    from huggingface_hub import constants

    saved = constants.HF_HUB_OFFLINE
    constants.HF_HUB_OFFLINE = False
    try:
        yield
    finally:
        constants.HF_HUB_OFFLINE = saved


@contextmanager
def _hub_errors(repo: str, endpoint: str, partial: Path) -> Iterator[None]:
    """huggingface_hub's and the disk's errors as one :class:`ModelError` line each."""
    import httpx
    from huggingface_hub.errors import (
        GatedRepoError,
        HfHubHTTPError,
        RemoteEntryNotFoundError,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )

    kept = f"the partial download is kept in {partial} and resumes when you pull again"
    try:
        yield
    except GatedRepoError as exc:
        raise ModelError(f"{repo} is gated: accept its licence on {endpoint}/{repo}, "
                         "then log in (hf auth login) and pull again") from exc
    except RepositoryNotFoundError as exc:
        raise ModelError(f"no model repository {repo!r} on {endpoint} "
                         "(or it is private)") from exc
    except RevisionNotFoundError as exc:
        raise ModelError(f"{repo} has no such revision on {endpoint}") from exc
    except RemoteEntryNotFoundError as exc:
        raise ModelError(f"a file of {repo} is missing on {endpoint}: {_first_line(exc)}") from exc
    except HfHubHTTPError as exc:
        raise ModelError(f"{endpoint} refused the download of {repo}: {_first_line(exc)}") from exc
    except httpx.HTTPError as exc:
        raise ModelError(f"cannot download {repo} from {endpoint} ({_first_line(exc)}); "
                         f"{kept}") from exc
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise ModelError(f"the disk is full while pulling {repo}; free some space: {kept}") from exc
        if "Consistency check failed" in str(exc):
            raise ModelError(f"the download of {repo} was cut short; {kept}") from exc
        raise ModelError(f"cannot write the model files of {repo}: {exc}") from exc


def _remote_files(
    repo: str, revision: str | None, endpoint: str, token: str | bool | None
) -> tuple[str, list[RemoteFile]]:
    """The commit ``revision`` points at, and its files with sizes and hashes."""
    from huggingface_hub import HfApi

    info = HfApi(endpoint=endpoint, token=token).model_info(
        repo, revision=revision, files_metadata=True
    )
    if not info.sha:
        raise ModelError(f"{endpoint} did not say which commit of {repo} to pull")
    files = [
        RemoteFile(s.rfilename, s.lfs.size, sha256=s.lfs.sha256) if s.lfs
        else RemoteFile(s.rfilename, s.size or 0, git_sha1=s.blob_id)
        for s in info.siblings or []
    ]
    return info.sha, files


def _choose(
    repo: str, listing: list[RemoteFile], filename: str | None
) -> tuple[ModelKind, list[RemoteFile]]:
    """What to fetch: the GGUF file asked for, or a sentence-transformers model's files."""
    ggufs = sorted(f.name for f in listing if f.name.lower().endswith(".gguf"))
    if filename is not None:
        chosen = [f for f in listing if f.name == filename]
        if not chosen:
            hint = f"; its GGUF files: {', '.join(ggufs[:12])}" if ggufs else ""
            raise ModelError(f"{repo} has no file {filename!r}{hint}")
        if not filename.lower().endswith(".gguf"):
            raise ModelError(f"--file takes a GGUF file (a chat model), not {filename!r}; "
                             "pull a sentence-transformers repository without --file")
        return "chat", _checked(repo, chosen)
    names = {f.name for f in listing}
    if names & {"modules.json", "config_sentence_transformers.json"}:
        return "embedding", _checked(repo, [f for f in listing if _wanted(f.name, names)])
    if ggufs:
        raise ModelError(f"{repo} holds GGUF files: choose one with --file, "
                         f"for example --file {ggufs[0]} (all: {', '.join(ggufs[:12])})")
    raise ModelError(f"{repo} is neither a GGUF repository (use --file) nor a "
                     "sentence-transformers model (no modules.json)")


def _wanted(name: str, names: set[str]) -> bool:
    """Whether a sentence-transformers model needs this file (not other runtimes' copies)."""
    lower = name.lower()
    if lower.startswith(_SKIPPED_DIRS) or lower.endswith(_SKIPPED_SUFFIXES):
        return False
    if lower.endswith(".bin") and any(n.endswith(".safetensors") for n in names):
        return False
    return name != ".gitattributes"


def _checked(repo: str, files: list[RemoteFile]) -> list[RemoteFile]:
    unhashed = [f.name for f in files if not f.digest]
    if unhashed:
        raise ModelError(f"the Hub gives no hash for {', '.join(unhashed)} of {repo}; "
                         "refusing files that cannot be verified")
    return files


def _swap_in(staging: Path, folder: Path, partial: Path) -> None:
    """Put a complete folder in place of the old one (two renames, then clean up)."""
    old = partial / f"old-{uuid.uuid4().hex[:8]}"
    if folder.exists():
        os.replace(folder, old)
    folder.parent.mkdir(parents=True, exist_ok=True)
    os.replace(staging, folder)
    shutil.rmtree(old, ignore_errors=True)


def _free_bytes(path: Path) -> int:
    return shutil.disk_usage(path).free


def _human(size: int) -> str:
    """Bytes for people.

    Example:
        >>> _human(1_120_000_000), _human(3_500_000)
        ('1.1 GB', '3.5 MB')
    """
    return f"{size / 1e9:.1f} GB" if size >= 1e9 else f"{size / 1e6:.1f} MB"


def _first_line(exc: BaseException) -> str:
    """The error's message on one line (huggingface_hub's span several)."""
    return " ".join(line.strip() for line in str(exc).splitlines() if line.strip()) or (
        type(exc).__name__)
