"""Quoted evidence: units, shapes, ranking and the choice of quotes (rag.answer.quotes)."""

from __future__ import annotations

import pytest
from langchain_core.documents import Document

from rag.answer.evidence import QUOTE_WORDS, Evidence, quote_units, rank_evidence
from rag.answer.quotes import ANSWER_WORDS, answer_shape, fitted_rules, is_short_fact, pick_quotes


@pytest.mark.parametrize(
    ("question", "shape"),
    [
        ("How do I remove a file from the index?", "passage"),
        ("Why is the first answer slow?", "passage"),
        ("What does hybrid retrieval do?", "passage"),
        ("What is hybrid retrieval?", "passage"),
        ("List the supported file types.", "passage"),
        ("What are the main risk factors for Intel?", "passage"),
        ("How has Apple's total net sales changed over time?", "passage"),
        ("Did Microsoft repurchase shares in Q3 2023?", "passage"),
        ("How many pages does the report have?", "fact"),
        ("How long is the Quillon bridge?", "fact"),
        ("Which embedding model is used by default?", "fact"),
        ("What is the capital of Peru?", "fact"),
        ("When did the bridge open?", "fact"),
        ("Who designed the bridge?", "fact"),
    ],
)
def test_the_shape_of_the_answer_follows_the_question(question: str, shape: str) -> None:
    assert answer_shape(question) == shape


def test_units_are_verbatim_spans_without_bullets_headings_or_fences() -> None:
    text = ("# Commands\n\nRun these:\n```bash\nrag ingest ~/papers   # add a folder\n```\n"
            "- `rag forget F` removes F.\n- Done. Really.\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    units = [text[s:e] for s, e in quote_units(text)]
    assert units == ["Run these:", "rag ingest ~/papers   # add a folder", "`rag forget F` removes F.",
                     "Done.", "Really.", "| a | b |", "| 1 | 2 |"]


def test_a_long_unit_is_cut_at_line_breaks_then_into_windows() -> None:
    row = " ".join(f"w{i}" for i in range(QUOTE_WORDS - 10))
    text = f"{row}\n{row}\n" + " ".join(f"x{i}" for i in range(2 * QUOTE_WORDS + 5))
    units = quote_units(text)
    assert all(len(text[s:e].split()) <= QUOTE_WORDS for s, e in units)
    covered = " ".join(text[s:e] for s, e in units).split()
    assert covered == text.split(), "every word is kept once, in order"


def _unit(n: int, start: int, text: str, score: float) -> Evidence:
    return Evidence(n, start, start + len(text), text, score)


def test_quotes_are_the_best_then_those_close_to_it_by_chunk_rank() -> None:
    ranked = [_unit(2, 0, "best sentence here.", 0.9), _unit(1, 50, "close one.", 0.85),
              _unit(1, 0, "close one.", 0.84), _unit(1, 90, "far below.", 0.3)]
    quotes = pick_quotes(ranked, min_share=0.8)
    assert [(q.n, q.start) for q in quotes] == [(2, 0), (1, 50)]  # the repeat is dropped
    same_chunk = [_unit(1, 40, "weaker here.", 0.7), _unit(1, 0, "best here.", 0.9)]
    assert [q.start for q in pick_quotes(sorted(same_chunk, key=lambda u: -u.score),
                                         min_share=0.5)] == [0, 40]  # best first in a chunk


def test_a_sentence_cut_short_by_a_chunk_overlap_is_not_quoted_twice() -> None:
    whole = "Year-over-year iPad net sales were relatively flat."
    ranked = [_unit(1, 0, whole, 0.9), _unit(2, 0, "iPad net sales were relatively flat.", 0.89),
              _unit(2, 60, "Mac net sales fell.", 0.8)]
    assert [q.text for q in pick_quotes(ranked, min_share=0.5)] == [whole, "Mac net sales fell."]


def test_quotes_stay_within_the_word_budget() -> None:
    long = " ".join(["word"] * (ANSWER_WORDS - 1))
    ranked = [_unit(1, 0, long, 0.9), _unit(1, 500, "another close sentence.", 0.89)]
    assert [q.start for q in pick_quotes(ranked, min_share=0.5)] == [0]


def test_a_required_first_quote_is_kept() -> None:
    ranked = [_unit(1, 0, "best.", 0.9), _unit(1, 10, "holds the fact.", 0.5),
              _unit(1, 40, "far below.", 0.4)]
    assert [q.start for q in pick_quotes(ranked, min_share=0.95, first=ranked[1])] == [10, 0]  # it leads


def test_ranking_puts_the_answering_sentence_first(embeddings) -> None:
    docs = [Document("The canteen opens at noon. Parking is free on Sundays."),
            Document("To remove a file from the index, run rag forget with its path.")]
    ranked = rank_evidence("How do I remove a file from the index?", docs, embeddings,
                           lexical_weight=0.3)
    assert ranked[0].n == 2 and ranked[0].text.startswith("To remove a file")
    assert [r.score for r in ranked] == sorted((r.score for r in ranked), reverse=True)
    assert all(docs[r.n - 1].page_content[r.start:r.end] == r.text for r in ranked)


def test_a_sentence_of_a_better_retrieved_chunk_wins_with_the_rank_weight(embeddings) -> None:
    # nearly the same sentence in two reports: the one the retriever ranked first is quoted
    docs = [Document("Intro. Net sales rose 8 percent."),
            Document("Net sales rose 8 percent in the quarter.")]
    question = "How did net sales change in the quarter?"
    plain = rank_evidence(question, docs, embeddings, lexical_weight=0.3)
    assert plain[0].n == 2
    weighed = rank_evidence(question, docs, embeddings, lexical_weight=0.3, rank_weight=0.3)
    assert weighed[0].n == 1
    by_unit = {(u.n, u.start): u.score for u in plain}
    assert all(u.score == pytest.approx(by_unit[u.n, u.start] + 0.3 / u.n) for u in weighed)


def test_a_sentence_of_the_document_the_question_names_wins_with_the_document_weight(
        embeddings) -> None:  # noqa: ANN001
    # the retriever says how much the question names each chunk's document
    docs = [Document("Net sales rose 8 percent in the quarter.",
                     metadata={"document_share": 0.2}),
            Document("Intro. Net sales rose 8 percent.", metadata={"document_share": 1.0})]
    question = "How did net sales change in the quarter?"
    plain = rank_evidence(question, docs, embeddings, lexical_weight=0.3)
    assert plain[0].n == 1 and {u.named for u in plain} == {0.2, 1.0}
    weighed = rank_evidence(question, docs, embeddings, lexical_weight=0.3, document_weight=0.3)
    assert weighed[0].n == 2
    by_unit = {(u.n, u.start): u.score for u in plain}
    assert all(u.score == pytest.approx(by_unit[u.n, u.start] + 0.3 * u.named) for u in weighed)


def test_the_fitted_rules_are_read_from_package_data() -> None:
    rules = fitted_rules()
    assert -1.0 < rules.min_score < 2.0 and 0.0 < rules.min_share <= 1.0
    assert 0.0 <= rules.rank_weight < 1.0


def test_a_name_is_no_short_fact_for_what_someone_does() -> None:
    assert not is_short_fact("Mei Lin", "What will Tom Harris do?")
    assert is_short_fact("write to the council", "What will Tom Harris do?")
    assert is_short_fact("Mei Lin", "Who will write to the council?")
