"""`gapcheck audit --out` as library calls (issue #15): what the command does, a library user
can do with the same three calls."""

from __future__ import annotations

import json
from dataclasses import replace

from click.testing import CliRunner

from gapcheck.catalog.loader import load_catalog
from gapcheck.cli import cli
from gapcheck.pipeline import (
    AUDIT_OUTPUTS,
    render_audit_text,
    run_audit,
    write_audit_reports,
)
from gapcheck.synth.sample import generate_policy, write_sample


def test_library_calls_reproduce_the_command(tmp_path):
    catalog = load_catalog(None)
    write_sample(generate_policy(catalog.edition("2022-03"), seed=5), tmp_path / "p.xlsx")
    report = run_audit(tmp_path / "p.xlsx", catalog, target="2025-03")
    written = write_audit_reports(report, catalog, tmp_path / "lib")
    assert [p.name for p in written] == list(AUDIT_OUTPUTS)

    result = CliRunner().invoke(
        cli,
        ["audit", str(tmp_path / "p.xlsx"), "--target", "2025-03", "--out", str(tmp_path / "cli")],
    )
    assert result.exit_code == 0, result.output
    # the terminal text is the library's, followed by the list of files written
    assert result.output.startswith(render_audit_text(report, catalog))
    lib = json.loads((tmp_path / "lib" / "audit.json").read_text(encoding="utf-8"))
    via_cli = json.loads((tmp_path / "cli" / "audit.json").read_text(encoding="utf-8"))
    assert lib == via_cli


def test_the_lag_is_worded_against_the_target(tmp_path):
    """Issue #22: a policy checked against 令和4年3月版 while 令和7年3月版 exists is behind
    the edition it was checked against, not 「最新」."""
    from gapcheck.render.audit_page import audit_page

    catalog = load_catalog(None)
    write_sample(generate_policy(catalog.edition("2018-09"), seed=5), tmp_path / "p.xlsx")
    older = audit_page(run_audit(tmp_path / "p.xlsx", catalog, target="2022-03"), catalog)
    newest = audit_page(run_audit(tmp_path / "p.xlsx", catalog), catalog)
    assert older.lag == f"照合先の令和4年3月版から {older.report.lag_years} 年の遅れ"
    assert newest.lag == f"最新版から {newest.report.lag_years} 年の遅れ"
    assert older.summary.lag_sentence.startswith(
        f"照合先の令和4年3月版から約{older.report.lag_years}年遅れています。"
    )
    text = render_audit_text(older.report, catalog)
    assert "最新" not in text and f"（{older.lag}）" in text


def test_followed_edition_as_the_summary_and_the_web_page_give_it(tmp_path):
    """The words of 準拠している版 come from the report's page (the web page no longer reads
    them back from the terminal text, issue #22)."""
    from gapcheck.render.audit_page import audit_page

    catalog = load_catalog(None)
    write_sample(generate_policy(catalog.edition("2022-03"), seed=5), tmp_path / "p.xlsx")
    report = run_audit(tmp_path / "p.xlsx", catalog, target="2025-03")
    cases = [
        (None, "判定できません（照合できた条項が 3 件と少ないため）", None,
         "判定できません（照合できた条項が 3 件と少ないため）"),
        ("2018-09", "平成30年9月版以降", None, "平成30年9月版以降（遅れの年数は示しません）"),
        ("2025-03", "令和7年3月版相当", 0.0, "令和7年3月版相当（遅れなし）"),
        ("2022-03", "令和4年3月版相当", 3.0, "令和4年3月版相当（最新版から 3.0 年の遅れ）"),
    ]  # fmt: skip
    for follows, label, lag, words in cases:
        case = replace(report, follows=follows, follows_label=label, lag_years=lag)
        assert audit_page(case, catalog).follows_line == words
        assert f"準拠している版: {words}" in render_audit_text(case, catalog).splitlines()
