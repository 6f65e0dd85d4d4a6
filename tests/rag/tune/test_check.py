"""rag.tune.check: MRR@10 on held-out pairs, and a check that wants every kind of pair better."""

from __future__ import annotations

import pytest

from rag.tune.check import HeldOutCheck
from rag.tune.pairs import Pair

HEADING = [Pair("Field note 1", "Readings at site 1 were logged.", "a.md")]
CLOZE = [Pair("Readings were logged.", "Field note 1. Samples went to lab.", "a.md")]


CHECK_SETS = {"heading": HEADING, "inverse-cloze": CLOZE}


def by_kind(model, pairs, distractors) -> float:  # noqa: ANN001
    """A score that reads a model made of one number per kind of pair."""
    return model["heading" if pairs[0] in HEADING else "inverse-cloze"]


def test_a_model_better_on_one_kind_only_does_not_pass() -> None:
    check = HeldOutCheck(CHECK_SETS, ["other chunk"], score=by_kind)
    check.baseline({"heading": 0.5, "inverse-cloze": 0.5})
    # Learnt the form of heading pairs, forgot the documents: no.
    assert check({"heading": 0.9, "inverse-cloze": 0.4}) is None
    assert check({"heading": 0.6, "inverse-cloze": 0.7}) == pytest.approx(0.65)
    assert check({"heading": 0.55, "inverse-cloze": 0.6}) == pytest.approx(0.575)  # passes too
    assert check.report(chosen=2) == {"heading": [0.5, 0.6], "inverse-cloze": [0.5, 0.7]}


def test_without_a_passing_model_the_report_gives_the_last_scores() -> None:
    check = HeldOutCheck({**CHECK_SETS, "questions": []}, [], score=by_kind)
    check.baseline({"heading": 0.5, "inverse-cloze": 0.5})
    assert check({"heading": 0.4, "inverse-cloze": 0.9}) is None
    assert check.report(chosen=None) == {"heading": [0.5, 0.4], "inverse-cloze": [0.5, 0.9]}


def test_sets_are_cut_to_max_pairs_and_empty_ones_dropped() -> None:
    many = [Pair(f"anchor {n}", f"positive {n}", "a.md") for n in range(50)]
    check = HeldOutCheck({"heading": many, "questions": []}, [], max_pairs=10)
    assert list(check.sets) == ["heading"] and len(check.sets["heading"]) == 10
    assert set(check.sets["heading"]) <= set(many)
