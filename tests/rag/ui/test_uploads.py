from __future__ import annotations

from pathlib import Path

import pytest

from rag.errors import ConfigError
from rag.ui.uploads import check_collection_name, safe_filename, save_uploads


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\boot.ini", "boot.ini"),
        (".bashrc", "bashrc"),
        ("..", "upload"),
        ("", "upload"),
        ("Résumé 2024.pdf", "Resume 2024.pdf"),
        ("a<script>.txt", "a_script_.txt"),
        ("notes..md", "notes.md"),
    ],
)
def test_safe_filename_keeps_a_plain_name(raw: str, clean: str) -> None:
    assert safe_filename(raw) == clean


def test_safe_filename_caps_length_and_keeps_extension() -> None:
    name = safe_filename("x" * 500 + ".pdf")
    assert len(name) <= 120
    assert name.endswith(".pdf")


@pytest.mark.parametrize("bad", ["../x", "a", "a/b/c", "-abc", "ab..cd", "x" * 64, ""])
def test_collection_names_are_checked(bad: str) -> None:
    with pytest.raises(ConfigError):
        check_collection_name(bad)


def test_valid_collection_name_passes() -> None:
    assert check_collection_name(" papers_2024 ") == "papers_2024"


def test_save_uploads_copies_under_folder_and_refuses_big_files(tmp_path: Path) -> None:
    incoming = tmp_path / "gradio-cache"
    incoming.mkdir()
    small = incoming / "my notes?.txt"
    small.write_text("hello")
    big = incoming / "big.txt"
    big.write_bytes(b"x" * 2048)
    missing = incoming / "gone.txt"
    folder = tmp_path / "data" / "uploads" / "documents"

    result = save_uploads([small, big, missing], folder, max_bytes=1024)

    assert result.saved == [(folder / "my notes_.txt").resolve()]
    assert result.saved[0].read_text() == "hello"
    assert [name for name, _ in result.rejected] == ["big.txt", "gone.txt"]
    assert "limit" in result.rejected[0][1]
    assert not (folder / "big.txt").exists()
