"""Candidate phrases and their ranking, without a model; the model's part is in test_scoring."""

from __future__ import annotations

import json

import pytest

from rag.answer.extract import (
    FEATURES,
    KINDS,
    RankerWeights,
    candidate_spans,
    choose_span,
    fitted_ranker,
    question_kind,
)

BRIDGE = "The Quillon bridge is 412 metres long. It opened to traffic in 1994, after a storm."


def test_phrases_are_cut_at_question_words_and_punctuation_with_fillers_trimmed() -> None:
    texts = {c.text for c in candidate_spans("How long is the Quillon bridge?", [BRIDGE])}
    assert "412 metres" in texts  # "is" trimmed, cut before the question word "long"
    assert "412 metres long" in texts  # also offered with the adjacent question word
    assert "opened to traffic in 1994" in texts  # cut at the comma
    assert "after a storm" in texts
    assert not any("." in t or "," in t for t in texts)
    assert all(t.split()[0].lower() not in {"the", "is", "a", "it"} for t in texts)


def test_discourse_and_hedging_words_are_trimmed_from_the_ends() -> None:
    passages = ["Since complexity theory ranks problems, virtually all results use them.",
                "Other components rank, and it had ten."]
    texts = {c.text for c in candidate_spans("What does the theory rank?", passages)}
    assert {"complexity", "all results use", "components", "ten"} <= texts
    assert not texts & {"Since complexity", "virtually all results use", "Other components",
                        "had ten"}


def test_number_words_count_as_numbers() -> None:
    passage = "The mills ran ten engines; a yard held one million bricks."
    cands = {c.text: c for c in candidate_spans("How many engines ran?", [passage])}
    assert cands["ten"].features["number"] == 1.0
    assert cands["yard held one million bricks"].features["number"] == 1.0
    assert cands["mills"].features["number"] == 0.0


def test_decades_count_as_years() -> None:
    passage = "Prices fell during the 1980s to less than 1,500 a ton."
    cands = {c.text: c for c in candidate_spans("When did prices fall?", [passage])}
    assert cands["1980s"].features["year"] == 1.0
    assert cands["1,500"].features["year"] == 0.0
    # A year is not also "a number", so the weights can tell "when" from "how many".
    assert (cands["1980s"].features["number"], cands["1,500"].features["number"]) == (0.0, 1.0)


def test_possessives_and_edge_brackets_are_trimmed_but_balanced_brackets_kept() -> None:
    passage = "Thomas Newcomen's engine (1712) ran on DTIME(n2), the class."
    texts = {c.text for c in candidate_spans("Whose engine ran first?", [passage])}
    assert "Thomas Newcomen" in texts
    assert "1712" in texts
    assert "DTIME(n2)" in texts
    assert not any(t.endswith(("'s", "(", ")")) and "(" not in t for t in texts)


def test_names_and_dates_are_whole_candidates_even_across_question_words() -> None:
    passage = ("Today the Court of Justice of the European Union (CJEU) is the main court. "
               "On August 15, 1971, the United States left the accord.")
    texts = {c.text for c in candidate_spans("What is the main court of the Union?", [passage])}
    # "court" and "Union" are question words, yet the name is offered whole.
    assert "Court of Justice of the European Union (CJEU)" in texts
    assert "Today the Court" not in texts
    assert "August 15, 1971" in texts
    dated = {c.text for c in candidate_spans("When did it sail?",
                                             ["It sailed on 5 June, with 30 men, and 15 August 1971."])}
    assert "15 August 1971" in dated
    assert "5 June, with" not in dated  # "with" is no year
    assert "United States" in texts


def test_a_phrase_made_only_of_question_words_is_no_candidate() -> None:
    texts = {c.text for c in candidate_spans("Where is the Quillon bridge?",
                                             ["The Quillon Bridge crosses the Ardent river."])}
    assert "Quillon Bridge" not in texts
    assert "Ardent river" in texts


def test_the_noun_a_what_question_asks_for_marks_the_phrases_beside_it() -> None:
    passage = "The monks founded a Latin monastery at Sant Eufemia and a school at Bari."
    for question in ("What monastery did the monks found?",
                     "What type of monastery did the monks found?"):
        cands = {c.text: c for c in candidate_spans(question, [passage])}
        assert cands["Latin"].features["head_nearby"] == 1.0
        assert cands["Sant Eufemia"].features["head_nearby"] == 1.0
        assert cands["Bari"].features["head_nearby"] == 0.0
    who = candidate_spans("Who founded the monastery?", [passage])
    assert all(c.features["head_nearby"] == 0.0 for c in who)  # no "what ..." noun


def test_candidates_keep_their_passage_number_and_sentence() -> None:
    cands = candidate_spans("When did it open?", [None, "Nothing to see. It opened in 1994."])
    year = next(c for c in cands if "1994" in c.text)
    assert (year.passage, year.sentence) == (2, "It opened in 1994.")
    assert set(year.features) == set(FEATURES)
    when = fitted_ranker().weights["when"]
    assert year.score == sum(when[k] * v for k, v in year.features.items())


def test_each_kind_of_question_is_ranked_with_its_own_weights() -> None:
    passage = "The bridge was designed by Ana Berg in 1994."
    prefer = {"year": {"year": 1.0, "length": -1.0}, "capitals": {"capitals": 1.0}}
    weights = {kind: dict.fromkeys(FEATURES, 0.0) | prefer["year" if kind == "when" else
                                                          "capitals"] for kind in KINDS}
    assert question_kind("When was the bridge designed?") == "when"
    assert choose_span("When was the bridge designed?", [passage], weights=weights,
                       widen_margin=0).text == "1994"
    assert question_kind("Who designed the bridge?") == "who"
    assert choose_span("Who designed the bridge?", [passage], weights=weights,
                       widen_margin=0).text == "Ana Berg"


def test_the_expected_type_of_answer_wins() -> None:
    passage = "The Quillon bridge was designed by Ana Berg. It opened in 1994, and it has 12 pillars."
    assert choose_span("When did the Quillon bridge open?", [passage]).text == "1994"
    assert choose_span("How many pillars does the bridge have?", [passage]).text == "12 pillars"


def test_the_model_score_reranks_only_the_best_few() -> None:
    question = "How long is the Quillon bridge?"
    ranked = sorted(candidate_spans(question, [BRIDGE]), key=lambda c: -c.score)
    second, last = ranked[1], ranked[-1]
    seen: list[list[str]] = []

    def prefer(favourite):
        def rescore(top):
            seen.append([c.text for c in top])
            return [0.0 if c.text == favourite.text else -50.0 for c in top]
        return rescore

    best = choose_span(question, [BRIDGE], rescore=prefer(second), top=3, widen_margin=0)
    assert seen[-1] == [c.text for c in ranked[:3]]  # the model sees the 3 best only
    assert best.text == second.text  # and its score decides among them
    assert best.score == second.score + fitted_ranker().model_weight * 0.0
    # A phrase outside the best few cannot win, however much the model likes it.
    assert choose_span(question, [BRIDGE], rescore=prefer(last), top=3,
                       widen_margin=0).text == ranked[0].text


def test_a_longer_phrase_of_the_same_sentence_holding_the_best_replaces_it_within_the_margin(
) -> None:
    passages = ["The treaty was signed by Ana Berg and Tomas Lind in 1994.",
                "Ana Berg of Oslo and Tomas Lind came later."]
    question = "Who signed the treaty?"
    weights = {kind: dict.fromkeys(FEATURES, 0.0) | {"length": -1.2, "capitals": 1.0}
               for kind in KINDS}
    scores = {c.text: c.score for c in candidate_spans(question, passages, weights=weights)}
    assert scores["Ana Berg"] - scores["Ana Berg and Tomas Lind"] == pytest.approx(0.5)
    assert scores["Ana Berg"] - scores["Ana Berg and Tomas Lind in 1994"] == pytest.approx(0.93, abs=0.01)
    assert scores["Ana Berg"] - scores["Ana Berg of Oslo and Tomas Lind"] < 0.93  # other sentence

    def pick_ana(top):
        return [0.0 if c.text == "Ana Berg" else -50.0 for c in top]

    def choose(margin: float) -> str:
        return choose_span(question, passages, rescore=pick_ana, model_weight=1.0,
                           weights=weights, widen_margin=margin).text

    assert choose(0) == "Ana Berg"
    assert choose(0.4) == "Ana Berg"  # "Tomas Lind" scores the same and is longer, but lacks it
    assert choose(0.6) == "Ana Berg and Tomas Lind"
    assert choose(1.0) == "Ana Berg and Tomas Lind in 1994"  # never the other sentence's phrase


def test_nothing_to_choose_from_gives_none() -> None:
    assert choose_span("How long is it?", [None, "It is the."]) is None
    assert choose_span("How long is it?", []) is None


def test_the_fitted_weights_file_has_every_kind_and_feature_of_the_code() -> None:
    fitted = fitted_ranker()
    assert set(fitted.weights) == set(KINDS)
    assert all(set(kind_weights) == set(FEATURES) for kind_weights in fitted.weights.values())
    assert fitted.model_weight >= 0 and fitted.widen_margin >= 0


def test_a_weights_file_that_disagrees_with_the_features_is_refused() -> None:
    weights = {kind: dict.fromkeys(FEATURES[:-1], 0.5) for kind in KINDS}  # one feature short
    text = json.dumps({"weights": weights, "model_weight": 0.1, "widen_margin": 0.3})
    with pytest.raises(ValueError, match="do not match its features"):
        RankerWeights.from_json(text)
    weights = {kind: dict.fromkeys(FEATURES, 0.5) for kind in KINDS}
    loaded = RankerWeights.from_json(json.dumps({"weights": weights, "model_weight": 0.2,
                                                 "widen_margin": 0.0}))
    assert (loaded.model_weight, loaded.widen_margin, loaded.weights["who"]["year"]) == (0.2, 0.0, 0.5)
