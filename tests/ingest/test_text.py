"""Encoding detection by content: the right characters, never replacement marks."""

from __future__ import annotations

import os

import pytest

from ingest.text import BinaryContentError, decode_text

FRENCH = (
    "Le café coûte 3 € à Noël; « déjà vu » — naïve façade, où l'été brûle. "
    "Les élèves préfèrent les crêpes aux œufs et le thé à la menthe.\n"
)
CHINESE = (
    "臺灣的資訊工業發展迅速，許多電腦公司在新竹科學園區設立研發中心。"
    "這些公司生產的產品銷售到世界各地，並且帶動了當地經濟的繁榮與進步。\n"
)


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (FRENCH * 6, "cp1252"),
        (FRENCH * 6, "utf-16"),
        (CHINESE * 8, "big5"),
        (CHINESE * 4, "utf-8"),
        (FRENCH * 3, "utf-8-sig"),
    ],
)
def test_decodes_the_right_characters(text: str, encoding: str) -> None:
    decoded = decode_text(text.encode(encoding))
    assert decoded == text
    assert "\ufffd" not in decoded


def test_utf16_without_bom_is_text() -> None:
    assert decode_text((FRENCH * 4).encode("utf-16-le")) == FRENCH * 4


@pytest.mark.parametrize(
    "data",
    [
        b"\x00\x01\x02binary\xff",
        os.urandom(4096),
        b"%PDF-1.7\n" + os.urandom(200),
        b"\x89PNG\r\n\x1a\n" + os.urandom(100),
        b"PK\x03\x04" + os.urandom(100),
        bytes(range(256)) * 8,
    ],
)
def test_binary_content_is_refused(data: bytes) -> None:
    with pytest.raises(BinaryContentError):
        decode_text(data)


def test_empty_input_is_empty_text() -> None:
    assert decode_text(b"") == ""
