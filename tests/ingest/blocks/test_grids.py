"""A PDF's table of words (no figures) from its words' positions, with a real font."""

from __future__ import annotations

from pathlib import Path

from ingest.blocks import page_blocks
from ingest.readers import load_file
from tests.ingest.conftest import rows_of

COLUMNS = (60.0, 95.0, 130.0, 165.0)  # left edges of the countries' columns (mm)
GRID = [("", "Indonesia", "Germany", "Austria", "France"),
        ("Capital", "Jakarta", "Berlin", "Vienna", "Paris"),
        ("Currency", "Rupiah", "Euro", "Euro", "Euro"),
        ("Language", "Indonesian", "German", "German", "French"),
        ("Continent", "Asia", "Europe", "Europe", "Europe")]


def _countries(path: Path) -> Path:
    """A page of prose over a table of words, each cell drawn where its column stands
    (the text layer then gives one cell a line, as a Google Docs export does)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4", unit="mm")
    pdf.add_page()
    pdf.set_font("helvetica", "B", 12)
    pdf.text(20, 20, "Country facts")
    pdf.set_font("helvetica", size=10)
    pdf.text(20, 28, "Four countries compared by their capital, currency and language.")
    for n, (label, *cells) in enumerate(GRID):
        y = 40 + 8 * n
        if label:
            pdf.text(20, y, label)
        for x, cell in zip(COLUMNS, cells, strict=True):
            pdf.text(x, y, cell)
    pdf.output(str(path))
    return path


def test_a_table_of_words_becomes_a_table_with_its_column_heads(tmp_path: Path) -> None:
    page = next(iter(load_file(_countries(tmp_path / "countries.pdf")).pages))
    assert page.words, "a page whose text layer gives a cell a line carries its word boxes"
    blocks = page_blocks(page.words)
    assert blocks is not None
    tables = [b for b in blocks if b.kind == "table"]
    assert len(tables) == 1
    assert tables[0].heads == GRID[0]
    assert tables[0].rows == tuple(GRID[1:])
    texts = [b.text for b in blocks if b.kind != "table"]
    assert "Four countries compared by their capital, currency and language." in texts


def test_a_chunk_quotes_a_country_s_capital_under_its_column_head(tmp_path: Path, index,  # noqa: ANN001
                                                                  chunker) -> None:  # noqa: ANN001
    from ingest import ingest_paths

    ingest_paths([_countries(tmp_path / "countries.pdf")], index=index, chunker=chunker)
    rows = [row for chunk in index.fetch() for row in rows_of(chunk)]
    assert "Capital; Indonesia: Jakarta; Germany: Berlin; Austria: Vienna; France: Paris" in rows


def test_short_lines_of_prose_are_no_grid(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    for n, line in enumerate(["Roses are red", "Violets are blue", "Sugar is sweet",
                              "And so are you", "The end", "By Ann", "In June", "Of 1990"]):
        pdf.text(20, 20 + 7 * n, line)
    pdf.output(str(tmp_path / "poem.pdf"))
    page = next(iter(load_file(tmp_path / "poem.pdf").pages))
    assert page_blocks(page.words) is None  # read line by line, as before


UNIT_GRID = [("Country", "Area (km2)", "Capital", "Language"),
             ("Austria", "83,879", "Vienna", "German"),
             ("Belgium", "30,689", "Brussels", "Dutch"),
             ("Denmark", "42,951", "Copenhagen", "Danish")]


def test_a_head_naming_a_unit_still_heads_a_table_of_words(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF(format="A4", unit="mm")
    pdf.add_page()
    pdf.set_font("helvetica", size=10)
    pdf.text(20, 20, "Three countries compared by their area, capital and language.")
    for n, row in enumerate(UNIT_GRID):
        for x, cell in zip((20.0, *COLUMNS[:3]), row, strict=True):
            pdf.text(x, 32 + 8 * n, cell)
    path = tmp_path / "areas.pdf"
    pdf.output(str(path))
    page = next(iter(load_file(path).pages))
    blocks = page_blocks(page.words) or []
    tables = [b for b in blocks if b.kind == "table"]
    assert len(tables) == 1 and tables[0].heads == UNIT_GRID[0]  # "km2" is no figure
    assert tables[0].rows[1] == UNIT_GRID[2]
