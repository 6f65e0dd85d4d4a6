"""One file from the Hugging Face Hub: fetched resumably, verified, then moved into place.

:func:`fetch_file` downloads with huggingface_hub's ``http_get`` into
``PARTIAL/<hash>.part``: a dropped connection is resumed there and then by a
``Range`` request, a download cut short resumes the next time from what the
partial file holds. The file is moved to its destination only when its hash
(sha256 for LFS files, git's blob sha1 for small ones) is the Hub's; a file
that fails is deleted. Used by :func:`rag.models.hub.pull`, which lifts
offline mode and turns errors into :class:`~rag.errors.ModelError`.

Example:
    >>> from pathlib import Path
    >>> file_matches(Path("no-such-file"), RemoteFile("x", 1, sha256="0" * 64))
    False
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self
from urllib.parse import urlsplit

from rag.errors import ModelError

__all__ = ["Progress", "RemoteFile", "fetch_file", "file_matches", "partial_size"]

Progress = Callable[[str, int, "int | None"], None]
"""Called as bytes arrive: ``(file name, bytes so far, total bytes or None)``."""


@dataclass(frozen=True)
class RemoteFile:
    """A file of a Hub repository at one commit."""

    name: str
    size: int
    sha256: str | None = None
    """The LFS sha256 (large files)."""
    git_sha1: str | None = None
    """The git blob id (small files kept out of LFS)."""

    @property
    def digest(self) -> str:
        """The hash the file is checked against (names its partial download)."""
        return self.sha256 or self.git_sha1 or ""


def file_matches(path: Path, remote: RemoteFile) -> bool:
    """Whether ``path`` exists with the remote file's size and hash (never without a hash)."""
    if not path.is_file() or path.stat().st_size != remote.size or not remote.digest:
        return False
    return _digest(path, remote) == remote.digest


def fetch_file(
    repo: str,
    commit: str,
    remote: RemoteFile,
    dest: Path,
    partial: Path,
    *,
    endpoint: str,
    token: str | bool | None,
    progress: Progress | None,
) -> None:
    """Download one file into ``partial/``, resuming; verify it; move it to ``dest``."""
    from huggingface_hub import get_hf_file_metadata, hf_hub_url
    from huggingface_hub.file_download import http_get
    from huggingface_hub.utils import build_hf_headers

    url = hf_hub_url(repo, remote.name, revision=commit, endpoint=endpoint)
    location = get_hf_file_metadata(url, token=token, endpoint=endpoint).location
    headers = build_hf_headers(token=token)
    if urlsplit(location).hostname != urlsplit(url).hostname:
        headers.pop("authorization", None)  # a signed CDN address: the token stays on the Hub
    part = _partial_path(partial, remote)
    done = partial_size(partial, remote)
    if done == 0:
        part.unlink(missing_ok=True)  # longer than the file: not ours to resume
    with part.open("ab") as out:
        http_get(location, out, resume_size=done, headers=headers,
                 expected_size=remote.size, displayed_filename=remote.name,
                 tqdm_class=_bar_class(remote.name, progress))  # type: ignore[arg-type]
    actual = _digest(part, remote)
    if actual != remote.digest:
        part.unlink(missing_ok=True)
        raise ModelError(
            f"{remote.name} from {repo} failed its integrity check: "
            f"{'sha256' if remote.sha256 else 'git sha1'} {actual}, the Hub says "
            f"{remote.digest}; the download was deleted, nothing was installed"
        )
    dest.parent.mkdir(parents=True, exist_ok=True)
    os.replace(part, dest)


def _partial_path(partial: Path, remote: RemoteFile) -> Path:
    return partial / f"{remote.digest}.part"


def partial_size(partial: Path, remote: RemoteFile) -> int:
    """Bytes already downloaded of this file (0 when none, or more than it holds)."""
    try:
        size = _partial_path(partial, remote).stat().st_size
    except OSError:
        return 0
    return size if size <= remote.size else 0


def _digest(path: Path, remote: RemoteFile) -> str:
    """The file's hash of the kind the Hub gives for it: sha256, or git's blob sha1."""
    if remote.sha256:
        from rag.hashing import sha256_file

        return sha256_file(path)
    digest = hashlib.sha1(f"blob {path.stat().st_size}\0".encode(), usedforsecurity=False)
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _bar_class(name: str, progress: Progress | None) -> type:
    """A tqdm look-alike for huggingface_hub that reports to ``progress`` (or nowhere)."""

    class _Bar:
        def __init__(self, *_: Any, total: int | None = None, initial: int = 0, **__: Any) -> None:
            self.n, self.total = initial, total
            self._report()

        def update(self, n: int = 1) -> None:
            self.n += n
            self._report()

        def _report(self) -> None:
            if progress is not None:
                progress(name, self.n, self.total)

        def close(self) -> None:
            """Nothing to release."""

        def __enter__(self) -> Self:
            return self

        def __exit__(self, *_: object) -> None:
            return None

    return _Bar
