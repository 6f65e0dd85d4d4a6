"""Near misses: a question about one thing, documents about its sibling.

"When will the gas meter be replaced?" over a letter about the water meter, or
"When does the summer timetable start?" over a notice of the winter one: the
best sentence matches every word but one, and quoting it answers a question
nobody asked. Such a question names a thing by a word and its qualifier ("gas
meter", "summer timetable", "sick leave", "men's eight", "Enterprise plan");
when the qualifier appears nowhere in the retrieved chunks while the best
sentences state the same thing with another qualifier ("water meter", "winter
timetable", "paid leave", "women's eight", "Team plan"), the documents speak of
a sibling, and the answer is "not found". Days, months and seasons are
siblings of one another too ("open on Saturdays" against "On Sundays the
library opens at 11:00") unless a range such as "Monday to Friday" spans the
asked one, and so are things named by a number ("the Year 9 trip" against
"The Year 7 trip is on 14 May"); a question asked yes or no is answered by
them ("Is it open on Sunday?" by "Open Monday to Friday"). A day, month,
season or number counts as held only by the best units' own chunks: another
document's Saturday is about something else.

A qualifier is the word right before the thing, and the thing ends the
question's noun phrase ("gas meter be replaced", not "kicked Ethelred out")
unless the qualifier owns it ("the men's eight row");
a number, a function word, an asking word ("how much", "what time") or a
verb's past is never one. It counts as present when the best units' chunks
hold a word with its stem, a longer word it begins ("lab" in "laboratory"),
or a word spelt almost alike ("guage" for "gauge"), or when the collection
mentions it anywhere (then the documents may well speak of it). These are
product rules, not fitted numbers; SQuAD's paraphrased questions
(``rag eval qa``) check that they leave answerable questions alone.

Example:
    >>> other_thing("When will the gas meter be replaced?",
    ...             ["Your water meter will be replaced on 3 March."],
    ...             "Grantley Water. Your water meter will be replaced on 3 March.")
    'water meter'
    >>> other_thing("When will the water meter be replaced?",
    ...             ["Your water meter will be replaced on 3 March."],
    ...             "Your water meter will be replaced on 3 March.") is None
    True
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from difflib import get_close_matches

from langchain_core.documents import Document

from rag.answer.quotes import asks_yes_no
from rag.text import STOPWORDS, WORD, stem

__all__ = ["BEST_UNITS", "calendar_word", "other_thing", "seen_text"]

BEST_UNITS = 3
"""How many of the best units are read for a sibling (those a quoted answer shows)."""
MORE_UNHELD = 1
"""A unit naming a sibling may miss this many more of the question's words (a near miss
matches all words but the qualifier, give or take one: "found" in "How many pairs of
little grebe were found?" against "the great crested grebe nested, 4 breeding pairs")."""
COMPOUND_HEAD = 4
"""A word ends a compound when at least this many letters come before it ("flood|lit";
"wo|men" is no compound)."""
SPELT_ALIKE = 0.8
"""Two words whose :class:`difflib.SequenceMatcher` ratio reaches this are one word
misspelt or inflected ("guage" and "gauge"; "gas" and "was" are 0.67)."""

_PHRASE_BREAK = re.compile(r"[,;:.!?()\[\]|/]+(?:\s|$)|\s[-–—]\s|[()|;]")
"""Punctuation between two words: no qualifier across it ("£950 a month, deposit £1,100")."""
_NUMBERED = re.compile(r"\b([A-Za-z]{2,})\s+(\d{1,3})\b(?![.,:]\d)")
"""A thing named by a number: "Year 9", "bus 7", "Room 12" (no year, time or amount)."""
_POSSESSIVE = re.compile(r"['’]s\b", re.IGNORECASE)
_GENERIC = frozenset(
    """much many long far big often old high wide deep tall fast large small heavy
    time date day year price cost number name kind type way one two three first last""".split())
"""Words that ask rather than name (how much, what time, which kind): never a qualifier."""
_DETERMINERS = frozenset(
    """per each every all any some both either neither other another such same own more
    most less least few several new""".split())
"""Words that pick among things rather than name one ("per book", "every plan")."""
_FUNCTION = frozenset(
    """themselves itself himself herself ourselves yourself yourselves myself ones
    something anything everything nothing someone anyone everyone nobody whose whom
    among between within upon after before during without under over through against
    along around across behind beyond toward towards via out up down off onto
    although though while whereas because since unless until whether also only just
    even very too still yet already been being am had has have may might must shall""".split())
"""Function words STOPWORDS leaves in: pronouns, prepositions, conjunctions, auxiliaries."""

_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")
_SEASONS = ("spring", "summer", "autumn", "winter")
_CYCLES = (_DAYS, _MONTHS, _SEASONS)
_COMMON = ("may", "march")
"""Month names that are common words too: months only when capitalised."""
_RANGE = re.compile(
    r"\b([a-z]{3,9})\.?\s*(?:to|until|till|through|thru|-|–|—)\s*([a-z]{3,9})\b")


def seen_text(documents: Sequence[Document]) -> str:
    """What a question's words are looked for in: the chunks' text, headers and file names."""
    return " ".join(f"{doc.page_content} {doc.metadata.get('header', '')} "
                    f"{doc.metadata.get('file_name', '')}" for doc in documents)


def _words(text: str) -> list[str]:
    """The lower-cased words of ``text``, a possessive's "s" left out."""
    return WORD.findall(_POSSESSIVE.sub("", text).lower())


def _named(word: str) -> bool:
    """Whether ``word`` can name or qualify a thing (not a stop word, number or asking word)."""
    return (word not in STOPWORDS and word not in _GENERIC and word not in _DETERMINERS
            and word not in _FUNCTION and not word.isdigit()
            and len(word) > 1)


def _qualifies(word: str) -> bool:
    """Whether ``word`` can qualify the word after it: named, and no verb's past ("Who
    kicked Ethelred out?")."""
    return _named(word) and not word.endswith("ed")


def _present(word: str, stems: set[str]) -> bool:
    """Whether a chunk holds ``word``: its stem, a longer word it begins or ends ("lab" in
    "laboratory", "lit" in "floodlit") or that begins it ("month" in "monthly"), or a word
    spelt almost alike ("definition" for "definitional", "gauge" for "guage")."""
    root = stem(word)
    if root in stems:
        return True
    if any(_affixed(root, held) for held in stems):
        return True
    return len(root) >= 4 and bool(get_close_matches(root, stems, n=1, cutoff=SPELT_ALIKE))


def _affixed(root: str, held: str) -> bool:
    """Whether ``held`` begins with ``root`` or ends a compound with it, or ``root`` begins
    with ``held`` (a word and its longer forms)."""
    if len(root) >= 3 and (held.startswith(root)
                           or (held.endswith(root) and len(held) - len(root) >= COMPOUND_HEAD)):
        return True
    return len(held) >= 4 and root.startswith(held)


def _cycle_member(word: str, *, ranged: bool = False) -> tuple[int, int] | None:
    """Which cycle (days, months, seasons) ``word`` belongs to, and where; None: none.

    A short form ("Sat", "Mar") and the words that are also common words ("May",
    "March") count when capitalised, or when ``ranged`` (an end of "Mon to Fri").
    """
    lowered, root = word.lower(), stem(word)  # "spring" has no stem "spr"
    for c, cycle in enumerate(_CYCLES):
        for i, name in enumerate(cycle):
            full = name in (lowered, root) and name not in _COMMON
            short = len(root) >= 3 and c < 2 and name.startswith(root)
            if full or (short and (ranged or word[:1].isupper())):
                return c, i
    return None


def calendar_word(name: str) -> bool:
    """Whether ``name`` is a day, a month or a season ("Wednesday", "Sat", "May"), which a
    range such as "Monday to Friday" may span without naming it.

    Example:
        >>> calendar_word("Wednesday"), calendar_word("Sat"), calendar_word("Grey Island")
        (True, True, False)
    """
    return _cycle_member(name) is not None


def _cycle_words(text: str) -> dict[int, set[int]]:
    """The days, months and seasons ``text`` names, ranges spelt out ("Mon to Fri")."""
    named: dict[int, set[int]] = {}
    for word in WORD.findall(text):
        if (member := _cycle_member(word)) is not None:
            named.setdefault(member[0], set()).add(member[1])
    for match in _RANGE.finditer(text.lower()):
        first = _cycle_member(match.group(1), ranged=True)
        last = _cycle_member(match.group(2), ranged=True)
        if first and last and first[0] == last[0]:
            size = len(_CYCLES[first[0]])
            span = (last[1] - first[1]) % size
            named.setdefault(first[0], set()).update((first[1] + k) % size
                                                     for k in range(span + 1))
    return named


def _other_qualifier(pairs: list[tuple[str, str]], units: Sequence[str],
                     contexts: Sequence[str], asked_words: Sequence[str]) -> str | None:
    """The first "qualifier thing" of ``units`` whose thing one of ``pairs`` qualifies
    otherwise (the qualifier not a word of the question), in a unit that holds every
    other word the question names but one, read with its context (a near miss, not a
    paraphrase)."""
    asked = {stem(w) for w in asked_words}
    for at, unit in enumerate(units):
        context = contexts[at] if at < len(contexts) else ""
        held = {stem(w) for w in _words(f"{unit} {context}")}
        adjacent = [(a, b) for phrase in _PHRASE_BREAK.split(unit)
                    for a, b in itertools.pairwise(_words(phrase))]  # "per month, deposit": none
        for qualifier, thing in pairs:
            unheld = [w for w in asked_words
                      if _named(w) and w != qualifier and not _present(w, held)]
            if len(unheld) > MORE_UNHELD:
                continue
            for before, word in adjacent:
                if stem(word) == stem(thing) and _named(before) and stem(before) not in asked:
                    return f"{before} {word}"
    return None


def other_thing(question: str, units: Sequence[str], seen: str, *,
                contexts: Sequence[str] = (),
                mentions: Callable[[str], bool] | None = None) -> str | None:
    """What the best units speak of instead of what ``question`` asks about, if anything.

    Args:
        question: The question.
        units: The best units' texts, best first (the ones that would be quoted).
        seen: The text of the best units' chunks (titles and file names included),
            where the question's qualifier and days, months and seasons are looked for.
        contexts: What each unit is read with: its heading, its document's title.
        mentions: Whether the collection mentions a word anywhere (a qualifier it
            mentions is no near miss).

    Returns:
        The sibling the units name ("water meter", "sunday"); None when the
        question's qualifiers are all held, or no unit names a sibling.
    """
    sibling = _qualifier_sibling(question, units, seen, contexts, mentions)
    if sibling is not None or asks_yes_no(question):
        return sibling
    return _numbered_sibling(question, units, seen) or _calendar_sibling(question, units, seen)


def _qualifier_sibling(question: str, units: Sequence[str], seen: str, contexts: Sequence[str],
                       mentions: Callable[[str], bool] | None) -> str | None:
    """"water meter" for "the gas meter" (see the module's docstring)."""
    asked_words = _words(question)
    owners = {w.lower() for w in re.findall(r"(\w+)['’]s\b", question)}  # "men's eight"
    ends = [*asked_words[2:], ""]  # the word after each pair
    pairs = [(q, t) for q, t, after in zip(asked_words, asked_words[1:], ends, strict=False)
             if _qualifies(q) and _named(t) and (q in owners or not _named(after))]
    if not pairs:
        return None
    stems = {stem(w) for w in _words(seen)}
    missing = [(q, t) for q, t in pairs
               if not _present(q, stems) and not (mentions is not None and mentions(q))]
    return _other_qualifier(missing, units, contexts, asked_words) if missing else None


def _numbered_sibling(question: str, units: Sequence[str], seen: str) -> str | None:
    """"year 7" for "the Year 9 trip": a thing named by a number that the best units' chunks
    never give, while a best unit gives the same thing another number."""
    for label, number in _NUMBERED.findall(question):
        if label.lower() in STOPWORDS or label.lower() in _FUNCTION | _DETERMINERS:
            continue  # "Year 9", "number 7" name a thing; "after 30" does not
        if number in _numbers(seen, label):
            continue
        other = next((n for unit in units for n in _numbers(unit, label) if n != number), None)
        if other is not None:
            return f"{label.lower()} {other}"
    return None


def _numbers(text: str, label: str) -> list[str]:
    """The numbers ``text`` gives the thing ``label`` names ("Year 7", "year 8": 7, 8)."""
    return [n for word, n in _NUMBERED.findall(text) if stem(word) == stem(label)]


def _calendar_sibling(question: str, units: Sequence[str], seen: str) -> str | None:
    """"sunday" for "open on Saturdays": a day, month or season the best units' chunks never
    name (nor span), while a best unit names another."""
    wanted = _cycle_words(question)
    if not wanted:
        return None
    found = _cycle_words(seen)
    stated = _cycle_words(" ".join(units))
    for cycle, members in wanted.items():
        if not members & found.get(cycle, set()) and stated.get(cycle):
            return _CYCLES[cycle][min(stated[cycle])]
    return None
