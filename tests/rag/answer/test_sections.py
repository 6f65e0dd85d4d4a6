"""A section named by its number (a changelog's release) answers as a whole."""

from __future__ import annotations

from langchain_core.documents import Document
from langchain_core.prompts import ChatPromptTemplate

from rag.answer.quotes import QuoteRules
from rag.answer.writers import PhraseChooser, QuoteWriter
from rag.index.units import UNITS_KEY, Unit, encode_units

RELEASES = [
    ("Changelog", "heading", ""),
    ("2.4.0 - 2026-11-02", "heading", "Changelog"),
    ("Added", "heading", "Changelog > 2.4.0 - 2026-11-02"),
    ("- Dark mode for the dashboard.", "item", ""),
    ("- Export of reports to CSV.", "item", ""),
    ("Fixed", "heading", "Changelog > 2.4.0 - 2026-11-02"),
    ("- Crash when a project name contained an emoji.", "item", ""),
    ("2.3.0 - 2026-10-01", "heading", "Changelog"),
    ("Added", "heading", "Changelog > 2.3.0 - 2026-10-01"),
    ("- Two-factor authentication with an authenticator app.", "item", ""),
    ("Removed", "heading", "Changelog > 2.3.0 - 2026-10-01"),
    ("- Support for Internet Explorer 11.", "item", ""),
]


def _changelog() -> Document:
    text, units, group = "", [], 0
    for line, kind, above in RELEASES:
        start = len(text)
        text += line + "\n\n"
        group = group + 1 if kind == "heading" else group
        units.append(Unit(start, start + len(line), kind, group if kind == "item" else 0,
                          above=above))
    return Document(text.rstrip(), metadata={UNITS_KEY: encode_units(units)})


def _writer(embeddings, min_score: float) -> QuoteWriter:
    prompt = ChatPromptTemplate.from_messages([("human", "{context}\n{question}\n{not_found}")])
    return QuoteWriter(PhraseChooser(prompt, None, "not found"), embeddings,
                       rules=QuoteRules(min_score=min_score, min_share=0.5), lexical_weight=0.3,
                       context_sentences=3, neighbours=1)


def test_a_release_named_by_its_number_is_quoted_whole_though_no_item_clears_the_floor(
        embeddings) -> None:
    writer = _writer(embeddings, min_score=5.0)  # no unit scores this much on its own
    changed = writer.compose("What changed in 2.4.0?", [_changelog()])
    assert changed is not None and len(changed.quotes) == 1
    quote = changed.quotes[0].flat_text
    assert quote.startswith("Added") and "Dark mode" in quote and "emoji" in quote
    assert "Two-factor" not in quote  # the next release is not part of it
    added = writer.compose("What was added in 2.3.0?", [_changelog()])
    assert added is not None and added.quotes[0].flat_text == \
        "Two-factor authentication with an authenticator app."
    assert writer.compose("What changed in 9.9.9?", [_changelog()]) is None


def test_the_date_a_release_heading_states_answers_when(embeddings) -> None:
    released = _writer(embeddings, min_score=5.0).compose("When was 2.3.0 released?",
                                                          [_changelog()])
    assert released is not None and released.short == "2026-10-01"
    assert released.quotes[0].text == "2.3.0 - 2026-10-01"
