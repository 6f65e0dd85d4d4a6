"""Answers across periodic reports: the row the question names, from each report."""

from __future__ import annotations

from rag.answer.across import report_quotes
from rag.answer.evidence import Evidence

QUESTION = "How has Apple's total net sales changed over time?"


def _row(n: int, text: str, score: float) -> Evidence:
    return Evidence(n, 0, len(text), text, score, "row")


def test_the_row_the_question_names_leads_and_other_rows_stay_out() -> None:
    ranked = [
        Evidence(1, 0, 40, "Year-over-year Mac net sales increased due to MacBook Pro.", 1.4),
        _row(2, "Net sales by category: Mac | 6,840 | 7,382", 1.2),
        _row(1, "Net sales by category: Total net sales | $82,959 | $81,434", 1.1),
        _row(3, "Net sales by category: Total net sales | $117,154 | $123,945", 1.0),
        _row(1, "Net sales by category: Net sales | $82,959", 1.05),
    ]
    quotes = report_quotes(ranked, {1: 2, 2: 0, 3: 1}, min_share=0.5, question=QUESTION)
    assert quotes is not None
    assert [q.text for q in quotes] == [  # newest report first; the Mac row answers nothing
        "Net sales by category: Total net sales | $117,154 | $123,945",
        "Net sales by category: Total net sales | $82,959 | $81,434"]


def test_a_bare_total_names_nothing() -> None:
    ranked = [_row(1, "Gross margin | 70%", 1.3),
              Evidence(1, 0, 40, "Data Center revenue was up 141% sequentially.", 1.25),
              _row(2, "Total | $13,507 | $6,704", 1.2)]
    question = "How has NVIDIA's Data Center revenue trended over time?"
    quotes = report_quotes(ranked, {1: 1, 2: 0}, min_share=0.5, question=question)
    assert quotes is not None  # no row named: each report's best unit, rows included
    assert [q.text for q in quotes] == ["Total | $13,507 | $6,704", "Gross margin | 70%"]


def test_a_named_row_far_below_the_best_unit_does_not_lead() -> None:
    ranked = [Evidence(1, 0, 40, "Net sales fell 1% on weaker iPhone demand.", 1.4),
              Evidence(2, 0, 40, "Net sales rose on Services.", 1.3),
              _row(2, "Total net sales | $94,836", 0.5)]
    quotes = report_quotes(ranked, {1: 1, 2: 0}, min_share=0.8, question=QUESTION)
    assert quotes is not None
    assert [q.text for q in quotes] == ["Net sales rose on Services.",
                                        "Net sales fell 1% on weaker iPhone demand."]
