"""Near misses: the best units speak of a sibling of what the question asks about."""

from __future__ import annotations

import pytest
from langchain_core.documents import Document

from rag.answer.siblings import other_thing, seen_text


def _other(question: str, unit: str, rest: str = "", **kwargs: object) -> str | None:
    return other_thing(question, [unit], f"{unit} {rest}", **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(("question", "unit", "sibling"), [
    ("When will the gas meter be replaced?",
     "Your water meter will be replaced on 3 March 2031.", "water meter"),
    ("When does the summer timetable of the Skarvik ferry start?",
     "From 2 November the Skarvik ferry runs a reduced winter timetable.", "winter timetable"),
    ("How many days of sick leave do employees get?",
     "Every employee gets 27 days of paid leave a year.", "paid leave"),
    ("What does the Enterprise plan cost?", "The Team plan costs $49 a month.", "team plan"),
    ("When is the sculpture workshop?",
     "The pottery workshop runs on Saturday 12 April.", "pottery workshop"),
    ("What time did the men's eight row at the regatta?",
     "Our women's eight won the regatta in 6 minutes 41 seconds.", "women eight"),
])
def test_a_qualifier_no_chunk_holds_against_another_one(question: str, unit: str,
                                                        sibling: str) -> None:
    assert _other(question, unit) == sibling


@pytest.mark.parametrize(("question", "unit"), [
    # the same qualifier
    ("When will the water meter be replaced?", "Your water meter will be replaced in March."),
    # spelt almost alike, or a longer word it begins: the same word
    ("What resources gauge complexity?", "Time and space guage complexity."),
    ("Where is the lab manager's office?", "The laboratory manager's office is on floor 2."),
    ("Until when can the lit courts be booked?", "Floodlit courts can be booked until 22:00."),
    # a verb's past before a name, a function word before the thing: no qualifier
    ("Who kicked Ethelred out?", "King Ethelred fled to Normandy."),
    ("How did the Huguenots defend themselves?", "They regard themselves as a nation."),
    # the thing does not end the noun phrase ("Huguenot refugees")
    ("What London neighborhood attracted Huguenot refugees?",
     "Amsterdam Huguenots settled in Spitalfields."),
    # the qualifier picks among things rather than naming one
    ("What is the late fee for overdue books?", "The fee is 20p per book per day."),
    # punctuation between the words: no qualifier
    ("How much is the holding deposit?", "Rent £950 a month, deposit £1,100."),
])
def test_no_sibling(question: str, unit: str) -> None:
    assert _other(question, unit) is None


def test_a_unit_missing_more_of_the_question_is_a_paraphrase_unless_its_context_holds_it(
) -> None:
    question = "When is the sculpture workshop at the arts centre?"
    unit = "The pottery workshop runs on Saturday 12 April."
    assert other_thing(question, [unit], unit) is None  # nor "arts" nor "centre"
    assert other_thing(question, [unit], unit, contexts=["Workshops Marlow Arts Centre"]) == \
        "pottery workshop"


def test_a_qualifier_the_collection_mentions_elsewhere_is_no_near_miss() -> None:
    question, unit = "When will the gas meter be replaced?", "Your water meter is replaced."
    assert _other(question, unit, mentions=lambda word: word == "gas") is None
    assert _other(question, unit, mentions=lambda word: False) == "water meter"
    # held by the best units' chunks, though not by the units themselves
    assert _other(question, unit, rest="Gas supply: Northgas.") is None


@pytest.mark.parametrize(("question", "unit", "sibling"), [
    ("When is the library open on Saturdays?", "On Sundays the library opens at 11:00.", "sunday"),
    ("When is the pool open in January?", "The pool is open from May to September.", "may"),
    ("When is the shop open on Tuesday?", "We are open Monday to Friday, 9am to 5pm.", None),
    ("When is the shop open on Tuesday?", "We are open Mon-Fri.", None),
    ("When is the shop open on Sunday?", "We are open Mon-Fri.", "monday"),
    # asked yes or no: the other days answer "no"
    ("Is the shop open on Sunday?", "We are open Mon-Fri.", None),
    ("When is the autumn fair?", "The spring fair is on 4 May.", "spring fair"),
    ("When is the fair in autumn?", "The fair is on 4 May, in spring.", "spring"),
    # lower-case "sun" and "may" are no day or month
    ("When is the garden open on Saturday?", "You may sit in the sun there.", None),
])
def test_days_months_and_seasons_are_siblings_unless_a_range_spans_them(
    question: str, unit: str, sibling: str | None
) -> None:
    assert _other(question, unit) == sibling


@pytest.mark.parametrize(("question", "unit", "sibling"), [
    ("When is the Year 9 trip?", "The Year 7 trip to the museum is on 14 May.", "year 7"),
    ("When is the Year 7 trip?", "The Year 7 trip to the museum is on 14 May.", None),
    ("Which stop does bus 12 leave from?", "Bus 7 leaves from stop C at 08:15.", "bus 7"),
    ("Is the Year 9 trip on Friday?", "The Year 7 trip is on Thursday.", None),  # yes or no
    # years, times and amounts name no thing
    ("What were sales in 2023?", "Sales were 41 million in 2022.", None),
    ("What did the meeting decide at 10:30?", "At 09:15 the meeting opened.", None),
])
def test_things_named_by_a_number(question: str, unit: str, sibling: str | None) -> None:
    assert _other(question, unit) == sibling


def test_seen_text_holds_the_chunks_header_and_file_name() -> None:
    doc = Document("Water meters.", metadata={"header": "Grantley Water", "file_name": "gas.txt"})
    seen = seen_text([doc, Document("Gas.")])
    assert all(part in seen for part in ("Water meters.", "Grantley Water", "gas.txt", "Gas."))
