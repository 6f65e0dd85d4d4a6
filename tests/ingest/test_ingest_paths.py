"""Ingest of real files into real Chroma: bad input, metadata, incremental sync."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings

from ingest import ProgressUpdate, ingest_paths
from rag.index import open_index
from tests.ingest.conftest import (
    RecordingEmbeddings,
    assert_consistent,
    clean_run_ids,
    make_docx,
    make_pdf,
)

PARAGRAPH = (
    "Barn owls hunt small mammals at night, locating prey by sound alone. "
    "Their facial disc funnels sound to asymmetrical ears. "
)


class CountingEmbeddings(Embeddings):
    """The real model, counting the texts it embeds."""

    def __init__(self, inner: Embeddings) -> None:
        self.inner = inner
        self.texts = 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.texts += len(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


def chunks_by_source(index) -> dict[str, list[dict]]:  # noqa: ANN001
    by_source: dict[str, list[dict]] = {}
    for chunk in index.fetch():
        row = {**chunk.metadata, "text": chunk.text}
        by_source.setdefault(chunk.metadata["source"], []).append(row)
    return by_source


@pytest.fixture
def messy(tmp_path: Path) -> Path:
    """A folder with every kind of file users have, good and bad."""
    root = tmp_path / "docs"
    sub = root / "sub"
    sub.mkdir(parents=True)
    (root / "notes.md").write_text("# Owl Notes\n\n" + PARAGRAPH * 3, encoding="utf-8")
    make_pdf(root / "paper.pdf", [PARAGRAPH, "", PARAGRAPH * 2], title="Owl Paper")
    make_pdf(root / "open-locked.pdf", [PARAGRAPH], owner_password="o", user_password="")
    make_pdf(root / "locked.pdf", [PARAGRAPH], owner_password="o", user_password="pw")
    make_pdf(root / "scan.pdf", ["", ""])
    (root / "corrupt.pdf").write_bytes(b"%PDF-1.4\n" + b"\x00broken" * 40)
    (root / "empty.txt").write_bytes(b"")
    (root / "blank.txt").write_text("  \n\t\n   \n")
    (root / "binary.txt").write_bytes(bytes(range(256)) * 16)
    (sub / "latin.txt").write_bytes(("Le café coûte 3 € à Noël; déjà vu. " * 8).encode("cp1252"))
    (sub / "page.html").write_text(
        "<html><head><title>Bats</title><script>var x='SCRIPTJUNK'</script>"
        "<style>.a{color:red}</style></head><body><p>Bats echolocate.</p></body></html>"
    )
    make_docx(sub / "memo.docx", ["Docx paragraph about moths."], title="Memo")
    (root / "tool.exe").write_bytes(b"MZ\x90\x00" * 10)
    (root / "loop").symlink_to(root, target_is_directory=True)
    (root / "self.txt").symlink_to(root / "self.txt")
    (root / ".hidden.txt").write_text("hidden")
    return root


def test_bad_input_never_stops_the_run(index, messy: Path, chunker) -> None:  # noqa: ANN001
    updates: list[ProgressUpdate] = []
    report = ingest_paths([messy], index=index, chunker=chunker, progress=updates.append)
    status = {Path(e.source).name: (e.status, e.reason) for e in report.entries}

    for name in ("notes.md", "paper.pdf", "open-locked.pdf", "latin.txt", "page.html", "memo.docx"):
        assert status[name][0] == "added", (name, status[name])
    assert status["locked.pdf"] == ("skipped", "encrypted PDF: needs a password (--password)")
    assert status["corrupt.pdf"][0] == "failed" and "PDF" in status["corrupt.pdf"][1]
    assert status["empty.txt"] == ("skipped", "empty file")
    assert status["blank.txt"] == ("skipped", "no text (whitespace only)")
    assert status["binary.txt"][0] == "skipped" and "binary" in status["binary.txt"][1]
    # fpdf's empty pages draw nothing: blank, not scanned (tests/ingest/readers/test_pdf_fallback.py)
    assert status["scan.pdf"] == (
        "skipped", "no text in 2 page(s) (blank, drawings or a form; no images)"
    )
    assert status["tool.exe"] == ("skipped", "unsupported file type .exe")
    assert status["self.txt"] == ("skipped", "symlink loop")
    assert status["loop"][0] == "skipped" and "symlink loop" in status["loop"][1]
    assert status[".hidden.txt"] == ("skipped", "hidden file")
    assert not report.ok  # the corrupt PDF failed
    paper = next(e for e in report.entries if e.source.endswith("paper.pdf"))
    assert (paper.pages, paper.empty_pages) == (3, 1)
    assert updates[-1].files_done == updates[-1].files_total == len(
        [e for e in report.entries
         if e.source.startswith(str(messy)) and "loop" not in e.reason and "hidden" not in e.reason]
    )
    assert updates[-1].chunks_written == report.chunks_written > 0

    ids = assert_consistent(index)
    assert len(ids) == report.chunks_written == index.count()
    stored = chunks_by_source(index)
    assert set(stored) == {
        str((messy / n).resolve())
        for n in ("notes.md", "paper.pdf", "open-locked.pdf", "sub/latin.txt",
                  "sub/page.html", "sub/memo.docx")
    }
    latin = stored[str(messy / "sub" / "latin.txt")]
    assert "café coûte 3 € à Noël" in latin[0]["text"]
    html = stored[str(messy / "sub" / "page.html")][0]
    assert "Bats echolocate." in html["text"] and "SCRIPTJUNK" not in html["text"]
    assert html["title"] == "Bats"


def test_chunk_metadata_contract(index, tmp_path: Path, chunker) -> None:  # noqa: ANN001
    pdf = make_pdf(tmp_path / "paper.pdf", [PARAGRAPH * 6, PARAGRAPH * 6], title="Owl Paper")
    ingest_paths([pdf], index=index, chunker=chunker)
    chunks = sorted(chunks_by_source(index)[str(pdf)], key=lambda m: m["chunk_index"])
    assert [c["chunk_index"] for c in chunks] == list(range(len(chunks)))
    assert {c["page"] for c in chunks} == {1, 2}
    for c in chunks:
        assert c["file_name"] == "paper.pdf" and c["file_type"] == "pdf"
        assert c["title"] == "Owl Paper" and c["page_label"] == str(c["page"])
        assert isinstance(c["start_index"], int) and c["start_index"] >= 0
        assert c["content_hash"] == hashlib.sha256(c["text"].encode()).hexdigest()
        assert all(isinstance(v, str | int | float | bool) for v in c.values())


def test_reingest_unchanged_embeds_nothing(settings, embeddings, tmp_path: Path, chunker) -> None:  # noqa: ANN001
    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(3):
        (docs / f"f{i}.md").write_text(f"# File {i}\n\n" + PARAGRAPH * (i + 1))
    counting = CountingEmbeddings(embeddings)
    index = open_index(settings, embeddings=counting, embedding_name="sentence-transformers/all-MiniLM-L6-v2")
    try:
        first = ingest_paths([docs], index=index, chunker=chunker)
        embedded_first, ids_first = counting.texts, assert_consistent(index)
        assert embedded_first == first.chunks_written == len(ids_first) > 0

        again = ingest_paths([docs], index=index, chunker=chunker)
        assert counting.texts == embedded_first  # nothing embedded
        assert again.counts["unchanged"] == 3 and again.chunks_written == 0

        stat = (docs / "f1.md").stat()  # touched, same content: hashed, still unchanged
        os.utime(docs / "f1.md", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
        touched = ingest_paths([docs], index=index, chunker=chunker)
        assert touched.counts["unchanged"] == 3 and counting.texts == embedded_first
        assert index.ledger.get(str(docs / "f1.md")).mtime_ns == stat.st_mtime_ns + 10**9
        assert assert_consistent(index) == ids_first
    finally:
        index.close()


def test_changed_file_replaces_its_chunks_without_orphans(index, tmp_path: Path, chunker) -> None:  # noqa: ANN001
    docs = tmp_path / "docs"
    docs.mkdir()
    keep, change = docs / "keep.txt", docs / "change.txt"
    keep.write_text(PARAGRAPH * 4)
    change.write_text("Version one. " + PARAGRAPH * 8)
    ingest_paths([docs], index=index, chunker=chunker)
    before = chunks_by_source(index)
    change.write_text("Version two, rewritten. " + PARAGRAPH * 5)
    report = ingest_paths([docs], index=index, chunker=chunker)
    assert {Path(e.source).name: e.status for e in report.entries} == {
        "keep.txt": "unchanged",
        "change.txt": "updated",
    }
    after = chunks_by_source(index)
    assert [c["text"] for c in after[str(keep)]] == [c["text"] for c in before[str(keep)]]
    texts = [c["text"] for c in after[str(change)]]
    assert texts[0].startswith("Version two") and not any("Version one" in t for t in texts)
    ids = assert_consistent(index)
    assert len(ids) == index.count() == sum(len(v) for v in after.values())


def test_changed_file_embeds_only_its_new_chunks(settings, embeddings, tmp_path: Path, chunker) -> None:  # noqa: ANN001
    doc = tmp_path / "long.md"
    doc.write_text("# Owls\n\n" + PARAGRAPH * 30 + "\n\nThe ending, first version.\n")
    counting = CountingEmbeddings(embeddings)
    index = open_index(settings, embeddings=counting, embedding_name="sentence-transformers/all-MiniLM-L6-v2")
    try:
        ingest_paths([doc], index=index, chunker=chunker)
        before, embedded = assert_consistent(index), counting.texts
        doc.write_text("# Owls\n\n" + PARAGRAPH * 30 + "\n\nThe ending, rewritten entirely.\n")
        report = ingest_paths([doc], index=index, chunker=chunker)
        after = assert_consistent(index)
        assert report.entries[0].status == "updated"
        assert len(before) >= 4 and 0 < len(after - before) < len(after)
        assert counting.texts - embedded == len(after - before)  # the kept chunks cost nothing
    finally:
        index.close()


def test_large_file_written_in_parts_equals_a_clean_run(settings, embeddings, tmp_path: Path, chunker) -> None:  # noqa: ANN001
    docs = tmp_path / "docs"
    docs.mkdir()
    big = docs / "big.txt"
    big.write_text("\n\n".join(f"Section {i}. " + PARAGRAPH * 2 for i in range(30)))
    (docs / "small.txt").write_text(PARAGRAPH)
    index = open_index(settings, embeddings=embeddings)
    try:
        first = ingest_paths([docs], index=index, chunker=chunker, group_size=8)
        assert first.counts["added"] == 2 and first.chunks_written > 8
        big.write_text("\n\n".join(f"Section {i}. " + PARAGRAPH * 2 for i in range(20, 45)))
        ingest_paths([docs], index=index, chunker=chunker, group_size=8)
        incremental = assert_consistent(index)
    finally:
        index.close()
    assert clean_run_ids([docs], settings, embeddings, tmp_path / "clean", chunker) == incremental


def test_dry_run_changes_nothing_and_prune_removes_gone_files(index, tmp_path: Path, chunker) -> None:  # noqa: ANN001
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(PARAGRAPH)
    (docs / "b.txt").write_text(PARAGRAPH * 2)
    dry = ingest_paths([docs], index=index, chunker=chunker, dry_run=True)
    assert dry.dry_run and dry.counts["added"] == 2 and dry.chunks_written == 0
    assert index.count() == 0 and index.ledger.all() == []

    ingest_paths([docs], index=index, chunker=chunker)
    ids = assert_consistent(index)
    (docs / "b.txt").unlink()
    (docs / "a.txt").write_text("Changed. " + PARAGRAPH)
    dry = ingest_paths([docs], index=index, chunker=chunker, prune=True, dry_run=True)
    assert {Path(e.source).name: e.status for e in dry.entries} == {"a.txt": "updated", "b.txt": "deleted"}
    assert assert_consistent(index) == ids and len(index.ledger.all()) == 2

    pruned = ingest_paths([docs], index=index, chunker=chunker, prune=True)
    assert {Path(e.source).name: e.status for e in pruned.entries} == {"a.txt": "updated", "b.txt": "deleted"}
    assert set(chunks_by_source(index)) == {str(docs / "a.txt")}
    assert [r.source for r in index.ledger.all()] == [str(docs / "a.txt")]
    assert_consistent(index)


def test_file_turned_empty_loses_chunks_file_turned_corrupt_keeps_them(index, tmp_path: Path, chunker) -> None:  # noqa: ANN001
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(PARAGRAPH)
    make_pdf(docs / "b.pdf", [PARAGRAPH])
    ingest_paths([docs], index=index, chunker=chunker)
    b_chunks = chunks_by_source(index)[str(docs / "b.pdf")]
    (docs / "a.txt").write_text("   \n")
    (docs / "b.pdf").write_bytes(b"%PDF-1.4\n" + b"\x00broken" * 40)
    report = ingest_paths([docs], index=index, chunker=chunker)
    status = {Path(e.source).name: e for e in report.entries}
    assert status["a.txt"].status == "skipped" and "old chunk" in status["a.txt"].reason
    assert status["b.pdf"].status == "failed" and not report.ok
    assert chunks_by_source(index) == {str(docs / "b.pdf"): b_chunks}
    assert_consistent(index)


def test_include_hidden_ingests_hidden_files_and_folders(index, tmp_path: Path, chunker) -> None:  # noqa: ANN001
    docs = tmp_path / "docs"
    (docs / ".archive").mkdir(parents=True)
    (docs / "owls.md").write_text("# Owls\n\n" + PARAGRAPH)
    (docs / ".notes.txt").write_text(PARAGRAPH)
    (docs / ".archive" / "old.txt").write_text(PARAGRAPH * 2)
    left_out = ingest_paths([docs], index=index, chunker=chunker, dry_run=True)
    assert {Path(e.source).name: (e.status, e.reason) for e in left_out.entries} == {
        "owls.md": ("added", ""),
        ".notes.txt": ("skipped", "hidden file"),
        ".archive": ("skipped", "hidden folder"),
    }
    taken = ingest_paths([docs], index=index, chunker=chunker, include_hidden=True)
    assert {Path(e.source).name: e.status for e in taken.entries} == {
        "owls.md": "added", ".notes.txt": "added", "old.txt": "added",
    }
    assert set(chunks_by_source(index)) == {
        str(docs / "owls.md"), str(docs / ".notes.txt"), str(docs / ".archive" / "old.txt"),
    }


def test_nothing_to_read_opens_no_index(settings, tmp_path: Path) -> None:  # noqa: ANN001
    hidden_only = tmp_path / "docs"
    hidden_only.mkdir()
    (hidden_only / ".notes.txt").write_text(PARAGRAPH)
    report = ingest_paths([tmp_path / "nope.pdf", hidden_only], settings)
    assert [(Path(e.source).name, e.status, e.reason) for e in report.entries] == [
        ("nope.pdf", "failed", "no such file or folder"),
        (".notes.txt", "skipped", "hidden file"),
    ]
    assert report.collection == settings.store.collection and not report.ok
    assert not settings.store.path.exists()  # no store created, so no index (and no model) opened


def test_library_warnings_are_kept_with_their_file_not_printed_loose(
    index, tmp_path: Path, chunker, caplog  # noqa: ANN001
) -> None:
    good = make_pdf(tmp_path / "good.pdf", [PARAGRAPH])
    data = make_pdf(tmp_path / "shifted.pdf", [PARAGRAPH]).read_bytes()
    at = data.rindex(b"startxref") + len(b"startxref\n")
    offset = data[at:].split()[0]  # a wrong xref offset: pypdf warns, recovers, reads the page
    (tmp_path / "shifted.pdf").write_bytes(data[:at] + str(int(offset) + 7).encode()
                                           + data[at + len(offset):])
    caplog.set_level("WARNING")
    report = ingest_paths([tmp_path], index=index, chunker=chunker)

    entries = {Path(e.source).name: e for e in report.entries}
    assert entries["shifted.pdf"].status == "added"
    assert any(w.startswith("pypdf: incorrect startxref pointer") for w in
               entries["shifted.pdf"].warnings), entries["shifted.pdf"].warnings
    assert entries[good.name].warnings == ()
    assert not [r for r in caplog.records if r.name.startswith("pypdf")]  # none loose
    # outside an ingest run, the library's warnings reach the usual handlers again
    import logging

    logging.getLogger("pypdf._reader").warning("after the run")
    assert [r.getMessage() for r in caplog.records if r.name.startswith("pypdf")] == [
        "after the run"]


def test_no_ligature_or_soft_hyphen_reaches_the_keyword_index_or_the_embedder(
    settings, embeddings, tmp_path: Path, chunker  # noqa: ANN001
) -> None:
    """A PDF typeset with a real TrueType font, its text layer holding ligature characters,
    a soft hyphen and a word split at a line end, as typesetting programs write them."""
    import matplotlib
    from fpdf import FPDF

    from rag.index import searchable_text

    font = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    pdf = FPDF()
    pdf.add_font("DejaVu", fname=str(font))
    pdf.set_font("DejaVu", size=11)
    pdf.add_page()
    for line in ("The new e\ufb03cient pro-", "cedure for the o\ufb03ce \ufb02oor was",
                 "agreed in a well-known meet\u00ading of the sta\ufb00 in 2019."):
        pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(tmp_path / "typeset.pdf"))

    recording = RecordingEmbeddings(embeddings)
    index = open_index(settings, embeddings=recording)
    try:
        ingest_paths([tmp_path / "typeset.pdf"], index=index, chunker=chunker)
        chunks = index.fetch()
        hits = index.search_keywords("efficient procedure", 3)
    finally:
        index.close()
    assert chunks and recording.texts
    forms = "\ufb00\ufb01\ufb02\ufb03\ufb04\u00ad"
    for chunk in chunks:
        searchable = searchable_text(chunk.text, chunk.metadata)
        assert not any(c in searchable for c in forms), searchable
        assert "efficient procedure for the office floor" in chunk.text
        assert "well-known meeting of the staff" in chunk.text
    assert not any(c in text for text in recording.texts for c in forms)
    assert hits and hits[0].source.endswith("typeset.pdf")
