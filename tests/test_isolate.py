"""A user's file is parsed in a child process with limits (issue #26): whatever the parse does
(abort, eat memory, loop, raise), the caller gets its result or one clear error naming the
file, and goes on."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import openpyxl
import pytest

from gapcheck import load_catalog
from gapcheck.errors import Hint, InputFileError, PolicyFormatError
from gapcheck.isolate import Limits, isolated
from gapcheck.pipeline import run_audit

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="no limits on Windows")

FILE = Path("町の規程.xlsx")


def _aborts() -> None:
    os.abort()  # what a Rust parser's failed allocation does


def _eats_memory() -> bytes:
    return b"x" * (512 * 1024 * 1024)


def _loops() -> None:
    n = 0
    while True:
        n += 1


def _refuses() -> None:
    raise PolicyFormatError(f"{FILE}: 文字コードを判別できません。", path=FILE, hint=Hint.ENCODING)


def _answers(a: int, *, b: int) -> dict[str, int]:
    return {"sum": a + b, "pid": os.getpid()}


@pytest.mark.parametrize(
    ("func", "limits", "message"),
    [
        (
            _aborts,
            Limits(),
            f"{FILE}: ファイルを読む途中で処理が異常終了しました（シグナル 6）。ファイルが壊れているか、"
            "安全に読めない作りになっています。元のソフトで開いて別名で保存し直すか、別の形式"
            "（.xlsx、.csv、.txt）で保存してもう一度お試しください。",
        ),
        (
            _eats_memory,
            Limits(memory_mb=64),
            f"{FILE}: ファイルを読むのに必要なメモリが上限（64 MB）を超えたため、読むのをやめました。"
            "ファイルに不要な行・列・シートが大量にないか確かめ、不要な部分を削除して保存し直してください。",
        ),
        (
            _loops,
            Limits(cpu_seconds=1),
            f"{FILE}: ファイルを読むのに時間がかかりすぎたため（CPU 時間 1 秒で打ち切り）、"
            "読むのをやめました。ファイルが壊れていないか確かめ、必要な部分だけを別のファイルに"
            "保存してもう一度お試しください。",
        ),
    ],
    ids=["abort", "memory", "cpu"],
)
def test_a_parse_that_cannot_finish_is_one_clear_error(func, limits, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputFileError) as caught:
        isolated(func, path=FILE, limits=limits)
    assert (str(caught.value), caught.value.path) == (message, FILE)


def test_the_result_and_the_errors_cross_back_whole() -> None:
    answer = isolated(_answers, 2, path=FILE, b=3)
    assert answer["sum"] == 5 and answer["pid"] != os.getpid()  # it ran in another process
    with pytest.raises(PolicyFormatError) as caught:
        isolated(_refuses, path=FILE)
    e = caught.value
    assert (e.message, e.path, e.hint, e.for_web()) == (
        f"{FILE}: 文字コードを判別できません。",
        FILE,
        Hint.ENCODING,
        f"{FILE}: 文字コードを判別できません。文字コードは「CSV・テキストの文字コード」で選べます。",
    )


def test_an_audit_reads_its_file_in_a_child(tmp_path: Path) -> None:
    """The audit's read goes through the child: a far cell spelled in lower case (which once
    aborted the whole process) is read, and the command's process is still there to say so."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["条番号", "見出し", "本文"])
    ws.append(["第1条", "目的", "町の情報資産を脅威から守るため、この規程を定める。"])
    ws["XFD1048576"] = "x"
    path = tmp_path / "far.xlsx"
    book.save(path)
    report = run_audit(path, load_catalog())
    assert [r.row.text for r in report.rows] == [
        "町の情報資産を脅威から守るため、この規程を定める。"
    ]
