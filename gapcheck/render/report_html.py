"""The audit as one self-contained HTML page (same content as the workbook), laid out from
the :class:`~gapcheck.render.audit_page.AuditPage`."""

from __future__ import annotations

from pathlib import Path

from gapcheck.gaps.status import Status
from gapcheck.gaps.summary import amendment_documents, localize
from gapcheck.io import write_atomic
from gapcheck.render.audit_page import ACTION_PARTS, SIMILARITY_HEADER, AuditPage
from gapcheck.render.html import annotate_terms, bar_chart, render_html

__all__ = ["STATUS_COLOURS", "render", "write_html"]

STATUS_COLOURS = {s: f"#{s.info.colour.lower()}" for s in Status}


def render(page: AuditPage) -> str:
    s = page.summary
    places = [place for place, _ in page.texts]
    marked, notes = annotate_terms([text for _, text in page.texts], page.glossary)
    at = dict(zip(places, marked, strict=True))
    annotated: dict[str, object] = {
        "headline": at[("headline",)],
        "lag": at[("lag",)],
        "evidence": [at[("evidence", n)] for n in range(len(s.key_evidence))],
        "decisions": [at[("decision", n)] for n in range(len(s.decisions))],
        "actions": [
            (a, {part: at[("action", n, part)] for part in ACTION_PARTS})
            for n, a in enumerate(s.top_actions)
        ],
    }
    # compact bars: the chart sits beside the status table and prints unscaled, its 12-px
    # labels at 9 pt (issue #13)
    chart = bar_chart(
        [(st.title, n, STATUS_COLOURS[st]) for st, n in page.counts],
        width=400, bar_h=15, gap=5, font=12,
    )  # fmt: skip
    # the terms a printed summary needs notes for (the edition evidence is screen-only)
    printed = " ".join(
        text for place, text in page.texts if place[0] in ("headline", "lag", "decision", "action")
    )
    printed_terms = {
        t.term for t in page.glossary if any(n in printed for n in (t.term, *t.aliases))
    }
    row_sections = [
        ("独自規定", [(r.finding, r.removed) for r in page.local_rows], False),
        ("廃止条項", [(r.finding, r.removed) for r in page.obsolete_rows], True),
    ]
    clauses = [
        (c.finding, f"{c.similarity}%" if isinstance(c.similarity, int) else c.similarity,
         c.suggestion)
        for c in page.ordered
    ]  # fmt: skip
    return render_html(
        "audit.html.j2",
        title=page.title,
        report=page.report,
        summary=s,
        statuses=[st for st, _ in page.counts],
        annotated=annotated,
        notes=notes,
        printed_terms=printed_terms,
        chart=chart,
        info=page.info,
        row_sections=row_sections,
        clauses=clauses,
        similarity_header=SIMILARITY_HEADER,
        omitted=page.omitted,
        shared=page.shared,
        print_header=page.print_header,
        today=page.today,
        policy_name=page.policy_name,
        localize=lambda text: localize(text, s.body),
        amendment_documents=amendment_documents(s.amendment),
    )


def write_html(page: AuditPage, path: str | Path) -> Path:
    return write_atomic(path, render(page))
