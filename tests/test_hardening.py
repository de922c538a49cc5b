"""Hostile and broken inputs: a clear Japanese error or a result, never a traceback; the
input unchanged; outputs written atomically; nothing user-supplied becomes live content."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from gapcheck.cli import cli
from gapcheck.errors import GapcheckError
from gapcheck.io import write_atomic
from gapcheck.readers.formats import read_policy
from gapcheck.text.normalize import normalize, split_number
from gapcheck.text.numbering import ClauseNumber, is_valid

from . import corpus

# What gapcheck does with each input kind: an error message (after "Error: <path>: ") or
# the number of policy rows read.
EXPECTED: dict[str, str | int] = {
    "text_as_xlsx": "このファイルは Excel ファイルとして読めません。中身はテキストです。",
    "empty": "ファイルが空です（0 バイト）。",
    "word_as_xlsx": "このファイルは Excel ファイルとして読めません。中身は Word 文書です。",
    "password_protected": "パスワードで保護（暗号化）されているため読めません。",
    "corrupted_zip": "ファイルが壊れています（ZIP 形式として読めません）。",
    "zip_bomb": "展開後の大きさが異常です（xl/worksheets/sheet1.xml が",
    "entity_bomb": "このファイルは Excel ファイルとして読めません。",
    "million_rows": "シート「Sheet1」の行数が上限の 100,000 行を超えています。",
    "long_cells": 3,
    "control_characters": 1,
    "formulas_and_links": 1,  # formulas are never evaluated: only the plain row is read
    "hidden_sheet_and_rows": 3,  # hidden rows are still policy; the hidden memo sheet is not
    "cp932_csv": 1,
    "mixed_encoding_csv": "文字コードを判別できません",
    "utf16_csv": 1,
    "unicode_text": 1,
    "no_header": "シート「基準」の最初の30行に見出し行が見つかりません。",
    "duplicate_headers": 1,
    "directory": "フォルダです。",
    "missing": "ファイルが見つかりません。",
    "pdf_file": "PDF を読み込めません（壊れているか、途中で切れています）。",
}


def test_every_corpus_kind_has_an_expectation():
    assert set(EXPECTED) == set(corpus.CORPUS)


def digest_of(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


@pytest.mark.parametrize("kind", sorted(corpus.CORPUS))
def test_corpus_at_the_reader(kind, tmp_path):
    """Every hostile kind, straight at :func:`read_policy`: its message or its rows."""
    path = corpus.CORPUS[kind](tmp_path)
    before = digest_of(path)
    expected = EXPECTED[kind]
    if isinstance(expected, str):
        with pytest.raises(GapcheckError) as caught:
            read_policy(path)
        assert str(caught.value).startswith(f"{path}: {expected}")
        assert "\n" not in str(caught.value)
    else:
        assert len(read_policy(path).rows) == expected
    assert digest_of(path) == before  # the input is never modified


# Through the whole command, for the kinds whose danger is in what gets written (live
# formulas, control characters, Excel's cell limit, hidden content) and two refusals.
THROUGH_THE_COMMAND = (
    "control_characters",
    "formulas_and_links",
    "hidden_sheet_and_rows",
    "long_cells",
    "text_as_xlsx",
    "zip_bomb",
)


@pytest.mark.parametrize("kind", THROUGH_THE_COMMAND)
def test_corpus_through_the_command(kind, tmp_path):
    path = corpus.CORPUS[kind](tmp_path)
    before = digest_of(path)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["audit", str(path), "--out", str(out)])
    expected = EXPECTED[kind]
    assert "Traceback" not in result.output
    if isinstance(expected, str):
        assert result.exit_code == 1, result.output
        assert result.output.startswith(f"Error: {path}: {expected}")
        assert result.output.count("\n") == 1
        assert not out.exists()  # nothing half-written
    else:
        assert result.exit_code == 0, result.output
        data = json.loads((out / "audit.json").read_text(encoding="utf-8"))
        assert len(data["rows"]) == expected
        wb = load_workbook(out / "report.xlsx")
        # no input text becomes a formula; the only formulas are the printed list's look-ups
        # of the reviewer's entries (the officer's 判断/担当/期限 typed in 対応一覧)
        formulas = [
            (ws.title, c.column, str(c.value))
            for ws in wb
            for row in ws.iter_rows()
            for c in row
            if c.data_type == "f"
        ]
        assert all(
            title == "対応一覧（印刷用）"
            and column in (7, 8, 9)
            and value.startswith("=IFERROR(INDEX(")
            for title, column, value in formulas
        )
    assert digest_of(path) == before  # the input is never modified


def test_long_cells_are_cut_at_excels_limit(tmp_path):
    path = corpus.long_cells(tmp_path)
    CliRunner().invoke(cli, ["audit", str(path), "--out", str(tmp_path / "out")])
    ws = load_workbook(tmp_path / "out" / "report.xlsx")["独自規定"]
    longest = max(len(str(c.value or "")) for c in ws["D"])
    assert longest <= 32_767


def test_limits_are_configurable_and_named(tmp_path):
    path = corpus.long_cells(tmp_path)
    result = CliRunner().invoke(cli, ["audit", str(path), "--max-rows", "2"])
    assert result.exit_code == 1
    assert "上限の 2 行を超えています" in result.output and "--max-rows" in result.output
    result = CliRunner().invoke(cli, ["audit", str(path), "--max-file-mb", "1"])
    assert result.exit_code == 0  # the file is well under 1 MB


def test_control_characters_never_reach_xml_or_json(tmp_path):
    path = corpus.control_characters(tmp_path)
    result = CliRunner().invoke(cli, ["audit", str(path), "--json", "--out", str(tmp_path / "o")])
    assert result.exit_code == 0
    json.loads(result.output)
    load_workbook(tmp_path / "o" / "report.xlsx")  # well-formed XML


def test_atomic_write_leaves_nothing_on_failure(tmp_path, monkeypatch):
    target = tmp_path / "report.xlsx"
    target.write_bytes(b"old")

    def fail(*_args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        write_atomic(target, b"new contents")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.xlsx"]


def test_debug_shows_the_traceback(tmp_path):
    path = corpus.empty(tmp_path)
    result = CliRunner().invoke(cli, ["--debug", "audit", str(path)])
    assert result.exit_code == 1
    assert isinstance(result.exception, GapcheckError)


# --- property tests ------------------------------------------------------------------------

_WIDTH = str.maketrans(
    {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)} | {" ": "\u3000"}
)  # half-width ASCII -> full-width forms


@given(st.text())
def test_normalize_is_idempotent(text):
    assert normalize(normalize(text)) == normalize(text)


@given(st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E)))
def test_normalize_is_width_insensitive(text):
    assert normalize(text.translate(_WIDTH)) == normalize(text)


@given(st.text())
@example("1\n")  # found by Hypothesis: $ matched before the newline
def test_numbering_parsers_never_raise_unexpectedly(text):
    number, rest = split_number(text)
    assert isinstance(number, str) and isinstance(rest, str)
    if is_valid(text):
        assert str(ClauseNumber.parse(text)) == text
    else:
        with pytest.raises(ValueError):
            ClauseNumber.parse(text)


@given(st.integers(1, 20), st.integers(0, 12), st.integers(0, 30), st.integers(0, 50))
def test_canonical_numbers_round_trip(section, sub, item, subitem):
    number = ClauseNumber(section, sub, item, subitem if item else 0)
    assert ClauseNumber.parse(str(number)) == number


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.binary(max_size=2000),
    suffix=st.sampled_from([".xlsx", ".csv", ".txt", ".html", ".docx", ".xls"]),
)
def test_readers_give_a_result_or_a_gapcheck_error(tmp_path, data, suffix):
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    try:
        read_policy(path)
    except GapcheckError:
        pass


def test_openpyxl_parses_xml_through_defusedxml():
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True


def test_atomic_write_honours_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        path = write_atomic(tmp_path / "r.html", "x")
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644
