"""Each status is defined once (issue #15): every table the outputs use derives from
``audit.STATUS_INFO``, and the survey archive's letters never change."""

from __future__ import annotations

from gapcheck.gaps.status import GAP_STATUSES, STATUS_INFO, Status, status_css
from gapcheck.render.report_html import STATUS_COLOURS
from gapcheck.render.report_xlsx import STATUS_FILL
from gapcheck.survey.results import CODE_STATUS, STATUS_CODE


def test_every_status_has_its_whole_definition():
    assert set(STATUS_INFO) == set(Status)
    for status, info in STATUS_INFO.items():
        assert info.title and info.explanation, status
        assert len(info.fill) == len(info.colour) == 6 and len(info.code) == 1, status
        # a status with work to do says what to do and where the body stands
        assert bool(info.action) == bool(info.advice) == bool(info.affects) or not info.gap


def test_derived_tables_follow_the_definitions():
    css = status_css()
    assert all(f".s-{s.value} {{ background: #{s.info.fill.lower()}; }}" in css for s in Status)
    assert {s: f.fgColor.rgb[-6:] for s, f in STATUS_FILL.items()} == {
        s: s.info.fill for s in Status
    }
    assert {s: c.lstrip("#").upper() for s, c in STATUS_COLOURS.items()} == {
        s: s.info.colour for s in Status
    }
    assert GAP_STATUSES == (Status.OUTDATED, Status.PARTIAL, Status.MISSING)


def test_survey_archive_letters_are_fixed():
    assert {s.value: c for s, c in STATUS_CODE.items()} == {
        "covered": "C", "outdated": "O", "partial": "P", "missing": "M", "review": "R",
        "not-applicable": "N",
        "unread": "U",
    }  # fmt: skip
    assert len(CODE_STATUS) == len(Status)


STALE_RUN = r"""
import json, sys
from pathlib import Path
from click.testing import CliRunner
from openpyxl import load_workbook
import gapcheck.gaps.classify as classify_module
from gapcheck.gaps.status import GAP_STATUSES, Status
from gapcheck import load_catalog
from gapcheck.cli import cli
from gapcheck.pipeline import run_demo
from gapcheck.render.audit_page import audit_page
from gapcheck.survey.national import survey

# the trial status is chosen where 旧版のまま would have been
chosen = classify_module.classify
classify_module.classify = lambda e: Status.STALE if chosen(e) is Status.OUTDATED else chosen(e)

out = Path(sys.argv[1])
catalog = load_catalog()
demo = run_demo(catalog, out / "demo")
page = audit_page(demo.report, catalog)
printed = load_workbook(out / "demo" / "report.xlsx")["対応一覧（印刷用）"]
cli_run = CliRunner().invoke(cli, ["audit", str(demo.policy_file), "--fail-on-gaps", "--json"])
(out / "bodies").mkdir()
(out / "bodies" / "131016_千代田区.xlsx").write_bytes(demo.policy_file.read_bytes())
national = survey(out / "bodies", catalog, jobs=1)
print(json.dumps({
    "gap_statuses": [s.value for s in GAP_STATUSES],
    "counts": demo.report.counts,
    "decisions": list(page.summary.decisions),
    "printed": [row[2] for row in printed.iter_rows(min_row=2, values_only=True) if row[2]],
    "exit": cli_run.exit_code,
    "json_counts": json.loads(cli_run.output)["counts"],
    "survey_counts": national.bodies[0].counts,
    "survey_clause_keys": sorted(national.clause_gaps[0].to_dict()),
}, ensure_ascii=False))
"""


def test_a_new_status_is_one_entry_and_every_output_follows(tmp_path):
    """Issue #22: adding a status is its entry in gaps/status.py. In a copy of the package
    with a trial status 要更新 (STALE, a gap) and nothing else changed, the summary's count of
    clauses to review, the printed list, --fail-on-gaps, the JSON and the survey all count it."""
    import json
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    package = tmp_path / "pkg" / "gapcheck"
    shutil.copytree(root / "gapcheck", package, ignore=shutil.ignore_patterns("__pycache__"))
    (package / "_editions").symlink_to(root / "guideline_versions", target_is_directory=True)
    status = package / "gaps" / "status.py"
    source = status.read_text(encoding="utf-8")
    source = source.replace(
        '    UNREAD = "unread"\n', '    UNREAD = "unread"\n    STALE = "stale"\n'
    )
    entry = (
        "    Status.STALE: StatusInfo(title='要更新', explanation='更新が必要です。', "
        "action='更新', advice='更新してください。', affects='{body}は更新が必要です。', "
        "fill='FFE699', colour='BF9000', code='S', gap=True, settled=False, weight=1.2, "
        "behind='要更新'),\n"
    )
    end = "    ),\n}\n\n\nGAP_STATUSES"  # the end of STATUS_INFO
    assert source.count(end) == 1
    status.write_text(source.replace(end, "    ),\n" + entry + end[7:]), "utf-8")
    run = subprocess.run(
        [sys.executable, "-c", STALE_RUN, str(tmp_path)],
        capture_output=True, text=True, timeout=600, cwd=tmp_path,  # not the repository's copy
        env={**__import__("os").environ, "PYTHONPATH": str(package.parent)},
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    stale = seen["counts"]["stale"]
    assert stale > 0 and seen["counts"]["outdated"] == 0
    assert seen["gap_statuses"] == ["outdated", "partial", "missing", "stale"]
    to_review = sum(seen["counts"][s] for s in seen["gap_statuses"])
    assert any(f"見直しが必要な条項 {to_review}件" in d for d in seen["decisions"])
    assert seen["printed"].count("要更新") == stale  # the printed list shows every one
    assert seen["exit"] == 3 and seen["json_counts"]["stale"] == stale
    assert seen["survey_counts"]["stale"] == stale
    assert "stale" in seen["survey_clause_keys"]
