"""A PDF's tables from its words' positions: columns, spanning heads, sections, footers."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.blocks import page_blocks
from ingest.readers import load_file
from ingest.readers.types import Segment
from tests.ingest.conftest import rows_of

LABEL_X = 20.0
COLUMN_RIGHTS = (120.0, 150.0, 180.0)  # right edges of the figure columns (mm)


def _right(pdf, x_right: float, y: float, text: str) -> None:  # noqa: ANN001 - fpdf.FPDF
    pdf.text(x_right - pdf.get_string_width(text), y, text)


def _statement(path: Path, *, footer: str = "Kestrel Corp. | Form 10-Q | {page}",
               footer_y: float = 285, pages: int = 1) -> Path:
    """A 10-Q statement laid out as EDGAR prints them: heads over right-aligned figures,
    a head spanning two columns, a "$" in a cell of its own, section lines, a footer
    (``pages`` copies, the footer numbering them)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4", unit="mm")
    for number in range(1, pages + 1):
        _statement_page(pdf, footer.format(page=number), footer_y)
    pdf.output(str(path))
    return path


def _statement_page(pdf, footer: str, footer_y: float) -> None:  # noqa: ANN001 - fpdf.FPDF
    pdf.add_page()
    pdf.set_font("helvetica", "B", 11)
    pdf.text(LABEL_X, 20, "KESTREL CORP.")
    pdf.text(LABEL_X, 26, "CONDENSED STATEMENTS OF OPERATIONS")
    pdf.set_font("helvetica", size=9)
    pdf.text(LABEL_X, 36, "(In millions)")
    _right(pdf, 145, 36, "Three Months Ended")
    _right(pdf, 180, 36, "Nine Months")
    _right(pdf, 145, 41, "March 31,")
    _right(pdf, 180, 41, "Ended March 31,")
    for right, year in zip(COLUMN_RIGHTS, ("2024", "2023", "2024"), strict=True):
        _right(pdf, right, 46, year)
    rows = [
        ("Net sales:", None),
        ("   Products", ("$", "9,120", "$", "8,004", "$", "27,311")),
        ("   Services", ("", "3,450", "", "3,101", "", "10,200")),
        ("Total net sales", ("", "12,570", "", "11,105", "", "37,511")),
        ("Operating expenses:", None),
        ("   Research and development", ("", "1,204", "", "1,110", "", "3,560")),
        ("   Marketing", ("", "(88)", "", "640", "", "1,930")),
        ("Net income", ("$", "2,611", "$", "2,270", "$", "7,844")),
    ]
    y = 53.0
    for label, figures in rows:
        pdf.text(LABEL_X + (4 if label.startswith(" ") else 0), y, label.strip())
        for column, right in enumerate(COLUMN_RIGHTS):
            if figures is None:
                continue
            sign, amount = figures[2 * column], figures[2 * column + 1]
            if sign:
                pdf.text(right - 22, y, sign)
            _right(pdf, right, y, amount)
        y += 6
    if footer_y > y + 8:
        pdf.text(LABEL_X, y + 8, "See the accompanying notes.")
    pdf.text(90, footer_y, footer)


@pytest.fixture(scope="module")
def statement(tmp_path_factory: pytest.TempPathFactory) -> list:
    path = _statement(tmp_path_factory.mktemp("layout") / "kestrel.pdf")
    page = next(iter(load_file(path).pages))
    assert page.words, "a page of figures carries its words' boxes"
    blocks = page_blocks(page.words)
    assert blocks is not None
    return blocks


def test_a_statement_becomes_one_table_with_its_column_heads(statement: list) -> None:
    tables = [b for b in statement if b.kind == "table"]
    assert len(tables) == 1
    assert tables[0].heads == ("", "Three Months Ended March 31, 2024",
                               "Three Months Ended March 31, 2023",
                               "Nine Months Ended March 31, 2024")


def test_rows_keep_their_section_and_each_figure_its_column(statement: list) -> None:
    table = next(b for b in statement if b.kind == "table")
    assert table.rows[0] == ("Net sales: Products", "$9,120", "$8,004", "$27,311")
    assert ("Total net sales", "12,570", "11,105", "37,511") in table.rows
    assert ("Operating expenses: Marketing", "(88)", "640", "1,930") in table.rows
    assert table.rows[-1] == ("Net income", "$2,611", "$2,270", "$7,844")


def test_the_title_and_the_notes_stay_text_and_the_footer_is_no_row(statement: list) -> None:
    texts = [b.text for b in statement if b.kind != "table"]
    assert "KESTREL CORP." in texts and "See the accompanying notes." in texts
    table = next(b for b in statement if b.kind == "table")
    assert not any("Form 10-Q" in row[0] for row in table.rows)


def test_a_chunk_quotes_a_row_with_the_heads_of_its_figures(tmp_path: Path, index,  # noqa: ANN001
                                                            chunker) -> None:  # noqa: ANN001
    from ingest import ingest_paths

    ingest_paths([_statement(tmp_path / "kestrel.pdf")], index=index, chunker=chunker)
    rows = [row for chunk in index.fetch() for row in rows_of(chunk)]
    assert ("Net sales: Products; Three Months Ended March 31, 2024: $9,120; "
            "March 31, 2023: $8,004; "
            "Nine Months Ended March 31, 2024: $27,311") in rows


def test_a_running_footer_right_under_a_table_is_no_row(tmp_path: Path, index,  # noqa: ANN001
                                                        chunker) -> None:  # noqa: ANN001
    """Apple's 10-Qs end a page's table with "Apple Inc. | Q3 2023 Form 10-Q | 13" just
    under its last row: a line of figures to the table reader, a running footer to the page."""
    from ingest import ingest_paths

    path = _statement(tmp_path / "kestrel.pdf", footer_y=105, pages=3)
    ingest_paths([path], index=index, chunker=chunker)
    chunks = index.fetch()
    rows = [(chunk.metadata["page"], row) for chunk in chunks for row in rows_of(chunk)]
    assert {page for page, _ in rows} == {1, 2, 3}
    assert [row for page, row in rows if page > 1 and "Form 10-Q" in row] == []
    assert not any("Form 10-Q" in chunk.text for chunk in chunks if chunk.metadata["page"] > 1)


def test_prose_in_two_columns_is_left_to_the_line_reader() -> None:
    def line(y: float, left: str, right: str) -> list[Segment]:
        return [Segment(50, 280, y, y + 10, left), Segment(320, 550, y, y + 10, right)]

    prose = [s for n in range(8) for s in line(20 * n, "the lighthouse keeper wrote each night",
                                               "while the harbour master counted ships")]
    rows = [Segment(50, 120, 200 + 12 * n, 210 + 12 * n, f"Item {n}") for n in range(4)]
    figures = [Segment(400, 440, 200 + 12 * n, 210 + 12 * n, f"{n},000") for n in range(4)]
    assert page_blocks(prose + rows + figures) is None
    assert page_blocks(rows + figures) is not None


def test_a_page_without_figures_reads_no_word_boxes(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    pdf.multi_cell(0, 6, "The lighthouse on Pell Island was built in 1871. " * 5)
    pdf.output(str(tmp_path / "prose.pdf"))
    page = next(iter(load_file(tmp_path / "prose.pdf").pages))
    assert page.text.strip() and page.words == ()


def test_a_percent_sign_set_apart_stays_with_its_figure() -> None:
    def row(y: float, label: str, *cells: str) -> list[Segment]:
        words = [Segment(20, 20 + 6 * len(label), y, y + 10, label)]
        for column, cell in enumerate(cells):
            figure, _, sign = cell.partition(" ")
            right = 300 + 80 * column
            words.append(Segment(right - 30, right, y, y + 10, figure))
            if sign:
                words.append(Segment(right + 2, right + 8, y, y + 10, sign))
        return words

    runs = [*row(0, "Income before taxes", "$(52)", "$(188)"),
            *row(14, "Provision for taxes", "$(362)", "$(1,207)"),
            *row(28, "Effective tax rate", "696.2 %", "642.0 %")]
    table = page_blocks(runs)[0]
    assert table.rows[-1] == ("Effective tax rate", "696.2%", "642.0%")
