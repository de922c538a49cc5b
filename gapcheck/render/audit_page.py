"""The audit's report, built once from the findings (issue #22): everything the workbook, the
HTML page, the terminal and the web page show. The writers only lay an :class:`AuditPage` out;
they never compute, parse text or import each other's helpers (the diff's ``DiffPages`` is the
model). Build it with :func:`audit_page`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from gapcheck import __version__
from gapcheck.catalog.model import Catalog, Edition, Term
from gapcheck.gaps.ranking import RankedGap, priority_order, rank_gaps, spread
from gapcheck.gaps.report import AuditReport, ClauseFinding, RowFinding
from gapcheck.gaps.status import OPEN_STATUSES, RowStatus, Status
from gapcheck.gaps.summary import (
    Action,
    ExecutiveSummary,
    clause_title,
    is_thin,
    localize,
    summarize,
)

__all__ = [
    "ACTION_PARTS",
    "DIGEST_NOTE",
    "HANDLING",
    "SIMILARITY_HEADER",
    "TERMINAL_TOP",
    "AuditPage",
    "ClauseLine",
    "RowLine",
    "audit_page",
    "lag_words",
    "removed_clause",
    "similarity",
    "suggestion",
]

HANDLING = "取扱注意"  # every printed page of a body's gaps carries it
SIMILARITY_HEADER = "最も近い版の文言との類似度"
DIGEST_NOTE = "条項の文章はガイドラインの要旨を独自にまとめたものです。原文は総務省の公表資料で確認してください。"
TERMINAL_TOP = 10  # gaps the terminal lists, spread across sections
# the parts of a top action the summary page prints, in order
ACTION_PARTS = ("title", "what", "why", "affects_us", "if_nothing")


@dataclass(frozen=True)
class ClauseLine:
    """One clause of the target edition as the lists show it."""

    finding: ClauseFinding
    status: (
        str  # 「旧版のまま」, 「旧版のまま（要再確認）」 when the clause changed since the decision
    )
    priority: str  # 高 / 中 / 低, "" for a clause with nothing to do
    plain: str  # the plain explanation, in the body's own word (本町)
    text: str  # the clause's digest text, in the body's own word
    body_text: str  # the body's provisions matched to it, one per line
    where: str  # where they stand: 「第12条第1項、第12条第2項」
    similarity: int | str  # percent, or what it compares with (「令和4年3月版の文言と92%」)
    suggestion: str  # the suggested action, naming what is missing or changed

    @property
    def key(self) -> str:
        return self.finding.key


@dataclass(frozen=True)
class RowLine:
    """A provision of the body's policy listed on its own (独自規定, 廃止条項)."""

    finding: RowFinding
    removed: str  # (廃止条項) the removed clauses as people cite them; "" otherwise


@dataclass(frozen=True)
class AuditPage:
    """Everything the audit's reports show, in the order and words they show it."""

    summary: ExecutiveSummary
    title: str  # 「情報セキュリティポリシー点検結果（令和7年3月版）」
    today: str  # the date of the check as printed
    print_header: tuple[str, str, str]  # left, centre, right of every printed page
    policy_name: str  # the input file's name
    follows: str  # 準拠している版, as people read it
    lag: str  # 「最新版から 3.5 年の遅れ」 / 「照合先の令和4年3月版から 1.2 年の遅れ」 / 「遅れなし」 / ""
    info: tuple[tuple[str, str], ...]  # the 情報 block: (item, content)
    counts: tuple[tuple[Status, int], ...]  # every status, in the vocabulary's order
    clauses: tuple[ClauseLine, ...]  # every clause, in the guideline's order
    open_first: tuple[ClauseLine, ...]  # the clauses a person acts on, most important first
    omitted: str  # the line that stands for the clauses the printed list leaves out
    shared: tuple[tuple[str, str], ...]  # (label, text): where the body stands, if nothing is done
    local_rows: tuple[RowLine, ...]  # 独自規定
    obsolete_rows: tuple[RowLine, ...]  # 廃止条項
    ranked: tuple[RankedGap, ...]  # the terminal's list: the first gaps, spread across sections
    thin: bool  # too little was read to call a clause missing
    glossary: tuple[
        Term, ...
    ]  # every term the catalog explains (the HTML notes terms at first use)

    @property
    def report(self) -> AuditReport:
        return self.summary.report

    @property
    def body(self) -> str:
        return self.summary.body

    @property
    def follows_line(self) -> str:
        """準拠している版 with its lag: 「令和2年12月版相当（最新版から 4.3 年の遅れ）」."""
        return f"{self.follows}（{self.lag}）" if self.lag else self.follows

    @property
    def ordered(self) -> tuple[ClauseLine, ...]:
        """The clauses a person acts on first, then the rest in the guideline's order."""
        first = {line.key for line in self.open_first}
        return self.open_first + tuple(c for c in self.clauses if c.key not in first)

    @property
    def texts(self) -> tuple[tuple[tuple[str | int, ...], str], ...]:
        """The executive summary's sentences in reading order, each with its place
        (``("headline",)``, ``("evidence", 0)``, ``("action", 2, "why")``): what the
        plain-language rules are checked on, and what the HTML page annotates with the
        glossary (first use of a term gets its note)."""
        s = self.summary
        out: list[tuple[tuple[str | int, ...], str]] = [
            (("headline",), s.headline),
            (("lag",), s.lag_sentence),
            *((("evidence", n), t) for n, t in enumerate(s.key_evidence)),
            *((("decision", n), t) for n, t in enumerate(s.decisions)),
        ]
        for n, a in enumerate(s.top_actions):
            out += [(("action", n, part), getattr(a, part)) for part in ACTION_PARTS]
        return tuple(out)


def audit_page(report: AuditReport, catalog: Catalog, *, today: dt.date | None = None) -> AuditPage:
    """The page every writer lays out, from ``report`` (the executive summary included)."""
    s = summarize(report, catalog)
    day = today or dt.date.today()
    printed_day = f"{day.year}年{day.month}月{day.day}日"  # as officials write it: no zero padding
    lines = tuple(_clause_line(f, s, catalog) for f in report.clauses)
    by_key = {line.key: line for line in lines}
    open_first = tuple(
        by_key[f.key]
        for f in sorted(
            (f for f in report.clauses if f.status in OPEN_STATUSES),
            key=lambda f: priority_order(s.priorities.get(f.key, "")),
        )
    )
    counts = report.counts
    omitted = "・".join(
        f"{st.title}{counts[st.value]}件"
        for st in Status
        if st.info.settled and (counts[st.value] or st.info.done)
    )
    local = tuple(RowLine(r, "") for r in report.rows if r.status is RowStatus.LOCAL)
    obsolete = tuple(
        RowLine(r, "、".join(removed_clause(k, catalog) for k in r.clauses))
        for r in report.rows
        if r.status is RowStatus.OBSOLETE
    )
    name = Path(report.policy.path).name
    thin = is_thin(report)
    return AuditPage(
        summary=s,
        title=f"情報セキュリティポリシー点検結果（{report.target.label}）",
        today=printed_day,
        print_header=(
            f"{s.body} 情報セキュリティポリシー点検結果",
            HANDLING,
            f"点検日 {printed_day}",
        ),
        policy_name=name,
        follows=report.follows_label or "判定できません",
        lag=lag_words(report, catalog),
        info=(
            ("ツール", f"gapcheck {__version__}"),
            ("照合先の版", f"{report.target.label}（{report.target.id}）"),
            ("準拠している版", report.follows_label or "判定できません"),
            ("入力ファイル", name),
            ("SHA-256", report.policy.sha256),
            ("カタログの版", ", ".join(catalog.ids)),
            ("注意", DIGEST_NOTE),
        ),
        counts=tuple((st, counts[st.value]) for st in Status),
        clauses=lines,
        open_first=open_first,
        omitted=f"{omitted}の条項は印刷を省略しています（全条項は画面の一覧にあります）。",
        shared=_shared(s.top_actions, s.body),
        local_rows=local,
        obsolete_rows=obsolete,
        ranked=() if thin else tuple(spread(rank_gaps(report, catalog), TERMINAL_TOP)),
        thin=thin,
        glossary=tuple(catalog.glossary),
    )


def lag_words(report: AuditReport, catalog: Catalog) -> str:
    """How far behind the target the followed edition is, worded against the target: 「最新版」
    only when the target is the newest edition (issue #22: ``--edition 2022-03`` is not
    「最新」)."""
    if report.follows is None:
        return ""
    if report.lag_years is None:
        return "遅れの年数は示しません"
    if report.lag_years == 0:
        return "遅れなし"
    return f"{_target_words(report.target, catalog)}から {report.lag_years} 年の遅れ"


def _target_words(target: Edition, catalog: Catalog) -> str:
    return "最新版" if target.id == catalog.latest.id else f"照合先の{target.label}"


def _clause_line(f: ClauseFinding, s: ExecutiveSummary, catalog: Catalog) -> ClauseLine:
    report = s.report
    return ClauseLine(
        finding=f,
        status=f.status.title + ("（要再確認）" if f.recheck else ""),
        priority=s.priorities.get(f.key, ""),
        plain=localize(f.clause.plain, s.body),
        text=localize(f.clause.text, s.body),
        body_text="\n".join(report.rows[i].row.text for i in f.rows),
        where="、".join(report.rows[i].row.where for i in f.rows),
        similarity=similarity(f, catalog),
        suggestion=suggestion(f, s.body),
    )


def similarity(f: ClauseFinding, catalog: Catalog) -> int | str:
    """What the similarity compares with (issue #13: 「類似度 100%」 beside 旧版のまま
    confused): for an outdated clause, the older edition's wording it keeps."""
    if not f.rows:
        return ""
    pct = round(f.score * 100)
    # compared with the older wording the rows are closest to, when they are; an old element
    # found in the body's own words is named in 対応案 instead (issue #21)
    older = f.wording_last is not None or any(e.source == "wording" for e in f.elements)
    if f.status is Status.OUTDATED and older:
        last = f.wording_last or f.follows
        label = catalog.edition(last).label if last in catalog.ids else "旧版"
        return f"{label}の文言と一致" if pct >= 100 else f"{label}の文言と{pct}%"
    return pct


def suggestion(f: ClauseFinding, body: str = "本市") -> str:
    """The short suggested action of the clause list (:data:`gapcheck.gaps.status.STATUS_INFO`),
    naming what is missing or changed (issue #21): 「不足する内容を追記（不足: 多要素認証）」."""
    action = f.status.info.action
    if not f.elements:
        return action
    return localize(f"{action}（{'、'.join(e.text for e in f.elements)}）", body)


def removed_clause(key: str, catalog: Catalog) -> str:
    """A removed clause as a person knows it: the number and heading in the last edition
    that had it, never its key (issue #13)."""
    for ed in reversed(catalog.editions):
        c = ed.get(key)
        if c is not None:
            return f"{ed.label} {clause_title(c)}"
    return "削除された条項（番号不明）"


def _shared(actions: Sequence[Action], body: str) -> tuple[tuple[str, str], ...]:
    """「本町の状況（1〜5）」, 「何もしないと（1〜5）」 with their words: usually the same words
    for every action, so said once with the numbers they apply to."""
    out: list[tuple[str, str]] = []
    for label, values in ((f"{body}の状況", [a.affects_us for a in actions]),
                          ("何もしないと", [a.if_nothing for a in actions])):  # fmt: skip
        for numbers, value in _numbers(values):
            out.append((f"{label}（{numbers}）: ", f"{value}　"))
    return tuple(out)


def _numbers(values: list[str]) -> list[tuple[str, str]]:
    """Distinct values with the 1-based positions they occur at: [("1〜3・5", text), …]."""
    seen: dict[str, list[int]] = {}
    for n, v in enumerate(values, 1):
        seen.setdefault(v, []).append(n)
    return [(_runs(ns), v) for v, ns in seen.items()]


def _runs(numbers: list[int]) -> str:
    """[1, 2, 3, 5] → 「1〜3・5」."""
    out: list[str] = []
    start = prev = numbers[0]
    for n in [*numbers[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        out.append(str(start) if start == prev else f"{start}〜{prev}")
        if n is not None:
            start = prev = n
    return "・".join(out)
