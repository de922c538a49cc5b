"""Read a municipality's policy from a spreadsheet or from 例規 text.

:func:`read_policy` is the one entry point. It looks at the file's content as well as its
extension (an .xls that is really .xlsx, a tab-separated 「Unicode テキスト」 saved as .txt)
and returns a :class:`~gapcheck.readers.policy.Policy`:

* spreadsheets (Excel workbooks, CSV, tab-separated text): one row per table row with text;
  ``row`` is the Excel row number, ``context`` the chapter rows above it;
* 例規 (text, HTML, Word, PDF): one row per 項 with its own text and per 号; ``row`` is the
  reference such as ``第23条の2第1項第3号``.

The formats and their extensions are those registered in
:data:`~gapcheck.readers.kinds.POLICY_FORMATS`. Every problem the user can fix is a
:class:`PolicyFormatError` naming the file (and sheet). The input file is only ever read, as
bytes, once: its SHA-256 is of exactly what was parsed.

This module holds the checks before any format is chosen and the limits a user can raise;
:mod:`~gapcheck.readers.kinds` chooses the format and reads with it, through
:mod:`~gapcheck.readers.sniff` (what holds the bytes), :mod:`~gapcheck.readers.workbooks` and
:mod:`~gapcheck.readers.sheets` (spreadsheets and CSV) and :mod:`~gapcheck.readers.texts`
(例規 text, HTML, Word, PDF).
"""

from __future__ import annotations

from os import PathLike
from pathlib import Path

from gapcheck.errors import Hint, PolicyFormatError
from gapcheck.readers.kinds import POLICY_FORMATS, Probe
from gapcheck.readers.policy import Policy

__all__ = ["MAX_FILE_MB", "MAX_INFLATED_MB", "MAX_ROWS", "read_policy"]

# Limits the user can raise (--max-rows, --max-file-mb, --max-inflated-mb)
MAX_ROWS = 100_000
MAX_FILE_MB = 200
MAX_INFLATED_MB = 500


def read_policy(
    path: str | PathLike[str],
    *,
    sheet: str | None = None,
    encoding: str | None = None,
    max_rows: int = MAX_ROWS,
    max_file_mb: int = MAX_FILE_MB,
    max_inflated_mb: int = MAX_INFLATED_MB,
) -> Policy:
    """Read a policy file: a spreadsheet or CSV, or 例規 text (.txt, .html, .docx, or a PDF
    with a text layer).

    ``sheet`` picks a workbook sheet, any of them (default: the one that looks most like a
    policy among the first MAX_SHEETS; a CSV has one sheet, named after the file, and ignores
    it). A stray cell far outside the table (XFD1048576) is ignored: only the first
    ``max_rows`` rows and MAX_COLUMNS columns are read, and memory follows the cells present;
    an .xls too large to open safely is refused. ``encoding`` overrides the
    detection for CSV and text; more than ``max_rows`` rows is an error, so a runaway sheet
    cannot exhaust memory; so is a file over ``max_file_mb`` or a workbook part inflating
    beyond ``max_inflated_mb`` (a zip bomb). Macros in .xlsm are never run: the file is only
    parsed. The input is only read, never written.

    >>> policy = read_policy("対策基準.xlsx")  # doctest: +SKIP
    >>> policy.rows[0].where  # doctest: +SKIP
    '対策基準!4行'
    """
    p = Path(path)
    if not p.exists():
        raise PolicyFormatError(
            f"{p}: ファイルが見つかりません。パスとファイル名を確認してください。"
        )
    if p.is_dir():
        raise PolicyFormatError(
            f"{p}: フォルダです。ポリシーのファイル（{POLICY_FORMATS.suggested()}）を指定してください。"
        )
    size = p.stat().st_size
    if size > max_file_mb * 1_000_000:
        raise PolicyFormatError(
            f"{p}: ファイルが大きすぎます（{size:,} バイト、上限 {max_file_mb} MB）。"
            "ポリシーのファイルか確かめてください。",
            path=p,
            hint=Hint.MAX_FILE_MB,
        )
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise PolicyFormatError(f"{p}: ファイルを読めません（{exc.strerror}）。") from exc
    if not data:
        raise PolicyFormatError(
            f"{p}: ファイルが空です（0 バイト）。内容を保存したファイルを指定してください。"
        )
    probe = Probe(
        p,
        data,
        sheet=sheet,
        encoding=encoding,
        max_rows=max_rows,
        max_inflated_mb=max_inflated_mb,
    )
    return POLICY_FORMATS.choose(probe).read(probe)
