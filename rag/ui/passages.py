"""Finding a quoted passage in the text read from a page, whatever its layout.

The indexed text of a page and the text PDFium or OCR reads from the page
agree only in their letters and digits: line breaks, hyphens at line ends,
spaces, ligatures, accents and case may all differ. So both are reduced to
their letters and digits (NFKD, accents dropped, casefolded) and the passage
is searched there. Each kept character remembers the *item* it came from (a
character of the page's text layer, or an OCR word), so a match maps back to
the items to highlight. A match must start at the start of a word and end at
the end of one, so "cat" is not found in "concatenate".

Example:
    >>> page = PageText.from_items("Old town. The light-\\nhouse is old.")
    >>> first, last = locate(page, "the LIGHThouse is old")[0]
    >>> "Old town. The light-\\nhouse is old."[first:last + 1]
    'The light-\\nhouse is old'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["MIN_RUN_WORDS", "PageText", "fold", "locate"]

MIN_RUN_WORDS = 8
"""Fewest consecutive words of a passage highlighted when the whole passage is not found."""

_WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """The letters and digits of ``text``, accents dropped and casefolded.

    Example:
        >>> fold("Ca\N{LATIN SMALL LIGATURE FI}\u00e9, 12-b!")
        'cafie12b'
    """
    decomposed = unicodedata.normalize("NFKD", text).casefold()
    return "".join(char for char in decomposed if char.isalnum())


@dataclass(frozen=True)
class PageText:
    """A page's letters and digits, each with the item it came from.

    Attributes:
        keys: The folded letters and digits of all items, in order.
        owners: For each key, the index of its item.
        starts: Positions in ``keys`` where a word starts.
        ends: Positions in ``keys`` just after a word ends.
    """

    keys: str
    owners: tuple[int, ...]
    starts: frozenset[int]
    ends: frozenset[int]

    @classmethod
    def from_items(cls, items: Iterable[str]) -> PageText:
        """Fold the page's items: its characters, or its OCR words each followed by a space.

        Args:
            items: The page's text, item by item; words end at any character
                that is not a letter or digit.

        Example:
            >>> page = PageText.from_items(["Dogs ", "bark."])
            >>> page.keys, page.owners, sorted(page.starts), sorted(page.ends)
            ('dogsbark', (0, 0, 0, 0, 1, 1, 1, 1), [0, 4], [4, 8])
        """
        keys: list[str] = []
        owners: list[int] = []
        starts: set[int] = set()
        ends: set[int] = set()
        in_word = False
        for index, item in enumerate(items):
            for char in item:
                folded = fold(char)
                if not folded:
                    if in_word:
                        ends.add(len(keys))
                    in_word = False
                    continue
                if not in_word:
                    starts.add(len(keys))
                    in_word = True
                keys.extend(folded)
                owners.extend([index] * len(folded))
        if in_word:
            ends.add(len(keys))
        return cls("".join(keys), tuple(owners), frozenset(starts), frozenset(ends))

    def find(self, key: str) -> tuple[int, int] | None:
        """The first and last item of the first whole-word occurrence of ``key``.

        Args:
            key: Folded text (see :func:`fold`).

        Returns:
            ``(first item, last item)``, or None when ``key`` is empty or not found.
        """
        at = self.keys.find(key) if key else -1
        while at >= 0:
            end = at + len(key)
            if at in self.starts and end in self.ends:
                return self.owners[at], self.owners[end - 1]
            at = self.keys.find(key, at + 1)
        return None


def locate(page: PageText, passage: str, *, min_words: int = MIN_RUN_WORDS
           ) -> list[tuple[int, int]]:
    """Where a passage is on the page, as ``(first item, last item)`` ranges.

    The whole passage when the page has it; else each run of at least
    ``min_words`` consecutive words of it that the page has (longest first
    from the left), which covers a passage cut by the page's end or a few
    words read differently. A passage not on the page gives no range.

    Args:
        page: The page's folded text.
        passage: The text to find, as indexed.
        min_words: Fewest words of a partial match.

    Returns:
        The ranges in the passage's order (empty when nothing matched).

    Example:
        >>> words = "one two three four five six seven eight nine ten".split()
        >>> page = PageText.from_items(f"{w} " for w in words)
        >>> locate(page, "three four five six seven eight nine TEN")
        [(2, 9)]
        >>> locate(page, "zero one two three, and four five six!", min_words=3)
        [(0, 2), (3, 5)]
        >>> locate(page, "eleven twelve")
        []
    """
    whole = page.find(fold(passage))
    if whole is not None:
        return [whole]
    words = [folded for word in _WORD.findall(passage) if (folded := fold(word))]
    ranges: list[tuple[int, int]] = []
    start = 0
    while start + min_words <= len(words):
        end = start + min_words
        found = page.find("".join(words[start:end]))
        if found is None:
            start += 1
            continue
        while end < len(words):
            longer = page.find("".join(words[start:end + 1]))
            if longer is None:
                break
            found, end = longer, end + 1
        ranges.append(found)
        start = end
    return ranges
