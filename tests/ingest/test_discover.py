"""Discovery: every file under a folder is found or reported, hidden ones included."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.discover import HIDDEN_FILE, HIDDEN_FOLDER, MISSING, discover, path_problem


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A folder with a visible file, a hidden file, and a hidden folder of three files."""
    root = tmp_path / "docs"
    (root / "sub" / ".git" / "objects").mkdir(parents=True)
    (root / "notes.md").write_text("x")
    (root / "sub" / ".notes.txt").write_text("x")
    for name in ("config", "HEAD", "objects/ab"):
        (root / "sub" / ".git" / name).write_text("x")
    return root.resolve()


def _problems(found) -> dict[str, tuple[str, str]]:  # noqa: ANN001
    return {p.source: (p.status, p.reason) for p in found.problems}


def test_hidden_files_and_folders_are_reported_once_each(tree: Path) -> None:
    found = discover([tree])
    assert [c.path for c in found.files] == [tree / "notes.md"]
    assert _problems(found) == {
        str(tree / "sub" / ".git"): ("skipped", HIDDEN_FOLDER),  # one line, not three
        str(tree / "sub" / ".notes.txt"): ("skipped", HIDDEN_FILE),
    }


def test_include_hidden_takes_them_all(tree: Path) -> None:
    found = discover([tree], include_hidden=True)
    assert found.problems == []
    assert sorted(c.path.relative_to(tree).as_posix() for c in found.files) == [
        "notes.md", "sub/.git/HEAD", "sub/.git/config", "sub/.git/objects/ab", "sub/.notes.txt",
    ]


def test_files_the_globs_leave_out_stay_silent(tree: Path) -> None:
    only_md = discover([tree], include=["*.md"])
    assert _problems(only_md) == {str(tree / "sub" / ".git"): ("skipped", HIDDEN_FOLDER)}
    excluded = discover([tree], exclude=[".git", "*.txt"])
    assert [c.path.name for c in excluded.files] == ["notes.md"] and excluded.problems == []


def test_named_hidden_paths_are_taken(tree: Path) -> None:
    found = discover([tree / "sub" / ".notes.txt", tree / "sub" / ".git"])
    assert found.problems == [] and len(found.files) == 4


def test_path_problem_tells_missing_from_usable(tree: Path) -> None:
    assert path_problem(tree / "nope.pdf") == ("failed", MISSING)
    assert path_problem(tree / "notes.md") is None
    (tree / "dangling").symlink_to(tree / "gone")
    assert path_problem(tree / "dangling") == ("skipped", "broken symlink")
