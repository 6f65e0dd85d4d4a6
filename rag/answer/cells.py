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
from collections.abc import Sequence

from rag.answer.evidence import Evidence
from rag.answer.extract import question_kind
from rag.text import HOW_MEASURES, STOPWORDS, WORD, content_words, stem

__all__ = ["PRICE_WORDS", "counted_thing", "field_parts", "is_amount", "kind_field", "named_value",
           "states_phone_number", "structured_fact", "unstated_attribute"]

PRICE_WORDS = frozenset({"cost", "price", "fee", "charge", "charged", "pay", "rate", "much",
                         "amount"})
"""Words that ask for a price or name one ("What does it cost?": Price)."""
_KINDRED = (
    PRICE_WORDS,
    {"long", "length", "duration", "period", "time", "take", "takes"},
    {"big", "size", "large", "capacity"},
    {"weigh", "weight", "heavy", "mass"},
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
_ASKING = HOW_MEASURES | _MEASURES.keys()
"""The word after "how" ("how much", "how long"): it asks, it qualifies nothing."""
_HOW_MEASURE = re.compile(r"\bhow\s+(" + "|".join(_MEASURES) + r")\b", re.IGNORECASE)
_PHONE = re.compile(r"(?<![\w-])\+?\(?\d[\d ().-]{5,}\d(?![\w-])")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_KIND_KEYS = {"when": frozenset({"date", "dates", "when", "day", "days", "time", "times"}),
              "where": frozenset({"venue", "location", "address", "place", "where"})}
"""The keys of the fields that say when or where the thing a page is about happens."""
_ATTRIBUTE = re.compile(
    r"^\s*what\s+(?:is|are|was|were)\s+(?:(?:the|its|their)\s+(?P<of>[\w\s-]+?)\s+(?:of|for)\s+"
    r"|(?:the\s+)?[\w\s-]+?['’]s\s+(?P<own>[\w\s-]+?)\s*\??\s*$)", re.IGNORECASE)
"""A question for an attribute of a thing: "What is the warranty of the kettle?", "What is
the kettle's warranty?"."""
_COUNTED = re.compile(r"\bhow\s+(?:many|much)\s+([^\W\d_]+)", re.IGNORECASE)
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


def _counts_other(key: str, value: str, question: str) -> bool:
    """Whether a "how many/much X" question counts an X that neither the key nor the value
    names: "How many people does the tomato soup serve?" is not told by "Tomato soup | 5.50".

    Example:
        >>> _counts_other("Tomato soup", "5.50", "How many people does the tomato soup serve?")
        True
        >>> _counts_other("Seats", "120", "How many seats does the hall have?")
        False
    """
    counted = counted_thing(question)
    return counted is not None and \
        stem(counted) not in {stem(w) for w in content_words(f"{key} {value}")}


def counted_thing(question: str) -> str | None:
    """The word after "how many/much" when it names what is counted ("How much *cream*
    ...?"), lower-cased; None for other questions or a verb ("How much *is* it?").

    Example:
        >>> counted_thing("How much cream goes in?"), counted_thing("How much does it cost?")
        ('cream', None)
    """
    counted = _COUNTED.search(question)
    word = counted.group(1).lower() if counted else None
    return None if word is None or word in STOPWORDS else word


def _stated(value: str) -> bool:
    """Whether a cell states something: a letter or a digit ("—" or "-" marks an empty one)."""
    return any(c.isalnum() for c in value)


def field_parts(unit: Evidence) -> tuple[str, str] | None:
    """A form field's key (stripped, lower case) and value; None for other units.

    Example:
        >>> field_parts(Evidence(1, 0, 16, "From: Priya Nair", 0.7, "field"))
        ('from', ' Priya Nair')
    """
    if unit.kind != "field" or ":" not in unit.text:
        return None
    key, value = unit.text.split(":", 1)
    return key.strip().lower(), value


def _label_and_value(unit: Evidence) -> tuple[str, str] | None:
    """A form field's key and value, or a two-cell row's label and value (a specification
    table: "Capacity | 1.7 litres", under heads like "Feature | Value" or none); None for
    other units."""
    field = field_parts(unit)
    if field is not None:
        return field
    cells = [c.strip() for c in unit.text.strip().strip("|").split("|")]
    if unit.kind == "row" and len(cells) == 2:
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
        >>> spec = Evidence(1, 0, 24, "Flight time | 31 minutes", 0.9, "row", 1, "Feature | Value")
        >>> structured_fact(spec, "What is the flight time of the drone?")
        '31 minutes'
        >>> notes = Evidence(1, 0, 25, "1.000% Notes due 2023 | —", 0.9, "row", 1,
        ...                  "Title of each class | Trading symbol(s)")
        >>> structured_fact(notes, "What is the trading symbol of the notes?") is None
        True
    """
    asked = _asked_words(question)
    pair = _label_and_value(best)
    if pair is not None and not best.heads:
        return _pair_value(*pair, question, asked)
    if best.kind != "row" or not best.heads:
        return None
    cells = [c.strip() for c in best.text.split(" | ")]
    heads = [h.strip() for h in best.heads.split(" | ")]
    if len(cells) != len(heads):
        return None
    column = _named_column(heads, cells, asked)
    if column is None and pair is not None:  # heads that name no column: "Feature | Value"
        return _pair_value(*pair, question, asked)
    return column


def _named_column(heads: list[str], cells: list[str], asked: set[str]) -> str | None:
    """The cell of the column whose head names most of ``asked`` and least else; None: no
    head names any."""
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
    return None if pair is None else _pair_value(*pair, question, _named_words(question))


def _pair_value(key: str, value: str, question: str, asked: set[str]) -> str | None:
    """A field's or a two-cell row's value when ``question`` names its key (``asked``: its
    words, stemmed) and counts nothing else; None otherwise."""
    if not _stated(value) or not _names_key(key, question, asked) \
            or _counts_other(key, value, question):
        return None
    return " ".join(value.split())


def states_phone_number(text: str) -> bool:
    """Whether ``text`` holds something written like a phone number: six digits or more in
    one run of digits, spaces, dots, dashes and brackets (not a date, a serial like WM-775312).

    Example:
        >>> [states_phone_number(t) for t in ("Call 0800 555 019.", "Serial WM-775312.",
        ...                                   "On 2031-03-03 at 08:00.", "It costs $1,250,000.")]
        [True, False, False, False]
    """
    return any(sum(c.isdigit() for c in m.group()) >= 6 and not _ISO_DATE.search(m.group())
               for m in _PHONE.finditer(text))


def kind_field(unit: Evidence, question: str, about: str) -> str | None:
    """For "When/Where is X?" of a page about X (``about``: its title and headings), the value
    of its date or time, venue or place field ("Date: Friday 12 November" of a poster whose
    title is "Charity quiz night"); None for other units, questions or pages.

    Example:
        >>> date = Evidence(1, 0, 24, "Date: Friday 12 November", 1.0, "field")
        >>> kind_field(date, "When is the quiz night?", "Charity quiz night")
        'Friday 12 November'
        >>> kind_field(date, "When is the raffle drawn?", "Charity quiz night") is None
        True
    """
    keys, field = _KIND_KEYS.get(question_kind(question)), field_parts(unit)
    if keys is None or field is None:
        return None
    key, value = field
    asked = {stem(w) for w in content_words(question)}
    if key not in keys or not asked \
            or not asked <= {stem(w) for w in content_words(about)}:
        return None
    return " ".join(value.split()) or None


def unstated_attribute(question: str, best: Sequence[Evidence], seen: str) -> list[str]:
    """The attribute a "What is the X of Y?" (or "Y's X") question asks of a page of fields
    or specification rows when ``seen`` (the page's text) states none of its words nor their
    kindred ("cost": price); empty otherwise.

    A page that lists its attributes (a form, a product's specifications) states what it
    has: "the warranty" of a kettle whose table has none is a near miss, not a question
    for its capacity row. Pages of prose (``best`` holds fewer than two fields or rows)
    are left alone: a paraphrase is likelier there.

    Example:
        >>> rows = [Evidence(1, 0, 20, "Capacity | 1.7 litres", 1.2, "row"),
        ...         Evidence(1, 21, 40, "Price | £64.99", 1.1, "row")]
        >>> seen = "Halden Quick kettle Capacity | 1.7 litres Price | £64.99"
        >>> unstated_attribute("What is the warranty of the Halden Quick kettle?", rows, seen)
        ['warranty']
        >>> unstated_attribute("What is the kettle's price?", rows, seen)
        []
    """
    asked = _ATTRIBUTE.match(question)
    if asked is None or sum(u.kind in ("field", "row") for u in best) < 2:
        return []
    words = content_words(asked.group("of") or asked.group("own") or "")
    present = {stem(w) for w in WORD.findall(seen.lower())}
    for word in words:
        kindred = {stem(word), *(stem(k) for group in _KINDRED if word in group for k in group)}
        if kindred & present:
            return []
    return words
