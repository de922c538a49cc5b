"""Issue 14, the national survey: a dying worker, non-UTF-8 file names, a file that changes
while it is read, and a misspelt master. Every input is generated here, in tmp_path."""

from __future__ import annotations

import dataclasses
import faulthandler
import hashlib
import json
import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

import gapcheck.survey.national as survey_module
import gapcheck.survey.workers as workers_module
from gapcheck.catalog.loader import load_catalog
from gapcheck.cli import cli
from gapcheck.errors import MasterError
from gapcheck.readers.formats import read_policy
from gapcheck.render.report_survey import summary_lines, write_survey
from gapcheck.survey.bodies import load_master
from gapcheck.survey.inputs import display_name
from gapcheck.survey.national import survey
from gapcheck.survey.results import CHANGED_REASON, UNKNOWN
from gapcheck.survey.workers import crash_reason
from gapcheck.synth.nation import write_nation
from gapcheck.synth.sample import generate_policy, write_sample

ABORT = "ABORT-THE-WORKER"  # a line that makes the patched reader abort its process


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def write_policy(path: Path, catalog, edition: str = "2023-03", seed: int = 1) -> Path:
    sample = generate_policy(catalog.edition(edition), seed=seed, style="reiki", body="本市")
    path.parent.mkdir(parents=True, exist_ok=True)
    write_sample(sample, path, path.parent.parent / f"truth-{seed}.json")
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def stored(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {r[0] for r in conn.execute("SELECT sha256 FROM results")}


def assert_tables_sum(result) -> None:
    n = len(result.bodies)
    assert sum(g.bodies for g in result.by_prefecture) == n
    assert sum(g.bodies for g in result.by_kind) == n
    assert sum(g.bodies for g in result.by_size) == n


# --- item 2: a worker that dies -------------------------------------------------------------


def aborting_reader(path, *args, **kwargs):
    """read_policy, except that a file holding ABORT kills its process like a native crash."""
    if ABORT.encode() in Path(path).read_bytes():
        faulthandler.disable()  # no Python traceback: a native abort prints none either
        os.abort()
    return read_policy(path, *args, **kwargs)


@pytest.mark.parametrize("jobs", [2, None], ids=["two-workers", "default-on-one-cpu"])
def test_a_worker_that_dies_does_not_sink_the_survey(tmp_path, catalog, monkeypatch, jobs):
    monkeypatch.setattr(workers_module, "read_policy", aborting_reader)
    monkeypatch.setattr(survey_module, "available_cpus", lambda: 1)  # jobs=None: one worker
    folder = tmp_path / "policies"
    for n, code in enumerate(
        ["011002_札幌市", "131016_千代田区", "141003_横浜市", "271004_大阪市"]
    ):
        write_policy(folder / f"{code}.txt", catalog, seed=n + 1)
    bomb = folder / "131016_千代田区.txt"
    bomb.write_text(bomb.read_text(encoding="utf-8") + f"\n{ABORT}\n", encoding="utf-8")
    db = tmp_path / "out" / "survey.sqlite"

    result = survey(folder, catalog, db=db, year=2025, jobs=jobs)
    written = write_survey(result, tmp_path / "out")
    assert [(f.file, f.code, f.reason) for f in result.failed] == [
        ("131016_千代田区.txt", "131016", crash_reason(-6))
    ]
    assert crash_reason(-6) == (
        "照合の処理がこのファイルの読み取り中に異常終了しました（シグナル SIGABRT）。"
        "ファイルが壊れているか、極端に大きい可能性があります。Excel などで開いて確認し、"
        "保存し直してください。ファイルが変わるまで、次回からはこのファイルを読まずに失敗として記録します。"
    )
    assert sorted(b.code for b in result.bodies) == ["011002", "141003", "271004"]
    assert (result.audited, result.reused) == (4, 0)
    assert summary_lines(result)[4:6] == [
        "読み取れなかった資料: 1件（理由は「読み取れない資料」を参照）。",
        "うち照合の処理を異常終了させた資料: 1件"
        "（次回からは、ファイルが変わるまで読まずに失敗として記録します）。",
    ]
    assert all(p.stat().st_size > 0 for p in written)

    # a re-run does not run it again: the crash is known by the file's hash
    again = survey(folder, catalog, db=db, year=2025, jobs=jobs)
    assert (again.audited, again.reused) == (0, 4)
    assert [(f.file, f.reason) for f in again.failed] == [("131016_千代田区.txt", crash_reason(-6))]

    # ... unless it changed
    write_policy(bomb, catalog, seed=2)
    fixed = survey(folder, catalog, db=db, year=2025, jobs=jobs)
    assert (fixed.audited, fixed.reused, fixed.failed) == (1, 3, ())
    assert len(fixed.bodies) == 4


# --- item 3: file names that are not UTF-8 --------------------------------------------------

CP932_NAMES = [
    # (bytes name, shown as, code)
    ("131016_千代田区.txt".encode("cp932"), "131016_千代田区.txt", "131016"),
    ("札幌市_対策基準.txt".encode("cp932"), "札幌市_対策基準.txt", "011002"),
    (b"\xff\xfe_policy.txt", "\\xff\\xfe_policy.txt", None),
]


def test_names_that_are_not_utf8_are_read_and_shown(tmp_path, catalog):
    root = tmp_path / "policies"
    sub = os.path.join(os.fsencode(root), "大阪".encode("cp932"))
    os.makedirs(sub)
    for n, (raw, _, _) in enumerate(CP932_NAMES):
        write_policy(Path(os.fsdecode(os.path.join(os.fsencode(root), raw))), catalog, seed=n + 1)
    broken = os.path.join(sub, "271004_\x91\xe5\x8d\xe3\x8es.xlsx".encode("latin-1"))
    with open(broken, "wb") as fh:  # a cp932 name in a cp932 folder, not a workbook
        fh.write(b"not a workbook")
    out = tmp_path / "out"

    runner = CliRunner()
    res = runner.invoke(cli, ["survey", str(root), "--out", str(out), "--jobs", "1", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    shown = {b["file"]: (b["code"], "name-encoding" in b["flags"]) for b in data["bodies"]}
    assert shown == {s: (c, True) for _, s, c in CP932_NAMES}
    assert [(f["file"], f["code"]) for f in data["failed"]] == [
        ("大阪/271004_大阪市.xlsx", "271004")
    ]

    text = runner.invoke(cli, ["survey", str(root), "--out", str(out), "--jobs", "1"])
    assert text.exit_code == 0, text.output
    assert "読み取れなかった資料: 1件（理由は「読み取れない資料」を参照）。" in text.output
    assert (
        "ファイル名が UTF-8 でない資料: 3件（Shift_JIS として読める名前はそのように表示しています）。"
        in text.output
    )

    html = (out / "survey.html").read_text(encoding="utf-8")
    assert "\\xff\\xfe_policy.txt" in html and "千代田区" in html
    wb = load_workbook(out / "survey.xlsx")
    cells = {str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value}
    assert "大阪/271004_大阪市.xlsx" in cells
    with sqlite3.connect(out / "survey.sqlite") as conn:
        files = {r[0] for r in conn.execute("SELECT file FROM survey")}
        keys = [r[0] for r in conn.execute("SELECT path FROM files")]
    assert files == {s for _, s, _ in CP932_NAMES} | {"大阪/271004_大阪市.xlsx"}
    assert sum(k.startswith("bytes:") for k in keys) == 4
    assert (data["summary"]["audited"], data["summary"]["failed"]) == (4, 1)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        (b"\x93\xfa\x96\x7b.xlsx", "日本.xlsx"),
        (b"a/\x93\xfa\x96\x7b/b.txt", "a/日本/b.txt"),
        (b"\xff.txt", "\\xff.txt"),
        ("千代田区.txt".encode(), "千代田区.txt"),
    ],
)
def test_display_name(raw, shown):
    assert display_name(os.fsdecode(raw)) == shown


# --- item 5: a file that changes while it is read -------------------------------------------


def test_a_file_changed_while_read_is_not_stored(tmp_path, catalog, monkeypatch):
    folder = tmp_path / "policies"
    moving = write_policy(folder / "131016_千代田区.txt", catalog, "2015-03", seed=1)
    write_policy(folder / "011002_札幌市.txt", catalog, seed=2)
    before = sha256(moving)
    calls = []

    def rewriting_reader(path, *args, **kwargs):
        if Path(path) == moving and not calls:  # the writer finishes while we read
            calls.append(path)
            write_policy(moving, catalog, "2025-03", seed=3)
        return read_policy(path, *args, **kwargs)

    monkeypatch.setattr(workers_module, "read_policy", rewriting_reader)
    db = tmp_path / "survey.sqlite"
    result = survey(folder, catalog, db=db, year=2025, jobs=1)
    assert [(f.file, f.reason) for f in result.failed] == [("131016_千代田区.txt", CHANGED_REASON)]
    assert CHANGED_REASON == (
        "読み取っている間にファイルが書き換えられたため、結果を記録しませんでした。"
        "コピーや保存が終わってから、もう一度調べてください。"
    )
    assert before not in stored(db) and sha256(moving) not in stored(db)
    assert summary_lines(result)[-1] == (
        "うち読み取り中に書き換えられた資料: 1件（コピーや保存が終わってから、もう一度調べてください）。"
    )

    again = survey(folder, catalog, db=db, year=2025, jobs=1)
    assert (again.audited, again.reused, again.failed) == (1, 1, ())
    assert sha256(moving) in stored(db)
    assert {b.code: b.follows for b in again.bodies}["131016"] == "2025-03"


# --- item 9: the master ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def nation(tmp_path_factory, catalog):
    root = tmp_path_factory.mktemp("nation")
    write_nation(catalog, root, count=12, year=2025, seed=3, jobs=1)
    return root


def aomori_misspelt(rows: list[str]) -> str:
    rows.append("022012,青森,青森市,市,275000")  # 青森 for 青森県
    return (
        "14行目の都道府県 '青森' は47都道府県の名前ではありません。"
        "「青森県」のように正式な名前で書いてください。"
    )


def prefecture_of_another_code(rows: list[str]) -> str:
    code, pref, *rest = rows[2].split(",")
    rows[2] = ",".join([code, "沖縄県", *rest])
    return (
        f"3行目の都道府県 '沖縄県' が団体コード {code} の都道府県（{pref}）と合いません。"
        "どちらかを直してください。"
    )


def wrong_check_digit(rows: list[str]) -> str:
    bad = rows[2][:5] + str((int(rows[2][5]) + 1) % 10)
    rows[2] = bad + rows[2][6:]
    return (
        f"3行目の団体コード '{bad}' が正しくありません"
        "（6桁で、最後の1桁が検査数字。例: 131016 千代田区）。"
    )


def duplicate(rows: list[str]) -> str:
    rows[5] = rows[2][:6] + rows[5][6:]
    return (
        f"6行目の団体コード {rows[2][:6]} は前の行と重複しています（3行目）。"
        "どちらかの行を削除してください。"
    )


@pytest.mark.parametrize(
    "edit", [aomori_misspelt, prefecture_of_another_code, wrong_check_digit, duplicate]
)
def test_master_problems_are_refused_with_their_line(nation, catalog, tmp_path, edit):
    rows = (nation / "bodies.csv").read_text(encoding="utf-8").splitlines()
    expected = edit(rows)
    master = tmp_path / "bodies.csv"
    master.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(MasterError) as info:
        load_master(master)
    assert str(info.value) == (
        f"{master}: {expected}\n団体の一覧を直してから、もう一度実行してください。"
    )
    with pytest.raises(MasterError):  # refused before any file is read
        survey(nation / "policies", catalog, master=master, jobs=1)


def test_every_problem_of_the_master_is_listed(tmp_path):
    master = tmp_path / "bodies.csv"
    rows = ["団体コード,都道府県,団体名,区分,人口"] + [
        f"13101{n},東京,千代田区,区," for n in range(30)
    ]
    master.write_text("\n".join(rows), encoding="utf-8")
    with pytest.raises(MasterError) as info:
        load_master(master)
    lines = str(info.value).splitlines()
    assert len(lines) == 22 and lines[-2] == "（ほかに 10 件）"
    assert lines[1].startswith("3行目の団体コード '131011' が正しくありません")


def test_every_table_sums_to_the_bodies_surveyed(nation, catalog, tmp_path):
    folder = nation / "policies"
    result = survey(folder, catalog, master=nation / "bodies.csv", year=2025, jobs=1)
    assert len(result.bodies) >= 10
    assert_tables_sum(result)
    # a body whose prefecture is not one of the 47 (an old archive, a hand-made result)
    odd = dataclasses.replace(result.bodies[0], prefecture="青森", kind="郡")
    twisted = dataclasses.replace(result, bodies=(odd, *result.bodies[1:]))
    assert_tables_sum(twisted)
    assert twisted.by_prefecture[-1].label == UNKNOWN and twisted.by_prefecture[-1].bodies >= 1
    assert twisted.by_kind[-1].label == UNKNOWN
    write_survey(twisted, tmp_path / "out")
    html = (tmp_path / "out" / "survey.html").read_text(encoding="utf-8")
    assert UNKNOWN in html


def test_clauses_csv_never_carries_a_formula(tmp_path, catalog):
    # a file name built to run in Excel (issue #14, item 4): every CSV cell is neutralised
    folder = tmp_path / "in"
    folder.mkdir()
    write_policy(folder / "=2+5+cmd|' -C calc'!A0.txt", catalog)
    result = survey(folder, catalog, db=tmp_path / "a.sqlite", jobs=1)
    written = write_survey(result, tmp_path / "out")
    csv_path = next(p for p in written if p.name == "clauses.csv")
    lines = csv_path.read_text(encoding="utf-8-sig").splitlines()
    assert lines[1].split(",")[1].startswith("\"'=2+5+cmd") or lines[1].split(",")[1].startswith(
        "'=2+5+cmd"
    ), lines[1]
    assert not any(
        cell.startswith(("=", "+", "-", "@")) for line in lines for cell in line.split(",")
    )
