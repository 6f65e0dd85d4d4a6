"""Evidence ranking: a FAQ's heading lends its question to the answer under it."""

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


def test_a_heading_that_asks_something_else_lends_nothing(embeddings) -> None:
    question = "Can children join the swim club at five?"
    lifted = rank_evidence(question, [_faq()], embeddings, lexical_weight=0.3)
    plain = {u.text: u.score for u in rank_evidence(
        question, [Document(_faq().page_content)], embeddings, lexical_weight=0.3)}
    # The same units score alike (batches of other sizes move int8 scores by ~0.01);
    # a lent question would add up to the lexical weight, 0.3.
    assert lifted and all(abs(u.score - plain[u.text]) < 0.05 for u in lifted)
