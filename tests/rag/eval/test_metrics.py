"""Metric functions against hand-computed cases."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rag.eval.metrics import (
    abstention_scores,
    contains_reference,
    dedupe_ranking,
    mrr_at_k,
    ndcg_at_k,
    normalize_answer,
    percentile,
    recall_at_k,
    squad_exact_match,
    squad_f1,
)

LOG3 = math.log2(3)


def test_perfect_ranking_scores_one() -> None:
    qrels = {"a": 1, "b": 1}
    ranking = ["a", "b", "c"]
    assert ndcg_at_k(ranking, qrels, 10) == pytest.approx(1.0)
    assert recall_at_k(ranking, qrels, 10) == 1.0
    assert mrr_at_k(ranking, qrels, 10) == 1.0


def test_reversed_ranking() -> None:
    qrels = {"a": 1, "b": 1}
    ranking = ["c", "b", "a"]
    # DCG = 0 + 1/log2(3) + 1/log2(4); IDCG = 1 + 1/log2(3)
    expected = (1 / LOG3 + 0.5) / (1 + 1 / LOG3)
    assert ndcg_at_k(ranking, qrels, 10) == pytest.approx(expected)
    assert ndcg_at_k(ranking, qrels, 10) == pytest.approx(0.69342, abs=1e-5)
    assert mrr_at_k(ranking, qrels, 10) == 0.5
    assert recall_at_k(ranking, qrels, 1) == 0.0
    assert recall_at_k(ranking, qrels, 2) == 0.5
    assert recall_at_k(ranking, qrels, 3) == 1.0


def test_graded_relevance_uses_linear_gain() -> None:
    qrels = {"a": 2, "b": 1}
    # DCG = 1 + 2/log2(3); IDCG = 2 + 1/log2(3)
    assert ndcg_at_k(["b", "a"], qrels, 10) == pytest.approx((1 + 2 / LOG3) / (2 + 1 / LOG3))
    assert ndcg_at_k(["a", "b"], qrels, 10) == pytest.approx(1.0)


def test_ties_between_equally_relevant_documents_do_not_matter() -> None:
    qrels = {"a": 1, "b": 1, "c": 0}
    assert ndcg_at_k(["b", "a", "c"], qrels, 10) == ndcg_at_k(["a", "b", "c"], qrels, 10) == 1.0


def test_repeated_documents_count_once_at_their_best_rank() -> None:
    # Two chunks of document c, then document a: a is the second *document*.
    assert dedupe_ranking(["c", "c", "a", "c"]) == ["c", "a"]
    assert ndcg_at_k(["c", "c", "a"], {"a": 1}, 10) == pytest.approx(1 / LOG3)
    assert mrr_at_k(["c", "c", "a"], {"a": 1}, 10) == 0.5
    assert recall_at_k(["c", "c", "a"], {"a": 1}, 2) == 1.0


def test_query_without_relevant_document_scores_zero() -> None:
    for qrels in ({}, {"a": 0}):
        assert ndcg_at_k(["a", "b"], qrels, 10) == 0.0
        assert recall_at_k(["a", "b"], qrels, 10) == 0.0
        assert mrr_at_k(["a", "b"], qrels, 10) == 0.0


def test_cut_off_is_respected() -> None:
    ranking = [f"x{i}" for i in range(10)] + ["a"]
    assert ndcg_at_k(ranking, {"a": 1}, 10) == 0.0
    assert mrr_at_k(ranking, {"a": 1}, 10) == 0.0
    assert recall_at_k(ranking, {"a": 1}, 10) == 0.0
    assert recall_at_k(ranking, {"a": 1}, 100) == 1.0
    assert ndcg_at_k(ranking, {"a": 1}, 11) == pytest.approx(1 / math.log2(12))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Quick, brown fox!", "quick brown fox"),
        ("an apple a day", "apple day"),
        ("Theater and anatomy", "theater and anatomy"),
        ("  multiple \t spaces\n", "multiple spaces"),
        ("U.S.A.", "usa"),
        ("the", ""),
    ],
)
def test_squad_normalisation(text: str, expected: str) -> None:
    assert normalize_answer(text) == expected


def test_exact_match_is_best_over_references() -> None:
    assert squad_exact_match("The Eiffel Tower.", ["Paris", "eiffel tower"]) == 1.0
    assert squad_exact_match("Eiffel Tower in Paris", ["eiffel tower"]) == 0.0
    assert squad_exact_match("", []) == 1.0  # an unanswerable question's gold is ""


def test_token_f1_partial_overlap() -> None:
    # pred tokens: cat sat on mat (4); gold: cat on mat (3); common 3
    assert squad_f1("the cat sat on the mat", ["a cat on a mat"]) == pytest.approx(
        2 * 0.75 * 1.0 / 1.75
    )
    # repeated tokens only count as often as they appear in both
    assert squad_f1("paris paris", ["Paris"]) == pytest.approx(2 / 3)
    assert squad_f1("london", ["paris"]) == 0.0
    assert squad_f1("", ["paris"]) == 0.0
    assert squad_f1("", [""]) == 1.0
    assert squad_f1("red car", ["blue car", "red car"]) == 1.0


def test_contains_reference_needs_whole_words() -> None:
    assert contains_reference("It is in France [1].", ["France"])
    assert contains_reference("The answer: the Norman conquest", ["Norman Conquest"])
    assert not contains_reference("Francesca", ["France"])
    assert not contains_reference("anything", [])
    assert not contains_reference("anything", ["the"])  # normalises to nothing


def test_abstention_precision_recall() -> None:
    scores = abstention_scores([True, True, False, False], [True, False, True, False])
    assert (scores.precision, scores.recall, scores.false_abstention_rate) == (0.5, 0.5, 0.5)
    assert (scores.abstained, scores.unanswerable, scores.answerable) == (2, 2, 2)


def test_abstention_zero_denominators_are_none() -> None:
    nothing = abstention_scores([False, False], [False, False])
    assert nothing.precision is None and nothing.recall is None
    assert nothing.false_abstention_rate == 0.0
    never = abstention_scores([False, False], [True, True])
    assert never.recall == 0.0 and never.precision is None and never.false_abstention_rate is None
    always = abstention_scores([True], [True])
    assert always.precision == always.recall == 1.0
    empty = abstention_scores([], [])
    assert empty.precision is empty.recall is empty.false_abstention_rate is None
    with pytest.raises(ValueError):
        abstention_scores([True], [])


def test_percentiles_match_numpy() -> None:
    values = [0.3, 0.1, 0.9, 0.4, 0.2, 2.5, 0.35]
    for q in (0, 50, 95, 100):
        assert percentile(values, q) == pytest.approx(float(np.percentile(values, q)))
    assert percentile([1.0, 2.0, 3.0, 4.0], 95) == pytest.approx(3.85)
    assert percentile([5.0], 95) == 5.0
    assert percentile([], 50) is None
    with pytest.raises(ValueError):
        percentile([1.0], 101)
