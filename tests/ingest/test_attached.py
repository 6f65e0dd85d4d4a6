"""A mail's attachments ingested as sources of their own (``mail.eml > report.pdf``)."""

from __future__ import annotations

from pathlib import Path

from ingest import forget, ingest_paths
from rag.answer.result import Source
from tests.ingest.conftest import make_pdf
from tests.ingest.readers.test_mail import message

CSV = b"Plan,Seats\nBasic,1\nTeam,10\n"


def _write_mail(path: Path, body: str, attachments: dict[str, bytes]) -> Path:
    mail = message("Quarterly report", body)
    for name, data in attachments.items():
        kind = ("application", "pdf") if name.endswith(".pdf") else ("text", "csv")
        mail.add_attachment(data, maintype=kind[0], subtype=kind[1], filename=name)
    path.write_bytes(bytes(mail))
    return path


def _pdf(tmp_path: Path) -> bytes:
    return make_pdf(tmp_path / "made.pdf", ["The boiler was serviced on Tuesday."]).read_bytes()


def _chunks(index, source: str) -> list:
    return [c for c in index.fetch() if c.metadata["source"] == source]


def test_attachments_are_sources_of_their_own(index, chunker, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    pdf = _pdf(tmp_path)
    mail = _write_mail(folder / "mail.eml", "The report is attached.",
                       {"report.pdf": pdf, "plans.csv": CSV})
    report = ingest_paths([folder], index=index, chunker=chunker)
    source, sheet = f"{mail} > report.pdf", f"{mail} > plans.csv"
    assert {(e.source, e.status) for e in report.entries} == {
        (str(mail), "added"), (source, "added"), (sheet, "added")}, report.entries
    chunks = _chunks(index, source)
    assert chunks and {c.metadata["page"] for c in chunks} == {1}
    assert chunks[0].metadata["file_name"] == "mail.eml > report.pdf"
    assert "serviced on Tuesday" in chunks[0].text
    assert _chunks(index, sheet) and _chunks(index, str(mail))
    assert Source(1, source, 1, "id", "", 1.0).citation == "mail.eml > report.pdf:1"
    assert {r.source for r in index.ledger.all()} == {str(mail), source, sheet}

    again = ingest_paths([folder], index=index, chunker=chunker)
    assert again.chunks_written == 0
    assert {e.status for e in again.entries} == {"unchanged"} and len(again.entries) == 3

    _write_mail(mail, "The report is attached; the sheet is gone.", {"report.pdf": pdf})
    changed = ingest_paths([folder], index=index, chunker=chunker)
    status = {e.source: e.status for e in changed.entries}
    assert status == {str(mail): "updated", source: "unchanged", sheet: "deleted"}
    assert not _chunks(index, sheet) and _chunks(index, source)

    gone = forget([mail], index=index)
    assert {e.source for e in gone.entries} == {str(mail), source}
    assert list(index.fetch()) == [] and index.ledger.all() == []


def test_a_broken_attachment_is_reported_and_the_mail_is_added(index, chunker,
                                                               tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    mail = _write_mail(folder / "mail.eml", "Two files attached.",
                       {"x.pdf": b"this is no PDF at all", "plans.csv": CSV})
    report = ingest_paths([folder], index=index, chunker=chunker)
    entries = {e.source: e for e in report.entries}
    assert entries[str(mail)].status == "added"
    broken = entries[f"{mail} > x.pdf"]
    assert broken.status in {"failed", "skipped"} and broken.reason
    assert entries[f"{mail} > plans.csv"].status == "added"
    assert _chunks(index, str(mail)) and not _chunks(index, f"{mail} > x.pdf")


def test_prune_keeps_the_attachments_of_a_mail_that_is_there(index, chunker,
                                                            tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    mail = _write_mail(folder / "mail.eml", "Attached.", {"plans.csv": CSV})
    ingest_paths([folder], index=index, chunker=chunker)
    kept = ingest_paths([folder], index=index, chunker=chunker, prune=True)
    assert {e.status for e in kept.entries} == {"unchanged"}
    mail.unlink()
    pruned = ingest_paths([folder], index=index, chunker=chunker, prune=True)
    assert {(e.source, e.status) for e in pruned.entries} == {
        (str(mail), "deleted"), (f"{mail} > plans.csv", "deleted")}
    assert list(index.fetch()) == []
