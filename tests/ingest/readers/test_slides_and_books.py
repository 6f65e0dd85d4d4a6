"""PPTX slides, EPUB chapters and Jupyter notebooks."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from ingest.readers import SkipFile, load_file
from ingest.readers.types import Block
from rag.errors import IngestError


def make_pptx(path: Path) -> Path:
    from pptx import Presentation
    from pptx.util import Inches

    deck = Presentation()
    deck.core_properties.title = "Quarterly review"
    slide = deck.slides.add_slide(deck.slide_layouts[1])
    slide.shapes.title.text = "Quarterly results"
    slide.placeholders[1].text_frame.text = "Revenue grew 12%"
    slide.placeholders[1].text_frame.add_paragraph().text = "Costs fell"
    grid = slide.shapes.add_table(2, 2, Inches(1), Inches(5), Inches(4), Inches(1)).table
    for (row, col), text in {(0, 0): "Region", (0, 1): "Sales", (1, 0): "North",
                             (1, 1): "1,250"}.items():
        grid.cell(row, col).text = text
    slide.notes_slide.notes_text_frame.text = "Mention the new Oslo office."
    second = deck.slides.add_slide(deck.slide_layouts[5])
    second.shapes.title.text = "Next steps"
    box = second.shapes.add_textbox(Inches(1), Inches(2), Inches(6), Inches(1))
    box.text_frame.text = "Hire two engineers in May."
    deck.save(str(path))
    return path


def test_pptx_a_page_a_slide_with_tables_and_notes(tmp_path: Path) -> None:
    loaded = load_file(make_pptx(tmp_path / "review.pptx"))
    first, second = loaded.pages
    assert (loaded.file_type, loaded.title) == ("pptx", "Quarterly review")
    assert (first.number, second.number) == (1, 2)
    assert first.blocks == (
        Block("heading", "Quarterly results", level=1),
        Block("item", "- Revenue grew 12%", group=1),
        Block("item", "- Costs fell", group=1),
        Block("table", heads=("Region", "Sales"), rows=(("North", "1,250"),)),
        Block("heading", "Speaker notes", level=2),
        Block("paragraph", "Mention the new Oslo office."),
    )
    assert second.blocks == (Block("heading", "Next steps", level=1),
                             Block("paragraph", "Hire two engineers in May."))


def test_pptx_that_is_another_package_or_broken(tmp_path: Path) -> None:
    import docx

    fake = tmp_path / "letter.pptx"
    docx.Document().save(str(fake))
    with pytest.raises(SkipFile, match="not a PPTX"):
        load_file(fake)
    broken = tmp_path / "broken.pptx"
    broken.write_bytes(make_pptx(tmp_path / "ok.pptx").read_bytes()[:2000])
    with pytest.raises(IngestError, match="corrupt PPTX"):
        list(load_file(broken).pages)


OPF = """<?xml version="1.0"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0">
 <metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Harbor Tales</dc:title></metadata>
 <manifest>
  <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
  <item id="c2" href="text/two.xhtml" media-type="application/xhtml+xml"/>
  <item id="c1" href="text/one.xhtml" media-type="application/xhtml+xml"/>
 </manifest>
 <spine><itemref idref="c1"/><itemref idref="c2"/></spine>
</package>"""
NAV = """<html xmlns="http://www.w3.org/1999/xhtml"><body><nav><ol>
<li><a href="text/one.xhtml">The Lighthouse</a></li><li><a href="text/two.xhtml#s">The Storm</a></li>
</ol></nav></body></html>"""


def make_epub(path: Path, *, encrypted: bool = False) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip")
        archive.writestr("META-INF/container.xml", (
            '<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container" version="1.0">'
            '<rootfiles><rootfile full-path="OEBPS/content.opf" '
            'media-type="application/oebps-package+xml"/></rootfiles></container>'))
        if encrypted:
            archive.writestr("META-INF/encryption.xml", (
                '<encryption><EncryptedData><EncryptionMethod '
                'Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/></EncryptedData>'
                '</encryption>'))
        archive.writestr("OEBPS/content.opf", OPF)
        archive.writestr("OEBPS/nav.xhtml", NAV)
        archive.writestr("OEBPS/text/one.xhtml", (
            '<html xmlns="http://www.w3.org/1999/xhtml"><body><h1>The Lighthouse</h1>'
            "<p>The lighthouse was built in 1871.</p></body></html>"))
        archive.writestr("OEBPS/text/two.xhtml", (
            '<html xmlns="http://www.w3.org/1999/xhtml"><body>'
            "<p>The storm of 1903 broke its lamp.</p></body></html>"))
    return path


def test_epub_chapters_in_spine_order_with_their_titles(tmp_path: Path) -> None:
    loaded = load_file(make_epub(tmp_path / "tales.epub"))
    one, two = loaded.pages
    assert (loaded.file_type, loaded.title) == ("epub", "Harbor Tales")
    assert (one.number, one.label, two.number, two.label) == (1, "The Lighthouse", 2,
                                                              "The Storm")
    assert one.blocks == (Block("heading", "The Lighthouse", level=1),
                          Block("paragraph", "The lighthouse was built in 1871."))
    assert two.blocks == (Block("heading", "The Storm", level=1),
                          Block("paragraph", "The storm of 1903 broke its lamp."))


def test_epub_with_drm_or_without_a_package_is_skipped(tmp_path: Path) -> None:
    with pytest.raises(SkipFile, match="DRM"):
        load_file(make_epub(tmp_path / "drm.epub", encrypted=True))
    plain_zip = tmp_path / "photos.epub"
    with zipfile.ZipFile(plain_zip, "w") as archive:
        archive.writestr("a.jpg", b"\xff\xd8")
    with pytest.raises(SkipFile, match="not an EPUB"):
        load_file(plain_zip)
    broken = tmp_path / "broken.epub"
    broken.write_bytes(b"PK\x03\x04" + b"\0" * 100)
    with pytest.raises(IngestError, match="corrupt EPUB"):
        load_file(broken)


def test_notebook_markdown_and_code_cells_without_outputs(tmp_path: Path) -> None:
    notebook = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "markdown", "metadata": {},
         "source": ["# Tide tables\n", "\n", "High tide comes at *noon*.\n"]},
        {"cell_type": "code", "metadata": {}, "execution_count": 1,
         "source": "import pandas as pd\ntides = pd.read_csv('tides.csv')",
         "outputs": [{"output_type": "stream", "name": "stdout", "text": "SECRET OUTPUT"}]},
    ]}
    path = tmp_path / "tides.ipynb"
    path.write_text(json.dumps(notebook), encoding="utf-8")
    loaded = load_file(path)
    (page,) = loaded.pages
    assert (loaded.file_type, loaded.title) == ("ipynb", "Tide tables")
    assert page.blocks == (
        Block("heading", "Tide tables", level=1),
        Block("paragraph", "High tide comes at noon."),
        Block("code", "import pandas as pd\ntides = pd.read_csv('tides.csv')"),
    )
    assert "SECRET" not in page.text


def test_a_notebook_that_is_no_notebook_is_skipped(tmp_path: Path) -> None:
    text = tmp_path / "notes.ipynb"
    text.write_text("just some notes", encoding="utf-8")
    other = tmp_path / "config.ipynb"
    other.write_text('{"name": "x"}', encoding="utf-8")
    for path in (text, other):
        with pytest.raises(SkipFile, match="not a Jupyter notebook"):
            load_file(path)
