"""QuoteWriter: the short fact, its proof, and "not found" under the floor."""

from __future__ import annotations

from langchain_core.documents import Document
from langchain_core.prompts import ChatPromptTemplate

from rag.answer.quotes import QuoteRules
from rag.answer.writers import PhraseChooser, QuoteWriter
from rag.index.units import UNITS_KEY, Unit, encode_units

PROMPT = ChatPromptTemplate.from_messages([("human", "{context}\n{question}\n{not_found}")])
DOCS = [Document("Company handbook. The Quillon bridge was designed by Ada Zeng. "
                 "It opened in 1994. The canteen opens at noon.")]


def _writer(embeddings, *, min_score: float = 0.0, scorer=None,
            context_sentences: int = 3) -> QuoteWriter:
    return QuoteWriter(PhraseChooser(PROMPT, scorer, "not found"), embeddings,
                       rules=QuoteRules(min_score=min_score, min_share=0.9),
                       lexical_weight=0.3, context_sentences=context_sentences, neighbours=1)


def test_a_fact_is_proved_by_its_sentence_and_the_best_one_before_it(embeddings) -> None:
    quoted = _writer(embeddings, scorer=lambda messages, texts: [
        0.0 if t == "1994" else -10.0 for t in texts]).compose("When did the Quillon bridge open?",
                                                               DOCS)
    assert quoted is not None and quoted.short == "1994" and quoted.short_n == 1
    quoted_texts = [q.text for q in quoted.quotes]
    assert "It opened in 1994." in quoted_texts
    assert "canteen" not in quoted.text
    assert quoted.text.startswith("1994 [1]\n\n\u201c")


def test_a_phrase_outside_the_best_sentences_is_no_short_fact(embeddings) -> None:
    question = "Who designed the Quillon bridge?"
    ranked = _writer(embeddings, context_sentences=4).rank(question, DOCS)
    allowed = [u.text for u in ranked[:2]] + ["It opened in 1994."]  # best two, after the best
    assert "The canteen opens at noon." not in allowed
    seen: list[str] = []

    def scorer(messages, texts):  # prefers the phrases of the canteen sentence
        seen.extend(texts)
        return [0.0 if "noon" in t else -1000.0 for t in texts]

    quoted = _writer(embeddings, context_sentences=4, scorer=scorer).compose(question, DOCS)
    assert any("noon" in t for t in seen), "the chooser was offered the canteen's phrases"
    assert quoted is not None and quoted.short is None
    assert any("Ada Zeng" in q.text for q in quoted.quotes)


def test_no_sentence_above_the_floor_is_not_found(embeddings) -> None:
    assert _writer(embeddings, min_score=5.0).compose("Who designed the bridge?", DOCS) is None
    assert _writer(embeddings, min_score=0.0).compose("Who designed the bridge?", DOCS)


def test_a_question_about_a_sibling_of_what_the_documents_say_is_not_found(embeddings) -> None:
    docs = [Document("Grantley Water. Your water meter will be replaced on 3 March 2031. "
                     "Please keep the access clear.")]
    writer = _writer(embeddings)
    assert writer.compose("When will the gas meter be replaced?", docs) is None
    quoted = writer.compose("When will the water meter be replaced?", docs)
    assert quoted is not None and "3 March 2031" in quoted.text
    # the collection mentions gas elsewhere: the documents may speak of it
    assert writer.compose("When will the gas meter be replaced?", docs,
                          mentions=lambda name: name.lower() == "gas") is not None


SETTINGS_DOCS = [
    Document("| setting | variable | default |\n|---|---|---|\n"
             "| retrieval mode | `RAG_RETRIEVAL__MODE` | `hybrid` (or `dense`) |\n"
             "| hybrid fusion constant | `RAG_RETRIEVAL__RRF_K` | `10` |"),
    Document("Hybrid retrieval fuses vector search and keyword search by reciprocal rank fusion."),
]


def test_a_passage_question_is_answered_by_prose_before_table_rows(embeddings) -> None:
    writer = _writer(embeddings)
    question = "What does hybrid retrieval do?"
    ranked = writer.rank(question, SETTINGS_DOCS)
    assert ranked[0].text.startswith("| retrieval mode")  # a row scores best on the words
    quoted = writer.compose(question, SETTINGS_DOCS)
    assert quoted is not None and [q.n for q in quoted.quotes] == [2]
    # a fact question may be answered by a row
    fact = writer.compose("Which retrieval mode is the default?", SETTINGS_DOCS)
    assert fact is not None and any(q.text.startswith("| retrieval mode") for q in fact.quotes)
    # with no prose above the floor, the rows are quoted rather than nothing
    rows_only = writer.compose(question, SETTINGS_DOCS[:1])
    assert rows_only is not None and rows_only.quotes[0].text.startswith("|")


def test_a_sentence_that_repeats_the_question_is_not_quoted(embeddings) -> None:
    docs = [Document('Example:\n\n$ rag ask "How do I remove a file from the index?"\n\n'
                     "Run `rag forget PATH` to remove a file from the index.")]
    quoted = _writer(embeddings).compose("How do I remove a file from the index?", docs)
    assert quoted is not None and "rag ask" not in quoted.text and "rag forget" in quoted.text


def test_a_sentence_quoting_another_file_gives_way_to_the_original(embeddings) -> None:
    docs = [Document('Example output:\n\n\u201c`rag forget F` removes one file from the index.\u201d'
                     " \u2014 user-guide.md"),
            Document("`rag forget F` removes one file from the index.")]
    quoted = _writer(embeddings).compose("How do I remove a file from the index?", docs)
    assert quoted is not None and [q.n for q in quoted.quotes] == [2]
    assert "user-guide.md" not in quoted.text


REPORT_DOCS = [  # the retriever's chunks of three reports a question asks across
    Document("| Total net sales | $81,797 |\n| Gross margin | $36,413 |",
             metadata={"report_rank": 1}),
    Document("The cafeteria menu changed.\n\n| Total net sales | $94,836 |",
             metadata={"report_rank": 0}),
    Document("Net sales rose because of strong demand for the Zephyr phone.",
             metadata={"report_rank": 2}),
    Document("Total net sales are reported by segment.", metadata={}),  # not a report asked
]


def test_a_question_across_reports_quotes_each_report_newest_first(embeddings) -> None:
    quoted = _writer(embeddings).compose("How has total net sales changed over time?",
                                         REPORT_DOCS)
    assert quoted is not None and quoted.short is None
    # newest report first; the same row from each report that has it, prose from the other
    assert [q.n for q in quoted.quotes][:2] == [2, 1]
    assert [q.text for q in quoted.quotes][:2] == ["| Total net sales | $94,836 |",
                                                   "| Total net sales | $81,797 |"]
    assert 4 not in {q.n for q in quoted.quotes}


def test_without_two_reports_the_quotes_are_chosen_as_usual(embeddings) -> None:
    single = [Document(d.page_content) for d in REPORT_DOCS[:2]]
    plain = _writer(embeddings).compose("How has total net sales changed over time?", single)
    one = [REPORT_DOCS[0], Document(REPORT_DOCS[1].page_content)]
    again = _writer(embeddings).compose("How has total net sales changed over time?", one)
    assert plain is not None and again is not None
    assert [q.text for q in plain.quotes] == [q.text for q in again.quotes]


def _with_units(text: str, *spans: tuple[str, str]) -> Document:
    """A chunk whose ingest units are the given (piece, kind) spans of ``text``."""
    from rag.index.units import UNITS_KEY, Unit, encode_units

    units = [Unit(text.index(piece), text.index(piece) + len(piece), kind, group=1)
             for piece, kind in spans]
    return Document(text, metadata={UNITS_KEY: encode_units(units)})


def test_a_specification_row_named_by_the_question_gives_the_short_fact(embeddings) -> None:
    text = ("The Aero 2 boils a full litre in under three minutes.\n"
            "Every Aero 2 comes with a two-year warranty.\n"
            "Capacity | 1.7 litres\nWeight | 1.1 kg")
    doc = _with_units(text, ("The Aero 2 boils a full litre in under three minutes.", "sentence"),
                      ("Every Aero 2 comes with a two-year warranty.", "sentence"),
                      ("Capacity | 1.7 litres", "row"), ("Weight | 1.1 kg", "row"))
    writer = _writer(embeddings)
    writer = writer.with_rules(QuoteRules(min_score=0.0, min_share=0.5))
    quoted = writer.compose("What is the capacity of the Aero 2?", [doc])
    assert quoted is not None and quoted.short == "1.7 litres"
    assert [q.text for q in quoted.quotes] == ["Capacity | 1.7 litres"]
    heavy = writer.compose("How heavy is the Aero 2?", [doc])
    assert heavy is not None and heavy.short == "1.1 kg"
    assert [q.text for q in heavy.quotes] == ["Weight | 1.1 kg"]


def test_an_amount_column_answers_how_much_even_when_it_reads_like_a_time(embeddings) -> None:
    text = "2026-03-15 | Taxi from station | 18.00\n2026-03-09 | Printer paper | 12.99"
    from rag.index.units import UNITS_KEY, Unit, encode_units

    heads = "Date | Description | Amount"
    units = [Unit(0, 38, "row", 1, heads), Unit(39, len(text), "row", 1, heads)]
    doc = Document(text, metadata={UNITS_KEY: encode_units(units)})
    quoted = _writer(embeddings).compose("How much was the taxi from the station?", [doc])
    assert quoted is not None and quoted.short == "18.00"


def test_a_how_to_answer_brings_the_command_that_follows_its_sentence(embeddings) -> None:
    text = ("The index lives in the store folder.\n"
            "To remove a file from the index, forget it:\n"
            "rag forget ~/papers/old.pdf\n"
            "Forgetting never deletes the file itself.")
    doc = _with_units(text, ("The index lives in the store folder.", "sentence"),
                      ("To remove a file from the index, forget it:", "sentence"),
                      ("rag forget ~/papers/old.pdf", "code"),
                      ("Forgetting never deletes the file itself.", "sentence"))
    quoted = _writer(embeddings).compose("How do I remove a file from the index?", [doc])
    assert quoted is not None
    texts = [q.text for q in quoted.quotes]
    assert texts[:2] == ["To remove a file from the index, forget it:",
                         "rag forget ~/papers/old.pdf"]


def test_a_year_chosen_from_a_whole_date_is_given_as_the_date(embeddings) -> None:
    docs = [Document("Parish minutes. The council meets again on 1 May 2026 in the library.")]
    quoted = _writer(embeddings, scorer=lambda messages, texts: [
        0.0 if t == "2026" else -10.0 for t in texts]).compose(
        "When does the council meet again?", docs)
    assert quoted is not None and quoted.short == "1 May 2026"


def test_the_sentence_after_the_best_is_shown_only_within_its_section(embeddings) -> None:
    from rag.answer.evidence import Evidence

    crash = Evidence(1, 7, 29, "- A crash when saving.", 1.2, "item", 1, heading="2.4.0 > Fixed")
    login = Evidence(1, 38, 60, "- The login timeout.", 0.9, "item", 2, heading="2.3.1 > Fixed")
    theme = Evidence(1, 30, 37, "- Dark.", 0.5, "item", 1, heading="2.4.0 > Fixed")
    shown, after_best = _writer(embeddings).shown([crash, login, theme], 1)
    assert after_best == [theme]
    shown, after_best = _writer(embeddings).shown([crash, login], 1)
    assert after_best == []


def test_a_row_is_read_with_its_column_heads_for_a_period_it_does_not_give(embeddings) -> None:
    rows = ["Net sales | $81,797 | $83,000", "Cost of sales | 45,384 | 47,074",
            "Net income | $19,442 | $19,508"]
    heads = "Item | Quarter ended June 30, 2031 | June 30, 2030"
    text = "\n".join([heads, *rows])
    units, start = [Unit(0, len(heads), "heads", 1)], len(heads) + 1
    for row in rows:
        units.append(Unit(start, start + len(row), "row", 1, heads))
        start += len(row) + 1
    report = [Document(text, metadata={UNITS_KEY: encode_units(units)})]
    writer = _writer(embeddings)
    assert writer.compose("What were net sales in the quarter ended March 31, 2031?",
                          report) is None  # the rows give June quarters only
    june = writer.compose("What were net sales in the quarter ended June 30, 2031?", report)
    assert june is not None and "81,797" in june.text


def test_the_chooser_sees_each_unit_as_a_sentence_of_its_own(embeddings) -> None:
    lines = ["Korrin University laboratory: sample procedure",
             "The office of the laboratory manager, Dr. Ysolde Park, is in room B-214."]
    text = "\n".join(lines)
    units = [Unit(0, len(lines[0]), "field"), Unit(len(lines[0]) + 1, len(text), "sentence")]
    procedure = [Document(text, metadata={UNITS_KEY: encode_units(units)})]
    writer = _writer(embeddings, context_sentences=2)
    shown, _ = writer.shown(writer.rank("Who is the laboratory manager?", procedure), 1)
    assert shown[0] is not None and shown[0].page_content in (
        "\n\n".join(lines), "\n\n".join(reversed(lines)))


def test_a_how_to_question_is_no_field_s_value(embeddings) -> None:
    text = ("Warranty period: 2 years from the date of purchase\n"
            "To claim, call 0800 555 0199 or email care@brisa.example.")
    doc = _with_units(text, ("Warranty period: 2 years from the date of purchase", "field"),
                      ("To claim, call 0800 555 0199 or email care@brisa.example.", "sentence"))
    how = _writer(embeddings).compose("How do I make a warranty claim?", [doc])
    assert how is not None and how.short is None  # not the period its key names
    long = _writer(embeddings).compose("How long is the warranty period?", [doc])
    assert long is not None and long.short == "2 years from the date of purchase"
