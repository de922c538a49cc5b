"""The catalog and its wording index kept on disk between commands (gapcheck/catalog/cache.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gapcheck.catalog import cache
from gapcheck.catalog.loader import load_cached, load_catalog
from gapcheck.gaps.wording import WordingIndex, wording_index


@pytest.fixture
def fresh(monkeypatch, tmp_path):
    """A private cache folder, and nothing remembered in this process."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.CACHE_ENV, str(folder))
    load_cached.cache_clear()
    wording_index.cache_clear()
    yield folder
    load_cached.cache_clear()
    wording_index.cache_clear()


def _again():
    """What the next command sees: a new process has neither in-memory cache."""
    load_cached.cache_clear()
    wording_index.cache_clear()
    return load_catalog()


def test_the_next_command_reads_catalog_and_index_from_disk(fresh):
    first = load_catalog()
    built = wording_index(first)
    (kept,) = list(fresh.glob("catalog-*.pickle"))
    second = _again()
    assert second is not first and second.ids == first.ids
    # the index comes from the file, fitted once, for this very catalog object
    index = cache.extra(second, "wording_index")
    assert isinstance(index, WordingIndex) and index.catalog is second
    assert wording_index(second) is index
    assert [w.key for w in index.wordings] == [w.key for w in built.wordings]
    assert list(fresh.glob("catalog-*.pickle")) == [kept]


def test_a_damaged_cache_is_rebuilt(fresh):
    load_catalog()
    (kept,) = list(fresh.glob("catalog-*.pickle"))
    kept.write_bytes(b"not a pickle")
    assert _again().latest.id == "2025-03"
    assert kept.read_bytes()[:1] == b"\x80"  # written again


def test_an_edited_user_catalog_is_another_cache_file(fresh, monkeypatch, tmp_path):
    user = tmp_path / "user"
    (user / "2025-03").mkdir(parents=True)
    bundled = load_catalog().latest.path
    for name in ("edition.yaml", "clauses.yaml"):
        (user / "2025-03" / name).write_bytes((Path(bundled) / name).read_bytes())
    monkeypatch.setenv("GAPCHECK_GUIDELINES", str(user))
    _again()
    path = user / "2025-03" / "edition.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "label: 令和7年3月版", "label: 令和7年3月版（写）"
        ),
        "utf-8",
    )
    assert _again().latest.label == "令和7年3月版（写）"
    assert len(list(fresh.glob("catalog-*.pickle"))) == 3  # bundled, user, edited user


def test_off_means_no_file(monkeypatch, tmp_path):
    monkeypatch.setenv(cache.CACHE_ENV, "off")
    load_cached.cache_clear()
    try:
        assert load_catalog().latest.id == "2025-03"
    finally:
        load_cached.cache_clear()
    assert not list(tmp_path.rglob("*.pickle"))


def test_the_same_files_in_another_folder_name_their_own_folder(fresh, monkeypatch, tmp_path):
    """A catalog names its files: two folders with the same content are two cache files."""
    bundled = load_catalog().latest.path
    paths = []
    for name in ("a", "b"):
        user = tmp_path / name
        (user / "2025-03").mkdir(parents=True)
        for f in ("edition.yaml", "clauses.yaml"):
            (user / "2025-03" / f).write_bytes((Path(bundled) / f).read_bytes())
        monkeypatch.setenv("GAPCHECK_GUIDELINES", str(user))
        paths.append(_again().latest.path)
    assert paths == [str(tmp_path / "a" / "2025-03"), str(tmp_path / "b" / "2025-03")]
