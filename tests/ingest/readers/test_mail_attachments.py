"""A message's attachments handed over by the mail readers (EML, MBOX, MSG)."""

from __future__ import annotations

import mailbox
from pathlib import Path

import pytest

from ingest.readers import Attachment, load_file
from tests.ingest.readers.test_mail import _text, message, write_ole


def _with_files() -> object:
    inner = message("Fwd: plans", "See the plans.")
    inner.add_attachment(b"a,b\n", maintype="text", subtype="csv", filename="inner.csv")
    mail = message("Report", "Attached.")
    mail.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf",
                        filename="scans/report.pdf")
    mail.add_attachment(b"%PDF-1.5", maintype="application", subtype="pdf",
                        filename="report.pdf")
    mail.add_attachment(b"MZ\x90", maintype="application", subtype="octet-stream",
                        filename="setup.exe")
    mail.add_attachment(inner)
    return mail


def test_eml_keeps_readable_attachments_named_once(tmp_path: Path) -> None:
    path = tmp_path / "report.eml"
    path.write_bytes(bytes(_with_files()))
    found = list(load_file(path).attachments)
    assert [(a.name, a.data[:8]) for a in found[:2]] == [("report.pdf", b"%PDF-1.4"),
                                                        ("report (2).pdf", b"%PDF-1.5")]
    assert found[2].name == "Fwd: plans.eml" and b"See the plans." in found[2].data
    assert len(found) == 3  # the .exe is not a type the readers know


def test_a_too_large_attachment_is_named_with_its_reason(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ingest.readers.mail.ATTACHMENT_MAX_BYTES", 4)
    path = tmp_path / "report.eml"
    path.write_bytes(bytes(_with_files()))
    first = next(load_file(path).attachments)
    assert (first.name, first.data, first.skipped) == ("report.pdf", b"",
                                                      "attachment too large (0 MB)")


def test_mbox_attachments_are_named_by_their_message(tmp_path: Path) -> None:
    path = tmp_path / "inbox.mbox"
    box = mailbox.mbox(str(path))
    box.add(message("No files", "Nothing attached."))
    box.add(_with_files())
    box.close()
    names = [a.name for a in load_file(path).attachments]
    assert names == ["msg 2 > report.pdf", "msg 2 > report (2).pdf", "msg 2 > Fwd: plans.eml"]


def test_msg_hands_over_the_attached_file_data(tmp_path: Path) -> None:
    path = write_ole(tmp_path / "visit.msg", {
        "__substg1.0_0037001F": _text("Visit"),
        "__substg1.0_1000001F": _text("The invoice is attached."),
        "__attach_version1.0_#00000000/__substg1.0_3707001F": _text("invoice.csv"),
        "__attach_version1.0_#00000000/__substg1.0_37010102": b"Item,Price\nBoiler,90\n",
        "__attach_version1.0_#00000001/__substg1.0_3707001F": _text("tool.exe"),
        "__attach_version1.0_#00000001/__substg1.0_37010102": b"MZ",
    })
    (found,) = load_file(path).attachments  # the test's OLE pads streams with zeros
    assert Attachment(found.name, found.data.rstrip(b"\0")) == Attachment(
        "invoice.csv", b"Item,Price\nBoiler,90\n")
