"""E-mail readers: EML, MBOX and Outlook MSG (written here as a minimal OLE compound file)."""

from __future__ import annotations

import mailbox
import struct
from email.message import EmailMessage
from pathlib import Path

import pytest

from ingest.readers import SkipFile, load_file
from ingest.readers.types import Block
from rag.errors import IngestError


def message(subject: str, body: str, *, html: str | None = None) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = "Ann Berg <ann@example.org>"
    mail["To"] = "ops@example.org"
    mail["Date"] = "Mon, 04 Mar 2024 10:00:00 +0000"
    mail["Subject"] = subject
    if html is None:
        mail.set_content(body)
    else:
        mail.set_content(html, subtype="html")
    return mail


HEADER_FIELDS = (Block("field", "From: Ann Berg <ann@example.org>"),
                 Block("field", "To: ops@example.org"),
                 Block("field", "Date: Mon, 04 Mar 2024 10:00:00 +0000"))


def test_eml_headers_are_searchable_fields_above_the_body(tmp_path: Path) -> None:
    mail = message("Boiler service", "The engineer comes on Tuesday at 9.")
    mail.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf",
                        filename="invoice.pdf")
    path = tmp_path / "boiler.eml"
    path.write_bytes(bytes(mail))
    loaded = load_file(path)
    (page,) = loaded.pages
    assert (loaded.file_type, loaded.title) == ("eml", "Boiler service")
    assert page.blocks == (Block("heading", "Boiler service", level=1), *HEADER_FIELDS,
                           Block("field", "Subject: Boiler service"),
                           Block("paragraph", "The engineer comes on Tuesday at 9."),
                           Block("field", "Attachments: invoice.pdf"))
    assert "From: Ann Berg" in page.text


def test_an_html_body_goes_through_the_html_reader(tmp_path: Path) -> None:
    html = "<html><body><nav>Menu</nav><h2>Agenda</h2><ul><li>Budget</li></ul></body></html>"
    path = tmp_path / "agenda.eml"
    path.write_bytes(bytes(message("Agenda", "", html=html)))
    (page,) = load_file(path).pages
    assert page.blocks[-2:] == (Block("heading", "Agenda", level=2),
                                Block("item", "- Budget", group=1))
    assert "Menu" not in page.text


def test_eml_that_is_no_message_or_is_encrypted_is_skipped(tmp_path: Path) -> None:
    fake = tmp_path / "photo.eml"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    with pytest.raises(SkipFile, match="not an e-mail message"):
        load_file(fake)
    locked = tmp_path / "locked.eml"
    locked.write_bytes(b"From: a@example.org\r\nSubject: x\r\nContent-Type: "
                       b"application/pkcs7-mime; smime-type=enveloped-data\r\n\r\nMIAGCSqG\r\n")
    with pytest.raises(SkipFile, match="encrypted"):
        load_file(locked)


def test_mbox_a_page_a_message_labelled_with_its_subject(tmp_path: Path) -> None:
    path = tmp_path / "inbox.mbox"
    box = mailbox.mbox(str(path))
    for n in range(1, 4):
        box.add(message(f"Report {n}", f"Sales were {n * 100} units."))
    box.close()
    pages = list(load_file(path).pages)
    assert [(p.number, p.label) for p in pages] == [
        (1, "msg 1: Report 1"), (2, "msg 2: Report 2"), (3, "msg 3: Report 3")]
    assert pages[2].blocks[-1] == Block("paragraph", "Sales were 300 units.")
    not_mbox = tmp_path / "notes.mbox"
    not_mbox.write_text("Dear all,\nhello\n", encoding="utf-8")
    with pytest.raises(SkipFile, match="not an mbox"):
        load_file(not_mbox)


# A minimal OLE compound file (version 3, 512-byte sectors) for the MSG tests: every
# stream padded with NULs to the 4096-byte mini-stream cutoff: all in regular sectors.
FREE, END, FAT_SECTOR = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD


def _entry(name: str, kind: int, child: int = FREE, right: int = FREE, start: int = END,
           size: int = 0) -> bytes:
    encoded = (name + "\0").encode("utf-16-le")
    return (encoded.ljust(64, b"\0") + struct.pack("<HBB3I", len(encoded), kind, 1, FREE, right,
                                                   child)
            + b"\0" * 36 + struct.pack("<IQ", start, size))


def write_ole(path: Path, streams: dict[str, bytes]) -> Path:
    """``streams``: ``"name"`` or ``"storage/name"`` -> content."""
    data = [content.ljust(4096, b"\0") for content in streams.values()]
    names = list(streams)
    storages = sorted({name.split("/")[0] for name in names if "/" in name})
    entries: list[tuple[str, int, str]] = [(s, 1, "") for s in storages]  # (name, kind, parent)
    entries += [(n.split("/")[-1], 2, n.split("/")[0] if "/" in n else "") for n in names]
    dir_sectors = -(-(len(entries) + 1) * 128 // 512)
    data_sectors = sum(len(d) // 512 for d in data)
    fat_sectors = -(-(1 + dir_sectors + data_sectors) // 128)
    fat = [FAT_SECTOR] * fat_sectors
    fat += [*range(len(fat) + 1, len(fat) + dir_sectors), END]
    starts = []
    for content in data:
        starts.append(len(fat))
        fat += [*range(len(fat) + 1, len(fat) + len(content) // 512), END]
    fat += [FREE] * (fat_sectors * 128 - len(fat))

    def chain(parent: str) -> list[int]:
        return [i + 1 for i, (_, _, p) in enumerate(entries) if p == parent]

    directory = []
    for i, (name, kind, parent) in enumerate(entries, start=1):
        siblings = chain(parent)
        right = siblings[siblings.index(i) + 1] if siblings.index(i) + 1 < len(siblings) else FREE
        kids = chain(name) if kind == 1 else []
        stream = i - 1 - len(storages)
        start, size = (starts[stream], len(data[stream])) if kind == 2 else (END, 0)
        directory.append(_entry(name, kind, kids[0] if kids else FREE, right, start, size))
    top = chain("")
    directory.insert(0, _entry("Root Entry", 5, top[0] if top else FREE))
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
              + struct.pack("<HHHHH6xIIIIIIIII", 0x3E, 3, 0xFFFE, 9, 6, 0, fat_sectors,
                            fat_sectors, 0, 4096, END, 0, END, 0)
              + struct.pack("<109I", *range(fat_sectors), *[FREE] * (109 - fat_sectors)))
    body = struct.pack(f"<{len(fat)}I", *fat) + b"".join(directory).ljust(dir_sectors * 512, b"\0")
    path.write_bytes(header + body + b"".join(data))
    return path


def _text(value: str) -> bytes:
    return value.encode("utf-16-le")


def make_msg(path: Path, *, message_class: str = "IPM.Note") -> Path:
    properties = b"\0" * 32 + struct.pack("<IIQ", 0x00390040, 6, 133_540_200_000_000_000)
    return write_ole(path, {
        "__substg1.0_0037001F": _text("Boiler service"),
        "__substg1.0_0C1A001F": _text("Ann Berg"),
        "__substg1.0_5D01001F": _text("ann@example.org"),
        "__substg1.0_0E04001F": _text("Ops Team"),
        "__substg1.0_1000001F": _text("The engineer comes on Tuesday at 9."),
        "__substg1.0_001A001F": _text(message_class),
        "__properties_version1.0": properties,
        "__attach_version1.0_#00000000/__substg1.0_3707001F": _text("invoice.pdf"),
    })


def test_msg_headers_body_and_attachment_names(tmp_path: Path) -> None:
    loaded = load_file(make_msg(tmp_path / "boiler.msg"))
    (page,) = loaded.pages
    assert (loaded.file_type, loaded.title) == ("msg", "Boiler service")
    assert page.blocks == (
        Block("heading", "Boiler service", level=1),
        Block("field", "From: Ann Berg <ann@example.org>"),
        Block("field", "To: Ops Team"),
        Block("field", "Date: Mon, 04 Mar 2024 10:00:00 +0000"),
        Block("field", "Subject: Boiler service"),
        Block("paragraph", "The engineer comes on Tuesday at 9."),
        Block("field", "Attachments: invoice.pdf"),
    )


def test_msg_that_is_encrypted_misnamed_or_broken(tmp_path: Path) -> None:
    with pytest.raises(SkipFile, match="S/MIME"):
        load_file(make_msg(tmp_path / "locked.msg", message_class="IPM.Note.SMIME"))
    text = tmp_path / "notes.msg"
    text.write_text("not a message", encoding="utf-8")
    with pytest.raises(SkipFile, match="not an Outlook MSG"):
        load_file(text)
    other = write_ole(tmp_path / "sheet.msg", {"Workbook": b"\x09\x08"})
    with pytest.raises(SkipFile, match="without message properties"):
        load_file(other)
    broken = tmp_path / "broken.msg"
    broken.write_bytes(make_msg(tmp_path / "ok.msg").read_bytes()[:700])
    with pytest.raises(IngestError, match="corrupt MSG"):
        load_file(broken)
