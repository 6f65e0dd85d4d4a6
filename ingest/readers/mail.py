"""E-mail into pages: an EML file (one message) and an MBOX mailbox (a page a message).

A message's page starts with its subject as a heading and its From, To, Cc,
Date and Subject as fields, so they can be searched; then its body: the
plain-text part by the plain-text rules, else the HTML part through the
project's HTML block reader; the names of its attachments close it. The
attachments of a type the readers know (a PDF, a sheet, an attached
message ...) are handed over as :class:`~ingest.readers.types.Attachment` s
for ingest to read as files of their own. An encrypted message (S/MIME,
PGP) keeps its headers only.

Example:
    >>> from email.message import EmailMessage
    >>> message = EmailMessage()
    >>> message["From"], message["Subject"] = "ann@example.org", "Boiler service"
    >>> message.set_content("The engineer comes on Tuesday.")
    >>> [(b.kind, b.text) for b in message_blocks(message)][:2]
    [('heading', 'Boiler service'), ('field', 'From: ann@example.org')]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from email.message import EmailMessage, Message
from itertools import islice
from pathlib import Path

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

__all__ = ["HEADERS", "MAX_MESSAGE_BYTES", "load_eml", "load_mbox", "mail_blocks", "message_blocks"]

HEADERS = ("From", "To", "Cc", "Date", "Subject")
"""The headers kept as fields at the top of a message's page."""
MAX_MESSAGE_BYTES = 256 << 20
"""Largest message (an EML file) parsed; attachments are inside it."""

_ENCRYPTED = ("multipart/encrypted", "application/pkcs7-mime", "application/x-pkcs7-mime")


def _parse(data: bytes) -> EmailMessage:
    from email import policy
    from email.parser import BytesParser

    message = BytesParser(policy=policy.default).parsebytes(data)
    assert isinstance(message, EmailMessage)
    return message


def _header(message: Message, name: str) -> str:
    try:
        value = message.get(name)
    except (ValueError, IndexError, TypeError, AttributeError):  # a malformed header
        value = message.get_all(name, failobj=[""])[0] if hasattr(message, "get_all") else ""
    return " ".join(str(value or "").split())


def load_eml(path: Path) -> LoadedFile:
    """One e-mail message (RFC 822 / MIME)."""
    size = path.stat().st_size
    if size > MAX_MESSAGE_BYTES:
        raise SkipFile(f"message too large ({size >> 20} MB)")
    message = _parse(path.read_bytes())
    if not any(_header(message, name) for name in (*HEADERS, "Message-ID")):
        raise SkipFile("not an e-mail message (no From, To, Date or Subject header)")
    if message.get_content_type() in _ENCRYPTED:
        raise SkipFile("encrypted message (S/MIME or PGP): not read")
    blocks = tuple(message_blocks(message))
    title = _header(message, "Subject") or None
    attachments = islice(attached_files(message, set()), ATTACHMENTS_PER_FILE)
    return LoadedFile("eml", iter([Page(blocks_text(blocks), blocks=blocks)]), title,
                      attachments)


def load_mbox(path: Path) -> LoadedFile:
    """A mailbox in the mbox format: a page a message, labelled ``"msg 12: Subject"``."""
    with path.open("rb") as handle:
        head = handle.read(5)
    if head != b"From ":
        raise SkipFile("not an mbox mailbox (it does not start with a 'From ' line)")
    return LoadedFile("mbox", _mbox_pages(path),
                      attachments=islice(_mbox_attachments(path), ATTACHMENTS_PER_FILE))


def _mbox_pages(path: Path) -> Iterator[Page]:
    import mailbox

    box = mailbox.mbox(str(path), create=False)
    try:
        for number, key in enumerate(box.iterkeys(), start=1):
            message = _parse(box.get_bytes(key))
            blocks = tuple(message_blocks(message))
            subject = _header(message, "Subject") or "(no subject)"
            yield Page(blocks_text(blocks), number=number, label=f"msg {number}: {subject}",
                       blocks=blocks)
    except (mailbox.Error, KeyError, ValueError) as exc:
        raise IngestError(f"corrupt mbox: {exc}") from exc
    finally:
        box.close()


def _mbox_attachments(path: Path) -> Iterator[Attachment]:
    """The attachments of every message, named ``"msg 12 > report.pdf"`` (the mailbox
    walked again, a message at a time)."""
    import mailbox

    box = mailbox.mbox(str(path), create=False)
    try:
        for number, key in enumerate(box.iterkeys(), start=1):
            yield from attached_files(_parse(box.get_bytes(key)), set(), f"msg {number} > ")
    except (mailbox.Error, KeyError, ValueError) as exc:
        raise IngestError(f"corrupt mbox: {exc}") from exc
    finally:
        box.close()


def attached_files(message: Message, taken: set[str], prefix: str = "") -> Iterator[Attachment]:
    """A message's attachments whose names the readers know, each read when taken.

    An attached message without a file name is named by its subject (``.eml``);
    one larger than :data:`ATTACHMENT_MAX_BYTES` comes with ``skipped`` set.

    Args:
        message: The parsed message.
        taken: Names already given (lowercase), joined by these.
        prefix: Put before each name (an MBOX message's ``"msg 12 > "``).
    """
    if message.get_content_type() in _ENCRYPTED:
        return
    for number, part in enumerate(_attachments(message), start=1):
        raw = _header_value(part.get_filename())
        inner = part.get_payload(0) if part.get_content_type() == "message/rfc822" else None
        if not raw and isinstance(inner, Message):
            raw = f"{_header(inner, 'Subject') or f'message {number}'}.eml"
        if not raw or file_type(Path(raw.replace("\\", "/"))) is None:
            continue
        name = prefix + attachment_name(raw, taken)
        data = _attachment_bytes(part, inner)
        if len(data) > ATTACHMENT_MAX_BYTES:
            yield Attachment(name, skipped=f"attachment too large ({len(data) >> 20} MB)")
        elif data:
            yield Attachment(name, data)


def _attachment_bytes(part: Message, inner: object) -> bytes:
    """An attachment's content, decoded (an attached message as its bytes)."""
    if isinstance(inner, Message):
        try:
            return inner.as_bytes()
        except (ValueError, LookupError, UnicodeError):
            return b""
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


def message_blocks(message: Message) -> Iterator[Block]:
    """A message's blocks: the subject, the header fields, the body, the attachments' names."""
    fields = {name: _header(message, name) for name in HEADERS}
    if message.get_content_type() in _ENCRYPTED:
        body: Iterable[Block] = [Block("paragraph", "(encrypted message: the body is not read)")]
        names: list[str] = []
    else:
        body = _body(message)
        names = [_header_value(part.get_filename()) for part in _attachments(message)]
    yield from mail_blocks(_header(message, "Subject"), fields, body, names)


def mail_blocks(subject: str, fields: dict[str, str], body: Iterable[Block],
                attachments: Iterable[str]) -> Iterator[Block]:
    """Any message's blocks (EML, MBOX, MSG): its subject as a heading, its non-empty header
    fields (one line each), its body, then the names of its attachments.

    Example:
        >>> [b.text for b in mail_blocks("Boiler", {"From": "Ann", "Cc": ""},
        ...                              [Block("paragraph", "Tuesday at 9.")], ["a.pdf"])]
        ['Boiler', 'From: Ann', 'Tuesday at 9.', 'Attachments: a.pdf']
    """
    if subject:
        yield Block("heading", subject, level=1)
    for name, value in fields.items():
        if value.strip():
            yield Block("field", f"{name}: {' '.join(value.split())}")
    yield from body
    names = [name for name in attachments if name]
    if names:
        yield Block("field", f"Attachments: {', '.join(names)}")


def _header_value(value: object) -> str:
    return " ".join(str(value or "").split())


def _attachments(message: Message) -> Iterator[Message]:
    if isinstance(message, EmailMessage) and message.is_multipart():
        yield from message.iter_attachments()


def _body(message: Message) -> Iterator[Block]:
    from ingest.blocks import clean_text, text_blocks

    part = message.get_body(preferencelist=("plain", "html")) \
        if isinstance(message, EmailMessage) else message
    if part is None:
        return
    text = _content(part)
    if not text.strip():
        return
    if part.get_content_type() == "text/html":
        from ingest.readers.html_blocks import html_blocks

        yield from html_blocks(text)
    else:
        yield from text_blocks(clean_text(text))


def _content(part: Message) -> str:
    """A text part's content, decoded by its charset (unknown charsets as UTF-8)."""
    try:
        content = part.get_content() if isinstance(part, EmailMessage) else part.get_payload()
    except (LookupError, ValueError, AssertionError):
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    return content if isinstance(content, str) else ""
