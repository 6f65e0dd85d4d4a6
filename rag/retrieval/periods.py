"""Which report is the latest: the period a file's name states, and questions that ask for it.

A folder of periodic reports is named by period more often than not
(``2023 Q3 AAPL.pdf``, ``annual-report-2022.pdf``, ``minutes 2024-03-14.pdf``),
and a question about "the latest 10-Q" or "the most recent quarter" means the
newest of the reports it names. Nothing in a chunk's words says which report
is newest, so the document prior (:mod:`rag.retrieval.document_prior`) asks the file
names: :func:`asks_latest` tells such a question, :func:`file_period` reads
the period a file's name states. What is searched for is the question's
:func:`topic`, without the words that point at the reports themselves.

Example:
    >>> asks_latest("What was Intel's gross margin in the most recent 10-Q?")
    True
    >>> file_period("/reports/2023 Q1 AMZN.pdf") < file_period("/reports/2023 Q3 AMZN.pdf")
    True
"""

from __future__ import annotations

import re
from pathlib import PurePath

__all__ = ["asked_periods", "asks_across_reports", "asks_latest", "file_period", "topic",
           "without_latest"]

_LATEST = re.compile(
    r"\b(?:latest|most\s+recent|newest"
    r"|last(?=\s+(?:quarter|year|month|report|filing|10-?[qk])\b(?!-)))\b(?!-)",
    re.IGNORECASE)
"""The words asking for the latest report ("last" only before the report or period it asks for)."""
_YEAR = r"(?<!\d)((?:19|20)\d{2})(?!\d)"
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})[-_.]?(0[1-9]|1[0-2])(?:[-_.]?(?:0[1-9]|[12]\d|3[01]))?(?!\d)")
_QUARTER = re.compile(r"(?<![a-z])q([1-4])(?!\d)|(?<![a-z\d])([1-4])q(?![a-z])", re.IGNORECASE)
_MONTH = re.compile(r"(?<![a-z])(" + "|".join(_MONTHS) + r")[a-z]*(?![a-z])", re.IGNORECASE)


_ORDINAL = {"first": 1, "second": 2, "third": 3, "fourth": 4,
            "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
_ASKED_QUARTER = re.compile(
    r"(?<![a-z\d])q([1-4])(?:\s+(?:of\s+)?(?:fy\s*|fiscal\s+(?:year\s+)?)?|[-/ ]?)" + _YEAR
    + r"|" + _YEAR + r"[-/ ]?q([1-4])(?![a-z\d])"
    + r"|\b(first|second|third|fourth|1st|2nd|3rd|4th)\s+(?:fiscal\s+)?quarter\s+"
    r"(?:of\s+|in\s+)?(?:(?:the\s+)?fiscal\s+(?:year\s+)?|fy\s*)?" + _YEAR,
    re.IGNORECASE)


def asked_periods(question: str) -> set[tuple[int, int]]:
    """The quarters a question names, as :func:`file_period` reads a file name's:
    ``(year, last month of the quarter)``.

    Only quarters with their year ("Q3 2022", "2023 Q1", "the third quarter of
    2023"): a date such as "the quarter ended July 1, 2023" may end a fiscal
    quarter that a file names otherwise, and a year alone spans many reports.

    Example:
        >>> sorted(asked_periods("Compare Q1 2023 with the third quarter of 2022."))
        [(2022, 9), (2023, 3)]
        >>> asked_periods("What did the 2023 Q2 report say?"), asked_periods("In 2023, who won?")
        ({(2023, 6)}, set())
    """
    periods = set()
    for match in _ASKED_QUARTER.finditer(question):
        quarter, year, year2, quarter2, ordinal, year3 = match.groups()
        if quarter:
            periods.add((int(year), 3 * int(quarter)))
        elif quarter2:
            periods.add((int(year2), 3 * int(quarter2)))
        else:
            periods.add((int(year3), 3 * _ORDINAL[ordinal.lower()]))
    return periods


_ACROSS = re.compile(
    r"\bover\s+time\b|\bhistorical(?:ly)?\b|\btrend(?:s|ed)?\b|\bperiod\s+to\s+period\b"
    r"|\bquarter\s+(?:to|over|by)\s+quarter\b|\b(?:each|every)\s+(?:quarter|period|report|filing)\b"
    r"|\b(?:previous|prior|earlier|past|reported|reporting)\s+(?:quarters|periods|reports|filings)\b"
    r"|\b(?:across|throughout|during|over|in|from|between)\s+(?:the\s+|these\s+|all\s+|its\s+|their\s+)"
    r"(?:\w+\s+)?(?:quarters|periods|reports|filings|10-?qs|10-?ks)\b",
    re.IGNORECASE)


def asks_across_reports(question: str) -> bool:
    """Whether ``question`` asks about several periodic reports at once: a change over
    time, a trend, "these quarters", "each report" (its answer: a line from each).

    Example:
        >>> asks_across_reports("How has Apple's total net sales changed over time?")
        True
        >>> asks_across_reports("What legal proceedings are disclosed in these 10-Qs?")
        True
        >>> asks_across_reports("What were Apple's net sales in Q3 2023?")
        False
    """
    return bool(_ACROSS.search(question))


def asks_latest(question: str) -> bool:
    """Whether ``question`` asks about the latest report or period ("latest", "most recent", ...).

    Example:
        >>> asks_latest("How did sales change in the last quarter?"), asks_latest("Who was last?")
        (True, False)
    """
    return bool(_LATEST.search(question))


def without_latest(question: str) -> str:
    """``question`` without the words that ask for the latest report, which name no content.

    "The most recent 10-Q" tells which report to read (the document prior
    favours the newest), not what to find in it; left in the searched words,
    "most recent" matches "our most recent evaluation of internal control" in
    every report's certification.

    Example:
        >>> without_latest("What was the gross margin in the most recent 10-Q?")
        'What was the gross margin in the 10-Q?'
        >>> without_latest("How did sales change in the last quarter?")
        'How did sales change in the quarter?'
        >>> without_latest("Who came last?")
        'Who came last?'
    """
    return " ".join(_LATEST.sub(" ", question).split()) if _LATEST.search(question) else question


_REPORT = r"(?:(?:quarterly|annual|latest|recent)\s+)?(?:10-?[qk]|reports?|filings?)s?"
_PERIOD = (r"(?:(?:q[1-4]\s+(?:of\s+)?)?(?:fy\s*)?(?:19|20)\d{2}|q[1-4]"
           r"|fiscal\s+(?:year\s+)?(?:19|20)\d{2})")
_THE = r"(?:the|these|those|its|their|this|all|each)"
_OWNER = r"(?P<owner>[a-z]+(?:'s|’s))"
_REPORT_WORDS = re.compile(
    rf"(?:\bas\s+per|\bper|\b(?:in|from|across|over|during|throughout|within|between|of))"
    rf"\s+(?:(?:{_THE}|{_OWNER})\s+)?(?:{_PERIOD}\s+)?{_REPORT}\b(?!-)"
    rf"|\b(?:in|across|over|during|throughout|between|for)\s+(?:{_THE}\s+)?"
    rf"(?:reported\s+|reporting\s+)?(?:quarters|periods)\b"
    rf"|\b(?:reported|reporting)\s+(?=(?:quarters|periods|period)\b)"
    rf"|\b(?:as\s+)?(?:disclosed|reported|presented|mentioned|stated|outlined|noted|discussed"
    rf"|described)\s+(?=(?:in|by)\b)",
    re.IGNORECASE)
"""Words that point at the documents as reports: "in these 10-Qs", "in Apple's Q3 2023
10-Q" (the owner stays), "over the reported quarters", "as disclosed in"."""
_MIN_TOPIC_WORDS = 3
"""A topic of fewer words (of three letters or more) is no topic: the question is kept."""


def topic(question: str) -> str:
    """What ``question`` asks about: without the words that ask for the latest report
    (:func:`without_latest`) and those that point at the documents as reports ("in these
    10-Qs", "over the reported quarters", "as disclosed in"), which name no content and
    match every report's certification ("I have reviewed this Quarterly Report on Form
    10-Q ..."). A report's period goes too: the document prior reads it from the question
    (:func:`asked_periods`) and picks the report. A question left with fewer than
    :data:`_MIN_TOPIC_WORDS` words is kept whole ("What is in the report?").

    Example:
        >>> topic("What legal proceedings are disclosed in these 10-Qs?")
        'What legal proceedings are?'
        >>> topic("What was the gross margin in Apple's Q3 2023 10-Q?")
        "What was the gross margin Apple's?"
        >>> topic("How did R&D change over the reported quarters?")
        'How did R&D change?'
        >>> topic("When is the annual report due?"), topic("What is in the report?")
        ('When is the annual report due?', 'What is in the report?')
    """
    stripped = _REPORT_WORDS.sub(lambda m: f" {m.group('owner') or ''} ", without_latest(question))
    stripped = re.sub(r"\s+(?=[?,.;])", "", " ".join(stripped.split()))
    return stripped if len(re.findall(r"\w{3,}", stripped)) >= _MIN_TOPIC_WORDS else question


def file_period(source: str) -> tuple[int, int] | None:
    """The latest period a file's name states, as ``(year, month)``; None when it states no year.

    A year alone counts as its December (an annual report covers the year); a
    quarter as its last month; a month name or a numeric ``YYYY-MM(-DD)`` date
    as that month. The folders above the file are not read.

    Example:
        >>> file_period("2023 Q1 AMZN.pdf"), file_period("report_2022-06-30.pdf")
        ((2023, 3), (2022, 6))
        >>> file_period("Annual Report 2021.pdf"), file_period("March 2024 minutes.pdf")
        ((2021, 12), (2024, 3))
        >>> file_period("notes.pdf") is None
        True
    """
    name = PurePath(source).stem
    dates = [(int(m.group(1)), int(m.group(2))) for m in _DATE.finditer(name)]
    if dates:
        return max(dates)
    years = [int(y) for y in re.findall(_YEAR, name)]
    if not years:
        return None
    year = max(years)
    quarters = [int(q or r) for q, r in _QUARTER.findall(name)]
    if quarters:
        return year, 3 * max(quarters)
    months = [_MONTHS.index(m.lower()[:3]) + 1 for m in _MONTH.findall(name)]
    return year, max(months) if months else 12
