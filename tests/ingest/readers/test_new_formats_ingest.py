"""End to end: a folder with one file of each format of issue 35 ingested into a real index."""

from __future__ import annotations

import json
import mailbox
from pathlib import Path

from ingest import ingest_paths
from tests.ingest.readers.test_mail import make_msg, message
from tests.ingest.readers.test_sheets import make_ods, make_xlsx
from tests.ingest.readers.test_slides_and_books import make_epub, make_pptx


def _folder(root: Path) -> Path:
    root.mkdir()
    make_pptx(root / "review.pptx")
    make_xlsx(root / "sales.xlsx")
    make_ods(root / "regions.ods")
    (root / "plans.csv").write_text("Plan,Seats\nBasic,1\nTeam,10\n", encoding="utf-8")
    make_epub(root / "tales.epub")
    (root / "tides.ipynb").write_text(json.dumps({"nbformat": 4, "metadata": {}, "cells": [
        {"cell_type": "markdown", "source": "# Tides\nHigh tide comes at noon."}]}),
        encoding="utf-8")
    (root / "boiler.eml").write_bytes(bytes(message("Boiler service", "Tuesday at 9.")))
    box = mailbox.mbox(str(root / "inbox.mbox"))
    box.add(message("Report 1", "Sales were 100 units."))
    box.close()
    make_msg(root / "visit.msg")
    return root


def test_every_new_format_is_found_read_and_cited(index, chunker, tmp_path: Path) -> None:
    report = ingest_paths([_folder(tmp_path / "docs")], index=index, chunker=chunker)
    status = {Path(e.source).name: (e.status, e.reason) for e in report.entries}
    assert all(state == "added" for state, _ in status.values()), status
    assert len(status) == 9
    chunks: dict[str, list[tuple[str, str]]] = {}
    for chunk in index.fetch():
        chunks.setdefault(chunk.metadata["file_name"], []).append(
            (chunk.text, str(chunk.metadata.get("page_label", ""))))

    def has(name: str, text: str, label: str = "") -> bool:
        return any(text in body and (not label or where == label) for body, where in chunks[name])

    assert has("sales.xlsx", "Northern", "Sales!2-4") and has("sales.xlsx", "1,250")
    assert has("regions.ods", "Southern", "Sales!2-4")
    assert has("plans.csv", "Team", "plans!2-3")
    assert has("review.pptx", "Oslo office", "1") and has("review.pptx", "engineers", "2")
    assert has("tales.epub", "built in 1871", "The Lighthouse")
    assert has("tides.ipynb", "High tide comes at noon")
    assert has("boiler.eml", "From: Ann Berg") and has("boiler.eml", "Tuesday at 9")
    assert has("inbox.mbox", "Sales were 100 units", "msg 1: Report 1")
    assert has("visit.msg", "The engineer comes on Tuesday at 9.")


def test_a_message_added_to_an_mbox_is_the_only_one_embedded(index, chunker,
                                                             tmp_path: Path) -> None:
    path = tmp_path / "inbox.mbox"
    box = mailbox.mbox(str(path))
    for n in range(30):
        box.add(message(f"Report {n}", f"Sales of week {n} were {100 + n} units."))
    box.close()
    first = ingest_paths([path], index=index, chunker=chunker)
    assert first.chunks_written >= 30
    box = mailbox.mbox(str(path))
    box.add(message("Report 30", "Sales of week 30 were 130 units."))
    box.close()
    again = ingest_paths([path], index=index, chunker=chunker)
    assert again.entries[0].status == "updated"
    assert again.chunks_written == 1 and again.chunks_unchanged == first.chunks_written


def test_a_bad_file_of_each_new_format_is_reported_and_the_rest_ingested(
        index, chunker, tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    noise = bytes(range(256)) * 12
    for name in ("sheet.xlsx", "book.ods", "deck.pptx", "novel.epub", "call.msg"):
        (folder / name).write_bytes(b"PK\x03\x04" + noise)  # a broken ZIP or OLE file
    (folder / "table.csv").write_bytes(noise)
    (folder / "notes.ipynb").write_text('{"cells": [', encoding="utf-8")
    (folder / "inbox.mbox").write_text("hello, not a mailbox\n", encoding="utf-8")
    (folder / "note.eml").write_bytes(noise)
    (folder / "good.csv").write_text("Plan,Seats\nTeam,10\n", encoding="utf-8")
    report = ingest_paths([folder], index=index, chunker=chunker)
    status = {Path(e.source).name: (e.status, e.reason) for e in report.entries}
    assert status.pop("good.csv")[0] == "added"
    assert len(status) == 9
    for name, (state, reason) in status.items():
        assert state in ("skipped", "failed") and reason, (name, state, reason)
