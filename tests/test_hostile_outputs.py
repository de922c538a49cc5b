"""Hostile inputs and unlucky outputs (issue 14, items 4, 6, 7, 8 and 11).

Every input is generated here in ``tmp_path``. Each case checks the exact ``Error:`` line and
exit code, that the input files are unchanged, and that no half-written output set is left.
"""

from __future__ import annotations

import csv
import errno
import hashlib
import io
import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import gapcheck.cli
import gapcheck.io
import gapcheck.pipeline
from gapcheck.catalog.loader import bundled_dir
from gapcheck.catalog.yamlfile import read_yaml
from gapcheck.cli import cli
from gapcheck.errors import quote
from gapcheck.io import csv_safe, csv_text, write_csv_atomic

AUDIT_SET = ["audit.json", "report.html", "report.xlsx"]
HINT = "`gapcheck audit --json` で出力した JSON を指定してください。"
NOT_REGULAR = "通常のファイルではありません（フォルダ・デバイス・名前付きパイプなど）。"
ANCHOR = (
    "YAML のエイリアス（*）を展開すると上限（2,000,000 要素）を超えます。"
    "エイリアスを使わず、必要な内容をそのまま書いてください。"
)


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def digests(folder: Path) -> dict[str, str]:
    return {p.name: digest(p) for p in sorted(folder.iterdir()) if p.is_file()}


def error_line(result) -> str:
    assert "Traceback" not in result.output
    assert result.output.count("\n") == 1, result.output
    return result.output.rstrip("\n")


def alias_bomb(levels: int = 10) -> str:
    """The billion laughs: 9**levels strings from a few hundred bytes."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def audited(tmp_path_factory) -> Path:
    """A sample policy (例規 text) and last run's complete output set in ``o/``."""
    root = tmp_path_factory.mktemp("audited")
    assert run("sample", "--version", "2020-12", "--style", "reiki", "--out",
               str(root / "policy.txt")).exit_code == 0  # fmt: skip
    result = run("audit", str(root / "policy.txt"), "--out", str(root / "o"))
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def work(audited, tmp_path) -> Path:
    shutil.copytree(audited, tmp_path / "w")
    return tmp_path / "w"


# --- item 4: CSV cells that Excel would run ------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=2+5+cmd|' /C calc'!A0", "'=2+5+cmd|' /C calc'!A0"),
        ("+81-3-1234", "'+81-3-1234"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("千代田区", "千代田区"),
        ("131016", "131016"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
    ],
)
def test_csv_cells_are_neutralised(cell, written):
    assert csv_safe(cell) == written


def test_csv_writer_neutralises_every_cell(tmp_path):
    rows = [["団体コード", "団体名"], ["=2+5+cmd|' /C calc'!A0.xlsx", "@那覇市"], ["131016", "-"]]
    path = write_csv_atomic(tmp_path / "x.csv", rows)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("\ufeff")
    back = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert back == [["団体コード", "団体名"], ["'=2+5+cmd|' /C calc'!A0.xlsx", "'@那覇市"],
                    ["131016", "'-"]]  # fmt: skip
    assert not any(c.startswith(("=", "+", "-", "@")) for row in back for c in row)
    assert csv_text([["a"]], bom=False) == "a\r\n"


# --- item 6: YAML alias bombs, devices and FIFOs as catalog files ---------------------------


def _user_catalog(tmp_path: Path) -> Path:
    folder = tmp_path / "gl" / "2025-03"
    folder.mkdir(parents=True)
    shutil.copy(bundled_dir() / "2025-03" / "edition.yaml", folder / "edition.yaml")
    return tmp_path / "gl"


def test_alias_bomb_in_catalog_is_refused(tmp_path):
    gl = _user_catalog(tmp_path)
    bomb = gl / "2025-03" / "clauses.yaml"
    bomb.write_text(alias_bomb(), encoding="utf-8")
    before = digest(bomb)
    result = run("--guidelines", str(gl), "versions")
    assert result.exit_code == 1
    assert error_line(result) == f"Error: {bomb.resolve()}: {ANCHOR}"
    assert digest(bomb) == before


def test_alias_bomb_through_the_environment_variable(tmp_path, monkeypatch):
    gl = _user_catalog(tmp_path)
    (gl / "2025-03" / "clauses.yaml").write_text(alias_bomb(), encoding="utf-8")
    monkeypatch.setenv("GAPCHECK_GUIDELINES", str(gl))
    result = run("diff", "2018-09", "2025-03")
    assert result.exit_code == 1
    assert error_line(result).endswith(f"clauses.yaml: {ANCHOR}")


def test_a_benign_alias_is_read(tmp_path):
    # PyYAML itself writes anchors for a list used twice: such a file must still load
    path = tmp_path / "x.yaml"
    path.write_text("a: 1\nb: &x [1]\nc: *x\n", encoding="utf-8")
    assert {k: v for k, v in read_yaml(path).items() if k != "__line__"} == {
        "a": 1, "b": [1], "c": [1],
    }  # fmt: skip


def test_ampersand_in_text_is_not_an_anchor(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("text: 'R&D と A & B'\n", encoding="utf-8")
    assert read_yaml(path)["text"] == "R&D と A & B"


def test_alias_bomb_as_review_file(tmp_path):
    review = tmp_path / "review.yaml"
    review.write_text(alias_bomb(), encoding="utf-8")
    guideline = tmp_path / "g.txt"
    guideline.write_text("dummy\n", encoding="utf-8")
    result = run("--guidelines", str(tmp_path / "gl"), "import-guideline", str(guideline),
                 "--version", "2026-03", "--review", str(review))  # fmt: skip
    assert result.exit_code == 1
    assert error_line(result) == f"Error: 確認ファイルを読めません: {review}: {ANCHOR}"
    assert not (tmp_path / "gl").exists()


@pytest.mark.parametrize("kind", ["dev_zero", "fifo", "folder"])
def test_catalog_file_that_is_not_a_regular_file(tmp_path, kind):
    gl = _user_catalog(tmp_path)
    path = gl / "2025-03" / "clauses.yaml"
    if kind == "dev_zero":
        path.symlink_to("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(path)
    else:
        path.mkdir()
    result = run("--guidelines", str(gl), "versions")
    assert result.exit_code == 1
    shown = gl.resolve() / "2025-03" / "clauses.yaml"
    assert error_line(result) == f"Error: {shown}: {NOT_REGULAR}YAML ファイルを指定してください。"


def test_oversized_catalog_file(tmp_path):
    gl = _user_catalog(tmp_path)
    path = gl / "2025-03" / "clauses.yaml"
    with open(path, "wb") as fh:
        fh.truncate(20_000_001)
    result = run("--guidelines", str(gl), "versions")
    assert result.exit_code == 1
    assert error_line(result) == (
        f"Error: {path.resolve()}: YAML ファイルとして大きすぎます（上限 20 MB）。"
        "正しいファイルか確かめてください。"
    )


@pytest.mark.parametrize("suffix", [".json", ".xlsx"])
@pytest.mark.parametrize("kind", ["dev_zero", "fifo"])
def test_previous_that_is_not_a_regular_file(work, kind, suffix):
    previous = work / f"previous{suffix}"
    if kind == "dev_zero":
        previous.symlink_to("/dev/zero")
    else:
        os.mkfifo(previous)
    before = digests(work / "o")
    result = run("audit", str(work / "policy.txt"), "--previous", str(previous),
                 "--out", str(work / "o"))  # fmt: skip
    assert result.exit_code == 1
    what = ("前回の結果ファイルを指定してください。" if suffix == ".json"
            else "gapcheck が書き出した報告書（.xlsx）を指定してください。")  # fmt: skip
    assert error_line(result) == f"Error: {previous}: {NOT_REGULAR}{what}"
    assert digests(work / "o") == before


# --- item 7: output-side OS errors --------------------------------------------------------


def _no_staging_left(folder: Path) -> None:
    assert not [p.name for p in folder.iterdir() if p.name.startswith(".gapcheck-")]


def _enospc(*_args, **_kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


FULL = "ディスクの空きがありません"
TAIL = (
    "前回の結果があれば、そのまま残っています。"
    "空き容量と書き込みの権限を確かめるか、--out で別のフォルダを指定してください。"
)


@pytest.mark.parametrize(
    "failing",
    ["gapcheck.render.report_xlsx.write_workbook", "gapcheck.render.report_html.write_html"],
    ids=["workbook", "html"],
)
def test_full_disk_leaves_last_runs_set(work, monkeypatch, failing):
    out = work / "o"
    before = digests(out)
    monkeypatch.setattr(failing, _enospc)  # the writers load when a report is written
    result = run("audit", str(work / "policy.txt"), "--target", "2024-10", "--out", str(out))
    assert result.exit_code == 1
    assert error_line(result) == f"Error: {out} に結果を書き出せません（{FULL}）。{TAIL}"
    assert digests(out) == before  # the whole previous set, not a mix
    _no_staging_left(out)


def test_full_disk_on_first_run_leaves_nothing(work, monkeypatch):
    out = work / "new"
    monkeypatch.setattr("gapcheck.render.report_html.write_html", _enospc)
    result = run("audit", str(work / "policy.txt"), "--out", str(out))
    assert result.exit_code == 1
    assert list(out.iterdir()) == []


def test_failed_move_puts_the_old_set_back(work, monkeypatch):
    out = work / "o"
    before = digests(out)
    real = os.replace
    calls = []

    def flaky(src, dst):
        calls.append(dst)
        if len(calls) == 4:  # old audit.json out, new in, old report.html out, then fail
            raise OSError(errno.EIO, "I/O error")
        return real(src, dst)

    monkeypatch.setattr(gapcheck.io.os, "replace", flaky)
    with pytest.raises(gapcheck.io.OutputError):
        with gapcheck.io.output_set(out) as stage:
            for name in AUDIT_SET:
                (stage / name).write_text("new", encoding="utf-8")
    assert digests(out) == before
    _no_staging_left(out)


def test_read_only_folder(work, monkeypatch):
    out = work / "o"
    before = digests(out)

    def denied(*_args, **_kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(gapcheck.io.tempfile, "mkdtemp", denied)
    result = run("audit", str(work / "policy.txt"), "--out", str(out))
    assert result.exit_code == 1
    assert (
        error_line(result)
        == f"Error: {out} に結果を書き出せません（書き込みの権限がありません）。{TAIL}"
    )
    assert digests(out) == before


NOT_DIR = "途中にフォルダではなくファイルがあります"


@pytest.mark.parametrize(
    "command",
    [
        ["audit", "{policy}", "--out", "{out}"],
        ["diff", "2018-09", "2025-03", "--out", "{out}"],
        ["demo", "--out", "{out}"],
    ],
    ids=["audit", "diff", "demo"],
)
def test_out_under_an_existing_file(work, command):
    out = work / "policy.txt" / "reports"
    before = digest(work / "policy.txt")
    args = [a.format(policy=work / "policy.txt", out=out) for a in command]
    result = run(*args)
    assert result.exit_code == 1
    assert error_line(result) == f"Error: {out} に結果を書き出せません（{NOT_DIR}）。{TAIL}"
    assert digest(work / "policy.txt") == before


def test_diff_full_disk_writes_neither(tmp_path, monkeypatch):
    import gapcheck.render.report_diff

    out = tmp_path / "d"
    monkeypatch.setattr(gapcheck.render.report_diff, "write_diff_html", _enospc)
    result = run("diff", "2018-09", "2025-03", "--out", str(out))
    assert result.exit_code == 1
    assert error_line(result) == f"Error: {out} に結果を書き出せません（{FULL}）。{TAIL}"
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("where", ["out", "db"])
def test_survey_checks_its_folder_before_the_audits(work, monkeypatch, where):
    import gapcheck.survey.national

    def never(*_args, **_kwargs):
        raise AssertionError("the survey ran before the output folder was checked")

    monkeypatch.setattr(gapcheck.survey.national, "survey", never)
    inputs = work / "in"
    inputs.mkdir()
    shutil.copy(work / "policy.txt", inputs / "131016_千代田区.txt")
    blocked = work / "policy.txt" / "s"
    args = ["survey", str(inputs)]
    args += ["--out", str(blocked)] if where == "out" else [
        "--out", str(work / "s"), "--db", str(blocked / "survey.sqlite")]  # fmt: skip
    result = run(*args)
    assert result.exit_code == 1
    assert error_line(result) == (
        f"Error: {blocked} に書き込めません（{NOT_DIR}）。"
        "書き込みの権限と空き容量を確かめるか、--out で別のフォルダを指定してください。"
    )


# --- item 8: a report never replaces its own input ----------------------------------------

SAME = (
    "上書きすると元のファイルが失われるため書き出しません。--out で別のフォルダを指定してください。"
)


def test_report_never_overwrites_its_policy(work):
    out = work / "o"
    before = digests(out)
    policy = out / "report.xlsx"
    result = run("audit", str(policy), "--out", str(out))
    assert result.exit_code == 1
    assert error_line(result) == (
        f"Error: 書き出し先 {policy} は入力のポリシー（{policy}）と同じファイルです。{SAME}"
    )
    assert digests(out) == before


@pytest.mark.parametrize("name", ["audit.json", "report.xlsx"])
def test_report_never_overwrites_previous(work, name):
    out = work / "o"
    before = digests(out)
    previous = out / name
    result = run("audit", str(work / "policy.txt"), "--previous", str(previous), "--out", str(out))
    assert result.exit_code == 1
    assert error_line(result) == (
        f"Error: 書き出し先 {previous} は--previous で指定した前回の結果（{previous}）と"
        f"同じファイルです。{SAME}"
    )
    assert digests(out) == before


@pytest.mark.parametrize("how", ["relative", "symlinked_folder", "hard_link"])
def test_same_file_by_another_path(work, how, monkeypatch):
    out = work / "o"
    before = digests(out)
    if how == "relative":
        monkeypatch.chdir(work)
        policy, out_arg = Path("o/../o/report.xlsx"), "o"
    elif how == "symlinked_folder":
        (work / "link").symlink_to(out)
        policy, out_arg = work / "link" / "report.xlsx", str(out)
    else:
        policy = work / "copy.xlsx"
        os.link(out / "report.xlsx", policy)
        out_arg = str(out)
    result = run("audit", str(policy), "--out", out_arg)
    assert result.exit_code == 1
    assert "入力のポリシー" in error_line(result) and SAME in result.output
    assert digests(out) == before


# --- item 11: --previous JSON of the wrong shape ------------------------------------------


def _decision(value) -> dict:
    return {"target": "2025-03",
            "clauses": [{"key": "basic.purpose", "number": "1", "decision": value}]}  # fmt: skip


PREVIOUS_CASES = {
    "decision_string": (_decision("対象外"),
        "clauses の 1 件目の decision はオブジェクト（{\"decision\": \"対象外\", \"reason\": …}）"
        "にしてください（\"対象外\"）。"),
    "decision_list": (_decision(["対象外"]),
        "clauses の 1 件目の decision はオブジェクト（{\"decision\": \"対象外\", \"reason\": …}）"
        "にしてください（[\"対象外\"]）。"),
    "clause_not_object": ({"clauses": [1, "x"]},
        f"clauses の 1 件目がオブジェクト（{{…}}）ではありません（1）。{HINT}"),
    "clauses_not_list": ({"clauses": {"a": 1}},
        "前回の結果に clauses がありません。`gapcheck audit --json` の出力を指定してください。"),
    "reason_object": (_decision({"decision": "対象外", "reason": {"x": 1}}),
        "clauses の 1 件目の decision.reason は文字列にしてください（{\"x\": 1}）。"),
    "key_list": ({"clauses": [{"key": [1], "number": "1", "decision": {"decision": "対象外"}}]},
        f"clauses の 1 件目の key・number は文字列にしてください。{HINT}"),
    "target_object": ({"target": {}, "clauses": []},
        f"target は文字列にしてください（{{}}）。{HINT}"),
    "huge_decision": (_decision({"decision": "あ" * 1_000_000}),
        f"clauses の 1 件目（1）の判断 '{'あ' * 80}…' は 対応済 / 改定予定 / 対象外 / 要検討 "
        "のいずれかにしてください。"),
}  # fmt: skip


@pytest.mark.parametrize("kind", sorted(PREVIOUS_CASES))
def test_previous_json_of_the_wrong_shape(work, kind):
    data, message = PREVIOUS_CASES[kind]
    previous = work / "previous.json"
    previous.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    before = digest(previous), digests(work / "o")
    result = run("audit", str(work / "policy.txt"), "--previous", str(previous),
                 "--out", str(work / "o"))  # fmt: skip
    assert result.exit_code == 1
    line = error_line(result)
    assert line == f"Error: {previous}: {message}"
    assert len(line) < 400
    assert (digest(previous), digests(work / "o")) == before


@pytest.mark.parametrize("shape", ["lists", "objects"])
def test_previous_json_nested_100k_deep(work, shape):
    previous = work / "previous.json"
    depth = 100_000
    inner = "[" * depth + "]" * depth if shape == "lists" else '{"a":' * depth + "1" + "}" * depth
    previous.write_text('{"clauses": [{"decision": ' + inner + "}]}", encoding="utf-8")
    result = run("audit", str(work / "policy.txt"), "--previous", str(previous))
    assert result.exit_code == 1
    assert error_line(result) == (
        f"Error: {previous}: 前回の結果として読めません（JSON の入れ子が深すぎます）。{HINT}"
    )


def test_previous_json_with_valid_decisions_still_carries_forward(work):
    previous = work / "previous.json"
    previous.write_text(json.dumps(_decision({"decision": "対象外", "reason": "該当なし",
                                              "owner": None, "due": 2027})),
                        encoding="utf-8")  # fmt: skip
    result = run("audit", str(work / "policy.txt"), "--previous", str(previous), "--json")
    assert result.exit_code == 0, result.output
    clause = next(c for c in json.loads(result.output)["clauses"] if c["key"] == "basic.purpose")
    assert clause["decision"]["decision"] == "対象外"
    assert clause["decision"]["due"] == "2027"


def test_quote_caps_user_text():
    assert quote("x" * 1_000_000) == "x" * 80 + "…"
    assert quote("短い\n文") == "短い 文"
