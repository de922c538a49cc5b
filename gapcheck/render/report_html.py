"""The audit as one self-contained HTML page (same content as the workbook)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from gapcheck import __version__
from gapcheck.catalog.model import Catalog
from gapcheck.gaps.status import RowStatus, Status
from gapcheck.gaps.summary import ExecutiveSummary, amendment_documents, localize
from gapcheck.io import write_atomic
from gapcheck.render.html import annotate_terms, bar_chart, render_html
from gapcheck.render.report_xlsx import (
    HANDLING,
    SIMILARITY_HEADER,
    gaps_first,
    omitted_line,
    removed_clause,
    shared_lines,
    similarity,
    suggestion,
)

STATUS_COLOURS = {s: f"#{s.info.colour.lower()}" for s in Status}


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
    annotated: dict[str, object] = {
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
    # compact bars: the chart sits beside the status table and prints unscaled, its 12-px
    # labels at 9 pt (issue #13)
    chart = bar_chart(
        [(st.title, report.counts[st.value], STATUS_COLOURS[st]) for st in Status],
        width=400, bar_h=15, gap=5, font=12,
    )  # fmt: skip
    # the terms a printed summary needs notes for (the edition evidence is screen-only)
    printed = [s.headline, s.lag_sentence, *s.decisions] + [
        f"{a.title} {a.what} {a.why} {a.affects_us} {a.if_nothing}" for a in s.top_actions
    ]
    printed_terms = {
        t.term
        for t in catalog.glossary
        if any(n in " ".join(printed) for n in (t.term, *t.aliases))
    }
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
        (
            title,
            [
                (r, "、".join(removed_clause(k, catalog) for k in r.clauses))
                for r in report.rows
                if r.status is status
            ],
            status is RowStatus.OBSOLETE,
        )
        for title, status in (("独自規定", RowStatus.LOCAL), ("廃止条項", RowStatus.OBSOLETE))
    ]
    # gaps first (most important first), then the rest in the guideline's order
    gaps = gaps_first(s)
    shown = {id(f) for f in gaps}
    ordered = gaps + [f for f in report.clauses if id(f) not in shown]
    clauses = []
    for f in ordered:
        sim = similarity(f, catalog)
        clauses.append((f, f"{sim}%" if isinstance(sim, int) else sim, suggestion(f, s.body)))
    today = today or f"{dt.date.today():%Y年%m月%d日}"
    return render_html(
        "audit.html.j2",
        title=f"情報セキュリティポリシー点検結果（{report.target.label}）",
        report=report,
        summary=s,
        statuses=list(Status),
        annotated=annotated,
        notes=notes,
        printed_terms=printed_terms,
        chart=chart,
        info=info,
        row_sections=row_sections,
        clauses=clauses,
        similarity_header=SIMILARITY_HEADER,
        omitted=omitted_line(s),
        shared=[(a, b) for a, b in _pairs(shared_lines(s.top_actions, s.body))],
        print_header=(f"{s.body} 情報セキュリティポリシー点検結果", HANDLING, f"点検日 {today}"),
        today=today,
        policy_name=Path(report.policy.path).name,
        localize=lambda text: localize(text, s.body),
        amendment_documents=amendment_documents(s.amendment),
    )


def _pairs(parts: list[tuple[str, bool]]) -> list[tuple[str, str]]:
    """(bold label, text) pairs from shared_lines' alternating parts."""
    return [(parts[i][0], parts[i + 1][0]) for i in range(0, len(parts) - 1, 2)]


def write_html(s: ExecutiveSummary, catalog: Catalog, path: str | Path) -> Path:
    return write_atomic(path, render(s, catalog))
