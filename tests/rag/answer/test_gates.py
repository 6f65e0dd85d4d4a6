"""Near misses refused first: a name, role, listed attribute or phone number never given."""

from __future__ import annotations

from langchain_core.documents import Document

from rag.answer.evidence import Evidence
from rag.answer.gates import never_given

KETTLE = Document("Capacity | 1.7 litres\nPrice | £64.99",
                  metadata={"source": "kettle.html", "header": "Halden Quick kettle"})


def _rows(document: Document, n: int = 1) -> list[Evidence]:
    text = document.page_content
    first, second = text.split("\n")
    return [Evidence(n, 0, len(first), first, 1.2, "row"),
            Evidence(n, len(first) + 1, len(text), second, 1.1, "row")]


def test_an_attribute_is_looked_for_in_the_page_and_passages_about_its_subject() -> None:
    question = "What is the warranty of the Halden Quick kettle?"
    other = Document("Every Tideway plan has a two-year warranty.", metadata={"source": "t.md"})
    assert never_given(question, [KETTLE, other], _rows(KETTLE)) == "warranty"
    about = Document("The Halden Quick kettle has a three-year warranty.",
                     metadata={"source": "warranty.md"})
    assert never_given(question, [KETTLE, about], _rows(KETTLE)) is None
    assert never_given("What is the price of the Halden Quick kettle?", [KETTLE],
                       _rows(KETTLE)) is None


def test_a_phone_number_no_passage_holds_and_a_role_no_passage_names_are_never_given() -> None:
    lab = Document("The manager's office is room B-214 on the second floor.")
    ranked = [Evidence(1, 0, len(lab.page_content), lab.page_content, 1.3)]
    assert never_given("What is the phone number of the manager's office?", [lab],
                       ranked) == "phone number"
    school = Document("School office | 01632 960 118", metadata={"source": "school.txt"})
    assert never_given("What is the phone number of the manager's office?", [lab, school],
                       ranked) == "phone number"  # another document's numbers do not count
    contacts = Document("School office | 01632 960 118")
    assert never_given("What is the phone number of the school office?", [contacts],
                       [Evidence(1, 0, 29, contacts.page_content, 1.2, "row")]) is None
    club = Document("New members write to the club secretary, Daniel Okafor.")
    units = [Evidence(1, 0, len(club.page_content), club.page_content, 1.2)]
    assert never_given("Who is the treasurer of the club?", [club], units) == "treasurer"
    assert never_given("Who is the secretary of the club?", [club], units) is None


def test_a_price_or_a_counted_thing_no_passage_gives_is_never_given() -> None:
    products = Document("Planly is a shared calendar for small teams.",
                        metadata={"source": "b.md", "header": "Brightmoor"})
    ranked = [Evidence(1, 0, 44, products.page_content, 1.3)]
    assert never_given("How much does Planly cost?", [products], ranked) == "price"
    assert never_given("When was Planly priced?", [products], ranked) is None  # no cost asked
    menu = Document("Tomato soup | 5.50", metadata={"source": "menu.txt"})
    row = [Evidence(1, 0, 18, menu.page_content, 1.2, "row")]
    assert never_given("What does the tomato soup cost?", [menu], row) is None
    assert never_given("How much cream goes in the tomato soup?", [menu], row) == "cream"
    assert never_given("How many people does the tomato soup serve?", [menu], row) is None


def test_a_price_counts_only_beside_the_thing_asked() -> None:
    minutes = Document("2. Playground. The council approved 18,400 pounds for the swings.\n"
                       "3. Street lights. Twelve street lights will be replaced with LED lamps.",
                       metadata={"source": "minutes.pdf", "header": "council_minutes"})
    text = minutes.page_content
    cut = text.index("3.")
    units = [Evidence(1, cut, len(text), text[cut:], 1.2, "item"),
             Evidence(1, 0, cut - 1, text[:cut - 1], 1.0, "item")]
    question = "How much will the new LED street lights cost?"
    assert never_given(question, [minutes], units) == "price"  # the playground's money
    workshop = Document("The pottery workshop runs on Saturday. It costs 35 dollars.",
                        metadata={"source": "arts.html"})
    body = workshop.page_content
    cut = body.index("It ")
    sentences = [Evidence(1, 0, cut - 1, body[:cut - 1], 1.2),
                 Evidence(1, cut, len(body), body[cut:], 1.1)]
    assert sentences[1].text == "It costs 35 dollars."
    assert never_given("How much does the pottery workshop cost?", [workshop],
                       sentences) is None  # "It" points back to the workshop
