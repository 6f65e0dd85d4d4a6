"""Training pairs: made from chunks by each recipe, read from labelled files, split by source."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.errors import ConfigError
from rag.index import StoredChunk
from rag.tune.pairs import Pair, chunk_pairs, labelled_pairs, split_held_out

TEXT = ("Mitochondria make most of the cell's ATP. They have an outer and an inner membrane. "
        "The inner membrane folds into cristae.")


def _chunk(cid: str, text: str = TEXT, source: str = "/d/cells.md", header: str = "") -> StoredChunk:
    return StoredChunk(cid, text, {"source": source, **({"header": header} if header else {})})


def test_the_heading_recipe_pairs_the_header_or_the_first_sentence_with_the_chunk() -> None:
    with_header, without = chunk_pairs([_chunk("1", header="Cells > Mitochondria"), _chunk("2")],
                                       recipe="heading")
    assert (with_header.anchor, with_header.positive) == ("Cells > Mitochondria", TEXT)
    assert without.anchor == "Mitochondria make most of the cell's ATP."
    assert without.positive.startswith("They have an outer") and without.source == "/d/cells.md"


def test_inverse_cloze_takes_one_sentence_out_of_its_chunk() -> None:
    pairs = chunk_pairs([_chunk(str(i)) for i in range(40)], recipe="inverse-cloze", seed=1)
    assert len(pairs) == 40
    for pair in pairs:
        assert pair.anchor in TEXT and len(pair.anchor.split()) >= 4
    removed = [pair for pair in pairs if pair.anchor not in pair.positive]
    assert 30 <= len(removed) < 40  # about one in ten keeps its sentence


def test_chunks_too_short_to_split_give_no_pair() -> None:
    assert chunk_pairs([_chunk("1", "Too short.")], recipe="inverse-cloze") == []
    assert chunk_pairs([_chunk("1", "One sentence only, nothing after it")], recipe="heading") == []
    with pytest.raises(ConfigError, match="heading"):
        chunk_pairs([], recipe="gpl")  # type: ignore[arg-type]


def test_a_csv_of_questions_and_sources_pairs_each_with_the_closest_chunk(tmp_path: Path) -> None:
    chunks = [_chunk("1", "Alpha text about membranes and folds.", "/d/a.md"),
              _chunk("2", "Alpha text about energy and ATP.", "/d/a.md"),
              _chunk("3", "Beta text about bridges.", "/d/b.md")]
    csv_file = tmp_path / "pairs.csv"
    csv_file.write_text("question,source\nWhat makes energy?,a.md\nWho built it?,/d/b.md\n"
                        "Unknown?,missing.md\n", encoding="utf-8")
    pairs = labelled_pairs(csv_file, chunks, closest=lambda q, cands: cands[-1])
    assert [(p.anchor, p.positive, p.source) for p in pairs] == [
        ("What makes energy?", "Alpha text about energy and ATP.", "/d/a.md"),
        ("Who built it?", "Beta text about bridges.", "/d/b.md")]


def test_a_beir_folder_gives_its_queries_and_relevant_documents(tmp_path: Path) -> None:
    (tmp_path / "qrels").mkdir()
    (tmp_path / "queries.jsonl").write_text('{"_id": "q1", "text": "energy in cells"}\n'
                                            '{"_id": "q2", "text": "not judged"}\n')
    (tmp_path / "qrels" / "train.tsv").write_text("query-id\tcorpus-id\tscore\nq1\t42\t1\n")
    chunks = [_chunk("1", "Energy text here, about ATP.", "/corpus/42.md")]
    pairs = labelled_pairs(tmp_path, chunks, closest=lambda q, cands: cands[0])
    assert [(p.anchor, p.source) for p in pairs] == [("energy in cells", "/corpus/42.md")]


def test_a_pairs_file_naming_no_indexed_file_is_refused(tmp_path: Path) -> None:
    csv_file = tmp_path / "pairs.csv"
    csv_file.write_text("question,source\nWhat?,nowhere.pdf\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="none of its 1 pairs"):
        labelled_pairs(csv_file, [_chunk("1")], closest=lambda q, c: c[0])
    csv_file.write_text("q,file\nWhat?,x\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="question,source"):
        labelled_pairs(csv_file, [_chunk("1")], closest=lambda q, c: c[0])


def test_held_out_pairs_come_from_whole_sources() -> None:
    pairs = [Pair(f"q{i}", f"p{i}", f"/d/{i % 10}.md") for i in range(100)]
    train, held = split_held_out(pairs, share=0.2, seed=3)
    assert len(held) == 20 and len(train) == 80
    assert not {p.source for p in train} & {p.source for p in held}
