"""Find the files to ingest: folders walked recursively, globs, symlink loops.

Discovery only looks at names and ``stat`` results; it never opens a file.
"""

from __future__ import annotations

import errno
import fnmatch
import logging
import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ingest.report import FileEntry

__all__ = ["Candidate", "Discovery", "discover", "matches"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Candidate:
    """A regular file to ingest, as ``stat`` saw it during discovery."""

    path: Path
    """The absolute, resolved path (symlinks followed)."""
    size: int
    mtime_ns: int

    @property
    def source(self) -> str:
        """The source id of the file's chunks: its resolved path."""
        return str(self.path)


@dataclass
class Discovery:
    """What discovery found."""

    files: list[Candidate] = field(default_factory=list)
    problems: list[FileEntry] = field(default_factory=list)
    """Paths that cannot be ingested (loops, broken links, missing paths)."""
    roots: list[Path] = field(default_factory=list)
    """The resolved folders that were walked (the scope of ``--prune``)."""


def matches(relative: str, include: Sequence[str], exclude: Sequence[str]) -> bool:
    """Tell whether a path passes the ``--include``/``--exclude`` globs.

    A glob matches when it matches the path relative to the walked folder or
    just the file name, so both ``*.pdf`` and ``drafts/*`` work.

    Args:
        relative: The path relative to the folder being walked (POSIX form).
        include: Globs of which one must match (empty: everything).
        exclude: Globs of which none may match.

    Returns:
        True when the file is wanted.

    Example:
        >>> matches("notes/a.md", ["*.md"], ["drafts/*"])
        True
        >>> matches("drafts/b.md", ["*.md"], ["drafts/*"])
        False
    """
    name = relative.rsplit("/", 1)[-1]

    def hit(patterns: Iterable[str]) -> bool:
        return any(fnmatch.fnmatch(relative, p) or fnmatch.fnmatch(name, p) for p in patterns)

    return (not include or hit(include)) and not hit(exclude)


def discover(
    paths: Iterable[str | os.PathLike[str]],
    *,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
) -> Discovery:
    """Expand files and folders into the regular files to ingest.

    Folders are walked recursively, following symlinks but never entering a
    folder twice (so symlink loops end). Hidden files and folders (names
    starting with a dot) inside walked folders are left out; globs apply to
    files found in folders, not to files named explicitly.

    Args:
        paths: Files and folders.
        include: Globs a file in a folder must match (any of them).
        exclude: Globs a file in a folder must not match.

    Returns:
        The files, each once, and entries for paths that cannot be used.
    """
    found = Discovery()
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw).expanduser().absolute()
        problem = _problem(path)
        if problem is not None:
            found.problems.append(FileEntry(str(path), *problem))
            continue
        if path.is_dir():
            root = path.resolve()
            found.roots.append(root)
            _walk(root, include, exclude, found, seen)
        else:
            _add_file(path, found, seen)
    return found


def _problem(path: Path) -> tuple[str, str] | None:
    """Return (status, reason) when ``path`` cannot be followed at all."""
    try:
        path.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "skipped", "symlink loop"
        if path.is_symlink():
            return "skipped", "broken symlink"
        if exc.errno == errno.ENOENT:
            return "failed", "no such file or folder"
        return "failed", f"cannot read: {exc.strerror or exc}"
    return None


def _add_file(path: Path, found: Discovery, seen: set[Path]) -> None:
    try:
        resolved = path.resolve(strict=True)
        info = resolved.stat()
    except (OSError, RuntimeError) as exc:  # RuntimeError: loop on older Pythons
        found.problems.append(FileEntry(str(path), "skipped", f"cannot resolve: {exc}"))
        return
    if not stat.S_ISREG(info.st_mode):
        found.problems.append(FileEntry(str(resolved), "skipped", "not a regular file"))
        return
    if resolved in seen:
        return
    seen.add(resolved)
    found.files.append(Candidate(resolved, info.st_size, info.st_mtime_ns))


def _walk(
    root: Path,
    include: Sequence[str],
    exclude: Sequence[str],
    found: Discovery,
    seen: set[Path],
) -> None:
    visited: set[tuple[int, int]] = set()

    def on_error(exc: OSError) -> None:
        found.problems.append(
            FileEntry(str(exc.filename), "failed", f"cannot read folder: {exc.strerror}")
        )

    for folder, dirs, files in os.walk(root, followlinks=True, onerror=on_error):
        here = Path(folder)
        try:
            info = here.stat()
        except OSError:
            dirs[:] = []
            continue
        key = (info.st_dev, info.st_ino)
        if key in visited:  # reached again through a symlink: a loop or a duplicate
            found.problems.append(
                FileEntry(str(here), "skipped", "symlink loop (folder already visited)")
            )
            dirs[:] = []
            continue
        visited.add(key)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = here / name
            relative = path.relative_to(root).as_posix()
            if not matches(relative, include, exclude):
                continue
            problem = _problem(path)
            if problem is not None:
                found.problems.append(FileEntry(str(path), *problem))
                continue
            _add_file(path, found, seen)
