"""Who: a name by the role in brackets after it, the sender of a mail; through the writer."""

from __future__ import annotations

from langchain_core.documents import Document
from langchain_core.prompts import ChatPromptTemplate

from rag.answer.evidence import Evidence
from rag.answer.people import author, role_holder
from rag.answer.quotes import QuoteRules
from rag.answer.writers import PhraseChooser, QuoteWriter
from rag.index.units import UNITS_KEY, Unit, encode_units

PRESENT = "Present: Ann Cole (chair), Raj Patel (treasurer), Mei Lin, Tom Harris"


def _line(text: str, kind: str = "field") -> Evidence:
    return Evidence(1, 0, len(text), text, 1.0, kind)


def test_the_name_before_the_asked_role_in_brackets_answers_who() -> None:
    assert role_holder(_line(PRESENT), "Who chaired the meeting?") == "Ann Cole"
    assert role_holder(_line(PRESENT), "Who is the treasurer of the association?") == "Raj Patel"
    assert role_holder(_line(PRESENT), "Who is the secretary?") is None  # no such role
    assert role_holder(_line(PRESENT), "What did the chair say?") is None  # no "who" question


def test_the_sender_field_answers_who_wrote_or_sent_it() -> None:
    sender = _line("From: Priya Nair <priya.nair@fernhill.org>")
    assert author(sender, "Who wrote the email about the clean-up?") == "Priya Nair"
    assert author(_line("By: Jo Marsh"), "Who wrote the article?") == "Jo Marsh"
    assert author(sender, "Who is Priya Nair?") is None  # no act of writing asked
    assert author(_line("To: Volunteers list"), "Who sent the email?") is None
    assert author(_line("From: Priya Nair", "sentence"), "Who sent it?") is None  # no field


def _writer(embeddings, min_score: float = 0.0) -> QuoteWriter:
    def scorer(messages, texts):  # a chooser that likes the wrong name
        return [0.0 if t == "Mei Lin" else -10.0 for t in texts]

    prompt = ChatPromptTemplate.from_messages([("human", "{context}\n{question}\n{not_found}")])
    return QuoteWriter(PhraseChooser(prompt, scorer, "not found"), embeddings,
                       rules=QuoteRules(min_score=min_score, min_share=0.5), lexical_weight=0.3,
                       context_sentences=3, neighbours=1)


def _minutes() -> Document:
    lines = [PRESENT, "Tom Harris will write to the council about parking.",
             "The next meeting is on 9 February 2027."]
    text = "\n\n".join(lines)
    starts = [text.index(line) for line in lines]
    units = [Unit(starts[0], starts[0] + len(lines[0]), "field"),
             *(Unit(s, s + len(line), "sentence") for s, line in zip(starts[1:], lines[1:]))]
    return Document(text, metadata={UNITS_KEY: encode_units(units)})


def test_the_writer_gives_the_role_holder_and_no_name_for_what_someone_does(embeddings) -> None:
    writer = _writer(embeddings)
    chaired = writer.compose("Who chaired the meeting?", [_minutes()])
    assert chaired is not None and chaired.short == "Ann Cole"
    does = writer.compose("What will Tom Harris do?", [_minutes()])
    assert does is not None and does.short != "Mei Lin"
    assert "write to the council" in does.quotes[0].text


def test_the_writer_answers_who_wrote_a_mail_from_its_header(embeddings) -> None:
    fields = ["From: Priya Nair <priya.nair@fernhill.org>", "Subject: Spring clean-up day"]
    body = "Our spring clean-up of Fernhill Park is on Saturday 20 March."
    text = "\n".join(fields) + "\n\n" + body
    units = [Unit(0, len(fields[0]), "field"),
             Unit(len(fields[0]) + 1, len(fields[0]) + 1 + len(fields[1]), "field"),
             Unit(text.index(body), len(text), "sentence")]
    mail = Document(text, metadata={UNITS_KEY: encode_units(units)})
    writer = _writer(embeddings, min_score=5.0)  # no sentence of it clears this floor
    quoted = writer.compose("Who wrote the email about the clean-up?", [mail])
    assert quoted is not None and quoted.short == "Priya Nair"
    assert quoted.quotes[0].text.startswith("From: Priya Nair")
    assert writer.compose("Who wrote the email about the budget?", [mail]) is None


def _fields_page(lines: list[str], section: str) -> Document:
    text = "\n".join(lines)
    units, start = [], 0
    for line in lines:
        units.append(Unit(start, start + len(line), "field" if ": " in line else "sentence"))
        start += len(line) + 1
    return Document(text, metadata={UNITS_KEY: encode_units(units), "section": section})


def test_a_posters_date_and_venue_answer_when_and_where_but_a_mails_date_does_not(
        embeddings) -> None:
    poster = _fields_page(["Prizes for the winning team and a raffle on the night.",
                           "Date: Friday 12 November", "Time: 7.30pm",
                           "Venue: The Red Lion, Church Street"], "Charity quiz night")
    writer = _writer(embeddings)
    when = writer.compose("When is the quiz night?", [poster])
    assert when is not None and when.short == "Friday 12 November"
    assert [q.text for q in when.quotes] == ["Date: Friday 12 November", "Time: 7.30pm"]
    where = writer.compose("Where is the quiz night?", [poster])
    assert where is not None and where.short == "The Red Lion, Church Street"
    mail = _fields_page(["From: Priya Nair", "Date: 3 March 2027",
                         "The clean-up is on Saturday 20 March."], "Spring clean-up")
    cleanup = writer.compose("When is the spring clean-up?", [mail])
    assert cleanup is not None and cleanup.short != "3 March 2027"  # the day it was sent
