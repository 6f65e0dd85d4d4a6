"""Near misses refused before anything is quoted: what a question names or asks for that
the documents never give.

:func:`never_given` gathers the checks the quoted answer path makes before it
scores a single unit against the floor:

- a name no retrieved passage (nor the collection) mentions ("Grey Island",
  "3.3.0": :func:`rag.answer.names.unmatched_names`);
- a role no passage names ("Who is the treasurer?": :func:`rag.answer.people.unnamed_role`);
- an attribute a form or a specification table does not list ("the warranty" of a
  kettle: :func:`rag.answer.cells.unstated_attribute`), read in the page's own
  document and the passages about its subject;
- a thing a "how many/much" counts that no retrieved passage names ("How much cream
  ...?" of a soup recipe without cream: :func:`uncounted`);
- a phone number or a price where no passage about the page's subject holds one
  (:func:`lacks_phone_number`, :func:`lacks_price`).

Example:
    >>> from langchain_core.documents import Document
    >>> lab = [Document("The manager's office is room B-214 on the second floor.")]
    >>> ranked = [Evidence(1, 0, 55, lab[0].page_content, 1.3)]
    >>> never_given("What is the phone number of the manager's office?", lab, ranked)
    'phone number'
    >>> never_given("Where is the manager's office?", lab, ranked) is None
    True
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from rag.answer.cells import PRICE_WORDS, counted_thing, states_phone_number, unstated_attribute
from rag.answer.evidence import Evidence, antecedent, falls_under, in_context
from rag.answer.extract import question_kind
from rag.answer.people import unnamed_role
from rag.answer.names import unmatched_names
from rag.answer.siblings import seen_text
from rag.text import WORD, content_words, stem

if TYPE_CHECKING:
    from langchain_core.documents import Document

__all__ = ["lacks_phone_number", "lacks_price", "never_given", "uncounted"]

_ASKS_PRICE = re.compile(
    r"^\s*how\s+much\b.*\b(?:cost|costs|price|fee|fees|charge|charged)\b"
    r"|^\s*what\s+(?:is|are|was|were)\s+the\s+(?:\w+\s+)?(?:price|prices|cost|costs|fee|fees)\b"
    r"|^\s*what\s+(?:does|do|did|will)\b.*\bcost\b", re.IGNORECASE)
"""A question for what something costs ("How much does Planly cost?", "What is the price of
...?"), not one that only speaks of prices ("When was oil priced in gold?")."""
_PRICE = re.compile(r"[$€£¥]\s?\d|\d\s?(?:[$€£¥]|p\b|pence|cents?|pounds?|dollars?|euros?|"
                    r"GBP|USD|EUR)|\b\d+\.\d\d\b|\b(?:free|no charge|no cost|at cost)\b",
                    re.IGNORECASE)
"""An amount of money ("£3.95", "25 pounds", "18 EUR", a menu's "5.50") or a word for none
("free")."""
_UNNAMED_COUNTS = frozenset({"people", "persons", "times", "years", "months", "weeks", "days",
                             "hours", "minutes", "seconds", "more", "less", "longer"})
"""What a "how many" counts without naming a thing: people a recipe serves, times, spans of
time ("How many people does it serve?" is told by "Serves 4.")."""
_PHONE_NUMBER = re.compile(r"\b(?:phone|telephone|mobile|fax)\s+(?:number|no)\b", re.IGNORECASE)
_SUBJECT_WORDS = 2
"""Another document is about the same subject when it holds this many of the subject's
words (all of them when fewer): one shared word is a coincidence ("minutes" of a council's
minutes and of a ferry's crossing)."""


def never_given(question: str, relevant: Sequence[Document], ranked: Sequence[Evidence],
                mentions: Callable[[str], bool] | None = None) -> str | None:
    """What ``question`` names or asks for that the documents never give (see the module's
    list); None when nothing is missing.

    Args:
        question: The standalone question.
        relevant: The retrieved chunks, numbered from 1.
        ranked: Their units, best first.
        mentions: Whether the collection mentions a name or a word anywhere.
    """
    names = unmatched_names(question, relevant, mentions)
    if names:
        return names[0]
    role = unnamed_role(question, relevant, mentions)
    if role is not None:
        return role
    if not ranked:
        return None
    same = _same_subject(relevant, ranked[0])
    attribute = unstated_attribute(question, [u for u in ranked if u.n == ranked[0].n],
                                   seen_text(same))
    if attribute:
        return " ".join(attribute)
    if uncounted(question, [seen_text(relevant)]):
        return counted_thing(question)
    if lacks_phone_number(question, [doc.page_content for doc in same]):
        return "phone number"
    if lacks_price(question, _in_context(relevant, ranked, same)):
        return "price"
    return None


def _same_subject(relevant: Sequence[Document], best: Evidence) -> list[Document]:
    """The chunks of ``best``'s document and the retrieved chunks about its subject (its
    title or headings' words): what other documents say of other things does not count
    ("monthly" of another page's plans, the phone numbers of a school's contacts)."""
    source = (relevant[best.n - 1].metadata or {}).get("source")
    subject = set(content_words(falls_under(best, relevant)))
    shared = min(len(subject), _SUBJECT_WORDS)
    return [doc for doc in relevant if (doc.metadata or {}).get("source") == source
            or len(subject & set(content_words(seen_text([doc])))) >= shared > 0]


def _in_context(relevant: Sequence[Document], ranked: Sequence[Evidence],
                chunks: Sequence[Document]) -> list[str]:
    """The units of ``chunks`` in their context (:func:`rag.answer.evidence.in_context`),
    each after the sentence it points back to ("It costs 35 dollars." after "The pottery
    workshop ...", :func:`rag.answer.evidence.antecedent`)."""
    kept = {id(doc) for doc in chunks}
    return [f"{before.flat_text if (before := antecedent(u, ranked)) else ''} "
            f"{in_context(u, relevant)}" for u in ranked if id(relevant[u.n - 1]) in kept]


def lacks_phone_number(question: str, texts: Sequence[str]) -> bool:
    """Whether ``question`` asks for a phone number that none of ``texts`` (the retrieved
    passages) holds: its answer cannot be there, whatever else they say of the office.

    Example:
        >>> lacks_phone_number("What is the phone number of the lab?", ["Room B-214, 2nd floor."])
        True
        >>> lacks_phone_number("What is the phone number of the lab?", ["Call 0800 555 019."])
        False
    """
    return bool(_PHONE_NUMBER.search(question)) and question_kind(question) != "who" \
        and not any(states_phone_number(text) for text in texts)


def lacks_price(question: str, passages: Sequence[str]) -> bool:
    """Whether ``question`` asks what something costs and none of ``passages`` (the units
    about its subject, each with its page's title and headings) states an amount of money,
    or that it is free, together with a word of the thing asked: the playground's
    "18,400 pounds" on the same page is no price of the street lights.

    Example:
        >>> lacks_price("How much does Planly cost?", ["Planly is a shared calendar."])
        True
        >>> lacks_price("What does the meter cost?", ["The new meter is free of charge."])
        False
        >>> lacks_price("How much will the street lights cost?",
        ...             ["Minutes: The council approved 18,400 pounds for the playground."])
        True
        >>> lacks_price("When was oil priced in gold?", ["In 1971 OPEC priced oil in gold."])
        False
    """
    if not _ASKS_PRICE.search(question):
        return False
    thing = {stem(w) for w in content_words(question)} - {stem(w) for w in PRICE_WORDS}
    return not any(_PRICE.search(text) and (not thing or thing & {
        stem(w) for w in content_words(text)}) for text in passages)


def uncounted(question: str, texts: Sequence[str]) -> bool:
    """Whether ``question`` asks how many or how much of a thing ("How much cream ...?")
    that none of ``texts`` (the retrieved passages) names.

    Example:
        >>> soup = ["Tomato soup | 5.50", "1 kg ripe tomatoes, halved; 500 ml stock"]
        >>> uncounted("How much cream goes in the soup?", soup)
        True
        >>> uncounted("How many tomatoes go in the soup?", soup), uncounted("How much is it?", soup)
        (False, False)
        >>> uncounted("How many people does the soup serve?", soup)
        False
    """
    counted = counted_thing(question)
    if counted is None or counted in _UNNAMED_COUNTS:
        return False
    return stem(counted) not in {stem(w) for text in texts for w in WORD.findall(text.lower())}
