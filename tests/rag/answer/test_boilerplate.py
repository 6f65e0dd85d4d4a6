"""Boilerplate that many documents repeat is set aside unless the question asks what it says."""

from __future__ import annotations

from pathlib import Path

from langchain_core.documents import Document
from langchain_core.prompts import ChatPromptTemplate

from rag.answer.quotes import QuoteRules
from rag.answer.writers import PhraseChooser, QuoteWriter
from rag.index.keyword import KeywordIndex

PROMPT = ChatPromptTemplate.from_messages([("human", "{context}\n{question}\n{not_found}")])
CERTIFICATION = "I have reviewed this Quarterly Report on Form 10-Q of Acme Corporation;"
REPORTS = {
    f"acme-{quarter.split()[0].lower()}.pdf":
        f"Net sales for the quarter ended {quarter} were {sales}. Our headcount grew to {staff} employees."
        f"\n\n{CERTIFICATION}"
    for quarter, sales, staff in [("March 2024", "$21.4 billion", "18,200"),
                                  ("June 2024", "$23.2 billion", "18,900"),
                                  ("September 2024", "$24.0 billion", "19,400")]}
GOVERNING_LAW = "This Agreement shall be governed by the laws of England and Wales."
CONTRACTS = {
    f"{party.lower()}-contract.txt":
        f"This Agreement is made between Harbour Ltd and {party}. {GOVERNING_LAW} "
        f"Harbour Ltd pays each invoice within {days} days of receiving it."
    for party, days in [("Bexley", 30), ("Corran", 45), ("Dunmore", 60)]}


def _writer(embeddings) -> QuoteWriter:
    return QuoteWriter(PhraseChooser(PROMPT, None, "not found"), embeddings,
                       rules=QuoteRules(min_score=0.0, min_share=0.9),
                       lexical_weight=0.3, context_sentences=3, neighbours=1)


def _keywords(tmp_path: Path, files: dict[str, str]) -> KeywordIndex:
    index = KeywordIndex(tmp_path / "kw.sqlite3", "docs")
    index.upsert(list(files), list(files.values()), list(files))
    return index


def test_a_certification_every_report_holds_gives_way_to_the_figure(embeddings,
                                                                     tmp_path: Path) -> None:
    keywords = _keywords(tmp_path, REPORTS)
    question = "In its June 2024 quarterly report, what were Acme Corporation's net sales?"
    relevant = [Document(REPORTS["acme-june.pdf"], metadata={"source": "acme-june.pdf"})]
    writer = _writer(embeddings)
    unaware = writer.compose(question, relevant)
    assert unaware is not None and unaware.quotes[0].text.startswith("I have reviewed"), (
        "without the collection's counts the certification leads: the case is real")
    quoted = writer.compose(question, relevant, holders=keywords.phrase_documents)
    assert quoted is not None
    assert quoted.quotes[0].text == "Net sales for the quarter ended June 2024 were $23.2 billion."


def test_a_clause_every_contract_holds_still_answers_a_question_about_it(embeddings,
                                                                          tmp_path: Path) -> None:
    keywords = _keywords(tmp_path, CONTRACTS)
    assert keywords.phrase_documents(GOVERNING_LAW) == 3
    relevant = [Document(CONTRACTS["corran-contract.txt"])]
    quoted = _writer(embeddings).compose("Which law governs the agreement?", relevant,
                                         holders=keywords.phrase_documents)
    assert quoted is not None and quoted.quotes[0].text == GOVERNING_LAW


def test_a_template_sentence_with_each_document_s_own_figure_is_no_boilerplate(
        embeddings, tmp_path: Path) -> None:
    keywords = _keywords(tmp_path, CONTRACTS)
    assert keywords.phrase_documents("Harbour Ltd pays each invoice within") == 3
    relevant = [Document(CONTRACTS["dunmore-contract.txt"])]
    quoted = _writer(embeddings).compose("How soon does Harbour Ltd pay Dunmore?",
                                         relevant, holders=keywords.phrase_documents)
    assert quoted is not None
    assert quoted.quotes[0].text == "Harbour Ltd pays each invoice within 60 days of receiving it."


def test_a_sentence_only_one_document_holds_is_not_boilerplate(tmp_path: Path) -> None:
    keywords = _keywords(tmp_path, {**CONTRACTS, "note.txt": "The Bexley invoice was paid late."})
    assert keywords.phrase_documents("Harbour Ltd pays each invoice within 30 days") == 1
    assert keywords.phrase_documents("made between Harbour Ltd and") == 3
    assert keywords.phrase_documents("The invoice was paid") == 0  # words in order only
