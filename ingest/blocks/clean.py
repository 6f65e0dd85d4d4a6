"""Clean text: what the keyword index, the embedder and the answer path all read.

- Unicode NFKC: ligatures (``ﬁ`` -> ``fi``), full-width and other compatibility
  forms become the plain letters people type;
- soft hyphens, zero-width characters and control characters (but line breaks
  and tabs) are dropped, non-breaking spaces become spaces;
- :func:`unwrap_lines` joins the lines of a hard-wrapped paragraph, and an
  end-of-line hyphen when the halves make one word (``pro-`` + ``cedure``),
  keeping it where the document writes the word with a hyphen elsewhere
  (``well-`` + ``known`` when ``well-known`` occurs).

Example:
    >>> clean_text("An e\\ufb03cient pro\\u00adcedure\\u00a0here")
    'An efficient procedure here'
    >>> unwrap_lines(["The new pro-", "cedure is well-", "known."], known={"well-known"})
    'The new procedure is well-known.'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Sequence

__all__ = ["clean_text", "hyphenated_words", "unwrap_lines"]

_DROP = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""Soft hyphens, zero-width characters, controls other than tab and line breaks."""
_SPACES = re.compile(r"[^\S\n]+")
_HYPHENATED = re.compile(r"\b[^\W\d_]+-[^\W\d_]+\b")
_END_HYPHEN = re.compile(r"([^\W\d_]+)-$")
_START_WORD = re.compile(r"^([^\W\d_]+)")


def clean_text(text: str) -> str:
    """NFKC, invisible and control characters out, runs of spaces as one (lines kept).

    Example:
        >>> clean_text("ＡＢＣ１２３\\r\\n\\tok")
        'ABC123\\nok'
    """
    text = unicodedata.normalize("NFKC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _DROP.sub("", text)
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))


def hyphenated_words(text: str) -> set[str]:
    """The words ``text`` writes with a hyphen inside a line (``well-known``), lower-cased.

    Example:
        >>> sorted(hyphenated_words("A well-known, long-term plan; pro-\\ncedure."))
        ['long-term', 'well-known']
    """
    return {m.group().lower() for m in _HYPHENATED.finditer(text)}


def unwrap_lines(lines: Sequence[str], *, known: Collection[str] = ()) -> str:
    """Join the lines of one paragraph into one line.

    An end-of-line hyphen between letters is dropped when the next line starts
    with a lower-case letter (the word was split to fit the line), unless the
    hyphenated word is one the document writes with a hyphen (``known``).

    Args:
        lines: The paragraph's lines, clean and stripped.
        known: Hyphenated words of the document, lower-cased (:func:`hyphenated_words`).

    Returns:
        The paragraph on one line.
    """
    out = ""
    for line in (line.strip() for line in lines):
        if not line:
            continue
        if not out:
            out = line
            continue
        end, start = _END_HYPHEN.search(out), _START_WORD.match(line)
        if end and start and line[0].islower():
            whole = f"{end.group(1)}-{start.group(1)}".lower()
            out = out + line if whole in known else out[:-1] + line
        elif end and start:  # "Anglo-" + "Saxon": a compound of names keeps its hyphen
            out = out + line
        else:
            out = f"{out} {line}"
    return out
