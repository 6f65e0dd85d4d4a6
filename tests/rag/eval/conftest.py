"""Tiny datasets written by the tests: a BEIR folder and a SQuAD 2.0 file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

BEIR_CORPUS = {
    "owl": ("Barn owls", "Barn owls hunt at night and locate voles by sound alone."),
    "leaf": (
        "Photosynthesis",
        "Chloroplasts in leaves turn sunlight, water and carbon dioxide into sugar.",
    ),
    "lava": ("Volcanoes", "Magma rises through the crust and erupts from volcanoes as lava."),
    "bee": ("Honey bees", "Honey bees perform a waggle dance to tell the hive where flowers are."),
    "ice": ("Glaciers", "Glaciers are rivers of ice that carve valleys as they slowly move."),
    "jazz": ("Jazz", "Jazz musicians improvise over chord changes and swing rhythms."),
}
BEIR_QUERIES = {
    "q1": "How do owls find voles in the dark?",
    "q2": "How do chloroplasts turn sunlight into sugar?",
    "q3": "Why do honey bees dance?",
    "q4": "A query nobody judged",
}
BEIR_QRELS = [("q1", "owl", 1), ("q2", "leaf", 1), ("q3", "bee", 2), ("q3", "leaf", 0)]


@pytest.fixture
def beir_dir(tmp_path: Path) -> Path:
    """A BEIR folder with six documents, four queries (three judged), split 'test'."""
    folder = tmp_path / "tiny-beir"
    (folder / "qrels").mkdir(parents=True)
    with (folder / "corpus.jsonl").open("w") as handle:
        for doc_id, (title, text) in BEIR_CORPUS.items():
            handle.write(json.dumps({"_id": doc_id, "title": title, "text": text}) + "\n")
    with (folder / "queries.jsonl").open("w") as handle:
        for qid, text in BEIR_QUERIES.items():
            handle.write(json.dumps({"_id": qid, "text": text}) + "\n")
    rows = ["query-id\tcorpus-id\tscore", *(f"{q}\t{d}\t{s}" for q, d, s in BEIR_QRELS)]
    (folder / "qrels" / "test.tsv").write_text("\n".join(rows) + "\n")
    return folder


def _qa(qid: str, question: str, answer: str | None, context: str) -> dict:
    if answer is None:
        return {"id": qid, "question": question, "answers": [], "is_impossible": True}
    start = context.index(answer)
    return {
        "id": qid,
        "question": question,
        "answers": [{"text": answer, "answer_start": start}],
        "is_impossible": False,
    }


OWL = "Barn owls hunt at night. They locate voles by sound alone, using their asymmetric ears."
BEE = "Honey bees perform a waggle dance to tell the hive where flowers are found."
LAVA = "Kilauea is a volcano on the island of Hawaii that erupted continuously from 1983."
CHESS = "In chess, castling moves the king two squares towards a rook."


@pytest.fixture
def squad_file(tmp_path: Path) -> Path:
    """A SQuAD 2.0 file: two articles to ingest, one not to ingest."""
    data = {
        "version": "v2.0",
        "data": [
            {
                "title": "Owls",
                "paragraphs": [
                    {
                        "context": OWL,
                        "qas": [
                            _qa("o1", "How do barn owls locate voles?", "by sound alone", OWL),
                            _qa("o2", "When do barn owls hunt?", "at night", OWL),
                            _qa("o3", "What colour are barn owl eggs?", None, OWL),
                        ],
                    }
                ],
            },
            {
                "title": "Bees",
                "paragraphs": [
                    {
                        "context": BEE,
                        "qas": [
                            _qa("b1", "What dance do honey bees perform?", "a waggle dance", BEE),
                            _qa("b2", "How many legs does a honey bee queen have?", None, BEE),
                        ],
                    },
                    {
                        "context": LAVA,
                        "qas": [_qa("v1", "On which island is Kilauea?", "Hawaii", LAVA)],
                    },
                ],
            },
            {
                "title": "Chess",
                "paragraphs": [
                    {
                        "context": CHESS,
                        "qas": [
                            _qa(
                                "c1",
                                "How far does the king move when castling in chess?",
                                "two squares",
                                CHESS,
                            ),
                            _qa("c2", "Who invented the Sicilian defence in chess?", None, CHESS),
                        ],
                    }
                ],
            },
        ],
    }
    path = tmp_path / "tiny-squad.json"
    path.write_text(json.dumps(data))
    return path


@pytest.fixture
def settings(isolated_state):
    """Settings whose LLM writes: these tests script the model's answers."""
    from rag.settings import load_settings

    return load_settings(llm={"answers": "write"})
