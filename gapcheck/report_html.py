"""The audit as one self-contained HTML page (same content as the workbook)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from gapcheck import __version__
from gapcheck.audit import RowStatus, Status
from gapcheck.html import annotate_terms, bar_chart, render_html
from gapcheck.io import write_atomic
from gapcheck.model import Catalog
from gapcheck.summary import ExecutiveSummary, localize

STATUS_COLOURS = {
    Status.COVERED: "#70ad47",
    Status.OUTDATED: "#ffc000",
    Status.PARTIAL: "#f4b084",
    Status.MISSING: "#c00000",
    Status.REVIEW: "#5b9bd5",
    Status.NOT_APPLICABLE: "#a6a6a6",
}


def summary_texts(s: ExecutiveSummary) -> list[str]:
    """The executive summary's sentences in reading order (what the plain-language rules
    are checked on)."""
    texts = [s.headline, s.lag_sentence, *s.key_evidence, *s.decisions]
    for a in s.top_actions:
        texts += [a.title, a.what, a.why, a.affects_us, a.if_nothing]
    return texts


def render(s: ExecutiveSummary, catalog: Catalog, today: str | None = None) -> str:
    report = s.report
    marked, notes = annotate_terms(summary_texts(s), catalog.glossary)
    it = iter(marked)
    annotated = {
        "headline": next(it),
        "lag": next(it),
        "evidence": [next(it) for _ in s.key_evidence],
        "decisions": [next(it) for _ in s.decisions],
    }
    annotated["actions"] = [
        (
            a,
            {
                "title": next(it),
                "what": next(it),
                "why": next(it),
                "affects_us": next(it),
                "if_nothing": next(it),
            },
        )
        for a in s.top_actions
    ]
    chart = bar_chart([(st.title, report.counts[st.value], STATUS_COLOURS[st]) for st in Status])
    info = [
        ("ツール", f"gapcheck {__version__}"),
        ("照合先の版", f"{report.target.label}（{report.target.id}）"),
        ("準拠している版", report.follows_label or "判定できません"),
        ("入力ファイル", Path(report.policy.path).name),
        ("SHA-256", report.policy.sha256),
        ("カタログの版", ", ".join(catalog.ids)),
        (
            "注意",
            "条項の文章はガイドラインの要旨を独自にまとめたものです。原文は総務省の公表資料で確認してください。",
        ),
    ]
    row_sections = [
        (title, [r for r in report.rows if r.status is status])
        for title, status in (("独自規定", RowStatus.LOCAL), ("廃止条項", RowStatus.OBSOLETE))
    ]
    return render_html(
        "audit.html.j2",
        title=f"情報セキュリティポリシー点検結果（{report.target.label}）",
        report=report,
        summary=s,
        statuses=list(Status),
        annotated=annotated,
        notes=notes,
        chart=chart,
        info=info,
        row_sections=row_sections,
        today=today or f"{dt.date.today():%Y年%m月%d日}",
        policy_name=Path(report.policy.path).name,
        localize=lambda text: localize(text, s.body),
    )


def write_html(s: ExecutiveSummary, catalog: Catalog, path: str | Path) -> Path:
    return write_atomic(path, render(s, catalog))
