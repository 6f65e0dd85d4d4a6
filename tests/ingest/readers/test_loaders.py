"""Loaders on real generated files: PDF pages and labels, encryption, HTML, DOCX, junk."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.readers import SkipFile, file_type, load_file
from rag.errors import IngestError
from tests.ingest.conftest import make_docx, make_pdf


def pages_of(path: Path, **kwargs) -> list:  # noqa: ANN003
    return list(load_file(path, **kwargs).pages)


def test_pdf_one_document_per_page_with_1_based_numbers_and_labels(tmp_path: Path) -> None:
    path = make_pdf(
        tmp_path / "book.pdf",
        ["Alpha page about owls.", "", "Gamma page about bats."],
        title="Night Animals",
        roman_labels=True,
    )
    loaded = load_file(path)
    pages = list(loaded.pages)
    assert loaded.file_type == "pdf" and loaded.title == "Night Animals"
    assert [p.number for p in pages] == [1, 2, 3]
    assert [p.label for p in pages] == ["i", "ii", "iii"]
    assert "owls" in pages[0].text and not pages[1].text.strip() and "bats" in pages[2].text


def test_encrypted_pdf_with_empty_user_password_opens(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "locked.pdf", ["Secret owls."], owner_password="owner", user_password="")
    assert "Secret owls" in pages_of(path)[0].text


def test_encrypted_pdf_needs_its_password(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "locked.pdf", ["Hidden bats."], owner_password="o", user_password="pw")
    with pytest.raises(SkipFile, match="encrypted PDF: needs a password"):
        load_file(path)
    with pytest.raises(SkipFile, match="wrong password"):
        load_file(path, password="nope")
    assert "Hidden bats" in pages_of(path, password="pw")[0].text


def test_corrupt_and_truncated_pdfs_raise_ingest_errors(tmp_path: Path) -> None:
    good = make_pdf(tmp_path / "good.pdf", ["Some text."] * 3).read_bytes()
    garbage = tmp_path / "garbage.pdf"
    garbage.write_bytes(b"%PDF-1.4\n" + b"\x00garbage" * 50)
    not_pdf = tmp_path / "notes.pdf"
    not_pdf.write_text("just text, named .pdf")
    for path in (garbage, not_pdf):
        with pytest.raises(IngestError):
            pages_of(path)
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(good[: len(good) // 3])
    try:  # pypdf may recover some pages; it must never crash with another error
        pages = pages_of(truncated)
    except IngestError:
        pages = None
    assert pages is None or all(isinstance(p.text, str) for p in pages)


def test_html_drops_scripts_and_styles(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>Owl Facts</title><style>body{color:red}</style>"
        "<script>var secret = 'tracking';</script></head><body><h1>Owls</h1>"
        "<p>Owls hunt at night.</p><script>alert('x')</script><noscript>enable js</noscript>"
        "</body></html>",
        encoding="utf-8",
    )
    loaded = load_file(path)
    text = next(loaded.pages).text
    assert loaded.title == "Owl Facts"
    assert "Owls hunt at night." in text and "Owls" in text
    for junk in ("color:red", "tracking", "alert", "enable js"):
        assert junk not in text


def test_docx_paragraphs_tables_and_title(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "memo.docx", ["First paragraph.", "Second paragraph."], title="Memo")
    loaded = load_file(path)
    text = next(loaded.pages).text
    assert loaded.title == "Memo"
    assert "First paragraph." in text and "Second paragraph." in text and "cell beta" in text


def test_markdown_and_rst_titles(tmp_path: Path) -> None:
    md = tmp_path / "a.md"
    md.write_text("intro\n\n# The Title\n\nBody.\n")
    rst = tmp_path / "b.rst"
    rst.write_text("Guide Title\n===========\n\nBody text.\n")
    assert load_file(md).title == "The Title"
    assert load_file(rst).title == "Guide Title"


def test_unknown_type_and_binary_behind_text_name_are_skipped(tmp_path: Path) -> None:
    exe = tmp_path / "tool.exe"
    exe.write_bytes(b"MZ\x90\x00")
    fake = tmp_path / "fake.txt"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    with pytest.raises(SkipFile, match="unsupported file type .exe"):
        load_file(exe)
    with pytest.raises(SkipFile, match="binary content"):
        list(load_file(fake).pages)
    assert file_type(Path("X.HTM")) == "html"


def test_a_zip_bomb_named_docx_is_refused_without_unpacking(tmp_path: Path) -> None:
    import tracemalloc
    import zipfile

    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w") as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(300):  # 300 MB of zeros, about 300 KB packed
                member.write(chunk)
    assert bomb.stat().st_size < 2 << 20
    tracemalloc.start()
    with pytest.raises(SkipFile, match="ZIP bomb"):
        load_file(bomb)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 20 << 20, "the archive was not unpacked"
