"""Spreadsheet readers: XLSX (openpyxl), ODS (odfpy writes it), CSV and TSV."""

from __future__ import annotations

import csv
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from ingest.readers import SkipFile, load_file
from ingest.readers.types import Block
from rag.errors import IngestError

SALES = [("Region", "Month", "Revenue"), ("Northern", "March", 1250),
         ("Southern", "March", 980.5), ("Eastern", "April", 12000)]
SHOWN = (("Northern", "March", "1,250"), ("Southern", "March", "980.50"),
         ("Eastern", "April", "12,000"))


def make_xlsx(path: Path, rows=SALES, *, title: str = "Sales") -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for (cell,) in sheet.iter_rows(min_row=2, min_col=3, max_col=3):
        if isinstance(cell.value, int | float):
            cell.number_format = "#,##0" if float(cell.value).is_integer() else "#,##0.00"
    book.save(path)
    return path


def table(page) -> Block:
    return next(block for block in page.blocks if block.kind == "table")


def test_xlsx_rows_are_quoted_with_their_heads_as_shown(tmp_path: Path) -> None:
    import openpyxl

    path = make_xlsx(tmp_path / "sales.xlsm")
    book = openpyxl.load_workbook(path)
    notes = book.create_sheet("Notes")
    notes.append(["Owner", "Formula"])
    notes.append(["Ann", "=1+1"])  # never evaluated: no cached value in this file
    notes.append([])
    notes.append(["Bo", "kept"])
    book.save(path)
    loaded = load_file(path)
    pages = list(loaded.pages)
    assert loaded.file_type == "xlsx"
    assert [p.label for p in pages] == ["Sales!2-4", "Notes!2-4"]
    assert [p.number for p in pages] == [1, 2]
    assert table(pages[0]) == Block("table", heads=("Region", "Month", "Revenue"), rows=SHOWN)
    assert pages[0].blocks[0] == Block("heading", "Sales", level=2)
    assert table(pages[1]).rows == (("Ann", ""), ("Bo", "kept"))
    assert "Northern | March | 1,250" in pages[0].text


def test_a_long_sheet_comes_in_pages_of_200_rows(tmp_path: Path) -> None:
    rows = [("Id", "Amount")] + [(f"item {n}", n) for n in range(1, 451)]
    pages = list(load_file(make_xlsx(tmp_path / "long.xlsx", rows, title="Data")).pages)
    assert [p.label for p in pages] == ["Data!2-201", "Data!202-401", "Data!402-451"]
    assert all(table(p).heads == ("Id", "Amount") for p in pages)
    assert table(pages[2]).rows[-1] == ("item 450", "450")


def test_a_100000_row_csv_streams_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Id", "Name", "Amount"])
        for n in range(100_000):
            writer.writerow([n, f"customer number {n}", f"{n * 3},00"])
    assert path.stat().st_size > 3 << 20
    tracemalloc.start()
    pages = 0
    last = None
    for page in load_file(path).pages:
        pages += 1
        last = page
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert pages == 500 and last is not None and last.label == "big!99802-100001"
    assert peak < 16 << 20, peak


def test_csv_sniffs_semicolons_and_tsv_uses_tabs(tmp_path: Path) -> None:
    semi = tmp_path / "prices.csv"
    semi.write_text('Plan;Price\nBasic;"9,50 €"\nPro;"19,00 €"\n', encoding="cp1252")
    tsv = tmp_path / "plans.tsv"
    tsv.write_text("Plan\tSeats\nBasic\t1\n", encoding="utf-8")
    (page,) = load_file(semi).pages
    assert table(page) == Block("table", heads=("Plan", "Price"),
                                rows=(("Basic", "9,50 €"), ("Pro", "19,00 €")))
    assert page.label == "prices!2-3"
    (page,) = load_file(tsv).pages
    assert table(page).rows == (("Basic", "1"),)


def test_a_sheet_starting_with_figures_has_no_heads(tmp_path: Path) -> None:
    path = tmp_path / "figures.csv"
    path.write_text("2023,1250\n2024,1400\n", encoding="utf-8")
    (page,) = load_file(path).pages
    assert table(page) == Block("table", rows=(("2023", "1250"), ("2024", "1400")))
    assert page.label == "figures!1-2"


def make_ods(path: Path) -> Path:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    sheet = Table(name="Sales")
    for n, row in enumerate(SALES):
        table_row = TableRow()
        for value in row:
            if isinstance(value, str):
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=value))
            else:  # the display text a spreadsheet would write
                cell = TableCell(valuetype="float", value=value)
                cell.addElement(P(text=SHOWN[n - 1][2]))
            table_row.addElement(cell)
        sheet.addElement(table_row)
    sheet.addElement(TableRow(numberrowsrepeated=1000))  # empty rows: skipped
    document.spreadsheet.addElement(sheet)
    document.save(str(path))
    return path


def test_ods_cells_are_read_as_displayed(tmp_path: Path) -> None:
    loaded = load_file(make_ods(tmp_path / "sales.ods"))
    (page,) = loaded.pages
    assert loaded.file_type == "ods"
    assert page.label == "Sales!2-4"
    assert table(page) == Block("table", heads=("Region", "Month", "Revenue"), rows=SHOWN)


def test_encrypted_corrupt_and_misnamed_workbooks(tmp_path: Path) -> None:
    encrypted = tmp_path / "locked.xlsx"  # what Office writes for a password: an OLE file
    encrypted.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024)
    with pytest.raises(SkipFile, match="encrypted XLSX"):
        load_file(encrypted)
    not_zip = tmp_path / "notes.xlsx"
    not_zip.write_text("just text", encoding="utf-8")
    with pytest.raises(SkipFile, match="not a real XLSX file"):
        load_file(not_zip)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(make_xlsx(tmp_path / "ok.xlsx").read_bytes()[:600])
    with pytest.raises(IngestError, match="corrupt XLSX"):
        list(load_file(broken).pages)
    letter = tmp_path / "letter.xlsx"
    with zipfile.ZipFile(letter, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(SkipFile, match="not an XLSX workbook"):
        load_file(letter)
    odt = tmp_path / "letter.ods"
    with zipfile.ZipFile(odt, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<x/>")
    with pytest.raises(SkipFile, match="not an ODS"):
        load_file(odt)
    locked = tmp_path / "locked.ods"
    with zipfile.ZipFile(locked, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", "<manifest:encryption-data/>")
        archive.writestr("content.xml", "garbled")
    with pytest.raises(SkipFile, match="encrypted ODS"):
        load_file(locked)


def test_a_zip_bomb_named_xlsx_is_refused_before_parsing(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            for _ in range(40):  # 40 MB of zeros, some 40 KB packed
                member.write(b"\0" * (1 << 20))
    with pytest.raises(SkipFile, match="ZIP bomb"):
        load_file(bomb)


def test_a_long_xlsx_streams_in_bounded_memory(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Data")
    sheet.append(["Id", "Name", "Amount"])
    for n in range(20_000):  # 100,000 rows peak at some 9 MB too, in 5 times the time
        sheet.append([n, f"customer {n}", n * 3])
    book.save(tmp_path / "big.xlsx")
    tracemalloc.start()
    labels = [page.label for page in load_file(tmp_path / "big.xlsx").pages]
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert len(labels) == 100 and labels[-1] == "Data!19802-20001"
    assert peak < 16 << 20, peak
