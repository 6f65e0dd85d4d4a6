"""Tables of plain text lined up with spaces: read before cleaning joins the columns."""

from __future__ import annotations

from ingest.blocks import text_blocks
from ingest.blocks.aligned import aligned_cells, aligned_table

TIMETABLE = """Route 42 - Weekday timetable

Stop                 First bus   Last bus   Every
Central Station      06:10       23:30      15 minutes
Hospital\t06:25\t23:45\t20 minutes

Saturday and Sunday services run every 30 minutes all day.
"""


def test_columns_lined_up_by_spaces_or_tabs_are_a_table_with_its_heads() -> None:
    title, table, note = text_blocks(TIMETABLE)
    assert (title.kind, note.kind) == ("paragraph", "paragraph")
    assert table.heads == ("Stop", "First bus", "Last bus", "Every")
    assert table.rows == (("Central Station", "06:10", "23:30", "15 minutes"),
                          ("Hospital", "06:25", "23:45", "20 minutes"))


def test_a_list_of_names_and_numbers_has_no_heads_and_keeps_the_lines_around_it() -> None:
    text = ("Useful contacts\nSchool office        01632 960 118\n"
            "Head teacher         Mrs Joan Ellery\nThe office opens at 8:00.")
    blocks = text_blocks(text)
    table = next(b for b in blocks if b.kind == "table")
    assert not table.heads
    assert table.rows == (("School office", "01632 960 118"), ("Head teacher", "Mrs Joan Ellery"))
    assert [b.text for b in blocks if b.kind != "table"] == ["Useful contacts",
                                                            "The office opens at 8:00."]


def test_double_spaces_after_a_sentence_or_a_lone_padded_line_make_no_table() -> None:
    assert aligned_cells("It rained.  Then it stopped.") is None
    assert aligned_cells("A cell of far too many words to be one    42") is None
    prose = "Done.  We left at noon.\nIt rained.  Then it stopped."
    assert [b.kind for b in text_blocks(prose)] == ["paragraph"]
    lone = "Total due        £40.00\nPay by Friday, please."
    assert "table" not in [b.kind for b in text_blocks(lone)]


def test_a_first_row_with_digits_is_a_row_not_the_heads() -> None:
    block = aligned_table([("Subtotal", "£2,930.00"), ("Total", "£3,516.00")])
    assert not block.heads and len(block.rows) == 2


def test_a_pdf_text_layers_runs_of_spaces_are_left_to_its_word_positions() -> None:
    blocks = text_blocks(TIMETABLE, lined_up=False)
    assert "table" not in [b.kind for b in blocks]
    assert any("Central Station 06:10" in b.text for b in blocks)
