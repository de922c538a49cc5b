"""The click layer: output, JSON contracts, exact errors and exit codes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from gapcheck.catalog.loader import load_catalog
from gapcheck.cli import cli

BUNDLED = [
    "2006-09", "2010-11", "2015-03", "2018-09", "2020-12", "2022-03", "2023-03", "2024-10", "2025-03",
]  # fmt: skip


@pytest.fixture
def run():
    def invoke(*args: str):
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)

    return invoke


def test_versions_text(run):
    result = run("versions")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == [
        "版", "名称", "公表", "条項数", "うち推定", "追加・変更", "削除", "変更のうち推定",
    ]  # fmt: skip
    catalog = load_catalog()
    body = [line.split() for line in lines[1 : 1 + len(catalog.editions)]]
    assert [row[0] for row in body] == BUNDLED
    # per edition: clauses, estimated clauses, changes, removals, estimated changes
    assert [[int(row[i]) for i in (4, 5, 6, 7)] for row in body] == [
        [sum(1 for c in e if c.basis.estimate), len(e.changed()), len(e.removed),
         e.estimated_changes()]
        for e in catalog.editions
    ]  # fmt: skip
    latest = body[-1]
    assert latest[1:3] == ["令和7年3月版（第11版）", "2025-03-28"]
    assert lines[-2] == "最新版: 令和7年3月版（2025-03）"
    assert lines[-1].startswith("「推定」は、")


def test_versions_json(run):
    result = run("versions", "--json")
    data = json.loads(result.output)
    catalog = load_catalog()
    assert [(d["id"], d["label"], d["date"], d["clauses"]) for d in data] == [
        (e.id, e.label, e.date, len(e)) for e in catalog.editions
    ]
    latest = data[-1]
    assert (latest["published"], latest["ordinal"], latest["depth"]) == ("2025-03-28", 11, "full")
    assert (latest["estimated_clauses"], latest["estimated_changes"]) == (
        sum(1 for c in catalog.latest if c.basis.estimate),
        catalog.latest.estimated_changes(),
    )
    assert [d["previous"] for d in data] == [None, *BUNDLED[:-1]]
    assert [d["depth"] for d in data[:3]] == ["outline", "outline", "full"]


def test_clauses_json_contract(run):
    result = run("clauses", "2025-03", "--section", "6.4", "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data, "section 6.4 has clauses"
    required = {
        "key",
        "number",
        "part",
        "section",
        "heading",
        "text",
        "level",
        "needs_procedure",
        "plain",
        "basis",
        "sources",
    }
    for item in data:
        assert required <= item.keys()
        assert item["section"] == "6.4"
        assert (item["basis"] == "estimate") == (item["sources"] == [])
        assert item["level"] in {"duty", "recommendation", "permission"}
    assert [d["key"] for d in data] == [
        c.key for c in load_catalog().edition("2025-03").in_section("6.4")
    ]


def test_clauses_text_and_latest_alias(run):
    result = run("clauses", "latest", "--section", "基本方針")
    assert result.exit_code == 0
    assert result.output.startswith("令和7年3月版（2025-03） ")
    assert "基本方針 1  目的" in result.output


def test_clauses_whole_edition(run):
    data = json.loads(run("clauses", "2015-03", "--json").output)
    assert len(data) == len(load_catalog().edition("2015-03"))


def test_glossary(run):
    data = json.loads(run("glossary", "--json").output)
    assert {"term": "CSIRT"}.items() <= next(d for d in data if d["term"] == "CSIRT").items()
    text = run("glossary").output
    assert "ガバメントクラウド\n    " in text


def test_unknown_version_is_an_error_line_and_exit_1():
    result = CliRunner().invoke(cli, ["clauses", "2019-01"])
    assert result.exit_code == 1
    assert result.output == (
        "Error: 版 '2019-01' はカタログにありません。利用できる版: "
        + ", ".join(BUNDLED)
        + "（`gapcheck versions` で一覧を表示できます）\n"
    )


def test_unknown_section_is_a_usage_error():
    result = CliRunner().invoke(cli, ["clauses", "2015-03", "--section", "11"])
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (
        "Error: 平成27年3月版 に節 '11' の条項はありません（例: 6 / 6.4 / 基本方針）。"
    )


def test_debug_reraises():
    result = CliRunner().invoke(cli, ["--debug", "clauses", "2019-01"])
    assert result.exit_code == 1
    assert type(result.exception).__name__ == "UnknownVersionError"


def test_bad_guidelines_folder(tmp_path):
    result = CliRunner().invoke(cli, ["--guidelines", str(tmp_path / "none"), "versions"])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {tmp_path / 'none'}: 版のフォルダが見つかりません。")


def test_guidelines_env_var(make_catalog):
    root = make_catalog()
    # the small catalog's editions (2020-01, 2021-01) sort before the bundled ones: the
    # chain breaks and the loader says so, proving the folder was read.
    result = CliRunner(env={"GAPCHECK_GUIDELINES": str(root)}).invoke(cli, ["versions"])
    assert result.exit_code == 1
    assert "previous は直前の版" in result.output


# --- audit / sample / demo -------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_policy(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample")
    result = CliRunner().invoke(
        cli,
        ["sample", "--version", "2020-12", "--seed", "4", "--out", str(out / "p.xlsx"),
         "--truth", str(out / "truth.json")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (
        result.output
        == f"令和2年12月版に準拠した架空のポリシーを書き出しました: {out / 'p.xlsx'}\n"
    )
    return out / "p.xlsx"


def test_audit_json_contract(sample_policy):
    result = CliRunner().invoke(cli, ["audit", str(sample_policy), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["target"], data["follows"], data["lag_years"]) == ("2025-03", "2020-12", 4.2)
    assert set(data["counts"]) == {
        "covered", "outdated", "partial", "missing", "review", "not-applicable", "unread",
    }  # fmt: skip
    assert sum(data["counts"].values()) == len(data["clauses"]) == len(load_catalog().latest)
    clause_fields = {"key", "number", "status", "follows", "rows", "score"}
    row_fields = {"sheet", "row", "number", "status", "clauses", "score", "method"}
    assert all(clause_fields <= c.keys() for c in data["clauses"])
    assert all(row_fields <= r.keys() for r in data["rows"])
    assert all(isinstance(r["row"], int) for r in data["rows"])


def test_audit_text_summary_and_out(sample_policy, tmp_path):
    result = CliRunner().invoke(cli, ["audit", str(sample_policy), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1] == "照合先: 令和7年3月版（2025-03）"
    assert lines[2:4] == [
        "読み込んだ規定 278 件: 照合できた 274 件 / 要確認 3 件 / 独自規定 1 件",
        "準拠している版: 令和2年12月版相当（最新版から 4.2 年の遅れ）",
    ]
    assert lines[-4:] == [
        "結果を書き出しました:",
        f"  {tmp_path / 'audit.json'}",
        f"  {tmp_path / 'report.xlsx'}",
        f"  {tmp_path / 'report.html'}",
    ]
    assert json.loads((tmp_path / "audit.json").read_text(encoding="utf-8"))["follows"] == "2020-12"


def test_audit_previous_carries_decisions(sample_policy, tmp_path):
    first = json.loads(CliRunner().invoke(cli, ["audit", str(sample_policy), "--json"]).output)
    first["clauses"][0]["decision"] = {"decision": "対象外", "reason": "該当なし"}
    previous = tmp_path / "last.json"
    previous.write_text(json.dumps(first, ensure_ascii=False), encoding="utf-8")
    second = json.loads(
        CliRunner().invoke(cli, ["audit", str(sample_policy), "--previous", str(previous),
                                 "--json"]).output
    )  # fmt: skip
    assert second["clauses"][0]["decision"]["decision"] == "対象外"
    assert second["clauses"][0]["status"] == "not-applicable"


def test_fail_on_gaps(sample_policy):
    result = CliRunner().invoke(cli, ["audit", str(sample_policy), "--fail-on-gaps"])
    assert result.exit_code == 3


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p, "ファイルが見つかりません。パスとファイル名を確認してください。"),
        (
            lambda p: (p.write_text("ただのテキスト", encoding="utf-8"), p)[1],
            "このファイルは Excel ファイルとして読めません。中身はテキストです。CSV なら拡張子を .csv に、"
            "例規の本文なら .txt に変えてください。",
        ),
        (
            lambda p: (p.write_bytes(b""), p)[1],
            "ファイルが空です（0 バイト）。内容を保存したファイルを指定してください。",
        ),
    ],
)
def test_audit_bad_input_is_one_error_line(tmp_path, make, message):
    path = make(tmp_path / "policy.xlsx")
    result = CliRunner().invoke(cli, ["audit", str(path)])
    assert result.exit_code == 1
    assert result.output == f"Error: {path}: {message}\n"


def test_audit_unknown_sheet(sample_policy):
    result = CliRunner().invoke(cli, ["audit", str(sample_policy), "--sheet", "別紙"])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {sample_policy}: シート「別紙」がありません。")


def test_demo(tmp_path):
    result = CliRunner().invoke(cli, ["demo", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "準拠している版: 令和2年12月版相当（最新版から 4.2 年の遅れ）" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "audit.json", "report.html", "report.xlsx", "sample_policy.xlsx", "sample_truth.json",
    ]  # fmt: skip
    assert result.output.splitlines()[-3:] == [
        f"  {tmp_path / 'audit.json'}", f"  {tmp_path / 'report.xlsx'}", f"  {tmp_path / 'report.html'}",
    ]  # fmt: skip


def test_sample_refuses_an_outline_edition(run):
    result = run("sample", "--version", "2010-11", "--out", "never.xlsx")
    assert (result.exit_code, result.output) == (
        1,
        "Error: 平成22年11月版（2010-11）は概要（節と主な項目）だけを収録した版なので、"
        "ポリシー全体を合成できません。2015-03 以降の版を指定してください。\n",
    )


@pytest.mark.parametrize(
    ("command", "new", "old"),
    [
        (["audit", "--help"], "--edition", "--target"),
        (["survey", "--help"], "--edition", "--target"),
        (["sample", "--help"], "--edition", "--version"),
        (["import-guideline", "--help"], "--base-edition", "--base"),
    ],
)
def test_one_word_for_an_edition_old_spellings_hidden(run, command, new, old):
    """Issue #15: options that name an edition say so; an earlier spelling still works for a
    release but is not offered in --help (and `--version` no longer shadows the tool's own)."""
    text = run(*command).output
    assert re.search(rf"^\s+{new} ", text, re.M) and not re.search(rf"{old}\b(?!-)", text)


def test_old_spelling_still_accepted(run, tmp_path):
    old = run("sample", "--version", "2020-12", "--out", str(tmp_path / "a.xlsx"))
    new = run("sample", "--edition", "2020-12", "--out", str(tmp_path / "b.xlsx"))
    assert (old.exit_code, new.exit_code) == (0, 0)
    assert old.output.replace("a.xlsx", "b.xlsx") == new.output


def _gapcheck(*args: str, **env: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "gapcheck", *args],
        capture_output=True,
        env={**os.environ, **env},
        timeout=120,
        check=False,
    )


def test_stdout_on_a_full_disk_is_one_error_line():
    with open("/dev/full", "wb") as full:
        done = subprocess.run(
            [sys.executable, "-m", "gapcheck", "versions"],
            stdout=full,
            stderr=subprocess.PIPE,
            timeout=120,
            check=False,
        )
    assert (done.returncode, done.stderr.decode()) == (
        1,
        "Error: 結果を標準出力に書き込めません（書き込み先のディスクがいっぱいです）。"
        "出力先を変えてやり直してください。\n",
    )


@pytest.mark.parametrize("encoding", ["latin-1", "ascii"])
def test_a_terminal_that_cannot_show_japanese_gets_utf8(encoding):
    done = _gapcheck("versions", PYTHONIOENCODING=encoding)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode("utf-8").splitlines()[0].startswith("版 ")
    failed = _gapcheck("audit", "無い.xlsx", PYTHONIOENCODING=encoding)
    assert (failed.returncode, failed.stderr.decode("utf-8")) == (
        1,
        "Error: 無い.xlsx: ファイルが見つかりません。パスとファイル名を確認してください。\n",
    )
