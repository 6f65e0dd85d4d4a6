"""Evidence ranking: a heading lends its words to the units under it (a FAQ's question)."""

from __future__ import annotations

from langchain_core.documents import Document
from langchain_core.prompts import ChatPromptTemplate

from rag.answer.evidence import rank_evidence
from rag.answer.quotes import fitted_rules
from rag.answer.writers import PhraseChooser, QuoteWriter
from rag.index.units import UNITS_KEY, Unit, encode_units

PROMPT = ChatPromptTemplate.from_messages([("human", "{context}\n{question}\n{not_found}")])
FAQ = [("Frequently asked questions", None),
       ("How old do children need to be to join?", "heading"),
       ("Children can join from the age of seven, once they can swim 25 metres unaided.",
        "sentence"),
       ("What happens if a session is cancelled?", "heading"),
       ("We email all members by 4pm on the day, and the session fee is carried over to "
        "your next visit.", "sentence")]


def _faq() -> Document:
    text, units = "", []
    for line, kind in FAQ:
        start = len(text)
        text += line + "\n\n"
        units.append(Unit(start, start + len(line), kind or "heading"))
    return Document(text.rstrip(), metadata={UNITS_KEY: encode_units(units)})


def test_the_answer_under_a_heading_that_asks_the_question_clears_the_fitted_floor(
        embeddings) -> None:
    rules = fitted_rules()
    writer = QuoteWriter(PhraseChooser(PROMPT, None, "not found"), embeddings, rules=rules,
                         lexical_weight=0.3, context_sentences=3, neighbours=1)
    question = "What happens if my session is cancelled?"
    quoted = writer.compose(question, [_faq()])
    assert quoted is not None, "the FAQ answers the question its heading asks"
    assert quoted.quotes[0].text.startswith("We email all members by 4pm")
    plain = Document(_faq().page_content)  # the same text without its headings known
    unlifted = rank_evidence(question, [plain], embeddings, lexical_weight=0.3)
    lifted = rank_evidence(question, [_faq()], embeddings, lexical_weight=0.3)
    email = [u.score for u in lifted if u.text.startswith("We email")][0]
    assert email > max(u.score for u in unlifted if u.text.startswith("We email"))


CHANGELOG = [("2.4.0 - 2026-03-02", "heading"), ("Added export to CSV.", "item"),
             ("2.3.0 - 2025-11-20", "heading"), ("Added a dark theme.", "item")]


def test_a_unit_holds_the_words_of_the_heading_it_falls_under(embeddings) -> None:
    text, units = "", []
    for line, kind in CHANGELOG:
        start = len(text)
        text += line + "\n\n"
        units.append(Unit(start, start + len(line), kind))
    headed = Document(text.rstrip(), metadata={UNITS_KEY: encode_units(units)})
    bare = Document(text.rstrip(), metadata={UNITS_KEY: encode_units(
        [u for u in units if u.kind != "heading"])})  # the same items, no headings known
    question = "What was added in 2.3.0?"

    def lead(document: Document) -> float:
        scores = {u.text: u.score for u in rank_evidence(question, [document], embeddings,
                                                         lexical_weight=0.3)}
        return scores["Added a dark theme."] - scores["Added export to CSV."]

    assert lead(headed) > lead(bare) + 0.05  # "2.3.0" is its heading's, not the other's
