"""How common the characters of a CJK reading of a short text are, for choosing its encoding.

On a few dozen bytes, charset-normalizer cannot tell the CJK double-byte
encodings apart: every reading of ``联通`` (GB2312) decodes without error and
scores no chaos and no coherence, so a Big5 reading (``薊籵``) or a Korean
one may win. The encodings themselves know better: each orders its
characters by frequency, so a reading whose characters fall in its
encoding's *frequent* zone is the likely one:

- GB2312 (and GBK, GB18030): level 1, the 3,755 most used hanzi (lead bytes B0-D7);
- Big5: the 5,401 frequently used characters (A440-C67E);
- Shift_JIS and EUC-JP: level 1 kanji (EUC lead bytes B0-CF), counted only
  in a text that also has kana (Japanese is rarely kanji alone);
- EUC-KR and cp949: the 2,350 Hangul syllables of KS X 1001 (lead B0-C8);
  hanja and cp949's extra syllables count as rare;
- UTF-16 without a byte-order mark: a Han character common to GB2312 or Big5,
  or a KS X 1001 syllable.

Kana, CJK punctuation and full-width forms count as common everywhere.
:func:`commonness` gives the share of a reading's non-ASCII characters that
are common; other encodings are not judged (None).

Example:
    >>> commonness("联通", "gb18030"), commonness("薊籵", "big5")
    (1.0, 0.5)
"""

from __future__ import annotations

import codecs
import functools

__all__ = ["CJK_PROBES", "commonness", "is_cjk_codec"]

CJK_PROBES = ("gb18030", "big5", "cp932", "euc_jp", "cp949")
"""The CJK encodings a short text is read with, most used first."""

_CHINESE = {"gb2312": "gb2312", "gbk": "gb2312", "gb18030": "gb2312", "hz": "gb2312",
            "big5": "big5", "cp950": "big5", "big5hkscs": "big5"}
_JAPANESE = {"shift_jis", "cp932", "euc_jp", "euc_jis_2004", "euc_jisx0213", "shift_jis_2004",
             "shift_jisx0213", "iso2022_jp"}
_KOREAN = {"euc_kr", "cp949", "johab", "iso2022_kr"}
_WIDE = {"utf-16-be", "utf-16-le", "utf-16", "utf-32-be", "utf-32-le", "utf-32"}


def is_cjk_codec(encoding: str) -> bool:
    """Whether :func:`commonness` judges readings in ``encoding``.

    Example:
        >>> is_cjk_codec("big5"), is_cjk_codec("cp1252")
        (True, False)
    """
    return _family(encoding) is not None


def commonness(text: str, encoding: str) -> float | None:
    """The share of the non-ASCII characters of ``text`` that are common for ``encoding``.

    Args:
        text: A reading of a short sample.
        encoding: The codec that produced it.

    Returns:
        A share in [0, 1]; 1.0 for a text without non-ASCII characters; None
        for encodings that are not judged (single-byte code pages).

    Example:
        >>> commonness("日本語のテキスト", "shift_jis"), commonness("選宥", "euc_jp")
        (1.0, 0.0)
    """
    family = _family(encoding)
    if family is None:
        return None
    chars = [c for c in text if not c.isascii() and not c.isspace()]
    if not chars:
        return 1.0
    kana = any(_is_kana(c) for c in chars)
    return sum(_common(c, family, kana) for c in chars) / len(chars)


def _family(encoding: str) -> str | None:
    name = codecs.lookup(encoding).name.replace("-", "_")
    if name in _CHINESE:
        return _CHINESE[name]
    if name in _JAPANESE:
        return "japanese"
    if name in _KOREAN:
        return "korean"
    if codecs.lookup(encoding).name in _WIDE:
        return "wide"
    return None


def _common(char: str, family: str, kana: bool) -> bool:
    if _is_kana(char) or _is_punctuation(char):
        return True
    if family == "gb2312":
        return _in_zone(char, "gb2312", 0xB0, 0xD7)
    if family == "big5":
        return _big5_frequent(char)
    if family == "japanese":
        return kana and _in_zone(char, "euc_jp", 0xB0, 0xCF)
    if family == "korean":
        return _in_zone(char, "euc_kr", 0xB0, 0xC8)
    return (_in_zone(char, "gb2312", 0xB0, 0xD7) or _big5_frequent(char)
            or _in_zone(char, "euc_kr", 0xB0, 0xC8))


def _is_kana(char: str) -> bool:
    return "\u3041" <= char <= "\u30ff"


def _is_punctuation(char: str) -> bool:
    """CJK symbols and punctuation (、。「」), and full-width forms (ＡＢＣ１２３，)."""
    return "\u3000" <= char <= "\u303f" or "\uff01" <= char <= "\uff65"


@functools.lru_cache(maxsize=8192)
def _in_zone(char: str, encoding: str, first: int, last: int) -> bool:
    """Whether ``char`` is a double-byte character of ``encoding`` with a lead byte in range."""
    try:
        data = char.encode(encoding)
    except UnicodeEncodeError:
        return False
    return len(data) == 2 and first <= data[0] <= last


@functools.lru_cache(maxsize=8192)
def _big5_frequent(char: str) -> bool:
    try:
        data = char.encode("big5")
    except UnicodeEncodeError:
        return False
    return len(data) == 2 and 0xA440 <= int.from_bytes(data, "big") <= 0xC67E
