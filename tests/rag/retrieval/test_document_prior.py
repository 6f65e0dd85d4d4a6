"""The document prior: which documents a question names, scored from the keyword index."""

from __future__ import annotations

import pytest
from langchain_core.documents import Document

from rag.retrieval.document_prior import (
    NAMED_SHARE,
    DocumentPrior,
    document_prior,
    question_weights,
    term_weight,
)
from tests.rag.conftest import ingest_pages


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


DATED = {
    "/r/acme 2022 Q3.txt": ["Acme quarterly report, gross margin section.",
                            "Acme's gross margin was 38 percent; Acme's gross margin rose."],
    "/r/acme 2023 Q1.txt": ["Acme quarterly report, gross margin section.",
                            "Acme's margin held at 41 percent."],
    "/r/globex 2023 Q3.txt": ["Globex quarterly report, gross margin section.",
                              "Globex's gross margin was 35 percent."],
    "/r/acme notes.txt": ["Acme notes, gross margin section.", "Acme notes the gross margin."],
}
"""Acme's two dated reports (the older one answers "gross margin" better), a newer
report of another company, and Acme notes whose file name states no period."""


@pytest.fixture
def dated(index, settings, chunker):  # noqa: ANN001
    """The index holding :data:`DATED`."""
    return ingest_pages(index, settings, chunker, DATED)


def test_the_latest_report_is_the_newest_of_those_the_question_names(dated) -> None:  # noqa: ANN001
    question = "What was Acme's gross margin in the latest report?"
    weights = question_weights(dated, question)
    plain = document_prior(dated, weights, candidates=DATED, long_after=20)
    prior = document_prior(dated, weights, candidates=DATED, long_after=20, latest=True)
    assert plain is not None and prior is not None
    # Acme's two reports are named alike; without "latest" neither is favoured
    assert plain.shares["/r/acme 2022 Q3.txt"] == plain.shares["/r/acme 2023 Q1.txt"] == 1.0
    assert plain.best == []
    # with it, the newest gets the full share and is searched on its own, the older one half
    assert prior.best == ["/r/acme 2023 Q1.txt"]
    assert prior.shares["/r/acme 2023 Q1.txt"] == 1.0
    assert prior.shares["/r/acme 2022 Q3.txt"] == 0.5
    # documents named less (Globex's newer report, the notes) keep their shares
    for other in ("/r/globex 2023 Q3.txt", "/r/acme notes.txt"):
        assert prior.shares[other] == plain.shares[other] < NAMED_SHARE


def test_the_latest_report_without_a_naming_term_is_the_newest_candidate(dated) -> None:  # noqa: ANN001
    # "gross margin" is in every document: no term tells them apart
    assert question_weights(dated, "the gross margin in the latest one") == {}
    prior = document_prior(dated, {}, candidates=DATED, long_after=20, latest=True)
    assert prior is not None and prior.best == ["/r/globex 2023 Q3.txt"]
    # fewer than two candidates state a period: no prior
    assert document_prior(dated, {}, candidates=["/r/acme notes.txt", "/r/acme 2023 Q1.txt"],
                          long_after=20, latest=True) is None


def test_retrieval_answers_the_latest_report_first(dated) -> None:  # noqa: ANN001
    from rag.retrieval import HybridRetriever

    retriever = HybridRetriever(index=dated, top_k=3, fetch_k=20)
    first = retriever.invoke("What was Acme's gross margin in the most recent report?")[0]
    assert first.metadata["source"] == "/r/acme 2023 Q1.txt"
    # without the document prior, the older report's chunk answers "gross margin" better
    plain = HybridRetriever(index=dated, top_k=3, fetch_k=20, document_prior=False)
    assert plain.invoke("What was Acme's gross margin in the most recent report?")[0].metadata[
        "source"] == "/r/acme 2022 Q3.txt"


def test_the_words_asking_for_the_latest_report_match_no_content(
    index, settings, chunker  # noqa: ANN001
) -> None:
    from rag.retrieval import HybridRetriever

    pages = {f"/r/acme 2023 Q{q}.txt": [
        f"Acme gross margin was {30 + q} percent, on revenue of {q} million.",
        "Acme certifies that our most recent evaluation of internal control was reported.",
    ] for q in (1, 2, 3)}
    reports = ingest_pages(index, settings, chunker, pages)
    retriever = HybridRetriever(index=reports, top_k=2, fetch_k=20)
    question = "What was the reported gross margin of Acme in the most recent 10-Q?"
    hits = reports.search_keywords(question, 3, sources=["/r/acme 2023 Q3.txt"])
    assert "most recent evaluation" in reports.fetch([hits[0].id])[0].text  # the words match it
    first = retriever.invoke(question)[0]
    assert first.metadata["source"] == "/r/acme 2023 Q3.txt"
    assert "33 percent" in first.page_content


def test_the_words_pointing_at_the_reports_match_no_certification(
    index, settings, chunker  # noqa: ANN001
) -> None:
    from rag.retrieval import HybridRetriever

    pages = {f"/r/acme 2023 Q{q}.txt": [
        f"Legal proceedings: a supplier sued Acme over contract {q} in the state court.",
        "I have reviewed this quarterly report on Form 10-Q of Acme, and these 10-Qs "
        "disclosed in this report all material facts.",
    ] for q in (1, 2, 3)}
    reports = ingest_pages(index, settings, chunker, pages)
    question = "What legal proceedings are disclosed in Acme's 10-Qs?"
    hits = reports.search_keywords(question, 6)
    assert "reviewed" in reports.fetch([hits[0].id])[0].text  # the words match it
    found = HybridRetriever(index=reports, top_k=3, fetch_k=20).invoke(question)
    assert [("sued" in d.page_content) for d in found] == [True, True, True]


def test_a_named_quarter_favours_the_report_of_that_quarter(dated) -> None:  # noqa: ANN001
    question = "What was Acme's gross margin in Q1 2023?"
    prior = document_prior(dated, question_weights(dated, question), candidates=DATED,
                           long_after=20, periods={(2023, 3)})
    assert prior is not None
    assert prior.shares["/r/acme 2023 Q1.txt"] == 1.0
    assert prior.shares["/r/acme 2022 Q3.txt"] == 0.5  # Acme's, but of another quarter
    # no document of the asked quarter: the shares stay as the terms made them
    plain = document_prior(dated, question_weights(dated, question), candidates=DATED,
                           long_after=20)
    other = document_prior(dated, question_weights(dated, question), candidates=DATED,
                           long_after=20, periods={(2019, 6)})
    assert plain is not None and other is not None and other.shares == plain.shares


def test_retrieval_answers_from_the_named_quarter_and_quoting_knows_it(dated) -> None:  # noqa: ANN001
    from rag.retrieval import HybridRetriever

    retriever = HybridRetriever(index=dated, top_k=3, fetch_k=20)
    found = retriever.invoke("What was Acme's gross margin in the first quarter of 2023?")
    assert found[0].metadata["source"] == "/r/acme 2023 Q1.txt"
    shares = {d.metadata["source"]: d.metadata["document_share"] for d in found}
    assert shares["/r/acme 2023 Q1.txt"] == 1.0
    assert all(share < 1.0 for source, share in shares.items() if source != "/r/acme 2023 Q1.txt")
    # the plain question: the older report's chunk answers "gross margin" better
    plain = retriever.invoke("What was Acme's gross margin?")
    assert plain[0].metadata["source"] == "/r/acme 2022 Q3.txt"


def test_a_question_across_reports_spreads_over_the_named_reports(dated) -> None:  # noqa: ANN001
    question = "How has Acme's gross margin changed over time?"
    prior = document_prior(dated, question_weights(dated, question), candidates=DATED,
                           long_after=20, across=True)
    # Acme's dated reports, newest first; the notes state no period, Globex is not named
    assert prior is not None and prior.spread == ["/r/acme 2023 Q1.txt", "/r/acme 2022 Q3.txt"]
    assert document_prior(dated, question_weights(dated, question), candidates=DATED,
                          long_after=20).spread == []


def test_retrieval_across_reports_brings_each_report_with_its_rank(dated) -> None:  # noqa: ANN001
    from rag.retrieval import HybridRetriever

    retriever = HybridRetriever(index=dated, top_k=1, fetch_k=20)
    found = retriever.invoke("How has Acme's gross margin changed over time?")
    # one chunk asked for, plus the best chunk of the report it misses
    assert [d.metadata["source"] for d in found] == ["/r/acme 2022 Q3.txt", "/r/acme 2023 Q1.txt"]
    assert [d.metadata["report_rank"] for d in found] == [1, 0]
    assert len(retriever.invoke("What was Acme's gross margin?")) == 1
