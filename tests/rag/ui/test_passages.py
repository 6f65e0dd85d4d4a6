from __future__ import annotations

from rag.ui.passages import PageText, locate


def _found(page_text: str, passage: str, **options: int) -> list[str]:
    """The page's text of each range ``locate`` gives."""
    page = PageText.from_items(page_text)
    return [page_text[first:last + 1] for first, last in locate(page, passage, **options)]


def test_only_letters_and_digits_count() -> None:
    page = "Intro.\r\nThe ﬁrst WARN-\r\nING: Café opens at 9:30.\r\nEnd."
    assert _found(page, "the first warning: cafe opens at 930") == [
        "The ﬁrst WARN-\r\nING: Café opens at 9:30"
    ]


def test_a_match_starts_and_ends_at_word_boundaries() -> None:
    assert _found("We concatenate strings.", "cat") == []
    assert _found("A cat sat.", "cat") == ["cat"]
    assert _found("Catsup and cats.", "cats") == ["cats"]  # not the start of "Catsup"


def test_runs_of_a_partly_printed_passage_are_found_in_order() -> None:
    page = "one two three four. five six seven eight nine ten."
    passage = "one two three four, then something else, five six seven eight"
    assert _found(page, passage, min_words=3) == ["one two three four", "five six seven eight"]
    assert _found(page, passage, min_words=5) == []


def test_ocr_words_are_items() -> None:
    words = ["Dogs", "bark,", "cats", "purr."]
    page = PageText.from_items(f"{word} " for word in words)
    assert locate(page, "bark cats") == [(1, 2)]
    assert locate(page, "") == [] and locate(page, "...") == []
