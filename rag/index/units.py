"""The quotable units of a chunk, found at ingest and stored with it.

Ingest knows what each piece of a chunk is (a sentence of a paragraph, a list
item, a table row under its column heads, a field of a form, a heading), so it
stores the pieces' spans in the chunk's metadata (``units``, a compact JSON
list); the answer path reads them instead of guessing sentences again from the
text with regular expressions.

Example:
    >>> units = [Unit(0, 13, "heading", above="Pricing"),
    ...          Unit(15, 32, "row", heads="Plan | Price")]
    >>> decode_units(encode_units(units)) == units
    True
    >>> Unit(15, 32, "row", heads="Plan | Price").quotable
    True
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

__all__ = ["QUOTABLE", "UNITS_KEY", "Unit", "UnitKind", "decode_units", "encode_units",
           "readable"]

UnitKind = Literal["sentence", "item", "row", "field", "caption", "code", "heading", "heads"]
QUOTABLE: frozenset[str] = frozenset({"sentence", "item", "row", "field", "caption", "code"})
"""Units that can be quoted as evidence (headings and a table's head row cannot)."""
UNITS_KEY = "units"
"""The metadata key of a chunk's units."""


@dataclass(frozen=True)
class Unit:
    """One unit of a chunk's text: ``text[start:end]``."""

    start: int
    end: int
    kind: UnitKind
    group: int = 0
    """Units of one list or one table share a group number (0: none)."""
    heads: str = ""
    """A table row's column heads, joined by `` | `` (empty for other units)."""
    above: str = ""
    """A heading's ancestors, the outermost first, joined by `` > `` ("2.4.0 > Added" holds
    a "Fixed" of release 2.4.0; empty for other units and top headings)."""

    @property
    def quotable(self) -> bool:
        """Whether the unit can be quoted as evidence."""
        return self.kind in QUOTABLE


def encode_units(units: Sequence[Unit]) -> str:
    """The units as compact JSON for the chunk's metadata."""
    rows = [[u.start, u.end, u.kind, u.group, u.heads, *([u.above] if u.above else [])]
            for u in units]  # "above" only when there is one: older chunks have five fields
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":"))


def decode_units(value: object) -> list[Unit]:
    """The units stored in a chunk's metadata; empty for chunks stored without them."""
    if not isinstance(value, str) or not value:
        return []
    return [Unit(int(a), int(b), kind, int(group), str(heads), str(above[0]) if above else "")
            for a, b, kind, group, heads, *above in json.loads(value)]


def readable(text: str, heads: str) -> str:
    """A table row with its column heads, as a person reads it.

    Example:
        >>> readable("Basic | $9 | 10 GB", "Plan | Price per month | Storage")
        'Plan: Basic; Price per month: $9; Storage: 10 GB'
        >>> readable("Sales | 9 | 8", " | Months Ended May 1, 2024 | Months Ended May 1, 2023")
        'Sales; Months Ended May 1, 2024: 9; May 1, 2023: 8'
        >>> readable("Owls hunt at night.", "")
        'Owls hunt at night.'
    """
    if not heads:
        return " ".join(text.split())
    cells = [c.strip() for c in text.split(" | ")]
    names = [h.strip() for h in heads.split(" | ")]
    if len(cells) != len(names):
        return " ".join(text.split())
    shown = [_after_shared(name, before) for name, before in zip(names, ["", *names], strict=False)]
    return "; ".join(f"{name}: {cell}" if name and name != cell else cell
                     for name, cell in zip(shown, cells, strict=True) if cell)


def _after_shared(name: str, before: str) -> str:
    """``name`` less the words it shares at its start with the head before it, when two
    words or more are shared and two or more remain, beginning with a word ("Three
    Months Ended June 25, 2022" after "Three Months Ended June 26, 2021" reads "June 25,
    2022")."""
    words, previous = name.split(), before.split()
    shared = 0
    while shared < min(len(words), len(previous)) and words[shared] == previous[shared]:
        shared += 1
    shared = min(shared, len(words) - 2)
    while shared > 0 and not words[shared][:1].isalpha():  # keep "May 1, 2023" whole
        shared -= 1
    return " ".join(words[shared:]) if shared >= 2 else name
