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
