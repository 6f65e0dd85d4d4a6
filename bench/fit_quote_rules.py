"""Fit the four numbers of quoted answers (``rag/answer/data/quote_rules.json``) and check them.

Quoted answers (:mod:`rag.answer.quotes`) need four numbers:

- ``rank_weight``: a unit of the chunk retrieved ``n``-th scores this
  weight divided by ``n`` more (the retriever knows which report a question
  names; a sentence often does not say);
- ``document_weight``: a unit scores this weight times the share with which
  the question names its document (the retriever's document prior) more;
- ``min_score``: when the best unit of the retrieved chunks scores below
  it, no unit answers and the chain says "not found";
- ``min_share``: a second or third unit is quoted only when it scores at
  least this share of the best one's score.

No LLM is involved: the chain's evidence (retrieval, then every unit of the
chunks scored against the question) is computed once per question, and the
chain's quoting (:meth:`rag.answer.writers.QuoteWriter.quote`, the short-fact
chooser without the LLM's scores) is run on it for each candidate.

Development data (choices are made here):

- SQuAD 2.0 with articles 4-7 ingested: their answerable questions must be
  answered, the questions of articles 0-3 (not ingested) refused;
- sec10q, the questions about the companies in ``--tune`` (default AAPL, MSFT,
  NVDA): all answerable.

``rank_weight``, ``document_weight`` and ``min_share`` are the grid triple with
the best sum of source accuracy (the first quote's file is one of the
question's ``Source Docs``; "not found" is wrong) and mean content-word F1 of
the quotes against the references, on the sec10q questions of the development
companies;
``min_score`` is then the highest floor whose false abstention on the
development answerable questions stays at or under ``--max-false`` in each
set (SQuAD's paragraphs and sec10q's reports apart: pooled, the larger set
would let the other be refused more).

Check (reported, never used to choose): SQuAD with articles 0-3 ingested and
4-7 off-corpus (the split ``rag eval qa`` uses), and the sec10q questions of
the other companies.

Usage::

    .venv/bin/python bench/fit_quote_rules.py [--squad FILE] [--sec10q DIR] [--dry-run]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DATA = ROOT.parent / "shared" / "data"

from doc_source_bench import company  # noqa: E402  (bench/ is the script's folder)

SQUAD_DEV = ([4, 5, 6, 7], [0, 1, 2, 3])
SQUAD_CHECK = ([0, 1, 2, 3], [4, 5, 6, 7])
FLOORS = [round(0.20 + 0.01 * i, 2) for i in range(111)]  # 0.20 .. 1.30
SHARES = [0.50, 0.55, 0.60, 0.65, 0.70, 0.75, 0.80, 0.85, 0.90, 0.95, 1.0]
RANK_WEIGHTS = [0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4]
DOCUMENT_WEIGHTS = [0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4]


def progress(message: str) -> None:
    """One line of progress on stderr (the report goes to stdout)."""
    print(message, file=sys.stderr, flush=True)


def quoting_chain(settings, index):
    """A chain that quotes, with a stand-in LLM (evidence needs none), scoring
    units without the rank and document weights (the fit adds them)."""
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    from rag.answer.quotes import QuoteRules
    from rag.chain import build_chain

    return build_chain(settings.with_overrides(prompts={"qa_template": "extractive_qa"}),
                       llm=FakeListChatModel(responses=["unused"]), index=index,
                       quote_rules=QuoteRules(min_score=0.0, min_share=1.0))


def squad_evidence(settings, articles, key: str, split, limit: int) -> dict[str, list]:
    """The ranked sentences of each question, per question group, for one ingested/off-corpus split."""
    from rag.eval.qa import open_squad_collection, sample_questions

    ingested, off_corpus = split
    index = open_squad_collection(articles, settings, corpus_key=key, ingest=ingested).index
    chain = quoting_chain(settings, index)
    groups: dict[str, list] = {"answerable": [], "impossible": [], "off_corpus": []}
    try:
        items = sample_questions([articles[n] for n in ingested],
                                 [articles[n] for n in off_corpus], limit=limit, seed=0)
        for done, item in enumerate(items, start=1):
            _, ranked = chain.evidence(item.question.question)
            groups[item.group].append(ranked)
            if done % 100 == 0:
                progress(f"SQuAD articles {ingested}: {done}/{len(items)} questions")
    finally:
        index.close()
    return groups


def sec10q_evidence(settings, folder: Path, qna: Path) -> list[dict]:
    """Per sec10q question: its company, reference, expected files, the file of
    each relevant chunk and the ranked evidence."""
    from rag.answer.shape import unmatched_names
    from rag.eval.docs import load_qna, open_docs_collection

    collection, _ = open_docs_collection(folder, settings)
    chain = quoting_chain(settings, collection.index)
    rows = []
    try:
        questions = load_qna(qna)
        for done, q in enumerate(questions, start=1):
            relevant, ranked = chain.evidence(q.question)
            mentioned = {name: chain.retriever.mentions(name)  # looked up while open
                         for name in unmatched_names(q.question, relevant)}
            rows.append({"company": company(q.source_globs), "reference": q.answer,
                         "globs": q.source_globs, "ranked": ranked, "question": q.question,
                         "relevant": relevant, "writer": chain.writer, "mentioned": mentioned,
                         "files": [Path(str(d.metadata.get("source", ""))).name for d in relevant]})
            if done % 20 == 0:
                progress(f"sec10q: {done}/{len(questions)} questions")
    finally:
        collection.index.close()
    return rows


def best_scores(rankings: list, rank_weight: float, document_weight: float) -> list[float]:
    """The best unit's score of each question with the weights (-1 without units)."""
    from rag.answer.evidence import reweigh_ranks

    return [reweigh_ranks(ranked, rank_weight, document_weight)[0].score if ranked else -1.0
            for ranked in rankings]


def false_abstention(scores: list[float], floor: float) -> float:
    """Share of questions a floor refuses (false abstention on answerable ones)."""
    return sum(s < floor for s in scores) / len(scores) if scores else 0.0


def choose_floor(answerable: list[float], max_false: float) -> float:
    """The highest floor refusing at most ``max_false`` of the answerable questions."""
    return max((f for f in FLOORS if false_abstention(answerable, f) <= max_false),
               default=FLOORS[0])


def quote_scores(rows: list[dict], share: float, rank_weight: float,
                 document_weight: float) -> tuple[float, float]:
    """Source accuracy of the first quote and mean content-word F1 of the quotes, as the
    chain quotes with these numbers (no floor: every question here is answerable)."""
    from rag.answer.evidence import reweigh_ranks
    from rag.answer.quotes import QuoteRules
    from rag.eval.facts import content_f1, source_matches
    from rag.eval.metrics import mean

    rules = QuoteRules(min_score=-1.0, min_share=share, rank_weight=rank_weight,
                       document_weight=document_weight)
    right, f1 = [], []
    for row in rows:
        writer = row["writer"].with_rules(rules)
        quoted = writer.quote(row["question"], row["relevant"],
                              reweigh_ranks(row["ranked"], rank_weight, document_weight),
                              mentions=lambda name, known=row["mentioned"]: known.get(name, False))
        quotes = quoted.quotes if quoted is not None else []
        right.append(float(bool(quotes) and source_matches(row["files"][quotes[0].n - 1],
                                                           row["globs"])))
        f1.append(content_f1(" ".join(u.flat_text for u in quotes), row["reference"]))
    return mean(right) or 0.0, mean(f1) or 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--squad", type=Path, default=DATA / "squad2" / "dev-v2.0-part1.json")
    parser.add_argument("--sec10q", type=Path, default=DATA / "sec10q")
    parser.add_argument("--tune", default="AAPL,MSFT,NVDA")
    parser.add_argument("--max-false", type=float, default=0.05)
    parser.add_argument("--limit", type=int, default=1450, help="SQuAD questions per split "
                        "(as rag eval qa --limit samples them).")
    parser.add_argument("--dry-run", action="store_true", help="Report; do not write the file.")
    args = parser.parse_args()

    from rag.answer.quotes import rules_path
    from rag.eval.datasets import file_fingerprint, load_squad
    from rag.settings import load_settings

    settings = load_settings()
    articles = load_squad(args.squad)
    tune = set(args.tune.split(","))
    key = file_fingerprint(args.squad)
    dev = squad_evidence(settings, articles, key, SQUAD_DEV, args.limit)
    check = squad_evidence(settings, articles, key, SQUAD_CHECK, args.limit)
    sec = sec10q_evidence(settings, args.sec10q / "docs", args.sec10q / "qna_data.csv")
    sec_dev = [r for r in sec if r["company"] in tune]
    sec_check = [r for r in sec if r["company"] not in tune]

    def rankings(rows):
        return [r["ranked"] for r in rows]

    grid = {(w, d, share): quote_scores(sec_dev, share, w, d)
            for w in RANK_WEIGHTS for d in DOCUMENT_WEIGHTS for share in SHARES}
    weight, document, share = max(grid, key=lambda triple: sum(grid[triple]))

    def best(rows: list) -> list[float]:
        return best_scores(rows, weight, document)

    floor = min(choose_floor(best(dev["answerable"]), args.max_false),  # each kind of text
                choose_floor(best(rankings(sec_dev)), args.max_false))
    check_source, check_f1 = quote_scores(sec_check, share, weight, document)
    report = {
        "rank_weight": weight,
        "document_weight": document,
        "min_score": floor,
        "min_share": share,
        "development": {
            "squad_false_abstention": false_abstention(best(dev["answerable"]), floor),
            "squad_off_corpus_abstention": false_abstention(best(dev["off_corpus"]), floor),
            "sec10q_false_abstention": false_abstention(best(rankings(sec_dev)), floor),
            "sec10q_source_f1": {" ".join(map(str, key)): [round(x, 4) for x in grid[key]]
                                 for key in grid},
        },
        "check": {
            "squad_false_abstention": false_abstention(best(check["answerable"]), floor),
            "squad_off_corpus_abstention": false_abstention(best(check["off_corpus"]), floor),
            "sec10q_false_abstention": false_abstention(best(rankings(sec_check)), floor),
            "sec10q_source_accuracy": round(check_source, 4),
            "sec10q_quotes_f1": round(check_f1, 4),
        },
    }
    print(json.dumps(report, indent=2))
    if not args.dry_run:
        fitted = {
            "rank_weight": weight,
            "document_weight": document,
            "min_score": floor,
            "min_share": share,
            "fitted_on": f"bench/fit_quote_rules.py: SQuAD articles {SQUAD_DEV[0]} ingested, "
                         f"{SQUAD_DEV[1]} off-corpus; sec10q {sorted(tune)}; "
                         f"max false abstention {args.max_false}",
        }
        rules_path().write_text(json.dumps(fitted, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {rules_path()}")


if __name__ == "__main__":
    main()
