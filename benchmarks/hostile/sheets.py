"""Hostile workbooks (issue #14, items 1 and 10): time and peak memory of reading them.

``cases()`` gives (name, callable) pairs; each callable builds its workbook in a fresh
temporary folder, reads it with :func:`gapcheck.readers.formats.read_policy` and returns a one-line
outcome (rows read and the sheet, or the ``PolicyFormatError``). A runner times each case in
a fresh subprocess; this file also runs on its own, one subprocess per case, printing wall
time and peak RSS (the child's ``ru_maxrss``) against the targets, ≤ 60 s and ≤ 1 GB:

    python benchmarks/hostile/sheets.py [CASE ...]

Cases: the sample policy with one value in XFD1048576 (a dense read asked for 512 GiB and
aborted) or in CV1048576 (3.6 GB, 36 s); 10,000 sheets (324 s: quadratic in sheets); an .xls
with a value in its last cell IV65536 on each of 3 sheets (calamine builds every .xls sheet
densely when it opens the file, 512 MB a sheet: now refused before it is opened).
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository: tests.corpus

from tests.corpus import many_sheets

SHEETS = 10_000


def _read(path: Path) -> str:
    from gapcheck.errors import PolicyFormatError
    from gapcheck.readers.formats import read_policy

    try:
        policy = read_policy(path)
    except PolicyFormatError as exc:
        return f"Error: {str(exc)[:120]}"
    return f"{len(policy.rows)} rows from sheet {policy.sheet[:40]}"


def _sample_policy(path: Path) -> Path:
    """The fictional town's policy that ``gapcheck sample`` writes (about 37 KB)."""
    from gapcheck.catalog.loader import load_catalog
    from gapcheck.synth.sample import generate_policy, write_sample

    edition = load_catalog().latest
    write_sample(generate_policy(edition, seed=7, tier="light"), path, path.with_suffix(".json"))
    return path


def _far_cell(ref: str) -> Callable[[], str]:
    def run() -> str:
        import openpyxl

        with tempfile.TemporaryDirectory() as tmp:
            path = _sample_policy(Path(tmp) / "policy.xlsx")
            book = openpyxl.load_workbook(path)
            book.worksheets[0][ref] = "x"
            book.save(path)
            return _read(path)

    return run


def _many_sheets() -> str:
    """SHEETS sheets, the policy table on the first, a memo on each other (written as XML)."""
    table = [["条番号", "見出し", "本文"]] + [
        [f"第{n}条", f"見出し{n}", f"職員は情報資産を第{n}条のとおり適切に管理する。"]
        for n in range(1, 201)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        return _read(many_sheets(Path(tmp) / "sheets.xlsx", SHEETS, table))


def _xls_last_cell() -> str:
    import xlwt

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "policy.xls"
        book = xlwt.Workbook()
        for sheet in ("基準", "別紙1", "別紙2"):
            ws = book.add_sheet(sheet)
            ws.write(0, 0, "条番号")
            ws.write(0, 1, "本文")
            for n in range(1, 201):
                ws.write(n, 0, f"第{n}条")
                ws.write(n, 1, f"職員は情報資産を第{n}条のとおり適切に管理する。")
            ws.write(65535, 255, "x")
        book.save(str(path))
        return _read(path)


def cases() -> list[tuple[str, Callable[[], object]]]:
    return [
        ("far-cell-XFD1048576", _far_cell("XFD1048576")),
        ("far-cell-CV1048576", _far_cell("CV1048576")),
        (f"sheets-{SHEETS}", _many_sheets),
        ("xls-3-sheets-IV65536", _xls_last_cell),
    ]


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from hostile_bench import run_module

    sys.exit(run_module(__file__, sys.argv[1:]))
