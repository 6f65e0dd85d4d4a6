"""Encoding detection by content: the right characters, never replacement marks.

The legacy samples in ``text_samples/`` were written for these tests (natural
sentences, not copied): ``<language>.<encoding>.<short|long>.txt``, stored as
UTF-8 and encoded here. Short samples are 150-290 bytes in their encoding (a
few sentences: one or two sentences of a legacy code page can be read
equally well in its neighbours, by any detector); long ones are about 2 KB
of different sentences. Each uses the letters that tell its code page from
the others: ą ł ś ż (cp1250), ě ř š ž ů ť (ISO-8859-2), ğ ı İ ş (cp1254),
ё (cp1251, KOI8-R), œ € « » (cp1252 French), ß „ “ € (cp1252 German).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ingest.readers.charsets import guess_encoding, plausibility
from ingest.readers.decoding import SAMPLE_BYTES, BinaryContentError, decode_text, iter_text

SAMPLES = Path(__file__).parent / "text_samples"

FRENCH = (
    "Le café coûte 3 € à Noël; « déjà vu » — naïve façade, où l'été brûle. "
    "Les élèves préfèrent les crêpes aux œufs et le thé à la menthe.\n"
)
CHINESE = (
    "臺灣的資訊工業發展迅速，許多電腦公司在新竹科學園區設立研發中心。"
    "這些公司生產的產品銷售到世界各地，並且帶動了當地經濟的繁榮與進步。\n"
)
LEGACY = [
    ("polish", "cp1250"),
    ("russian", "cp1251"),
    ("russian", "koi8-r"),
    ("turkish", "cp1254"),
    ("czech", "iso8859-2"),
    ("chinese", "big5"),
    ("chinese", "gb2312"),
    ("japanese", "shift_jis"),
    ("korean", "euc-kr"),
    ("french", "cp1252"),
    ("german", "cp1252"),
]
WIDE_LANGUAGES = [("french", "cp1252"), ("russian", "koi8-r"), ("japanese", "shift_jis")]


def sample(language: str, encoding: str, size: str) -> str:
    """The text of one sample file."""
    return (SAMPLES / f"{language}.{encoding}.{size}.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("size", ["short", "long"])
@pytest.mark.parametrize(("language", "encoding"), LEGACY)
def test_legacy_code_pages_round_trip(language: str, encoding: str, size: str) -> None:
    text = sample(language, encoding, size)
    data = text.encode(encoding)
    if size == "short":
        assert 150 <= len(data) < 300
    else:
        assert len(data) > 1600 and len(set(text.split("\n"))) > 10  # different sentences
    assert decode_text(data) == text


@pytest.mark.parametrize("size", ["short", "long"])
@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])  # with and without BOM
@pytest.mark.parametrize(("language", "legacy"), WIDE_LANGUAGES)
def test_utf16_round_trips(language: str, legacy: str, encoding: str, size: str) -> None:
    text = sample(language, "utf-16" if size == "short" else legacy, size)
    data = text.encode(encoding)
    assert data.startswith(b"\xff\xfe") == (encoding == "utf-16")
    if size == "short":
        assert len(data) < 300
    assert decode_text(data) == text


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


def test_a_legacy_text_after_a_long_ascii_start_is_read_in_its_code_page(tmp_path: Path) -> None:
    # The encoding is chosen at the first non-ASCII byte, far past the sample.
    ascii_part = "".join(f"Line {n}: plain ASCII words only.\n" for n in range(3000))
    assert len(ascii_part) > SAMPLE_BYTES
    text = ascii_part + sample("czech", "iso8859-2", "long") + ascii_part[:500]
    path = tmp_path / "log.txt"
    path.write_bytes(text.encode("iso8859-2"))
    assert "".join(iter_text(path, block_size=10_000)) == text
    assert decode_text(path.read_bytes()) == text


def test_the_cp1252_preference_only_breaks_ties() -> None:
    # Polish in cp1250 also decodes in cp1252 (as "szarlotkê", "³"), never as well.
    text = sample("polish", "cp1250", "short")
    assert guess_encoding(text.encode("cp1250")) == "cp1250"
    # Two different readings with equal evidence: one letter, one of each alphabet.
    assert guess_encoding("Das kostet 5 € im Café.".encode("cp1252")) == "cp1252"


def test_plausibility_scores_wrong_code_pages_lower() -> None:
    czech = sample("czech", "iso8859-2", "short")
    for wrong in ("cp1250", "cp1252"):
        misread = czech.encode("iso8859-2").decode(wrong)
        assert misread != czech
        assert plausibility(misread) < plausibility(czech) == 1.0


@pytest.mark.parametrize(
    "data",
    [
        b"\x00\x01\x02binary\xff",
        os.urandom(4096),
        b"%PDF-1.7\n" + os.urandom(200),
        b"\x89PNG\r\n\x1a\n" + os.urandom(100),
        b"PK\x03\x04" + os.urandom(100),
        bytes(range(256)) * 8,
        os.urandom(200_000),
    ],
)
def test_binary_content_is_refused(data: bytes) -> None:
    with pytest.raises(BinaryContentError):
        decode_text(data)


def test_binary_content_is_refused_before_any_block(tmp_path: Path) -> None:
    path = tmp_path / "fake.txt"
    path.write_bytes(os.urandom(3 * SAMPLE_BYTES))
    with pytest.raises(BinaryContentError):
        iter_text(path)  # at once, not when the first block is taken


def test_empty_input_is_empty_text(tmp_path: Path) -> None:
    assert decode_text(b"") == ""
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert list(iter_text(path)) == []


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("ＢＩＧ５編碼繁體中文測試", "big5"),  # was read as UTF-16 (Yi and Hangul syllables)
        ("联通", "gb2312"),  # four bytes; was read as Big5 (薊籵)
        ("价格：一百元", "gb2312"),
        ("價格：一百元", "big5"),
        ("北京欢迎你", "gb2312"),
        ("東京タワー", "euc_jp"),
        ("こんにちは", "shift_jis"),
        ("서울특별시", "euc_kr"),
    ],
)
def test_short_cjk_texts_are_read_in_their_own_encoding(text: str, encoding: str) -> None:
    assert decode_text(text.encode(encoding)) == text
