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

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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
    from gapcheck.gaps.audit import audit
    from gapcheck.gaps.decisions import Decision, read_decisions
    from gapcheck.gaps.report import AuditReport
    from gapcheck.gaps.status import RowStatus, Status
    from gapcheck.gaps.summary import summarize
    from gapcheck.pipeline import render_audit_text, run_audit, write_audit_reports
    from gapcheck.readers.formats import read_policy
    from gapcheck.readers.policy import Policy, PolicyRow

_EXPORTS = {  # name -> module: loaded on first use, so `gapcheck --help` stays quick
    "AuditReport": "gapcheck.gaps.report",
    "Catalog": "gapcheck.catalog.model",
    "CatalogError": "gapcheck.errors",
    "Change": "gapcheck.catalog.model",
    "ChangeKind": "gapcheck.catalog.model",
    "Clause": "gapcheck.catalog.model",
    "Decision": "gapcheck.gaps.decisions",
    "DiffKind": "gapcheck.diff",
    "Edition": "gapcheck.catalog.model",
    "EditionDiff": "gapcheck.diff",
    "GapcheckError": "gapcheck.errors",
    "GuidelineParseError": "gapcheck.errors",
    "Index": "gapcheck.align",
    "Level": "gapcheck.catalog.model",
    "Method": "gapcheck.align",
    "Part": "gapcheck.catalog.model",
    "Policy": "gapcheck.readers.policy",
    "PolicyFormatError": "gapcheck.errors",
    "PolicyRow": "gapcheck.readers.policy",
    "Removal": "gapcheck.catalog.model",
    "RowStatus": "gapcheck.gaps.status",
    "Status": "gapcheck.gaps.status",
    "Term": "gapcheck.catalog.model",
    "UnknownVersionError": "gapcheck.errors",
    "audit": "gapcheck.gaps.audit",
    "diff_editions": "gapcheck.diff",
    "load_catalog": "gapcheck.catalog.loader",
    "read_decisions": "gapcheck.gaps.decisions",
    "read_policy": "gapcheck.readers.formats",
    "render_audit_text": "gapcheck.pipeline",
    "run_audit": "gapcheck.pipeline",
    "summarize": "gapcheck.gaps.summary",
    "write_audit_reports": "gapcheck.pipeline",
}


def __getattr__(name: str) -> Any:
    """The public API, imported on first use (PEP 562): pandas, numpy and openpyxl load only
    when a command or a caller needs them."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'gapcheck' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


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
    "read_decisions",
    "read_policy",
    "render_audit_text",
    "run_audit",
    "summarize",
    "write_audit_reports",
]
