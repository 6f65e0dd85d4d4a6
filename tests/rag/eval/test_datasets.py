"""Dataset readers and the question sampler."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from rag.errors import ConfigError
from rag.eval.datasets import file_fingerprint, load_beir, load_squad, parse_ranges
from rag.eval.qa import sample_questions


def test_parse_ranges() -> None:
    assert parse_ranges("0-3") == [0, 1, 2, 3]
    assert parse_ranges("5, 1-2,2") == [1, 2, 5]
    for bad in ("", "a-b", "3-1", "-1"):
        with pytest.raises(ConfigError):
            parse_ranges(bad)


def test_load_beir_keeps_judged_queries_only(beir_dir: Path) -> None:
    data = load_beir(beir_dir, "test")
    assert len(data.corpus) == 6 and data.corpus["owl"][0] == "Barn owls"
    assert set(data.queries) == {"q1", "q2", "q3"}  # q4 has no judgement
    assert data.qrels["q3"] == {"bee": 2, "leaf": 0}
    with pytest.raises(ConfigError, match="qrels"):
        load_beir(beir_dir, "train")


def test_fingerprint_follows_the_file(beir_dir: Path) -> None:
    corpus = beir_dir / "corpus.jsonl"
    before = file_fingerprint(corpus)
    assert file_fingerprint(corpus) == before
    corpus.write_text(corpus.read_text() + "\n")
    assert file_fingerprint(corpus) != before


def test_load_squad(squad_file: Path) -> None:
    articles = load_squad(squad_file)
    assert [a.title for a in articles] == ["Owls", "Bees", "Chess"]
    lava = articles[1].questions[-1]
    assert (lava.article, lava.paragraph, lava.answers) == (1, 1, ("Hawaii",))
    assert lava.gold_source == "squad:1:1"
    assert sum(q.is_impossible for a in articles for q in a.questions) == 3
    with pytest.raises(ConfigError):
        load_squad(squad_file.with_name("missing.json"))


def test_sampling_is_reproducible_and_split_by_group(squad_file: Path) -> None:
    articles = load_squad(squad_file)
    first = sample_questions(articles[:2], articles[2:], limit=5, seed=3)
    again = sample_questions(articles[:2], articles[2:], limit=5, seed=3)
    assert [s.question.id for s in first] == [s.question.id for s in again]
    groups = Counter(s.group for s in first)
    # 2:1:1 of 5 -> answerable 2, impossible 1, off-corpus 1, then one more answerable
    assert groups == {"answerable": 3, "impossible": 1, "off_corpus": 1}
    everything = sample_questions(articles[:2], articles[2:], seed=0)
    groups = Counter(s.group for s in everything)
    assert groups == {"answerable": 4, "impossible": 2, "off_corpus": 2}
    # a limit above a group's size gives the rest to the other groups
    big = sample_questions(articles[:2], articles[2:], limit=7, seed=0)
    assert len(big) == 7 and Counter(s.group for s in big)["answerable"] == 4
