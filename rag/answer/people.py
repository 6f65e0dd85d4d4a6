"""Who: the person a unit names for the role or the act a "who" question asks about.

Two everyday shapes state who is who without a sentence to quote it from:

- :func:`role_holder`: a name with its role in brackets, as minutes and contact
  lists give them ("Present: Ann Cole (chair), Raj Patel (treasurer)"): "Who
  chaired the meeting?" is Ann Cole, not the next name the chooser likes.
- :func:`author`: the sender or author field of a mail, a letter or an article
  ("From: Priya Nair <priya@example.org>", "By: ..."): "Who wrote the email?" is
  its value, though its key says nothing of writing.

And :func:`unnamed_role`: a "Who is the treasurer ...?" of documents that name no
treasurer is a near miss, however well its club's other officers match.

Example:
    >>> present = Evidence(1, 0, 60, "Present: Ann Cole (chair), Raj Patel (treasurer)", 1.2,
    ...                    "field")
    >>> role_holder(present, "Who chaired the meeting?")
    'Ann Cole'
    >>> author(Evidence(1, 0, 40, "From: Priya Nair <priya@example.org>", 0.7, "field"),
    ...        "Who wrote the email?")
    'Priya Nair'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from rag.answer.cells import field_parts
from rag.answer.evidence import Evidence
from rag.answer.siblings import seen_text
from rag.text import STOPWORDS, content_words, names_in, stem

if TYPE_CHECKING:
    from langchain_core.documents import Document

__all__ = ["author", "is_mail", "role_holder", "sender", "unnamed_role"]

_WHO = re.compile(r"^\s*who\b", re.IGNORECASE)
_NAMED_ROLE = re.compile(
    r"\b([A-Z][\w'’-]*(?:[ \t]+[A-Z][\w'’-]*){0,3})[ \t]*\(([^()\n]{1,40})\)")
"""A capitalised name and the role in brackets after it: "Ann Cole (chair)"."""
_GROUP = re.compile(r"^[A-Z][a-z]+s\s+(?=[A-Z][\w'’-]*\s+[A-Z])")
"""A plural before a name of two words or more names a group ("Councillors Aldous Finch")."""
_ROLE_ASKED = re.compile(r"^\s*who\s+(?:is|was|are|were|will\s+be)\s+(?:the|its|their|our|your)\s+"
                         r"((?:[\w-]+\s+){0,2}?[\w-]+)\s*(?:\b(?:of|for|at|in|on|to)\b|\?|$)",
                         re.IGNORECASE)
"""A question for who holds a role: "Who is the treasurer of the club?" (the role: its last
word)."""
_WRITING = re.compile(r"\b(?:wrote|written|writes|write|sent|sends|send|signed|signs|sign|"
                      r"authored)\b", re.IGNORECASE)
_MAIL_WORDS = frozenset({"email", "e-mail", "mail", "letter", "message", "note", "memo"})
"""What a "who wrote the email" question calls the mail (with the verb: not its topic)."""
_SENDERS = frozenset({"from", "sent", "sender"})
"""The header keys of a mail (its "To:", "Date:" and "Subject:" are those of other pages too)."""
_AUTHOR_KEYS = frozenset({"from", "sender", "author", "authors", "by", "writer", "signed"})
"""The keys whose value is who wrote ("Sent:" is a mail's date)."""
_ADDRESS = re.compile(r"\s*[<(\[][^>)\]]*@[^>)\]]*[>)\]]")
"""An e-mail address in angle brackets (or round or square ones) after a name."""


def role_holder(unit: Evidence, question: str) -> str | None:
    """The name ``unit`` gives the role a "who" question asks about, in brackets after it
    ("Raj Patel (treasurer)" for "Who is the treasurer?"); None when it gives none.

    Example:
        >>> line = Evidence(1, 0, 50, "Present: Ann Cole (chair), Raj Patel (treasurer)", 1.0)
        >>> role_holder(line, "Who is the treasurer?"), role_holder(line, "Who is the secretary?")
        ('Raj Patel', None)
        >>> role_holder(Evidence(1, 0, 40, "Present: Councillors Aldous Finch (chair), Jo Hale",
        ...                      1.0), "Who chaired the meeting?")
        'Aldous Finch'
    """
    if not _WHO.match(question):
        return None
    asked = {stem(w) for w in content_words(question)}
    for match in _NAMED_ROLE.finditer(unit.text):
        if {stem(w) for w in content_words(match.group(2))} & asked:
            return _GROUP.sub("", match.group(1))
    return None


def sender(question: str, ranked: Sequence[Evidence], text: str) -> tuple[str, Evidence] | None:
    """For "Who wrote the email about X?": the name of the sender field of the best unit's
    chunk (``text``), when that chunk speaks of X; None otherwise. It answers whatever the
    other units score: the mail's topic is its subject, not a sentence of its text.

    Example:
        >>> mail = "From: Priya Nair\\nOur spring clean-up is on 20 March."
        >>> units = [Evidence(1, 17, 52, "Our spring clean-up is on 20 March.", 0.9),
        ...          Evidence(1, 0, 16, "From: Priya Nair", 0.6, "field")]
        >>> sender("Who wrote the email about the clean-up?", units, mail)[0]
        'Priya Nair'
        >>> sender("Who wrote the email about the budget?", units, mail) is None
        True
    """
    if not ranked or not _WRITING.search(question):
        return None
    topic = {stem(w) for w in content_words(question)
             if w not in _MAIL_WORDS and not _WRITING.fullmatch(w)}
    if topic - {stem(w) for w in content_words(text)}:
        return None
    for unit in ranked:
        name = author(unit, question) if unit.n == ranked[0].n else None
        if name is not None:
            return name, unit
    return None


def is_mail(fields: Sequence[Evidence]) -> bool:
    """Whether ``fields`` are a mail's headers (a "From:" or "Sent:" line among them): its
    "Date:" is when it was sent, not when what it tells happens.

    Example:
        >>> is_mail([Evidence(1, 0, 16, "From: Priya Nair", 0.7, "field")])
        True
        >>> is_mail([Evidence(1, 0, 24, "Date: Friday 12 November", 0.7, "field")])
        False
    """
    return any((field_parts(unit) or ("", ""))[0] in _SENDERS for unit in fields)


def author(unit: Evidence, question: str) -> str | None:
    """The value of a sender or author field (From, By, Author, Signed) for a question
    asking who wrote, sent or signed something; None for other units or questions.

    Example:
        >>> sender = Evidence(1, 0, 20, "From: Priya Nair", 0.7, "field")
        >>> author(sender, "Who sent the letter?"), author(sender, "Who is Priya?")
        ('Priya Nair', None)
    """
    field = field_parts(unit)
    if field is None or field[0] not in _AUTHOR_KEYS or not _WHO.match(question) \
            or not _WRITING.search(question):
        return None
    name = " ".join(_ADDRESS.sub("", field[1]).split())
    return name or None


def unnamed_role(question: str, documents: Sequence[Document],
                 mentions: Callable[[str], bool] | None = None) -> str | None:
    """The role a "Who is the <role> ...?" question asks about when no document's text,
    header or file name names it, nor (when given) the collection; None otherwise.

    Example:
        >>> from langchain_core.documents import Document
        >>> club = [Document("New members write to the club secretary, Daniel Okafor.")]
        >>> unnamed_role("Who is the treasurer of the garden club?", club)
        'treasurer'
        >>> unnamed_role("Who is the club secretary?", club) is None
        True
    """
    asked = _ROLE_ASKED.match(question)
    if asked is None:
        return None
    role = asked.group(1).split()[-1].lower()
    if role in STOPWORDS or names_in(role, seen_text(documents)) \
            or (mentions is not None and mentions(role)):
        return None
    return role
