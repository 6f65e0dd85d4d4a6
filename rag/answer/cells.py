"""Table cells and form values as short facts.

:func:`structured_fact`: the short fact of a table row is the cell of the
column the question names ("How much *storage* ...?" -> ``10 GB``); of a form's
field, or of a two-cell row of a specification table ("Capacity | 1.7 litres"),
the value when the question names its key. A question names a column by its
words or their kindred ("What does it cost?" names Price; "How much?" Amount).

Example:
    >>> row = Evidence(1, 0, 18, "Basic | $9 | 10 GB", 0.9, "row", 1,
    ...                "Plan | Price per month | Storage")
    >>> structured_fact(row, "How much storage does the Basic plan include?")
    '10 GB'
"""

from __future__ import annotations

import re

from rag.answer.evidence import Evidence
from rag.text import STOPWORDS, WORD, content_words, stem

__all__ = ["is_amount", "named_value", "structured_fact"]

_KINDRED = (
    {"cost", "price", "fee", "charge", "pay", "rate", "much", "amount"},
    {"long", "length", "duration", "period", "time", "take", "takes"},
    {"big", "size", "large", "capacity"},
    {"many", "number", "count", "quantity"},
    {"when", "date", "time", "day", "year"},
    {"born", "birth", "birthday"},
    {"where", "location", "place", "address", "city"},
    {"who", "name", "person", "owner", "contact"},
)
"""Words a question uses for what a column head names ("What does it cost?": Price)."""
_MEASURES = {
    "heavy": {"weight", "weigh", "mass"}, "wide": {"width"}, "deep": {"depth"},
    "tall": {"height"}, "high": {"height"}, "long": {"length"}, "far": {"distance"},
    "big": {"size", "capacity", "dimension"}, "large": {"size", "capacity", "dimension"},
    "fast": {"speed"}, "old": {"age"}, "hot": {"temperature"}, "cold": {"temperature"},
    "often": {"frequency", "every", "interval"},
}
"""The measure a "how heavy/wide/..." question asks for names a key ("Weight: 1.1 kg")."""
_ASKING = frozenset({"much", "many", *_MEASURES})
"""The word after "how" ("how much", "how long"): it asks, it qualifies nothing."""
_HOW_MEASURE = re.compile(r"\bhow\s+(" + "|".join(_MEASURES) + r")\b", re.IGNORECASE)
_AMOUNT = re.compile(r"^[-+]?[$€£]?\s?\d[\d,]*(?:\.\d+)?\s?(?:[$€£%]|[A-Za-z]{1,3})?$")


def is_amount(value: str) -> bool:
    """Whether a cell is a bare amount ("18.00", "$1,250", "12 kg"): a cost column's "18.00"
    is no time of day.

    Example:
        >>> is_amount("18.00"), is_amount("$1,250"), is_amount("Taxi from station")
        (True, True, False)
    """
    return bool(_AMOUNT.match(value.strip()))


def _named_words(question: str) -> set[str]:
    """The question's content words, stemmed, with the measure a "how heavy/often/..."
    asks for (heavy: weight)."""
    asked = {stem(w) for w in content_words(question)}
    for measure in _HOW_MEASURE.findall(question):
        asked |= {stem(w) for w in _MEASURES[measure.lower()]}
    return asked


def _asked_words(question: str) -> set[str]:
    """:func:`_named_words` with the kindred words of the question's (cost: price)."""
    words = {w.lower() for w in WORD.findall(question)}
    asked = _named_words(question)
    for kindred in _KINDRED:
        if kindred & words:
            asked |= {stem(w) for w in kindred}
    return asked


def _names_key(key: str, question: str, asked: set[str]) -> bool:
    """Whether ``question`` names a field's ``key`` by one of its words (``asked``: the
    question's, stemmed), not counting a word the key and the question qualify otherwise:
    "What is the account number?" does not name "Invoice number".

    Example:
        >>> _names_key("Invoice number", "What is the invoice number?", {"invoice", "number"})
        True
        >>> _names_key("Invoice number", "What is the account number?", {"account", "number"})
        False
    """
    key_words = [stem(w) for w in content_words(key)]
    question_words = [stem(w) for w in WORD.findall(question.lower())]
    for at, word in enumerate(key_words):
        if word not in asked:
            continue
        key_qualifier = key_words[at - 1] if at else None
        where = question_words.index(word) if word in question_words else 0
        before = question_words[where - 1] if where > 0 else None
        asked_qualifier = before if before not in STOPWORDS | _ASKING else None
        if key_qualifier is None or asked_qualifier is None or key_qualifier in asked:
            return True
    return False


def _stated(value: str) -> bool:
    """Whether a cell states something: a letter or a digit ("—" or "-" marks an empty one)."""
    return any(c.isalnum() for c in value)


def _label_and_value(unit: Evidence) -> tuple[str, str] | None:
    """A form field's key and value, or a headless two-cell row's label and value (a
    specification table: "Capacity | 1.7 litres"); None for other units."""
    if unit.kind == "field" and ":" in unit.text:
        key, value = unit.text.split(":", 1)
        return key, value
    cells = [c.strip() for c in unit.text.strip().strip("|").split("|")]
    if unit.kind == "row" and not unit.heads and len(cells) == 2:
        return cells[0], cells[1]
    return None


def structured_fact(best: Evidence, question: str) -> str | None:
    """The short fact a table row or a form field gives: the cell of the column the question
    names (by its words; of two, the one whose head says least else: "Zephyr V8" before
    "Zephyr V8 Pro"), or the field's value; None when the question names no column.

    Example:
        >>> row = Evidence(1, 0, 18, "Basic | $9 | 10 GB", 0.9, "row", 1,
        ...                "Plan | Price per month | Storage")
        >>> structured_fact(row, "How much storage does the Basic plan include?")
        '10 GB'
        >>> structured_fact(row, "What does the Basic plan cost?")
        '$9'
        >>> structured_fact(Evidence(1, 0, 21, "Capacity | 1.7 litres", 0.8, "row"),
        ...                 "What is the capacity of the kettle?")
        '1.7 litres'
        >>> price = Evidence(1, 0, 20, "Price | £199 | £279", 0.9, "row", 1,
        ...                  "Feature | Zephyr V8 | Zephyr V8 Pro")
        >>> structured_fact(price, "How much does the Zephyr V8 cost?")
        '£199'
        >>> bus = Evidence(1, 0, 40, "7 Hospital | 06:45 | 22:10 | 20 minutes", 0.9, "row", 1,
        ...                "Route | First bus | Last bus | Every")
        >>> structured_fact(bus, "How often does the hospital bus run?")
        '20 minutes'
        >>> notes = Evidence(1, 0, 25, "1.000% Notes due 2023 | —", 0.9, "row", 1,
        ...                  "Title of each class | Trading symbol(s)")
        >>> structured_fact(notes, "What is the trading symbol of the notes?") is None
        True
    """
    asked = _asked_words(question)
    pair = _label_and_value(best)
    if pair is not None:
        key, value = pair
        if _names_key(key, question, asked) and _stated(value):
            return " ".join(value.split())
        return None
    if best.kind != "row" or not best.heads:
        return None
    cells = [c.strip() for c in best.text.split(" | ")]
    heads = [h.strip() for h in best.heads.split(" | ")]
    if len(cells) != len(heads):
        return None
    named = []  # (head words asked, minus head words not asked, minus column), cell
    for column, (head, cell) in enumerate(zip(heads, cells, strict=True)):
        words = {stem(w) for w in content_words(head)}
        if not {stem(w) for w in content_words(cell)} & asked:
            named.append(((len(words & asked), -len(words - asked), -column), cell))
    rank, cell = max(named, default=((0, 0, 0), ""))
    return cell if rank[0] and _stated(cell) else None


def named_value(unit: Evidence, question: str) -> str | None:
    """The value of a form field or a two-cell row whose key the question names in its
    own words or by the measure a "how heavy/wide/..." asks for (no other kindred words: a
    mail's "Date:" header does not answer "When do they come?"): "Capacity | 1.7 litres"
    for "What is the capacity ...?", "Weight | 1.1 kg" for "How heavy is it?".

    Example:
        >>> spec = Evidence(1, 0, 21, "Capacity | 1.7 litres", 0.8, "row")
        >>> named_value(spec, "What is the capacity of the kettle?"), named_value(spec, "How old?")
        ('1.7 litres', None)
        >>> named_value(Evidence(1, 0, 15, "Weight | 1.1 kg", 0.6, "row"), "How heavy is it?")
        '1.1 kg'
    """
    pair = _label_and_value(unit)
    if pair is None or not _stated(pair[1]):
        return None
    asked = _named_words(question)
    return " ".join(pair[1].split()) if _names_key(pair[0], question, asked) else None

