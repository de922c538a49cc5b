"""Errors are data (issue #22): where it happened and what to change, rendered by each surface —
the command line names its flag, the web page its form field, and never a flag."""

from __future__ import annotations

import pytest

from gapcheck.errors import HINTS, CatalogError, Hint, PolicyFormatError
from gapcheck.readers.formats import read_policy


def test_every_hint_says_it_on_both_surfaces():
    assert set(HINTS) == set(Hint)
    for hint, info in HINTS.items():
        assert f"--{hint.value}" in info.cli, hint
        assert "--" not in info.web and info.web.endswith("。"), hint


@pytest.mark.parametrize("hint", list(Hint))
def test_an_error_renders_its_hint_per_surface(hint):
    e = PolicyFormatError("a.csv: 読めません。", path="a.csv", sheet="基準", row=3, hint=hint)
    assert (e.path.name, e.sheet, e.row, e.hint) == ("a.csv", "基準", 3, hint)
    assert str(e) == e.for_cli() == "a.csv: 読めません。" + hint.info.cli
    assert e.for_web() == "a.csv: 読めません。" + hint.info.web


def test_a_catalog_error_names_its_place_on_both_surfaces():
    e = CatalogError("版のフォルダが見つかりません。", path="x", hint=Hint.GUIDELINES)
    assert str(e) == "x: 版のフォルダが見つかりません。" + Hint.GUIDELINES.info.cli
    assert e.for_web() == "x: 版のフォルダが見つかりません。" + Hint.GUIDELINES.info.web


def test_a_reader_error_carries_its_file_and_hint(tmp_path):
    path = tmp_path / "p.csv"
    path.write_bytes(b"No,\x85\x40\x85\x41\n")  # neither UTF-8 nor cp932
    with pytest.raises(PolicyFormatError) as info:
        read_policy(path)
    assert (info.value.path, info.value.hint) == (path, Hint.ENCODING)
    assert "--encoding" in str(info.value) and "--" not in info.value.for_web()
