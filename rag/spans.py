"""Grammars that let a local model answer only with words copied from its passages.

A small model asked to "copy the shortest phrase" still paraphrases, adds
words of its own or invents an answer. With llama.cpp, generation can be held
to a formal grammar (GBNF). :func:`span_grammar` builds one that accepts a run
of consecutive whole words of one passage, or one of a few fixed replies (the
"not found" text), and nothing else: the model chooses where the span starts
and where it stops, but every word it writes is in the passage, in order.

The grammar has one rule per word, each word followed optionally by the next
one of the same passage, so its size grows linearly with the context (three
focused sentences are about a hundred words).

Example:
    >>> print(span_grammar(["It opened in 1994."], alternatives=["Not found."]))
    root ::= w0 | w1 | w2 | w3 | "Not found."
    w0 ::= "It" (" " w1)?
    w1 ::= "opened" (" " w2)?
    w2 ::= "in" (" " w3)?
    w3 ::= "1994."
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["span_grammar"]


def span_grammar(passages: Sequence[str], *, alternatives: Sequence[str] = ()) -> str:
    """Build a GBNF grammar accepting any run of whole words of one passage.

    Args:
        passages: The texts answers may be copied from; a span never crosses
            from one passage into the next.
        alternatives: Whole replies also accepted verbatim (e.g. "not found").

    Returns:
        The grammar text, with ``root`` as its start rule.

    Raises:
        ValueError: When there is not a single word or alternative to accept.
    """
    rules: list[str] = []
    starts: list[str] = []
    for passage in passages:
        words = passage.split()
        first = len(starts)
        for offset, word in enumerate(words):
            name = f"w{first + offset}"
            more = f' (" " w{first + offset + 1})?' if offset + 1 < len(words) else ""
            rules.append(f"{name} ::= {_literal(word)}{more}")
            starts.append(name)
    choices = starts + [_literal(text.strip()) for text in alternatives if text.strip()]
    if not choices:
        raise ValueError("a span grammar needs at least one word or alternative")
    return "\n".join([f"root ::= {' | '.join(choices)}", *rules])


def _literal(text: str) -> str:
    """Quote ``text`` as a GBNF string literal."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
