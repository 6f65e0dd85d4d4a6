"""Pulling from the Hub: verified, resumed, refused cleanly; against a loopback Hub only."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.errors import ModelError
from rag.models.hub import RemoteFile, file_matches, pull
from tests.hub_server import fake_hub, git_sha1, sha256
from tests.test_offline import no_network  # noqa: F401  (a fixture)

GGUF_REPO = "someone/tiny-GGUF"
GGUF = "tiny.Q4_0.gguf"
DATA = bytes(range(256)) * 1200  # 300 KB
ST_REPO = "someone/tiny-embedder"
ST_FILES = {
    "modules.json": b'[{"idx": 0, "name": "0", "path": "", "type": "Transformer"}]',
    "config.json": b'{"model_type": "bert"}',
    "model.safetensors": DATA[:50_000],
    "pytorch_model.bin": DATA[:40_000],
    "onnx/model.onnx": b"onnx",
    "1_Pooling/config.json": b'{"pooling_mode_mean_tokens": true}',
    "README.md": b"# tiny\n",
    ".gitattributes": b"*.bin filter=lfs\n",
}


@pytest.fixture
def repos() -> dict[str, dict[str, bytes]]:
    return {GGUF_REPO: {GGUF: DATA, "other.Q8_0.gguf": DATA[:1000], "README.md": b"hi"},
            ST_REPO: dict(ST_FILES)}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "models"


def test_pull_fetches_a_gguf_file_checked_against_the_hub(
    repos, root: Path, no_network: list[str], monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    seen: list[tuple[str, int, int | None]] = []
    with fake_hub(repos) as hub:
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        pulled = pull(GGUF_REPO, root, filename=GGUF,
                      progress=lambda name, done, total: seen.append((name, done, total)))
    assert pulled.path == root / "someone--tiny-GGUF" / GGUF
    assert pulled.path.read_bytes() == DATA
    assert (pulled.kind, pulled.files, pulled.size) == ("chat", {GGUF: sha256(DATA)}, len(DATA))
    assert sorted(p.name for p in pulled.path.parent.iterdir()) == [GGUF]  # just the file asked
    assert list((root / ".partial").iterdir()) == []
    assert seen[-1] == (GGUF, len(DATA), len(DATA))
    assert no_network == []


def test_offline_mode_is_lifted_for_the_pull_only(repos, root: Path) -> None:
    from huggingface_hub import constants

    before = constants.HF_HUB_OFFLINE
    assert before  # the product's default (tests/conftest.py calls ensure_offline)
    with fake_hub(repos) as hub:
        pull(GGUF_REPO, root, filename=GGUF, endpoint=hub.url)
    assert constants.HF_HUB_OFFLINE == before


def test_a_dropped_connection_resumes_where_it_stopped(repos, root: Path) -> None:
    from huggingface_hub import constants

    big = DATA * (2 * constants.DOWNLOAD_CHUNK_SIZE // len(DATA) + 2)  # bytes reach the disk
    repos[GGUF_REPO][GGUF] = big  # in chunks of DOWNLOAD_CHUNK_SIZE: cut after the first
    with fake_hub(repos, cut={GGUF}) as hub:
        pulled = pull(GGUF_REPO, root, filename=GGUF, endpoint=hub.url)
    assert hub.gets(GGUF) == [None, f"bytes={constants.DOWNLOAD_CHUNK_SIZE}-"]
    assert pulled.path.read_bytes() == big


def test_a_pull_cut_short_resumes_the_next_time(repos, root: Path) -> None:
    partial = root / ".partial"
    partial.mkdir(parents=True)
    (partial / f"{sha256(DATA)}.part").write_bytes(DATA[:1000])
    with fake_hub(repos) as hub:
        pulled = pull(GGUF_REPO, root, filename=GGUF, endpoint=hub.url)
    assert hub.gets(GGUF) == ["bytes=1000-"]
    assert pulled.path.read_bytes() == DATA


def test_a_wrong_checksum_is_refused_and_leaves_no_file(repos, root: Path) -> None:
    with fake_hub(repos, corrupt={GGUF}) as hub, \
            pytest.raises(ModelError, match="failed its integrity check") as caught:
        pull(GGUF_REPO, root, filename=GGUF, endpoint=hub.url)
    assert f"the Hub says {sha256(DATA)}" in str(caught.value)
    assert not (root / "someone--tiny-GGUF" / GGUF).exists()
    assert list((root / ".partial").iterdir()) == []


def test_a_corrupt_download_does_not_replace_a_good_file(repos, root: Path) -> None:
    with fake_hub(repos) as hub:
        good = pull(GGUF_REPO, root, filename=GGUF, endpoint=hub.url).path
    good.write_bytes(DATA[:-1] + b"?")  # damaged on disk: the next pull fetches it again
    with fake_hub(repos, corrupt={GGUF}) as hub, pytest.raises(ModelError):
        pull(GGUF_REPO, root, filename=GGUF, endpoint=hub.url)
    assert good.read_bytes() == DATA[:-1] + b"?"  # untouched: nothing half-done was moved in


def test_a_missing_file_or_repository_is_a_clear_error(repos, root: Path) -> None:
    with fake_hub(repos) as hub:
        with pytest.raises(ModelError, match=r"has no file 'nope\.gguf'; its GGUF files: "
                                             r"other\.Q8_0\.gguf, tiny\.Q4_0\.gguf"):
            pull(GGUF_REPO, root, filename="nope.gguf", endpoint=hub.url)
        with pytest.raises(ModelError, match="no model repository 'nobody/nothing'"):
            pull("nobody/nothing", root, filename=GGUF, endpoint=hub.url)
        with pytest.raises(ModelError, match="holds GGUF files: choose one with --file"):
            pull(GGUF_REPO, root, endpoint=hub.url)
        with pytest.raises(ModelError, match="--file takes a GGUF file"):
            pull(GGUF_REPO, root, filename="README.md", endpoint=hub.url)
    assert not (root / "someone--tiny-GGUF").exists()


def test_a_full_disk_is_refused_before_any_download(repos, root: Path) -> None:
    with fake_hub(repos) as hub, pytest.raises(ModelError, match="not enough disk space"):
        pull(GGUF_REPO, root, filename=GGUF, endpoint=hub.url, free_space=lambda _: 4096)
    assert hub.gets(GGUF) == []


def test_an_unreachable_hub_is_a_clear_error(root: Path) -> None:
    from tests.servers import free_port

    with pytest.raises(ModelError, match="cannot download someone/tiny-GGUF from http://127"):
        pull(GGUF_REPO, root, filename=GGUF, endpoint=f"http://127.0.0.1:{free_port()}")


def test_a_sentence_transformers_model_comes_whole_without_other_runtimes(
    repos, root: Path
) -> None:
    with fake_hub(repos) as hub:
        pulled = pull(ST_REPO, root, endpoint=hub.url)
    folder = root / "someone--tiny-embedder"
    assert (pulled.kind, pulled.path) == ("embedding", folder)
    got = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    assert got == ["1_Pooling/config.json", "README.md", "config.json", "model.safetensors",
                   "modules.json"]
    assert (folder / "model.safetensors").read_bytes() == ST_FILES["model.safetensors"]
    assert pulled.files["config.json"] == git_sha1(ST_FILES["config.json"])  # not in LFS
    assert pulled.files["model.safetensors"] == sha256(ST_FILES["model.safetensors"])
    assert list((root / ".partial").iterdir()) == []


def test_a_failed_folder_pull_leaves_the_installed_folder_as_it_was(repos, root: Path) -> None:
    with fake_hub(repos) as hub:
        pull(ST_REPO, root, endpoint=hub.url)
    repos[ST_REPO]["config.json"] = b'{"model_type": "bert", "new": 1}'
    with fake_hub(repos, corrupt={"config.json"}) as hub, pytest.raises(ModelError):
        pull(ST_REPO, root, endpoint=hub.url)
    assert (root / "someone--tiny-embedder" / "config.json").read_bytes() == ST_FILES["config.json"]


def test_pulling_again_checks_and_downloads_nothing(repos, root: Path) -> None:
    with fake_hub(repos) as hub:
        pull(GGUF_REPO, root, filename=GGUF, endpoint=hub.url)
        again = pull(GGUF_REPO, root, filename=GGUF, endpoint=hub.url)
    assert not again.downloaded
    assert hub.gets(GGUF) == [None]


def test_file_matches_checks_size_and_hash(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"abc")
    assert file_matches(path, RemoteFile("f", 3, sha256=sha256(b"abc")))
    assert file_matches(path, RemoteFile("f", 3, git_sha1=git_sha1(b"abc")))
    assert not file_matches(path, RemoteFile("f", 3, sha256=sha256(b"abd")))
    assert not file_matches(path, RemoteFile("f", 3))  # no hash: never taken as verified


def test_a_full_disk_while_writing_is_a_clear_error_that_keeps_the_partial_file(
    repos, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from rag.models import download

    def full(*_: object, **__: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(download, "_digest", full)  # fails after the bytes are written
    with fake_hub(repos) as hub, pytest.raises(ModelError, match="the disk is full while "
                                               "pulling someone/tiny-GGUF; free some space: "
                                               "the partial download is kept"):
        pull(GGUF_REPO, root, filename=GGUF, endpoint=hub.url)
    assert not (root / "someone--tiny-GGUF" / GGUF).exists()
    assert (root / ".partial" / f"{sha256(DATA)}.part").stat().st_size == len(DATA)
