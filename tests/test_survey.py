"""The national survey: identification, bad files, links, the archive, trend, reports, CLI."""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from gapcheck.catalog.loader import load_catalog
from gapcheck.cli import cli
from gapcheck.errors import GapcheckError
from gapcheck.gaps.audit import audit
from gapcheck.gaps.status import Status
from gapcheck.readers.formats import read_policy
from gapcheck.render.report_survey import SHEETS, write_survey
from gapcheck.survey.archive import connect, trend_of
from gapcheck.survey.inputs import walk
from gapcheck.survey.national import survey
from gapcheck.survey.results import BodyResult, SurveyResult, TrendPoint, share, share_text
from gapcheck.synth.nation import generate_nation, write_nation
from gapcheck.synth.sample import generate_policy, write_sample

# A sentence of one input that must never reach any report (only statuses leave the audit).
SECRET = "本区の独自規定として、庁舎屋上の養蜂箱の管理は総務課長が行わなければならない。"


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def policy(folder: Path, name: str, edition: str, catalog, *, style: str = "spreadsheet",
           body: str = "本市", seed: int = 1, extra: str = "",
           tier: str = "light") -> Path:  # fmt: skip
    """A generated policy written to ``folder/name`` (its truth kept out of the folder)."""
    sample = generate_policy(catalog.edition(edition), seed=seed, style=style, body=body, tier=tier)
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    truth = folder.parent / "truth" / f"{name.replace('/', '_')}.json"
    truth.parent.mkdir(parents=True, exist_ok=True)
    write_sample(sample, path, truth)
    if extra:
        with path.open("a", encoding="utf-8") as fh:
            fh.write(f"\n第200条　{extra}\n")
    return path


@pytest.fixture(scope="module")
def nation(tmp_path_factory, catalog):
    """Six inputs: codes (6 and 5 digits), a name only, no code, an audit JSON, two bad files."""
    root = tmp_path_factory.mktemp("survey")
    folder = root / "policies"
    policy(folder, "13_東京都/131016_千代田区.txt", "2025-03", catalog, style="reiki",
           body="本区", extra=SECRET)  # fmt: skip
    policy(folder, "01_北海道/01100_札幌市.xlsx", "2018-09", catalog, seed=2)
    policy(folder, "47_沖縄県/那覇市_対策基準.txt", "2015-03", catalog, style="reiki", seed=3)
    policy(folder, "草案.xlsx", "2020-12", catalog, seed=4)
    json_source = policy(root / "elsewhere", "nagoya.xlsx", "2023-03", catalog, seed=5)
    report = audit(read_policy(json_source), catalog)
    (folder / "23_愛知県").mkdir()
    (folder / "23_愛知県" / "231002_名古屋市.json").write_text(
        json.dumps(report.to_dict(), ensure_ascii=False), encoding="utf-8"
    )
    (folder / "141003_横浜市.xlsx").write_text("Excel ではありません", encoding="utf-8")
    (folder / "271004_大阪市.csv").write_bytes(b"")
    (folder / ".DS_Store").write_bytes(b"\0")
    return root


def run(root: Path, catalog, **kw):
    kw.setdefault("db", root / "out" / "survey.sqlite")
    kw.setdefault("year", 2025)
    kw.setdefault("jobs", 1)
    return survey(root / "policies", catalog, **kw)


@pytest.fixture(scope="module")
def first(nation, catalog):
    result = run(nation, catalog)
    write_survey(result, nation / "out")
    return result


def test_bodies_identified_and_judged(first):
    rows = [
        [b.file, b.code, b.name, b.kind, b.follows, b.editions_behind, list(b.flags)]
        for b in first.bodies
    ]
    assert rows == [
        ["01_北海道/01100_札幌市.xlsx", "011002", "札幌市", "市", "2018-09", 5, []],
        ["13_東京都/131016_千代田区.txt", "131016", "千代田区", "区", "2025-03", 0, []],
        ["23_愛知県/231002_名古屋市.json", "231002", "名古屋市", "市", "2023-03", 2, []],
        ["47_沖縄県/那覇市_対策基準.txt", "472018", "那覇市", "市", "2015-03", 6, ["name-matched"]],
        ["草案.xlsx", None, "草案.xlsx", "", "2020-12", 4, ["no-code"]],
    ]
    assert first.by_version == {
        "2006-09": 0, "2010-11": 0, "2015-03": 1, "2018-09": 1, "2020-12": 1, "2022-03": 0,
        "2023-03": 1, "2024-10": 0, "2025-03": 1,
    }  # fmt: skip
    assert (first.audited, first.reused) == (7, 0)


def test_bad_files_recorded_and_survey_carries_on(first):
    assert [(f.file, f.code) for f in first.failed] == [
        ("141003_横浜市.xlsx", "141003"),
        ("271004_大阪市.csv", "271004"),
    ]
    assert "Excel ファイルとして読めません" in first.failed[0].reason
    assert "ファイルが空です" in first.failed[1].reason
    assert not first.failed[0].reason.startswith("/")  # the path is in .file, not the reason


def test_aggregates(first):
    assert [(g.label, g.bodies, g.newest, g.behind) for g in first.by_kind] == [
        ("市", 3, 0, 3),
        ("区", 1, 1, 0),
        ("不明", 1, 0, 1),
    ]
    assert [b.name for b in first.behind] == ["那覇市", "札幌市", "草案.xlsx", "名古屋市"]
    assert first.median_lag == 4.2  # of 0, 2.0, 4.2, 6.5, 10.0 years
    top = first.top_clauses()
    assert len(top) == 20
    assert all(g.clause.plain for g in top)
    assert [g.share for g in top] == sorted((g.share for g in top), reverse=True)


def test_uptake_counts_only_bodies_that_could_have_the_clause(first):
    """Issue #13: a body still on an older edition lacks a newer clause because it has not
    caught up; the uptake of a clause is measured among the bodies that reached it."""
    ids = [e for e, _ in first.editions]
    catalog = load_catalog()
    for g in first.top_clauses():
        reached = [b for b in first.judged if ids.index(b.follows) >= ids.index(g.since)]
        assert g.bodies == len(reached) >= 3, g.clause.key
        clause = g.clause
        assert clause.level.value != "permission" and clause.key not in catalog.conditions
        assert "定義" not in clause.headings[0] and "用語" not in " ".join(clause.headings[:-1])
    # a clause that came with the newest edition counts only the bodies on it
    newest = [g for g in first.uptake if g.since == first.target.id]
    assert newest and all(g.bodies == first.newest for g in newest)


def test_json_contract(first):
    data = first.to_dict()
    assert {"bodies", "failed", "by_version", "summary", "trend", "by_prefecture"} <= set(data)
    assert set(data["bodies"][0]) >= {"file", "code", "follows", "lag_years", "coverage"}
    assert data["failed"] == [
        {"file": f.file, "reason": f.reason, "code": f.code} for f in first.failed
    ]
    assert data["summary"]["failed"] == 2
    json.dumps(data)


def test_rerun_reuses_everything(nation, catalog, first):
    again = run(nation, catalog)
    assert (again.audited, again.reused) == (0, 7)
    assert all(b.reused for b in again.bodies)
    assert [b.follows for b in again.bodies] == [b.follows for b in first.bodies]
    assert again.failed == first.failed


def ranged_and_unjudged(tmp_path: Path, catalog) -> None:
    """札幌市: a heavily reworded 2020-12 policy whose evidence gives only a range; 千代田区: two
    provisions, too few to judge any edition."""
    folder = tmp_path / "policies"
    policy(folder, "011002_札幌市.xlsx", "2020-12", catalog, seed=30, tier="heavy")
    (folder / "131016_千代田区.txt").write_text(
        "第1条　この規程は、情報の取扱いについて定める。\n第2条　職員は、この規程を守らなければならない。\n",
        encoding="utf-8",
    )


def stored_ranges(db: Path) -> list[tuple[str, int]]:
    conn = sqlite3.connect(db)
    try:
        return sorted(conn.execute("SELECT follows_label, ranged FROM results"))
    finally:
        conn.close()


def test_range_or_no_match_is_told_by_the_evidence(tmp_path, catalog):
    """Issue #22: whether an unpinned edition is a range is stored from the audit's evidence,
    not read back from the label's words."""
    ranged_and_unjudged(tmp_path, catalog)
    first = run(tmp_path, catalog)
    assert [(b.name, b.follows, b.flags) for b in first.bodies] == [
        ("札幌市", None, ("range",)),
        ("千代田区", None, ("no-match",)),
    ]
    db = tmp_path / "out" / "survey.sqlite"
    labels = {b.name: b.follows_label for b in first.bodies}
    assert labels["千代田区"].startswith("判定できません")
    assert stored_ranges(db) == sorted([(labels["札幌市"], 1), (labels["千代田区"], 0)])
    # a stored result's flag comes from its column, whatever its label says
    with sqlite3.connect(db) as conn:
        conn.execute(
            "UPDATE results SET follows_label = '判定できません（書き換え）' WHERE ranged = 1"
        )
    conn.close()
    again = run(tmp_path, catalog)
    assert (again.audited, again.reused) == (0, 2)
    assert [b.flags for b in again.bodies] == [("range",), ("no-match",)]


def test_archive_of_layout_1_is_upgraded_and_reused(tmp_path, catalog):
    """An archive written before the column ``ranged`` opens, gets it (from each stored label,
    once) and all its results are reused with the same flags."""
    ranged_and_unjudged(tmp_path, catalog)
    first = run(tmp_path, catalog)
    db = tmp_path / "out" / "survey.sqlite"
    stored = stored_ranges(db)
    with sqlite3.connect(db) as conn:  # back to layout 1, as gapcheck wrote it before #22
        conn.executescript("""
            CREATE TABLE old AS SELECT sha256, target, catalog, ok, reason, follows,
                follows_label, lag_years, older, rows, statuses FROM results;
            DROP TABLE results;
            CREATE TABLE results (
                sha256 TEXT NOT NULL, target TEXT NOT NULL, catalog TEXT NOT NULL,
                ok INTEGER NOT NULL, reason TEXT, follows TEXT, follows_label TEXT,
                lag_years REAL, older INTEGER, rows INTEGER, statuses TEXT,
                PRIMARY KEY (sha256, target, catalog));
            INSERT INTO results SELECT * FROM old;
            DROP TABLE old;
            UPDATE meta SET value = '1' WHERE key = 'schema';
        """)
    conn.close()
    again = run(tmp_path, catalog)
    assert (again.audited, again.reused) == (0, 2)
    assert [(b.follows, b.flags) for b in again.bodies] == [
        (b.follows, b.flags) for b in first.bodies
    ]
    assert stored_ranges(db) == stored
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone() == ("2",)
    conn.close()


def test_archive_of_an_unknown_layout_is_refused(tmp_path):
    db = tmp_path / "survey.sqlite"
    connect(db).close()
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE meta SET value = '3' WHERE key = 'schema'")
    conn.close()
    with pytest.raises(
        GapcheckError, match="調査の記録の形式（3）がこの gapcheck（2）と異なります"
    ):
        connect(db)


def test_touched_file_is_hashed_not_audited(tmp_path, catalog):
    path = policy(tmp_path / "policies", "131016_千代田区.xlsx", "2024-10", catalog)
    run(tmp_path, catalog)
    os.utime(path, ns=(1, 1))
    again = run(tmp_path, catalog)
    assert (again.audited, again.reused) == (0, 1)


def test_trend_across_two_years(tmp_path, catalog):
    folder = tmp_path / "policies"
    policy(folder, "131016_千代田区.xlsx", "2024-10", catalog)
    policy(folder, "011002_札幌市.xlsx", "2018-09", catalog, seed=2)
    run(tmp_path, catalog, year=2025)
    policy(folder, "011002_札幌市.xlsx", "2025-03", catalog, seed=2)  # 札幌市 caught up
    later = run(tmp_path, catalog, year=2026)
    assert (later.audited, later.reused) == (1, 1)
    assert [(t.year, t.bodies, t.newest, t.by_version) for t in later.trend] == [
        (2025, 2, 0, {"2018-09": 1, "2024-10": 1}),
        (2026, 2, 1, {"2024-10": 1, "2025-03": 1}),
    ]


def test_parallel_same_as_sequential(nation, catalog, first, tmp_path):
    parallel = run(nation, catalog, db=tmp_path / "p.sqlite", jobs=2)
    assert parallel.audited == 7
    assert [(b.code, b.follows, b.counts) for b in parallel.bodies] == [
        (b.code, b.follows, b.counts) for b in first.bodies
    ]
    assert parallel.statuses == first.statuses


def test_links_are_not_followed(tmp_path, catalog):
    inside = tmp_path / "in"
    policy(inside, "131016_千代田区.xlsx", "2025-03", catalog)
    outside = policy(tmp_path / "secret", "011002_札幌市.xlsx", "2018-09", catalog)
    (inside / "011002_札幌市.xlsx").symlink_to(outside)
    (inside / "loop").symlink_to(inside, target_is_directory=True)
    (inside / "a").symlink_to(inside / "b")
    (inside / "b").symlink_to(inside / "a")
    (inside / "copy.xlsx").symlink_to(inside / "131016_千代田区.xlsx")
    files, skipped = walk(inside)
    assert [f.rel for f in files] == ["131016_千代田区.xlsx"]
    outside_msg = "入力フォルダの外を指すリンクです。安全のため読み飛ばしました。"
    broken_msg = "リンク先がありません（切れたリンクか循環するリンク）。読み飛ばしました。"
    inside_msg = "フォルダ内を指すリンクです。二重に数えないよう、リンク先そのものだけを調べます。"
    assert [(s.file, s.reason) for s in skipped] == [
        ("011002_札幌市.xlsx", outside_msg),
        ("a", broken_msg),
        ("b", broken_msg),
        ("copy.xlsx", inside_msg),
        ("loop", inside_msg),
    ]
    result = survey(inside, catalog, jobs=1)
    assert [b.code for b in result.bodies] == ["131016"]


def test_strict_master_flags_unknown_codes(tmp_path, catalog):
    policy(tmp_path / "policies", "131016_千代田区.xlsx", "2025-03", catalog)
    policy(tmp_path / "policies", "011002_札幌市.xlsx", "2025-03", catalog)
    master = tmp_path / "bodies.csv"
    master.write_text(
        "団体コード,都道府県,団体名,区分,人口\n131016,東京都,千代田区,区,67000\n", encoding="utf-8"
    )
    result = run(tmp_path, catalog, master=master)
    assert [(b.code, b.name, b.population, b.flags) for b in result.bodies] == [
        ("011002", "札幌市", None, ("not-in-master",)),
        ("131016", "千代田区", 67000, ()),
    ]


def test_reports_reopened_without_policy_text(nation, first):
    out = nation / "out"
    wb = load_workbook(out / "survey.xlsx")
    assert wb.sheetnames == list(SHEETS)
    assert wb["概要"]._charts, "the 概要 sheet carries a native chart"
    assert wb["都道府県別"].conditional_formatting, "the prefecture table has a colour scale"
    failed = [row for row in wb["読み取れない資料"].iter_rows(min_row=4, values_only=True)]
    assert [r[0] for r in failed] == ["141003_横浜市.xlsx", "271004_大阪市.csv"]
    with (out / "clauses.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["団体コード", "団体名", "条項キー", "項番", "状態", "状態名"]
    assert len(rows) == 1 + 5 * len(first.target)
    assert (out / "clauses.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    html = (out / "survey.html").read_text(encoding="utf-8")
    assert "<svg" in html and "都道府県別" in html and "総務省の公式統計ではありません" in html
    with zipfile.ZipFile(out / "survey.xlsx") as z:
        xml = "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    for text in (xml, html, (out / "clauses.csv").read_text(encoding="utf-8-sig")):
        assert "養蜂箱" not in text
    # and the archive keeps no text either
    assert b"\xe9\xa4\x8a\xe8\x9c\x82" not in (out / "survey.sqlite").read_bytes()  # 養蜂


def test_missing_folder(tmp_path, catalog):
    from gapcheck.errors import GapcheckError

    with pytest.raises(GapcheckError, match="フォルダが見つかりません"):
        survey(tmp_path / "none", catalog)


# --- the synthetic nation --------------------------------------------------------------------


def test_nation_structure(catalog):
    bodies = generate_nation(catalog, count=1788, seed=0)
    kinds = {k: sum(1 for b in bodies if b.kind == k) for k in ("都道府県", "市", "区", "町", "村")}
    assert kinds == {"都道府県": 47, "市": 792, "区": 23, "町": 743, "村": 183}
    assert len({b.code for b in bodies}) == 1788
    assert 4 <= sum(1 for b in bodies if b.broken) <= 10
    small = [b for b in bodies if b.kind in "町村" and b.edition]
    large = [b for b in bodies if b.kind == "都道府県" and b.edition]
    share_old = lambda group: sum(b.edition < "2020-12" for b in group) / len(group)  # noqa: E731
    assert share_old(small) > share_old(large)


def test_nation_later_year_catches_up_and_keeps_the_rest(catalog):
    a = generate_nation(catalog, count=200, year=2025, seed=3)
    b = generate_nation(catalog, count=200, year=2026, seed=3)
    moved = [(x.edition, y.edition) for x, y in zip(a, b, strict=True) if x != y]
    assert moved and all(new > old for old, new in moved)
    assert len(moved) < len(a) / 2


def test_cli_sample_nation_then_survey(tmp_path):
    runner = CliRunner()
    made = runner.invoke(cli, ["sample-nation", "--count", "12", "--seed", "2", "--jobs", "1",
                               "--out", str(tmp_path / "nation")])  # fmt: skip
    assert made.exit_code == 0, made.output
    assert "12団体の架空のポリシーを書き出しました" in made.output
    args = ["survey", str(tmp_path / "nation" / "policies"), "--master",
            str(tmp_path / "nation" / "bodies.csv"), "--year", "2025", "--jobs", "1",
            "--out", str(tmp_path / "out")]  # fmt: skip
    result = runner.invoke(cli, [*args, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert len(data["bodies"]) + len(data["failed"]) == 12
    assert sum(data["by_version"].values()) == len(data["bodies"])
    assert {f["reason"] != "" for f in data["failed"]} <= {True}
    text = runner.invoke(cli, args)
    assert text.exit_code == 0, text.output
    assert "前回の結果を再利用 " in text.output and "読み取れなかった資料: " in text.output
    assert (tmp_path / "out" / "survey.sqlite").exists()


def test_cli_survey_errors(tmp_path):
    result = CliRunner().invoke(cli, ["survey", str(tmp_path / "none"), "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "フォルダが見つかりません" in result.output
    bad = CliRunner().invoke(cli, ["survey", str(tmp_path), "--target", "1999-01"])
    assert bad.exit_code == 1 and "版 '1999-01' はカタログにありません" in bad.output


def test_write_nation_keeps_unchanged_files(tmp_path, catalog):
    write_nation(catalog, tmp_path, count=6, seed=4, jobs=1)
    files = sorted(p for p in (tmp_path / "policies").rglob("*") if p.is_file())
    before = {p: p.stat().st_mtime_ns for p in files}
    write_nation(catalog, tmp_path, count=6, seed=4, jobs=1)
    assert {p: p.stat().st_mtime_ns for p in files} == before


@pytest.mark.parametrize(
    ("value", "cell", "text"),
    [(20 / 118, 0.169, "16.9%"), (0.16949, 0.169, "16.9%"), (0.1695, 0.17, "17.0%"),
     (1 / 3, 0.333, "33.3%"), (None, None, "—")],
)  # fmt: skip
def test_shares_are_rounded_once_for_every_output(value, cell, text):
    """Issue #13: the cell value (shown 0.0%), the sentence and the JSON agree."""
    assert (share(value), share_text(value)) == (cell, text)
    if cell is not None:
        assert f"{cell * 100:.1f}%" == text


# --- the tables, from a result made by hand ------------------------------------------------

IDS = ("2006-09", "2010-11", "2015-03", "2018-09", "2020-12", "2022-03", "2023-03", "2024-10",
       "2025-03")  # fmt: skip
# body, code, prefecture, kind, population, follows, lag, coverage, letters of the first 5 clauses
# (the rest 対応済み; None: no letters kept). 大坂府 is a misspelt archive row: counted as 不明.
BODIES = [
    ("011002", "011002", "北海道", "市", 1_973_000, "2025-03", 0.0, 0.95, "MMOMM"),
    ("012025", "012025", "北海道", "市", 80_000, "2018-09", 2.3, 0.6, "CMMMM"),
    ("131016", "131016", "東京都", "区", 67_000, None, None, 0.2, "MMMMM"),
    ("132012", "132012", "東京都", "市", 560_000, "2015-03", 10.0, 0.5, "CMMMO"),
    ("file:草案.xlsx", None, "", "", None, "2020-12", 4.2, 0.75, "OOMMC"),
    ("273414", "273414", "大阪府", "町", 9_000, "2024-10", 0.4, 0.875, "CCCPC"),
    ("271004", "271004", "大坂府", "市", 2_750_000, "2023-03", 2.0, 0.7, "PCCCC"),
    ("013030", "013030", "北海道", "村", 800, "2022-03", 3.0, 0.3, None),
]


@pytest.fixture(scope="module")
def made(catalog):
    edition = catalog.edition("2025-03")
    clauses = edition.clauses
    bodies, statuses = [], {}
    for body, code, prefecture, kind, population, follows, lag, coverage, letters in BODIES:
        bodies.append(
            BodyResult(body, f"{body}.xlsx", code, body, prefecture, kind, population, follows,
                       follows or "判定できません", lag,
                       None if follows is None else len(IDS) - 1 - IDS.index(follows), coverage,
                       {}, 10, "0" * 64)
        )  # fmt: skip
        if letters is not None:
            # 271004's letters stop after the fifth clause (a shorter row is read as far as it goes)
            statuses[body] = letters + ("" if body == "271004" else "C" * (len(clauses) - 5))
    keys = [c.key for c in clauses[:5]]
    return SurveyResult(
        target=edition, editions=tuple((e.id, e.label) for e in catalog.editions), year=2025,
        bodies=tuple(bodies), failed=(), skipped=(), trend=(), audited=8, reused=0, db=None,
        statuses=statuses,
        since={keys[0]: "2025-03", keys[1]: "2020-12", keys[2]: "2020-12", keys[3]: "2020-12",
               keys[4]: "2015-03"},
        candidates=frozenset(keys),
    )  # fmt: skip


def test_group_tables(made):
    def rows(groups):
        return [(g.label, g.bodies, g.newest, g.median_lag, share(g.mean_coverage), g.behind)
                for g in groups]  # fmt: skip

    # median lag of 0.0 and 2.3 is 1.15, a tenth as Python rounds it: 1.1 (numpy: 1.2)
    assert rows(made.by_prefecture) == [
        ("北海道", 3, 1, 2.3, 0.617, 2),
        ("東京都", 2, 0, 10.0, 0.5, 1),  # 131016's coverage is not averaged: no edition told
        ("大阪府", 1, 0, 0.4, 0.875, 0),
        ("不明", 2, 0, 3.1, 0.725, 2),
    ]
    assert rows(made.by_kind) == [
        ("市", 4, 1, 2.1, 0.688, 3),
        ("区", 1, 0, None, None, 0),
        ("町", 1, 0, 0.4, 0.875, 0),
        ("村", 1, 0, 3.0, 0.3, 1),
        ("不明", 1, 0, 4.2, 0.75, 1),
    ]
    assert rows(made.by_size) == [
        ("1万人未満", 2, 0, 1.7, 0.588, 1),
        ("5万〜20万人", 2, 0, 2.3, 0.6, 1),
        ("20万〜100万人", 1, 0, 10.0, 0.5, 1),
        ("100万人以上", 2, 1, 1.0, 0.825, 1),
        ("人口不明", 1, 0, 4.2, 0.75, 1),
    ]
    assert (made.newest, made.median_lag, made.by_version) == (
        1, 2.3, {"2006-09": 0, "2010-11": 0, "2015-03": 1, "2018-09": 1, "2020-12": 1,
                 "2022-03": 1, "2023-03": 1, "2024-10": 1, "2025-03": 1, "unknown": 1},
    )  # fmt: skip
    assert [b.body for b in made.behind] == [
        "132012", "012025", "file:草案.xlsx", "013030", "271004"
    ]  # fmt: skip


def test_clause_tables(made):
    """Every body with letters counts nationally; the uptake only those that reached the
    clause's wording; the ranking: share, then missing + outdated, then missing, then edition
    order (issue #13)."""
    gaps = [
        (g.missing, g.outdated, g.count(Status.PARTIAL), g.bodies) for g in made.clause_gaps[:6]
    ]
    assert gaps == [(2, 1, 1, 7), (4, 1, 0, 7), (4, 1, 0, 7), (5, 0, 1, 7), (3, 1, 0, 7),
                    (0, 0, 0, 7)]  # fmt: skip
    keys = [c.key for c in made.target.clauses[:5]]
    uptake = [(g.clause.key, g.bodies, g.missing, g.outdated, g.count(Status.PARTIAL), g.since)
              for g in made.uptake]  # fmt: skip
    assert uptake == [
        (keys[0], 1, 1, 0, 0, "2025-03"),
        (keys[1], 4, 1, 1, 0, "2020-12"),
        (keys[2], 4, 1, 1, 0, "2020-12"),
        (keys[3], 4, 2, 0, 1, "2020-12"),
        (keys[4], 6, 2, 1, 0, "2015-03"),
    ]
    assert [g.clause.key for g in made.top_clauses()] == [keys[4], keys[3], keys[1], keys[2]]
    assert [g.clause.key for g in made.top_clauses(2)] == [keys[4], keys[3]]


def test_trend_by_year(tmp_path):
    """Per year: bodies read, on the target, the median lag and the editions; failures apart."""
    conn = connect(tmp_path / "a.sqlite")
    rows = [  # sha256, year, ok, follows, lag
        ("a", 2023, 0, None, None),
        ("b", 2024, 1, "2018-09", 6.5),
        ("c", 2024, 1, None, None),
        ("d", 2024, 0, None, None),
        ("e", 2025, 1, "2025-03", 0.0),
        ("f", 2025, 1, "2015-03", 10.0),
    ]
    with conn:
        for sha, year, ok, follows, lag in rows:
            conn.execute(
                "INSERT INTO results (sha256, target, catalog, ok, reason, follows, follows_label,"
                " lag_years, rows, statuses) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (sha, "2025-03", "cat", ok, "", follows, "", lag, 3, "CC"),
            )
            conn.execute(
                "INSERT INTO survey (body, year, target, catalog, sha256, file, name, prefecture,"
                " kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (sha, year, "2025-03", "cat", sha, f"{sha}.xlsx", sha, "", ""),
            )
    assert trend_of(conn, "2025-03") == (
        TrendPoint(2023, 0, 0, None, {}, 1),
        TrendPoint(2024, 2, 0, 6.5, {"2018-09": 1, "unknown": 1}, 1),
        TrendPoint(2025, 2, 1, 5.0, {"2015-03": 1, "2025-03": 1}, 0),
    )
    conn.close()
