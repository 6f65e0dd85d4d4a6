"""Choosing an encoding among charset-normalizer's guesses by the evidence they show.

charset-normalizer decodes a sample with every plausible code page and
measures each result: ``chaos`` (how messy it looks) and ``coherence`` (how
much it looks like a language). Its ranking is trusted, with three
corrections learnt from legacy files that it gets wrong:

1. It stops probing early once some code page looks good, so the right one is
   sometimes never tried (ISO-8859-2 Czech, KOI8-R Russian after a CJK guess):
   the common legacy encodings it skipped are probed one by one.
2. Its mess detector counts some legitimate words as messy (Turkish words
   with many dotless i's score 0.03-0.05 worse than their ISO-8859-10
   garbling, repeated French 0.18 worse than cp1257): guesses whose chaos is
   within :data:`CHAOS_MARGIN` of the best are compared by how *plausible*
   their letters are (:func:`plausibility`), and the most plausible wins.
   Only Latin, Cyrillic and Hangul letters are judged; other scripts count
   as plausible, and charset-normalizer's ranking decides among them.
3. When the evidence is equal (chaos within :data:`CHAOS_TOLERANCE`,
   coherence within :data:`COHERENCE_TOLERANCE`), a mostly lowercase
   reading beats a mostly uppercase one (KOI8-R read as cp1251 swaps the
   case), then cp1252 beats the other code pages, familiar encodings beat
   DOS, Mac and EBCDIC ones, and a reading with more letters of one
   alphabet beats one with fewer (ISO-8859-2 ``pouť`` over cp1250 ``pou»``).
4. On a short text read as Chinese, Japanese, Korean or UTF-16, the CJK reading
   whose characters are the most common for its encoding wins when clearly
   ahead (:mod:`ingest.readers.cjk`): a few characters give the detector no evidence.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from charset_normalizer.models import CharsetMatch

__all__ = [
    "CHAOS_MARGIN",
    "CHAOS_TOLERANCE",
    "COHERENCE_TOLERANCE",
    "COMMONNESS_MARGIN",
    "FIT_TOLERANCE",
    "SHORT_CJK",
    "guess_encoding",
    "plausibility",
]

CHAOS_MARGIN = 0.2
"""Guesses this much messier than the best one are still compared by plausibility."""
FIT_TOLERANCE = 0.02
"""Plausibility closer than this counts as equal (a foreign name in a text costs ~0.01)."""
CHAOS_TOLERANCE = 0.01
"""Chaos closer than this counts as equal."""
COHERENCE_TOLERANCE = 0.05
"""Coherence closer than this counts as equal (it moves by ~0.05 per letter in short texts)."""
LENIENT_THRESHOLD = 0.4
"""Most chaos accepted for the common encodings probed one by one, and for a short text
that no encoding decodes within charset-normalizer's default 0.2 (its mess detector
scores some plain French and Turkish 0.16-0.18, and gives up on chunks above 0.2)."""
SHORT_TEXT = 4096
"""Bytes under which a text gets the lenient threshold."""
SHORT_CJK = 1024
"""Bytes under which a CJK reading is checked against the others by how common its
characters are (:func:`ingest.readers.cjk.commonness`): too few characters for the detector."""
COMMONNESS_MARGIN = 0.2
"""How much more common the characters of another CJK reading must be to replace the choice."""
_CHECKED_CHARS = 20_000
"""Characters of each decoded guess whose letters are checked."""

_COMMON = (
    "cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257",
    "cp1258", "iso8859_2", "iso8859_5", "iso8859_7", "iso8859_8", "iso8859_9",
    "iso8859_13", "iso8859_15", "iso8859_16", "koi8_r", "koi8_u", "cp866",
    "big5", "gb18030", "cp932", "euc_jp", "cp949",
)  # fmt: skip
"""Encodings always probed, even when charset-normalizer's search skipped them."""
_FAMILIAR = frozenset(_COMMON) | {
    "latin_1", "iso8859_3", "iso8859_4", "iso8859_6", "iso8859_10", "iso8859_14",
    "gb2312", "gbk", "cp950", "shift_jis", "euc_kr", "cp874", "tis_620", "utf_16",
    "utf_16_le", "utf_16_be", "utf_32", "utf_32_le", "utf_32_be", "iso2022_jp", "iso2022_kr",
}  # fmt: skip
"""Encodings preferred, on equal evidence, to DOS, Mac, EBCDIC and rare ones."""

_ALPHABETS = {
    "Albanian": "çë", "Catalan": "àçèéíïòóúü", "Croatian": "čćđšž",
    "Czech": "áčďéěíňóřšťúůýž", "Danish": "åæøé", "Dutch": "áäéèëêíïóöúü",
    "Esperanto": "ĉĝĥĵŝŭ", "Estonian": "äõöüšž", "Finnish": "äåöšž",
    "French": "àâæçéèêëîïôœùûüÿ", "German": "äöüß", "Hungarian": "áéíóöőúüű",
    "Icelandic": "áæðéíóöúýþ", "Italian": "àèéìíîòóùú", "Latvian": "āčēģīķļņšūž",
    "Lithuanian": "ąčęėįšųūž", "Maltese": "àċèġħìòùż", "Polish": "ąćęłńóśźż",
    "Portuguese": "áàâãçéêíóôõú", "Romanian": "ăâîșşțţ", "Slovak": "áäčďéíĺľňóôŕšťúýž",
    "Spanish": "áéíñóúü", "Swedish": "åäöé", "Turkish": "âçğıİîöşûü",
    "Vietnamese": "àáâãèéêìíòóôõùúýăđĩũơư", "Welsh": "âêîôûŵŷ",
    "Russian": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    "Ukrainian": "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя",
    "Belarusian": "абвгдеёжзійклмнопрстуўфхцчшыьэюя",
    "Bulgarian": "абвгдежзийклмнопрстуфхцчшщъьюя",
    "Serbian": "абвгдђежзијклљмнњопрстћуфхцчџш",
    "Macedonian": "абвгдѓежзѕијклљмнњопрстќуфхцчџш",
}  # fmt: skip
"""The accented letters of the languages written in legacy Latin code pages, and
the letters of those written in Cyrillic ones."""

_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK", "ARABIC", "HEBREW", "THAI")
_QUOTES = ("Pi", "Pf", "Ps", "Pe", "Pd")
_INSIDE_WORDS = "\u2019\u2018\u02bc\u00b7"  # apostrophes, Catalan middle dot
_BEFORE_WORDS = "\u00bf\u00a1"  # Spanish ¿ ¡
_AFTER_WORDS = "\u00ae\u2122\u2020\u2021\u00b0\u2026"  # ® ™ † ‡ ° …
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def guess_encoding(sample: bytes, among: Sequence[str] = ()) -> str | None:
    """Name the encoding that reads ``sample`` best, or None when none reads it as text.

    Args:
        sample: Bytes that are not UTF-8 and have no byte-order mark, cut
            at a character boundary.
        among: Only these encodings (Python codec names); all when empty.

    Returns:
        A Python codec name such as ``"cp1250"``.

    Example:
        >>> guess_encoding("Žluťoučký kůň úpěl ďábelské ódy. ".encode("cp1250") * 4)
        'cp1250'
    """
    matches = _matches(sample, among)
    if not matches:
        return None
    chosen = _choose(matches)
    if len(sample) < SHORT_CJK and not among:
        return _commonest_cjk_reading(sample, chosen) or _codec_name(chosen)
    return _codec_name(chosen)


def _matches(sample: bytes, among: Sequence[str]) -> list[CharsetMatch]:
    """charset-normalizer's guesses, completed with the common encodings it skipped."""
    from charset_normalizer import CharsetMatches, from_bytes

    if among:
        return list(from_bytes(sample, cp_isolation=list(among)))
    found = list(from_bytes(sample))
    tried = {name for match in found for name in match.could_be_from_charset}
    for encoding in _COMMON:
        if encoding not in tried:  # probed alone, as messy as the short-text fallback
            found.extend(from_bytes(sample, cp_isolation=[encoding], threshold=LENIENT_THRESHOLD))
    if not found and len(sample) < SHORT_TEXT:
        found = list(from_bytes(sample, threshold=LENIENT_THRESHOLD))
    return list(CharsetMatches(found))  # sorted by charset-normalizer's own ranking


def _choose(matches: list[CharsetMatch]) -> CharsetMatch:
    """The most plausible of the near-best guesses; ties go to familiar encodings."""
    near = [m for m in matches if m.chaos <= matches[0].chaos + CHAOS_MARGIN]
    evidence = {id(m): _letter_evidence(str(m)[:_CHECKED_CHARS]) for m in near}
    top = max(score for score, _ in evidence.values())
    fitting = [m for m in near if evidence[id(m)][0] >= top - FIT_TOLERANCE]
    lead = fitting[0]
    # A rare code page must win clearly: its coherence lead counts double.
    tolerance = COHERENCE_TOLERANCE * (2 if _rarity(lead) == 2 else 1)
    tied = [m for m in fitting if _same_evidence(m, lead, tolerance)]

    def preference(match: CharsetMatch) -> tuple[bool, int, int]:
        lowercase = _mostly_lowercase(str(match)[:_CHECKED_CHARS])
        return lowercase, -_rarity(match), evidence[id(match)][1]

    # max() keeps the first of equals: charset-normalizer's order decides the rest.
    return max(tied, key=preference)


def _commonest_cjk_reading(sample: bytes, chosen: CharsetMatch) -> str | None:
    """On a short sample the detector read as CJK (or UTF-16), the CJK encoding whose
    reading has clearly more common characters (:func:`ingest.readers.cjk.commonness`), if any.

    The CJK encodings are tried directly: on a dozen characters charset-normalizer
    may not offer the right one at all (it finds full-width letters messy).
    """
    from ingest.readers.cjk import CJK_PROBES, commonness

    mine = commonness(str(chosen)[:_CHECKED_CHARS], chosen.encoding)
    if mine is None:
        return None  # a single-byte code page: its letters were judged already
    best, found = mine, None
    for encoding in CJK_PROBES:
        try:
            reading = sample.decode(encoding)
        except UnicodeDecodeError:
            continue
        value = commonness(reading, encoding)
        if value is not None and value >= best + COMMONNESS_MARGIN:
            best, found = value, encoding
    return found


def _same_evidence(match: CharsetMatch, lead: CharsetMatch, tolerance: float) -> bool:
    return (
        round(abs(match.chaos - lead.chaos), 3) <= CHAOS_TOLERANCE
        and round(abs(match.coherence - lead.coherence), 3) <= tolerance
    )


def _rarity(match: CharsetMatch) -> int:
    names = set(match.could_be_from_charset)
    return 0 if "cp1252" in names else 1 if names & _FAMILIAR else 2


def _codec_name(match: CharsetMatch) -> str:
    """The familiar name among the encodings that all read the sample the same."""
    names = match.could_be_from_charset
    if "cp1252" in names:
        return "cp1252"
    if match.encoding in _FAMILIAR:
        return match.encoding
    return next((name for name in names if name in _FAMILIAR), match.encoding)


def _mostly_lowercase(text: str) -> bool:
    upper = sum(1 for c in text if c.isupper())
    lower = sum(1 for c in text if c.islower())
    return lower >= upper


def plausibility(text: str) -> float:
    """Score how plausible the non-ASCII letters of a decoded text are, from 0 to 1.

    The share of accented Latin letters and of Cyrillic letters that one
    language's alphabet explains, counting as unexplained: symbols glued to
    Latin letters (``odby³``, ``v¹echny``: a letter read with the wrong code
    page), capitals inside words (``arrÛtent``, ``MŘnchen``, ``еЄ``), letters
    of two scripts in one word, and rare Hangul syllables outside KS X 1001
    (Shift-JIS read as cp949). Text without such letters scores 1.

    Example:
        >>> plausibility("Mój brat studiuje w Łodzi.")
        1.0
        >>> plausibility("Mój brat studiuje w £odzi, by³ tam.") < 1
        True
    """
    return _letter_evidence(text)[0]


def _letter_evidence(text: str) -> tuple[float, int]:
    """:func:`plausibility` and the number of letters it explained."""
    letters: Counter[str] = Counter()
    odd = hangul = common_hangul = 0
    for found in _NON_ASCII.finditer(text):
        i, char = found.start(), found.group()
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        if _odd(char, before, after):
            odd += 1
        elif _script(char) in ("LATIN", "CYRILLIC"):
            letters[char] += 1
        elif "\uac00" <= char <= "\ud7a3":  # a Hangul syllable
            hangul += 1
            common_hangul += _common_hangul(char)
    total = letters.total() + odd + hangul
    if not total:
        return 1.0, 0
    explained = max(sum(n for c, n in letters.items() if c in abc) for abc in _alphabets())
    return (explained + common_hangul) / total, explained


def _odd(char: str, before: str, after: str) -> bool:
    """Tell whether ``char`` between ``before`` and ``after`` betrays a wrong code page."""
    if char.isalpha():
        mine = _script(char)
        if mine is None:
            return False
        if {_script(before), _script(after)} - {None, mine}:
            return True  # two scripts in one word
        # A capital inside a word: after a lowercase letter, or before one after a letter.
        return char.isupper() and (before.islower() or before.isalpha() and after.islower())
    by_before, by_after = _script(before) == "LATIN", _script(after) == "LATIN"
    if not (by_before or by_after) or char.isspace() or char in _INSIDE_WORDS:
        return False
    category = unicodedata.category(char)
    if category in ("Mn", "Mc"):
        return False
    if category in _QUOTES:
        return by_before and by_after
    if (not by_before and char in _BEFORE_WORDS) or (not by_after and char in _AFTER_WORDS):
        return False
    return True


@functools.lru_cache(maxsize=4096)
def _script(char: str) -> str | None:
    if not char.isalpha():
        return None
    if char.isascii():
        return "LATIN"
    word = unicodedata.name(char, "").split(" ", 1)[0]
    return word if word in _SCRIPTS else None


@functools.lru_cache(maxsize=4096)
def _common_hangul(char: str) -> bool:
    """KS X 1001 holds the 2,350 syllables of everyday Korean (Python spells others in 8 bytes)."""
    try:
        return len(char.encode("euc_kr")) == 2
    except UnicodeEncodeError:
        return False


@functools.cache
def _alphabets() -> tuple[frozenset[str], ...]:
    def both_cases(letters: str) -> frozenset[str]:
        return frozenset(letters + "".join(c.upper() for c in letters if len(c.upper()) == 1))

    return tuple(both_cases(letters) for letters in _ALPHABETS.values())
