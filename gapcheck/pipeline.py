"""Each command's job as one library call; the click layer only parses and prints (issue #15).

The audit, as ``gapcheck audit --out`` runs it::

    from gapcheck import load_catalog
    from gapcheck.pipeline import render_audit_text, run_audit, write_audit_reports

    catalog = load_catalog()
    report = run_audit("対策基準.xlsx", catalog, previous="reports/2025/report.xlsx")
    print(render_audit_text(report, catalog))
    write_audit_reports(report, catalog, "reports/2026")

The demo (:func:`run_demo`), a synthetic policy (:func:`make_sample`), the diff's reports
(:func:`write_diff_reports`) and the survey with its reports (:func:`run_survey`) are one call
each too. The click layer (:mod:`gapcheck.cli`) and the web page (:mod:`gapcheck.web`) only
turn options into these arguments and show the results.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gapcheck.catalog.model import Catalog, Depth, Edition
from gapcheck.diff import EditionDiff
from gapcheck.errors import RequestError
from gapcheck.gaps.audit import audit
from gapcheck.gaps.decisions import Decision, read_decisions
from gapcheck.gaps.report import AuditReport
from gapcheck.io import ensure_writable_dir, output_set, refuse_overwrite, write_atomic
from gapcheck.isolate import isolated
from gapcheck.readers.formats import read_policy

if TYPE_CHECKING:  # the survey and the synthetic policies load only when used
    from gapcheck.render.audit_page import AuditPage
    from gapcheck.survey.results import SurveyResult
    from gapcheck.synth.sample import SamplePolicy

AUDIT_OUTPUTS = ("audit.json", "report.xlsx", "report.html")
DIFF_OUTPUTS = ("diff.xlsx", "diff.html")
DEMO_EDITION = "2020-12"  # the imaginary town of the demo copied this edition
DEMO_SEED = 7


def refuse_to_overwrite_inputs(
    out: str | os.PathLike[str], *inputs: tuple[str, Path | None]
) -> None:
    """Before any work: the audit's reports must never replace one of its inputs
    (``inputs`` are (role, path) pairs)."""
    refuse_overwrite([Path(out) / name for name in AUDIT_OUTPUTS], inputs)


def run_audit(
    policy_path: str | os.PathLike[str],
    catalog: Catalog,
    *,
    target: str | Edition = "latest",
    sheet: str | None = None,
    encoding: str | None = None,
    previous: str | os.PathLike[str] | None = None,
    limits: dict[str, int] | None = None,
) -> AuditReport:
    """Read a policy (and last year's report.xlsx or audit.json) and audit it against
    ``target``. An unknown edition fails before any file is read."""
    edition = catalog.edition(target)  # resolved once, passed on
    decisions: tuple[Decision, ...] = ()
    if previous is not None:
        decisions = isolated(read_decisions, previous, path=previous)
    options: dict[str, Any] = {"sheet": sheet, "encoding": encoding, **(limits or {})}
    policy = isolated(read_policy, policy_path, path=policy_path, **options)
    return audit(policy, catalog, target=edition, decisions=decisions)


def write_audit_reports(
    report: AuditReport,
    catalog: Catalog,
    out: str | os.PathLike[str],
    *,
    page: AuditPage | None = None,
) -> list[Path]:
    """audit.json, the workbook and the HTML page as one set: written into a staging folder
    and moved into ``out`` only when all three are complete (a full disk or a read-only
    folder leaves last run's set as it was). Returns the final paths. ``page``: the report's
    page when the caller built it already (it shows the terminal text too)."""
    # the writers (openpyxl, jinja2) load only when a report is written
    from gapcheck.render.audit_page import audit_page
    from gapcheck.render.report_html import write_html
    from gapcheck.render.report_xlsx import write_workbook

    page = page or audit_page(report, catalog)  # built once; each writer only lays it out
    with output_set(Path(out)) as stage:
        staged = [
            write_atomic(
                stage / "audit.json",
                json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n",
            ),
            write_workbook(page, stage / "report.xlsx"),
            write_html(page, stage / "report.html"),
        ]
    return [stage.final(p) for p in staged]


@dataclass(frozen=True)
class Demo:
    """The demo's run: the imaginary town's policy it wrote, the audit and the reports."""

    policy_file: Path
    report: AuditReport
    written: tuple[Path, ...]


def run_demo(catalog: Catalog, out: str | os.PathLike[str]) -> Demo:
    """Write an imaginary town's policy (it copied :data:`DEMO_EDITION` and edited it
    lightly) into ``out``, audit it against the newest edition and write the reports."""
    from gapcheck.synth.sample import generate_policy, write_sample

    out = Path(out)
    generated = generate_policy(catalog.edition(DEMO_EDITION), seed=DEMO_SEED, tier="light")
    with output_set(out) as stage:  # the input first, as its own complete pair
        write_sample(generated, stage / "sample_policy.xlsx", stage / "sample_truth.json")
    policy_file = out / "sample_policy.xlsx"
    report = audit(read_policy(policy_file), catalog)
    return Demo(policy_file, report, tuple(write_audit_reports(report, catalog, out)))


def make_sample(
    catalog: Catalog,
    edition: str,
    out: str | os.PathLike[str],
    truth: str | os.PathLike[str] | None = None,
    *,
    seed: int = 0,
    tier: str = "light",
    style: str = "spreadsheet",
    voice: str = "digest",
) -> tuple[Edition, SamplePolicy]:
    """A synthetic policy that copied ``edition`` (the options as
    :func:`gapcheck.synth.sample.generate_policy` takes them), written to ``out`` with its
    answer key. An outline edition holds too little to copy and is refused."""
    from gapcheck.synth.sample import generate_policy, write_sample

    chosen = catalog.edition(edition)
    if chosen.depth is Depth.OUTLINE:
        full = [e.id for e in catalog.editions if e.depth is Depth.FULL]
        raise RequestError(
            f"{chosen.label}（{chosen.id}）は概要（節と主な項目）だけを収録した版なので、"
            f"ポリシー全体を合成できません。{full[0]} 以降の版を指定してください。"
        )
    generated = generate_policy(chosen, seed=seed, tier=tier, style=style, voice=voice)
    write_sample(generated, Path(out), Path(truth) if truth is not None else None)
    return chosen, generated


def write_diff_reports(
    diff: EditionDiff, catalog: Catalog, out: str | os.PathLike[str]
) -> list[Path]:
    """The diff's workbook and HTML page (改定のポイント, 新旧対照表, 項番対応表), both or
    neither. Returns the final paths."""
    from gapcheck.render.report_diff import write_diff_html, write_diff_workbook

    with output_set(Path(out)) as stage:
        staged = [
            write_diff_workbook(diff, catalog, stage / DIFF_OUTPUTS[0]),
            write_diff_html(diff, catalog, stage / DIFF_OUTPUTS[1]),
        ]
    return [stage.final(p) for p in staged]


@dataclass(frozen=True)
class SurveyRun:
    """A survey and the reports written from it (the archive is ``result.db``)."""

    result: SurveyResult
    written: tuple[Path, ...]


def run_survey(
    input_dir: str | os.PathLike[str],
    catalog: Catalog,
    out: str | os.PathLike[str],
    *,
    target: str = "latest",
    master: str | os.PathLike[str] | None = None,
    db: str | os.PathLike[str] | None = None,
    year: int | None = None,
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SurveyRun:
    """Survey ``input_dir`` and write survey.xlsx, survey.html and clauses.csv into ``out``
    as one set. The archive is ``db`` (default ``out/survey.sqlite``). An unknown edition and
    a folder that cannot take the reports fail before any body is audited."""
    from gapcheck.render.report_survey import write_survey
    from gapcheck.survey.national import survey

    out = Path(out)
    catalog.edition(target)
    ensure_writable_dir(out)
    if db is not None:
        ensure_writable_dir(Path(db).parent)
    result = survey(
        input_dir, catalog, target=target, master=master, db=db or out / "survey.sqlite",
        year=year, jobs=jobs, progress=progress, exclude=[out],
    )  # fmt: skip
    # the reports as one set: last year's stay whole if this year's cannot all be written
    with output_set(out) as stage:
        staged = write_survey(result, stage.stage)
    return SurveyRun(result, tuple(stage.final(p) for p in staged))


def render_audit_text(report: AuditReport, catalog: Catalog) -> str:
    """The terminal summary (:func:`gapcheck.render.audit_text.audit_text` of the report's page)."""
    from gapcheck.render.audit_page import audit_page
    from gapcheck.render.audit_text import audit_text

    return audit_text(audit_page(report, catalog))


__all__ = [
    "AUDIT_OUTPUTS",
    "DEMO_EDITION",
    "DEMO_SEED",
    "DIFF_OUTPUTS",
    "Demo",
    "SurveyRun",
    "make_sample",
    "refuse_to_overwrite_inputs",
    "render_audit_text",
    "run_audit",
    "run_demo",
    "run_survey",
    "write_audit_reports",
    "write_diff_reports",
]
