"""Outlook messages (MSG) into a page, read with olefile (BSD).

An MSG file is an OLE compound file whose streams hold the message's MAPI
properties (``__substg1.0_<id><type>``: the subject, the sender, the
recipients, the plain or HTML body; the fixed-size ones, like the sending
time, in ``__properties_version1.0``). The page is laid out like an
e-mail's (:mod:`ingest.readers.mail`): the subject as a heading, From, To,
Cc, Date and Subject as fields, the body, the attachments' names. The
attached files of a type the readers know are handed over as
:class:`~ingest.readers.types.Attachment` s (an attached Outlook item, stored as
a folder of its own, is not). (The common MSG library, extract-msg, is GPL:
not used.)
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ingest.readers.mail import mail_blocks
from ingest.readers.suffixes import file_type
from ingest.readers.types import (
    ATTACHMENT_MAX_BYTES,
    ATTACHMENTS_PER_FILE,
    Attachment,
    Block,
    LoadedFile,
    Page,
    SkipFile,
    attachment_name,
    blocks_text,
)
from rag.errors import IngestError

__all__ = ["MAX_MSG_BYTES", "load_msg"]

MAX_MSG_BYTES = 256 << 20
"""Largest MSG file read."""

_SUBJECT, _SENDER_NAME, _SENDER_EMAIL, _SENDER_SMTP = 0x0037, 0x0C1A, 0x0C1F, 0x5D01
_TO, _CC, _BODY, _HTML, _HEADERS, _CLASS = 0x0E04, 0x0E03, 0x1000, 0x1013, 0x007D, 0x001A
_ATTACH_NAME, _ATTACH_SHORT, _ATTACH_DATA = 0x3707, 0x3704, 0x3701
_SUBMIT_TIME, _DELIVERY_TIME = 0x0039, 0x0E06


def load_msg(path: Path) -> LoadedFile:
    """An Outlook message: headers as fields, the body, the attachments' names."""
    import olefile

    if path.stat().st_size > MAX_MSG_BYTES:
        raise SkipFile(f"message too large ({path.stat().st_size >> 20} MB)")
    if not olefile.isOleFile(str(path)):
        raise SkipFile("not an Outlook MSG file (no OLE signature)")
    try:
        ole = olefile.OleFileIO(str(path))
    except Exception as exc:  # olefile raises OSError and others on a broken container
        raise IngestError(f"corrupt MSG: {type(exc).__name__}: {exc}") from exc
    try:
        message = _Message(ole)
        if not ole.exists("__properties_version1.0") and not message.text(_SUBJECT) \
                and not message.text(_BODY):
            raise SkipFile("not an Outlook MSG file (an OLE file without message properties)")
        if "SMIME" in message.text(_CLASS).upper():
            raise SkipFile("encrypted or signed Outlook message (S/MIME): not read")
        blocks = tuple(_blocks(message))
        subject = " ".join(message.text(_SUBJECT).split()) or None
    except (SkipFile, IngestError):
        raise
    except Exception as exc:  # a broken stream inside the container
        raise IngestError(f"corrupt MSG: {type(exc).__name__}: {exc}") from exc
    finally:
        ole.close()
    return LoadedFile("msg", iter([Page(blocks_text(blocks), blocks=blocks)]), subject,
                      _msg_attachments(path))


def _msg_attachments(path: Path) -> Iterator[Attachment]:
    """The attached files whose names the readers know (the MSG opened again), each
    read when taken; at most :data:`ATTACHMENTS_PER_FILE`."""
    import olefile

    try:
        ole = olefile.OleFileIO(str(path))
    except Exception as exc:  # olefile raises OSError and others on a broken container
        raise IngestError(f"corrupt MSG: {type(exc).__name__}: {exc}") from exc
    try:
        taken: set[str] = set()
        kept = 0
        for folder, raw in _attachment_entries(_Message(ole)):
            stream = f"{folder}/__substg1.0_{_ATTACH_DATA:04X}0102"
            if kept >= ATTACHMENTS_PER_FILE:
                return
            if file_type(Path(raw.replace("\\", "/"))) is None or not ole.exists(stream):
                continue
            kept += 1
            name, size = attachment_name(raw, taken), ole.get_size(stream)
            if size > ATTACHMENT_MAX_BYTES:
                yield Attachment(name, skipped=f"attachment too large ({size >> 20} MB)")
            elif size:
                yield Attachment(name, ole.openstream(stream).read())
    except Exception as exc:  # a broken stream inside the container
        raise IngestError(f"corrupt MSG attachment: {type(exc).__name__}: {exc}") from exc
    finally:
        ole.close()


class _Message:
    """The MAPI properties of one message in an open OLE file."""

    def __init__(self, ole: Any, prefix: str = "") -> None:
        self.ole = ole
        self.prefix = prefix

    def raw(self, prop: int, kind: int) -> bytes | None:
        name = f"{self.prefix}__substg1.0_{prop:04X}{kind:04X}"
        return self.ole.openstream(name).read() if self.ole.exists(name) else None

    def text(self, prop: int) -> str:
        """A string property (UTF-16 or 8-bit), whitespace kept; empty when missing."""
        wide = self.raw(prop, 0x001F)
        if wide is not None:
            return wide.decode("utf-16-le", "replace").rstrip("\x00")
        narrow = self.raw(prop, 0x001E)
        return narrow.decode("cp1252", "replace").rstrip("\x00") if narrow is not None else ""

    def time(self, prop: int) -> datetime | None:
        """A time property from the fixed-size properties stream."""
        name = f"{self.prefix}__properties_version1.0"
        if not self.ole.exists(name):
            return None
        data = self.ole.openstream(name).read()
        start = 32 if not self.prefix else 8
        for offset in range(start, len(data) - 15, 16):
            tag, _, value = struct.unpack_from("<IIQ", data, offset)
            if tag == (prop << 16) | 0x0040 and value:
                return datetime(1601, 1, 1, tzinfo=UTC) + timedelta(
                    microseconds=value // 10)
        return None


def _blocks(message: _Message) -> Iterator[Block]:
    subject = " ".join(message.text(_SUBJECT).split())
    name, email = message.text(_SENDER_NAME).strip(), _sender_email(message)
    sender = f"{name} <{email}>" if name and email and name != email else name or email
    fields = {"From": sender, "To": message.text(_TO), "Cc": message.text(_CC),
              "Date": _date(message), "Subject": subject}
    yield from mail_blocks(subject, fields, _body(message), _attachment_names(message))


def _sender_email(message: _Message) -> str:
    smtp = message.text(_SENDER_SMTP).strip()
    email = message.text(_SENDER_EMAIL).strip()
    return smtp or (email if "@" in email else "")


def _date(message: _Message) -> str:
    from email.utils import format_datetime

    for line in message.text(_HEADERS).splitlines():
        if line.lower().startswith("date:"):
            return line[5:].strip()
    when = message.time(_SUBMIT_TIME) or message.time(_DELIVERY_TIME)
    return format_datetime(when) if when else ""


def _body(message: _Message) -> Iterator[Block]:
    from ingest.blocks import clean_text, text_blocks

    plain = message.text(_BODY)
    if plain.strip():
        yield from text_blocks(clean_text(plain.replace("\r\n", "\n")))
        return
    html = message.raw(_HTML, 0x0102)
    if html is None:
        html = (message.text(_HTML) or "").encode("utf-8")
    if html.strip():
        from bs4 import BeautifulSoup

        from ingest.readers.html_blocks import html_blocks

        yield from html_blocks(BeautifulSoup(html, "lxml"))


def _attachment_names(message: _Message) -> Iterator[str]:
    return (name for _, name in _attachment_entries(message))


def _attachment_entries(message: _Message) -> Iterator[tuple[str, str]]:
    """Each attachment's folder in the OLE file and its (long, else short) name."""
    folders = sorted({entry[0] for entry in message.ole.listdir()
                      if entry and entry[0].startswith("__attach_version1.0_")})
    for folder in folders:
        attachment = _Message(message.ole, f"{folder}/")
        name = attachment.text(_ATTACH_NAME) or attachment.text(_ATTACH_SHORT)
        if name.strip():
            yield folder, name.strip()
