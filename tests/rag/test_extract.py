"""Candidate phrases and their ranking, without a model; the model's part is in test_scoring."""

from __future__ import annotations

from rag.extract import MODEL_WEIGHT, WEIGHTS, candidate_spans, choose_span

BRIDGE = "The Quillon bridge is 412 metres long. It opened to traffic in 1994, after a storm."


def test_phrases_are_cut_at_question_words_and_punctuation_with_fillers_trimmed() -> None:
    texts = {c.text for c in candidate_spans("How long is the Quillon bridge?", [BRIDGE])}
    assert "412 metres" in texts  # "is" trimmed, cut before the question word "long"
    assert "412 metres long" in texts  # also offered with the adjacent question word
    assert "opened to traffic in 1994" in texts  # cut at the comma
    assert "after a storm" in texts
    assert not any("." in t or "," in t for t in texts)
    assert all(t.split()[0].lower() not in {"the", "is", "a", "it"} for t in texts)


def test_candidates_keep_their_passage_number_and_sentence() -> None:
    cands = candidate_spans("When did it open?", [None, "Nothing to see. It opened in 1994."])
    year = next(c for c in cands if "1994" in c.text)
    assert (year.passage, year.sentence) == (2, "It opened in 1994.")
    assert set(year.features) == set(WEIGHTS)
    assert year.score == sum(WEIGHTS[k] * v for k, v in year.features.items())


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

    best = choose_span(question, [BRIDGE], rescore=prefer(second), top=3)
    assert seen[-1] == [c.text for c in ranked[:3]]  # the model sees the 3 best only
    assert best.text == second.text  # and its score decides among them
    assert best.score == second.score + MODEL_WEIGHT * 0.0
    # A phrase outside the best few cannot win, however much the model likes it.
    assert choose_span(question, [BRIDGE], rescore=prefer(last), top=3).text == ranked[0].text


def test_nothing_to_choose_from_gives_none() -> None:
    assert choose_span("How long is it?", [None, "It is the."]) is None
    assert choose_span("How long is it?", []) is None
