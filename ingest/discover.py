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

__all__ = [
    "HIDDEN_FILE",
    "HIDDEN_FOLDER",
    "MISSING",
    "FoundFile",
    "Discovery",
    "discover",
    "matches",
    "named_path_problem",
    "path_problem",
]

logger = logging.getLogger(__name__)

HIDDEN_FILE = "hidden file"
"""The reason of a hidden file left out of a walked folder."""
HIDDEN_FOLDER = "hidden folder"
"""The reason of a hidden folder left out (one entry for the folder, not its files)."""
MISSING = "no such file or folder"
"""The reason of a path that does not exist (``--prune`` drops what was indexed there)."""


@dataclass(frozen=True)
class FoundFile:
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

    files: list[FoundFile] = field(default_factory=list)
    problems: list[FileEntry] = field(default_factory=list)
    """Paths that cannot be ingested (loops, broken links, missing paths) or are
    left out (hidden files and folders)."""
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
    include_hidden: bool = False,
) -> Discovery:
    """Expand files and folders into the regular files to ingest.

    Folders are walked recursively, following symlinks but never entering a
    folder twice (so symlink loops end). Globs apply to files found in
    folders, not to paths named explicitly; files they leave out are not
    reported (the user asked for that). Hidden files and folders (names
    starting with a dot) inside walked folders are left out unless
    ``include_hidden``, each reported as ``skipped``: a hidden file with
    :data:`HIDDEN_FILE`, a hidden folder once with :data:`HIDDEN_FOLDER`
    (it is not walked, so a ``.git`` folder is one entry, not thousands). A
    hidden folder matched by an ``exclude`` glob is left out silently.

    Args:
        paths: Files and folders.
        include: Globs a file in a folder must match (any of them).
        exclude: Globs a file in a folder must not match.
        include_hidden: Also walk hidden folders and take hidden files.

    Returns:
        The files, each once, and entries for paths that cannot be used or
        were left out.
    """
    found = Discovery()
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw).expanduser().absolute()
        problem = named_path_problem(path)
        if problem is not None:  # asked for by name: it failed, it was not left out
            found.problems.append(FileEntry(str(path), "failed", problem))
            continue
        if path.is_dir():
            root = path.resolve()
            found.roots.append(root)
            _walk(root, _Filter(include, exclude, include_hidden), found, seen)
        else:
            _add_file(path, found, seen)
    return found


def path_problem(path: Path) -> tuple[str, str] | None:
    """Tell why a path cannot be followed at all, if it cannot.

    Args:
        path: A file or folder path.

    Returns:
        ``(status, reason)`` as in a report entry (``"failed"`` for a missing
        or unreadable path, ``"skipped"`` for a broken link or a loop), or
        None when the path can be followed.

    Example:
        >>> path_problem(Path("/no/such/file.pdf"))
        ('failed', 'no such file or folder')
    """
    try:
        path.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "skipped", "symlink loop"
        if path.is_symlink():
            return "skipped", "broken symlink"
        if exc.errno == errno.ENOENT:
            return "failed", MISSING
        return "failed", f"cannot read: {exc.strerror or exc}"
    return None


def named_path_problem(path: Path) -> str | None:
    """Why a path named on its own (not found in a folder) cannot be ingested, if it cannot.

    Beyond :func:`path_problem`, a named path must be a folder or a regular
    file: a FIFO, a socket or a device is refused by name.

    Example:
        >>> named_path_problem(Path("/dev/null"))
        'not a regular file or folder (a character device)'
    """
    problem = path_problem(path)
    if problem is not None:
        return problem[1]
    mode = path.stat().st_mode
    if stat.S_ISDIR(mode) or stat.S_ISREG(mode):
        return None
    return f"not a regular file or folder ({_kind(mode)})"


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device")):
        if test(mode):
            return name
    return "a special file"


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
    found.files.append(FoundFile(resolved, info.st_size, info.st_mtime_ns))


@dataclass(frozen=True)
class _Filter:
    """Which files and folders found in a walked folder are wanted."""

    include: Sequence[str]
    exclude: Sequence[str]
    include_hidden: bool

    def folder(self, relative: str, found: Discovery, path: Path) -> bool:
        """Tell whether to enter a sub-folder; report a hidden one left out."""
        if self.include_hidden or not path.name.startswith("."):
            return True
        if matches(relative, (), self.exclude):
            found.problems.append(FileEntry(str(path), "skipped", HIDDEN_FOLDER))
        return False

    def file(self, relative: str, found: Discovery, path: Path) -> bool:
        """Tell whether to take a file; report a hidden one left out."""
        if not matches(relative, self.include, self.exclude):
            return False
        if self.include_hidden or not path.name.startswith("."):
            return True
        found.problems.append(FileEntry(str(path), "skipped", HIDDEN_FILE))
        return False


def _walk(root: Path, wanted: _Filter, found: Discovery, seen: set[Path]) -> None:
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
        dirs[:] = [
            name
            for name in sorted(dirs)
            if wanted.folder((here / name).relative_to(root).as_posix(), found, here / name)
        ]
        for name in sorted(files):
            path = here / name
            if not wanted.file(path.relative_to(root).as_posix(), found, path):
                continue
            problem = path_problem(path)
            if problem is not None:
                found.problems.append(FileEntry(str(path), *problem))
                continue
            _add_file(path, found, seen)
