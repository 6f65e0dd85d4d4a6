"""Short facts from table cells and form values: the column or the key the question names."""

from __future__ import annotations

from rag.answer.cells import named_value, structured_fact, unstated_attribute
from rag.answer.evidence import Evidence


def field(text: str) -> Evidence:
    return Evidence(1, 0, len(text), text, 0.9, "field")


def test_a_field_answers_the_key_the_question_names_not_its_sibling() -> None:
    invoice = field("Invoice number: INV-2026-0318")
    assert structured_fact(invoice, "What is the invoice number?") == "INV-2026-0318"
    assert structured_fact(invoice, "What is the account number?") is None
    assert structured_fact(field("Due date: 3 December 2026"),
                           "When is the due date?") == "3 December 2026"


def test_a_two_cell_row_answers_by_its_label_with_the_same_rule() -> None:
    office = Evidence(1, 0, 30, "School office | 01632 960 118", 0.8, "row")
    assert named_value(office, "What is the school office phone number?") == "01632 960 118"
    club = Evidence(1, 0, 30, "Breakfast club | 01632 960 204", 0.8, "row")
    assert named_value(club, "When does the after-school club start?") is None


def test_a_two_cell_row_under_heads_that_name_no_column_answers_by_its_label() -> None:
    def spec(text: str) -> Evidence:
        return Evidence(1, 0, len(text), text, 0.9, "row", 1, "Feature | Value")

    assert structured_fact(spec("Flight time | 31 minutes"),
                           "What is the flight time of the Aero X2?") == "31 minutes"
    assert structured_fact(spec("Weight | 249 g"), "How much does the Aero X2 weigh?") == "249 g"
    assert structured_fact(spec("Price | £419"), "How much does the Aero X2 cost?") == "£419"
    assert structured_fact(spec("Range | 10 km"), "What is the battery capacity?") is None
    plans = Evidence(1, 0, 10, "Basic | $9", 0.9, "row", 1, "Plan | Price")
    assert structured_fact(plans, "What does the Basic plan cost?") == "$9"  # the named column


def test_an_attribute_a_form_does_not_list_is_unstated_but_not_one_of_prose() -> None:
    form = [field("Policy number: HX-448120"), field("Excess: 250 euros"),
            field("Date of birth: 3 March 1979")]
    seen = " ".join(f.text for f in form)
    assert unstated_attribute("What is the monthly premium of the policy?", form, seen) == [
        "monthly", "premium"]
    assert unstated_attribute("What is the excess of the policy?", form, seen) == []
    assert unstated_attribute("What is the birth date of the holder?", form, seen) == []
    assert unstated_attribute("When does the policy renew?", form, seen) == []  # no attribute
    prose = [Evidence(1, 0, 30, "The excess is 250 euros.", 0.9)]
    assert unstated_attribute("What is the monthly premium of the policy?", prose,
                              prose[0].text) == []  # prose may say it in other words
