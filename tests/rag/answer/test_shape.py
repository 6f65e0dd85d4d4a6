"""The shape of quoted answers: whole lists, tables around a row, names never mentioned."""

from __future__ import annotations

from langchain_core.documents import Document

from rag.answer.evidence import Evidence
from rag.answer.shape import (
    fits_kind,
    informative,
    list_evidence,
    promote_kind,
    table_evidence,
    wants_list,
)

CHUNK = "Our products:\n\n- Planly\n- Tasko\n- Notero\n\nSupport answers by email."


def unit(start: int, end: int, kind: str, score: float, group: int = 0, heads: str = "",
         text: str = CHUNK) -> Evidence:
    return Evidence(1, start, end, text[start:end], score, kind, group, heads)


def test_a_list_question_gets_the_whole_list_with_its_lead_in() -> None:
    lead = unit(0, 13, "sentence", 0.9)
    items = [unit(CHUNK.index(name), CHUNK.index(name) + len(name), "item", 0.5, group=1)
             for name in ("Planly", "Tasko", "Notero")]
    other = unit(CHUNK.index("Support"), len(CHUNK), "sentence", 0.4)
    whole = list_evidence([lead, *items, other], [CHUNK], min_share=0.5)
    assert whole is not None and whole.kind == "list"
    assert whole.text == "Our products:\n\n- Planly\n- Tasko\n- Notero"
    assert wants_list("What products does Brightmoor sell?")
    assert list_evidence([other, lead], [CHUNK], min_share=0.5) is None  # no list near the top


def test_a_row_is_quoted_with_its_table_heads_and_neighbours() -> None:
    text = "Plan | Price\nBasic | $9\nPro | $29\nTeam | $79"
    rows = [unit(text.index(r), text.index(r) + len(r), "row", 0.9 - 0.1 * n, 1, "Plan | Price",
                 text) for n, r in enumerate(("Basic | $9", "Pro | $29", "Team | $79"))]
    table = table_evidence(rows[1], rows, [text], max_words=50)
    assert table is not None and table.text == text  # the whole small table, heads first
    window = table_evidence(rows[1], rows, [text], max_words=7)
    assert window is not None and window.text == "Pro | $29\nTeam | $79"


def test_a_changelog_item_answers_when_with_the_date_of_its_heading() -> None:
    added = Evidence(1, 40, 59, "Added a dark theme.", 1.6, "item", heading="2.3.0 - 2025-11-20")
    python = Evidence(1, 60, 91, "Dropped support for Python 3.8.", 0.9, "item",
                      heading="2.3.0 - 2025-11-20")
    question = "When was the dark theme added?"
    assert informative([added, python], question)[0] is added  # its heading tells when
    assert promote_kind([added, python], question, 0.5)[0] is added  # "3.8" is no date
    notero = Evidence(1, 0, 6, "Notero", 0.9, "item", heading="Brightmoor Software")
    assert informative([notero, python], "What is Notero for?") == [python]


def test_a_sentence_restating_a_yes_or_no_question_answers_it() -> None:
    pets = Evidence(1, 0, 21, "Pets are not allowed.", 1.7)
    landlord = Evidence(1, 22, 55, "The landlord is Mrs Agnes Pruitt.", 0.7)
    assert informative([pets, landlord], "Are pets allowed?") == [pets, landlord]
    assert informative([pets, landlord], "Which pets are allowed?") == [landlord]


def test_a_list_under_a_heading_naming_the_asked_things_comes_before_a_better_one() -> None:
    recipe = ("Ingredients\n\n- 225 g butter\n- 4 eggs\n\nMethod\n\n- Beat the butter.\n"
              "- Add the eggs one at a time.")

    def item(text: str, score: float, group: int, heading: str) -> Evidence:
        start = recipe.index(text)
        return Evidence(1, start, start + len(text), text, score, "item", group,
                        heading=f"Lemon cake > {heading}")

    ranked = [item("Add the eggs one at a time.", 1.4, 2, "Method"),
              item("4 eggs", 1.1, 1, "Ingredients"), item("Beat the butter.", 1.0, 2, "Method"),
              item("225 g butter", 0.9, 1, "Ingredients")]
    needed = list_evidence(ranked, [recipe], 0.5, question="What ingredients do I need?")
    assert needed is not None and needed.text == "225 g butter\n- 4 eggs"
    steps = list_evidence(ranked, [recipe], 0.5, question="What steps does the cake take?")
    assert steps is not None and steps.text.startswith("Beat the butter.")


def test_a_recurring_time_answers_when_and_half_counts_nothing() -> None:
    units = [Evidence(1, 0, 60, "The rent is payable in advance on the first day of each month.",
                      1.4, "item"),
             Evidence(1, 61, 90, "This agreement is made on 1 March 2026.", 1.0)]
    assert promote_kind(units, "When is the rent due?", 0.5)[0] == units[0]
    assert not fits_kind("raffle at half time", "How many people can be in a quiz team?")
    assert fits_kind("half a cup", "How much milk goes in?")  # half is an amount
