"""The click layer: output, JSON contracts, exact errors and exit codes."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from gapcheck.catalog import load_catalog
from gapcheck.cli import cli

BUNDLED = ["2015-03", "2018-09", "2020-12", "2022-03", "2023-03", "2024-10", "2025-03"]


@pytest.fixture
def run():
    def invoke(*args: str):
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)

    return invoke


def test_versions_text(run):
    result = run("versions")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == ["版", "名称", "公表", "条項数", "追加・変更", "削除"]
    assert [line.split()[0] for line in lines[1:8]] == BUNDLED
    assert lines[-1] == "最新版: 令和7年3月版（2025-03）"


def test_versions_json(run):
    result = run("versions", "--json")
    data = json.loads(result.output)
    catalog = load_catalog()
    assert [(d["id"], d["label"], d["date"], d["clauses"]) for d in data] == [
        (e.id, e.label, e.date, len(e)) for e in catalog.editions
    ]
    assert data[1]["previous"] == "2015-03"


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
    }
    for item in data:
        assert required <= item.keys()
        assert item["section"] == "6.4"
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
