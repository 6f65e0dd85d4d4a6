"""The document prior: which documents a question names, scored from the keyword index."""

from __future__ import annotations

import pytest
from langchain_core.documents import Document

from rag.document_prior import DocumentPrior, document_prior, question_weights, term_weight


def test_term_weight_is_zero_for_terms_no_document_or_every_document_holds() -> None:
    assert term_weight(0, 20) == term_weight(20, 20) == term_weight(1, 1) == 0.0
    assert term_weight(1, 20) > term_weight(5, 20) > term_weight(19, 20) > 0.0


ALL = ["/r/acme.txt", "/r/globex.txt", "/r/initech.txt"]


def test_the_document_holding_the_question_s_rare_term_scores_best(reports) -> None:  # noqa: ANN001
    weights = question_weights(reports, "What was Acme's gross margin?")
    # "gross margin" is in every report: it tells none apart
    assert "acme" in weights and not {"gross", "margin"} & set(weights)
    prior = document_prior(reports, weights, candidates=ALL, long_after=20)
    assert prior is not None and prior.shares == {"/r/acme.txt": 1.0}
    assert prior.factor("/r/acme.txt") == 2.0 and prior.factor("/r/globex.txt") == 1.0
    assert prior.best == []  # three chunks: not longer than a search fetches
    # not a candidate, but longer than a search fetches: scored, and searched on its own
    long = document_prior(reports, weights, candidates=["/r/globex.txt"], long_after=2)
    assert long is not None and long.best == ["/r/acme.txt"]
    assert document_prior(reports, weights, candidates=["/r/globex.txt"], long_after=20) is None
    # a search limited to Globex: Acme is not scored even though it is long
    assert document_prior(reports, weights, candidates=["/r/globex.txt"], long_after=2,
                          sources=["/r/globex.txt"]) is None


def test_no_weights_when_no_term_tells_documents_apart(reports) -> None:  # noqa: ANN001
    assert question_weights(reports, "quarterly report for the third quarter") == {}
    assert question_weights(reports, "the of and") == {}
    assert document_prior(reports, {}, candidates=ALL, long_after=20) is None


def test_a_collection_of_one_document_has_no_prior(
    index, settings, chunker  # noqa: ANN001
) -> None:
    from ingest import ingest_documents

    docs = [Document(t, metadata={"source": "/r/only.txt"})
            for t in ("Acme gross margin was 41 percent.", "Acme hired engineers.")]
    ingest_documents(docs, settings, index=index, chunker=chunker)
    assert question_weights(index, "What was Acme's gross margin?") == {}


def test_factor_of_an_unscored_document_is_one() -> None:
    assert DocumentPrior({"/a": 0.5}).factor("/a") == pytest.approx(1.5)
    assert DocumentPrior().factor("/b") == 1.0
