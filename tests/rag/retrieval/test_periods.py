"""Reading the period a file's name states, and telling questions about the latest report."""

from __future__ import annotations

import pytest

from rag.retrieval.periods import asks_latest, file_period, topic, without_latest


@pytest.mark.parametrize("question", [
    "What was Intel's gross margin as reported in their latest 10-Q?",
    "How does R&D in the most recent quarter compare to previous quarters?",
    "Which is the newest report?",
    "What changed in the last quarter?",
    "Summarise the last 10-Q.",
])
def test_questions_about_the_latest_report(question: str) -> None:
    assert asks_latest(question)


@pytest.mark.parametrize("question", [
    "What was Intel's gross margin in Q1 2023?",
    "Who came last in the race?",
    "How long did the merger last?",
    "What are the latest-stage risks?",  # hyphenated: not about a report's date
])
def test_questions_not_about_the_latest_report(question: str) -> None:
    assert not asks_latest(question)


@pytest.mark.parametrize(("question", "searched"), [
    ("What was Intel's gross margin in the most recent 10-Q?", "What was Intel's gross margin in the 10-Q?"),
    ("In the latest report, what changed?", "In the report, what changed?"),
    ("How did R&D change in the last quarter?", "How did R&D change in the quarter?"),
    ("Which is the NEWEST filing?", "Which is the filing?"),
    ("Who came last in the race?", "Who came last in the race?"),  # not about a report
    ("What are the latest-stage risks?", "What are the latest-stage risks?"),
])
def test_the_words_asking_for_the_latest_report_are_not_searched(question: str,
                                                                 searched: str) -> None:
    assert without_latest(question) == searched


@pytest.mark.parametrize(("question", "searched"), [
    ("What legal proceedings are disclosed in these 10-Qs?", "What legal proceedings are?"),
    ("How did R&D change over the reported quarters?", "How did R&D change?"),
    ("In Amazon's Q2 2023 10-Q, how did AWS sales change?", "Amazon's, how did AWS sales change?"),
    ("What were Intel's cash flows as per the Q3 2022 10-Q?", "What were Intel's cash flows?"),
    ("What were NVIDIA's risks as stated in the latest quarterly report?",
     "What were NVIDIA's risks?"),
    ("What tax rate was reported by Apple in its filings?", "What tax rate was by Apple?"),
    # the report itself is the topic, or nothing else is left
    ("When is the annual report due?", "When is the annual report due?"),
    ("What is in the report?", "What is in the report?"),
    ("Who reported the leak in the kitchen?", "Who reported the leak in the kitchen?"),
])
def test_the_words_pointing_at_the_reports_are_not_searched(question: str, searched: str) -> None:
    assert topic(question) == searched


@pytest.mark.parametrize(("name", "period"), [
    ("/data/2023 Q1 AMZN.pdf", (2023, 3)),
    ("2022 Q3 INTC.pdf", (2022, 9)),
    ("FY2022-Q4 results.pdf", (2022, 12)),
    ("results 3Q2021.pdf", (2021, 9)),
    ("AAPL 2023Q1.pdf", (2023, 3)),
    ("10-Q 2022.pdf", (2022, 12)),
    ("minutes-2024-03-14.pdf", (2024, 3)),
    ("scan_20230930.pdf", (2023, 9)),
    ("Annual Report 2021.pdf", (2021, 12)),
    ("September 2020 newsletter.txt", (2020, 9)),
    ("budget 2019_2020.xlsx", (2020, 12)),
])
def test_file_period_reads_the_latest_period_a_name_states(name: str, period: tuple) -> None:
    assert file_period(name) == period


@pytest.mark.parametrize("name", ["notes.pdf", "chapter 12.md", "/2023/notes.pdf", "v10234.pdf"])
def test_names_without_a_year_state_no_period(name: str) -> None:
    assert file_period(name) is None
