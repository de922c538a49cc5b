"""gapcheck: keep a local government's security policy in step with the national guideline.

The public API; the ``gapcheck`` command is a thin layer over it::

    from gapcheck import audit, load_catalog, read_policy

    catalog = load_catalog()
    report = audit(read_policy("対策基準.xlsx"), catalog)
    report.follows, report.counts

or, as ``gapcheck audit --out`` does it (:mod:`gapcheck.pipeline`)::

    from gapcheck import load_catalog, run_audit, write_audit_reports

    report = run_audit("対策基準.xlsx", load_catalog(), previous="reports/2025/report.xlsx")
    write_audit_reports(report, load_catalog(), "reports/2026")
"""

__version__ = "0.1.0"

from gapcheck.align import Index, Method
from gapcheck.catalog.loader import load_catalog
from gapcheck.catalog.model import (
    Catalog,
    Change,
    ChangeKind,
    Clause,
    Edition,
    Level,
    Part,
    Removal,
    Term,
)
from gapcheck.diff import DiffKind, EditionDiff, diff_editions
from gapcheck.errors import (
    CatalogError,
    GapcheckError,
    GuidelineParseError,
    PolicyFormatError,
    UnknownVersionError,
)
from gapcheck.gaps.audit import AuditReport, Decision, RowStatus, Status, audit, load_decisions
from gapcheck.gaps.summary import summarize
from gapcheck.pipeline import render_audit_text, run_audit, write_audit_reports
from gapcheck.readers.formats import read_policy
from gapcheck.readers.policy import Policy, PolicyRow

__all__ = [
    "AuditReport",
    "Catalog",
    "CatalogError",
    "Change",
    "ChangeKind",
    "Clause",
    "Decision",
    "DiffKind",
    "Edition",
    "EditionDiff",
    "GapcheckError",
    "GuidelineParseError",
    "Index",
    "Level",
    "Method",
    "Part",
    "Policy",
    "PolicyFormatError",
    "PolicyRow",
    "Removal",
    "RowStatus",
    "Status",
    "Term",
    "UnknownVersionError",
    "__version__",
    "audit",
    "diff_editions",
    "load_catalog",
    "load_decisions",
    "read_policy",
    "render_audit_text",
    "run_audit",
    "summarize",
    "write_audit_reports",
]
