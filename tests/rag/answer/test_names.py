"""The names a question gives: unmatched by every document, or held by the unit that leads."""

from __future__ import annotations

from langchain_core.documents import Document

from rag.answer.evidence import Evidence
from rag.answer.names import named_first, unmatched_names


def test_a_question_about_a_name_no_document_mentions_is_unmatched() -> None:
    docs = [Document("The lighthouse on Pell Island was built in 1871."),
            Document("Press the two grey clips.", metadata={"header": "Brisa 300 manual"})]
    assert unmatched_names("When was the lighthouse on Grey Island built?", docs) == [
        "Grey Island"]
    assert unmatched_names("When was the lighthouse on Pell Island built?", docs) == []
    assert unmatched_names("How do I open the Brisa 300?", docs) == []  # its header names it
    known = {"Grey Island"}.__contains__  # the collection mentions it elsewhere
    assert unmatched_names("When was the lighthouse on Grey Island built?", docs, known) == []
    # a capitalised word that opens a sentence is no name
    assert unmatched_names("How was it built? Please list the steps.", docs) == []
    # nor a day or month, which a range may span ("Monday to Friday")
    yoga = [Document("Morning yoga runs Monday to Friday at 07:00.")]
    assert unmatched_names("When is yoga on Wednesday?", yoga) == []


def test_the_unit_holding_the_asked_name_leads_one_from_a_chunk_naming_none() -> None:
    other = Evidence(1, 0, 40, "Population; Austria: 8,935,112; France: 67,413,000", 1.34, "row")
    belgium = Evidence(2, 0, 60, "Country: Belgium; Population (millions): 11.5", 1.31, "row")
    far = Evidence(3, 0, 30, "Belgium | 1958", 0.5, "row")
    ranked = [other, belgium, far]
    question = "What is the population of Belgium?"

    def text(unit: Evidence) -> str:
        return unit.text

    assert named_first(ranked, question, 0.9, unit_text=text, chunk_text=text)[0] is belgium
    # the best unit's chunk names Belgium elsewhere ("Its population ..."): it stays first
    chunks = {1: "Belgium in figures. " + other.text, 2: belgium.text, 3: far.text}
    assert named_first(ranked, question, 0.9, unit_text=text,
                       chunk_text=lambda unit: chunks[unit.n])[0] is other
    # a sentence is no record of other things: a report says "we" for its company
    prose = Evidence(1, 0, 40, "Our population of stores grew.", 1.34)
    assert named_first([prose, belgium], question, 0.9, unit_text=text,
                       chunk_text=text)[0] is prose
    # a named unit far below the best does not lead; nor does any without a name asked
    assert named_first([other, far], question, 0.9, unit_text=text, chunk_text=text)[0] is other
    assert named_first(ranked, "What is the population?", 0.9, unit_text=text,
                       chunk_text=text)[0] is other
