"""What executives read, derived from an audit: priorities, actions, decisions, history.

Pure data: the Excel workbook and the HTML page both render an :class:`ExecutiveSummary`.
docs/domain.md §5: for each change, in everyday words, what changed · why · does it affect us ·
what happens if we do nothing; priority from obligation level, section and how far behind.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from gapcheck.catalog.model import Catalog, Clause, Level, Part, Term
from gapcheck.diff import Span, mark_changes
from gapcheck.gaps.evidence import Clue
from gapcheck.gaps.ranking import announces_list, missing_definitions, rank_gaps, spread
from gapcheck.gaps.report import AuditReport, ClauseFinding, thin_below
from gapcheck.gaps.status import GAP_STATUSES, RowStatus, Status
from gapcheck.gaps.wording import is_definition
from gapcheck.readers.policy import PolicyRow
from gapcheck.readers.reiki_terms import document_part
from gapcheck.text.numbering import ClauseNumber

TOP = 5  # actions on the one-page summary
NAMED = 2  # named missing or changed elements an action's 「…の状況」 spells out (issue #21)
_PROCEDURE_WORDS = ("手順", "マニュアル", "要領", "要綱", "計画")


@dataclass(frozen=True)
class Action:
    """One recommended action for the committee, in everyday words."""

    finding: ClauseFinding
    priority: str  # 高 / 中 / 低
    ranked: str  # why it ranks where it does: 「義務・規定がない・事故・漏えい・停止に直結…」
    what: str  # what changed / what is asked
    why: str  # the incident, law or reason
    affects_us: str  # where this body stands
    if_nothing: str  # what happens if we do nothing
    suggestion: str  # the suggested action for the officer

    @property
    def title(self) -> str:
        return clause_title(self.finding.clause)


@dataclass(frozen=True)
class HistoryEntry:
    """One edition since the one the body follows."""

    id: str
    label: str
    summary: str
    affecting: int  # clauses this edition changed that are still gaps for the body


@dataclass(frozen=True)
class ProcedureItem:
    finding: ClauseFinding
    named: bool  # the policy's matching text names a procedure


@dataclass(frozen=True)
class AmendmentEntry:
    """One row of the draft 新旧対照表: proposed | current, in the body's own numbering."""

    label: str  # 第12条 (見出し) or 第12条の2（新設）
    proposed: tuple[Span, ...]  # inserted/changed passages marked "insert"
    current: tuple[Span, ...]  # replaced passages marked "delete"; () for a new provision
    note: str
    kind: str  # "amend" | "new" | "delete"
    document: str = "対策基準"  # 基本方針 / 対策基準: one 新旧対照表 per document


@dataclass(frozen=True, eq=False)
class ExecutiveSummary:
    report: AuditReport
    body: str  # 本町 / 本市 …
    headline: str  # 「本町のポリシーは令和2年12月版相当です」
    lag_sentence: str
    actions: tuple[Action, ...]  # every actionable gap, most important first
    decisions: tuple[str, ...]  # what the committee must decide
    history: tuple[HistoryEntry, ...]
    procedures: tuple[ProcedureItem, ...]
    glossary: tuple[Term, ...]  # terms used in the report
    priorities: dict[str, str]  # clause key -> 高/中/低 for every gap
    amendment: tuple[AmendmentEntry, ...]
    evidence: tuple[str, ...] = ()  # what the edition judgement rests on, one line each
    top: tuple[Action, ...] = ()  # the first actions, spread across sections (ranking.spread)
    definitions: str = ""  # one line on the guideline's definitions the policy lacks

    @property
    def key_evidence(self) -> tuple[str, ...]:
        """The strongest lines (:attr:`EditionRange.key_clues`), four at most."""
        evidence = self.report.evidence
        return tuple(clue_line(c) for c in evidence.key_clues) if evidence else ()

    @property
    def top_actions(self) -> tuple[Action, ...]:
        """What the one-page summary lists (:data:`TOP`, spread across sections)."""
        return self.top


def clause_title(clause: Clause) -> str:
    """A clause as executives should see it: never a bare number without its heading."""
    return f"{clause.part.value} {clause.number}（{'・'.join(clause.headings[-2:])}）"


_BODY_RE = re.compile(r"本[市町村区都道府県]")


def body_name(report: AuditReport) -> str:
    """本市/本町/本村/本区/本県… as the policy calls itself (default 本市)."""
    counts = Counter(m.group(0) for r in report.policy.rows for m in _BODY_RE.finditer(r.text))
    return counts.most_common(1)[0][0] if counts else "本市"


# 市 standing for the body in our plain explanations (「市が持つ情報」「市全体」), not inside a
# word (都市) nor in 市区町村・市町村
_CITY_RE = re.compile(r"(?<![\u4e00-\u9fff])市(?=[がのはにでとへも]|全体)")


def localize(text: str, body: str) -> str:
    """The catalog's 本市/市長/副市長 wording, and the 市 of its plain explanations, in the
    body's own words: 本町/町長/副町長, 本県/知事/副知事 …

    >>> localize("副市長を、市のシステムと市町村の連携を守る責任者とする。", "本町")
    '副町長を、町のシステムと市町村の連携を守る責任者とする。'
    >>> localize("本市は市長が定める。", "本県")
    '本県は知事が定める。'
    """
    if body == "本市":
        return text
    unit = body[1]
    head = "知事" if unit in "都道府県" else f"{unit}長"
    text = text.replace("本市", body).replace("副市長", f"副{head}").replace("市長", head)
    return _CITY_RE.sub(unit, text)


def is_thin(report: AuditReport) -> bool:
    """Too little of the input matched to say that a clause is absent from the policy."""
    return report.read_summary["clauses_matched"] < thin_below(len(report.clauses))


def read_sentence(report: AuditReport) -> str:
    """How much of the input was read and matched, and what that allows (issue #11)."""
    r = report.read_summary
    out = (
        f"読み込んだ規定{r['rows']}件のうち{r['matched']}件をガイドラインの条項と照合できました"
        f"（要確認{r['review']}件、独自規定{r['local']}件）。"
    )
    unread = report.counts[Status.UNREAD.value]
    if unread:
        out += (
            f"入力した文書に含まれていない部分の{unread}条項は「未照合」とし、規定の有無を判断していません"
            + (
                "（照合できた条項が少なく、抜粋や独自の構成の可能性があります）。"
                if is_thin(report)
                else "。"
            )
        )
    if report.policy.warnings:
        # the reader guessed where a 例規集 copy was damaged: say so, never silently
        out += (
            f"写しの破損とみられる箇所が{len(report.policy.warnings)}件あり、その部分は読み方を推定しています"
            "（例規集の原本で確かめてください）。"
        )
    return out


def _change_note(clause: Clause, catalog: Catalog, since: str | None, target: str) -> str:
    """The catalog's notes on how this clause changed after ``since``, oldest first."""
    notes = []
    # editions in the catalog's order, never compared as strings (issue #22)
    for ed in catalog.between(since, target) if since in catalog.ids else catalog.editions:
        c = ed.get(clause.key)
        if c is not None and c.change is not None and c.change.note:
            # an estimated change is never presented as 総務省's: it carries 「（推定）」
            notes.append(c.change.note + c.change.basis.mark)
        if ed.id == target:
            break
    return " ".join(dict.fromkeys(notes))


def definitions_line(report: AuditReport, body: str, thin: bool) -> str:
    """The guideline's definitions the policy lacks, as one line (never an action each)."""
    missing = [f for f in missing_definitions(report) if not (thin and f.status is Status.MISSING)]
    if not missing:
        return ""
    terms = "、".join(f.clause.heading for f in missing[:6])
    more = f"など{len(missing)}件の用語" if len(missing) > 6 else f"の{len(missing)}件の用語"
    return (
        f"用語の定義: ガイドラインが定義する「{terms}」{more}が{body}の定義に見当たりません。"
        "定義の条に号として加えるかどうか。"
    )


_IF_NOTHING = {
    Level.DUTY: "国の指針が義務とする対策が欠けたままです。監査で指摘を受け、事故の際に説明がつかないおそれがあります。",
    Level.RECOMMENDATION: "国の指針が勧める対策がないままです。同じ規模の団体より被害を受けやすくなります。",
    Level.PERMISSION: "認められた運用を使えず、業務を効率化する機会を逃します。",
}


def _wording_label(finding: ClauseFinding, catalog: Catalog) -> str:
    """The edition whose wording this clause's matched text keeps (「平成30年9月版」): the
    clause's own evidence, not the policy-wide judgement (which may be 判定できません)."""
    if finding.follows and finding.follows in catalog.ids:
        return catalog.edition(finding.follows).label
    return "以前の版"


def summarize(report: AuditReport, catalog: Catalog) -> ExecutiveSummary:
    """The executive content of ``report``."""
    body = body_name(report)
    target = report.target
    follows_label = report.follows_label or "判定できない版"
    # With few clauses matched (an excerpt, a thin enabling rule), an absent clause is no
    # evidence of a gap: it is listed in 対応一覧 but never recommended as an action (#11).
    thin = is_thin(report)
    ranked = rank_gaps(report, catalog, absent=not thin)
    by_key: dict[str, Action] = {}
    for r in ranked:
        f = r.finding
        note = _change_note(f.clause, catalog, report.follows, target.id)
        what = localize(f.clause.plain, body)
        if r.condition:
            what = f"（{r.condition}）{what}"
        by_key[f.key] = Action(
            finding=f,
            priority=r.priority,
            ranked=r.why_ranked,
            what=what,
            why=localize(note, body)
            or "情報セキュリティ対策の基本として、ガイドラインが定めている事項です。",
            affects_us=f.status.info.affects.format(body=body, follows=_wording_label(f, catalog))
            + "".join(localize(f"{e.sentence}。", body) for e in f.elements[:NAMED]),
            if_nothing=_IF_NOTHING[f.clause.level],
            suggestion=f.status.info.advice,
        )
    actions = [by_key[r.key] for r in ranked]
    top = [by_key[r.key] for r in spread(ranked, TOP)]
    priorities = {r.key: r.priority for r in ranked}
    definitions = definitions_line(report, body, thin)

    # Say only what the evidence supports (issue #11): a range, or 判定できません. The target
    # is 「最新」 only when it is the newest edition (issue #22: --edition 2022-03)
    newest = "最新の" if target.id == catalog.latest.id else "照合先の"
    if report.follows is None:
        headline = f"{body}のポリシーが準拠している版は{follows_label}。"
        lag = "版の遅れは示しません。"
    elif report.lag_years:
        headline = f"{body}のポリシーは{follows_label}です。"
        lag = f"{newest}{target.label}から約{report.lag_years}年遅れています。"
    elif report.lag_years == 0:
        headline = f"{body}のポリシーは{newest}{target.label}に沿っています。"
        lag = "版の遅れはありません。"
    else:
        headline = f"{body}のポリシーは{follows_label}です。"
        lag = "根拠となる規定から版の範囲までは言えますが、遅れの年数は示しません。"
    lag = f"{lag}{read_sentence(report)}"

    history = []
    if report.follows:
        gaps = {f.key for f in report.clauses if f.status in GAP_STATUSES}
        for ed in catalog.between(report.follows, target):
            affecting = sum(1 for c in ed.changed() if c.key in gaps)
            history.append(HistoryEntry(ed.id, ed.label, ed.summary, affecting))

    procedures = []
    for f in report.clauses:
        if f.clause.needs_procedure:
            texts = "".join(report.rows[i].row.text for i in f.rows)
            procedures.append(ProcedureItem(f, any(w in texts for w in _PROCEDURE_WORDS)))

    counts = report.counts
    high = sum(1 for a in actions if a.priority == "高")
    decisions = []
    if thin:
        decisions.append(
            "照合できた条項が少ないため、基本方針と対策基準の全文で点検し直すこと"
            "（この結果の「未対応」は、規定がないことを意味しません）。"
        )
    elif to_review := sum(counts[s.value] for s in GAP_STATUSES):
        decisions.append(
            f"{target.label}に合わせてポリシーを改正するか（見直しが必要な条項 "
            f"{to_review}件、うち優先度「高」{high}件）。"
        )
        decisions.append("改正案を情報セキュリティ委員会に諮る時期と、担当する課。")
    missing_proc = sum(1 for p in procedures if not p.named)
    if missing_proc and not thin:
        decisions.append(f"実施手順（現場向けの手順書）を整える条項 {missing_proc}件の担当と期限。")
    if definitions:
        decisions.append(definitions)
    if report.row_counts["obsolete"]:
        decisions.append(
            f"国の指針から削除された内容に基づく規定 {report.row_counts['obsolete']}件を残すか削るか。"
        )
    if counts["not-applicable"]:
        decisions.append(f"対象外とした条項 {counts['not-applicable']}件の理由の確認。")

    # every term used anywhere in the report: the summary and every clause listed
    used_text = " ".join(
        [headline, lag, *decisions]
        + [f"{a.what} {a.why}" for a in actions]
        + [h.summary for h in history]
        + [
            f"{f.clause.plain} {f.clause.text} {' '.join(f.clause.headings)}"
            for f in report.clauses
        ]
    )
    glossary = tuple(
        t for t in catalog.glossary if any(n in used_text for n in (t.term, *t.aliases))
    )
    return ExecutiveSummary(
        report=report,
        body=body,
        headline=headline,
        lag_sentence=lag,
        actions=tuple(actions),
        decisions=tuple(decisions),
        history=tuple(history),
        procedures=tuple(procedures),
        glossary=glossary,
        priorities=priorities,
        amendment=amendment(report, body),
        evidence=evidence_lines(report),
        top=tuple(top),
        definitions=definitions,
    )


_CLUE_KINDS = {
    "topic": "その版で加わった用語",
    "added": "その版で加わった条項",
    "wording": "後の版で改められた書きぶり",
    "removed": "後の版で削除された条項",
    "layout": "後の版で改められた構成",
}


def clue_line(c: Clue) -> str:
    """One piece of edition evidence in plain words."""
    return f"{c.label}{c.bound_label}: {_CLUE_KINDS[c.kind]}「{c.what}」（{c.where}）"


def evidence_lines(report: AuditReport) -> tuple[str, ...]:
    """The provisions behind the edition judgement, in plain words (issue #11)."""
    return tuple(clue_line(c) for c in report.evidence.clues) if report.evidence else ()


_ARTICLE_RE = re.compile(r"^(第[0-9０-９]+条(?:の[0-9]+)*)")
FRONT = "冒頭"  # before the body's first provision
_ITEM_RE = re.compile(r"^(第[0-9]+条(?:の[0-9]+)*(?:第[0-9]+項)?)第([0-9]+)号$")


def _parent(clause: Clause) -> tuple[Part, str] | None:
    """The guideline item a clause is one entry of (2.(13) → 2, 4.(1)⑨ → 4.(1)), if any."""
    n = ClauseNumber.parse(clause.number)
    if n.subitem:
        return (clause.part, str(replace(n, subitem=0)))
    if n.item:
        return (clause.part, n.section_path)
    return None


def amendment(report: AuditReport, body: str) -> tuple[AmendmentEntry, ...]:
    """A draft amendment of the body's policy, in its own order and numbering, each entry
    tagged with its document (基本方針 or 対策基準: one 新旧対照表 per document).

    Outdated and partial clauses are rewritten where the body has them; rows following
    removed clauses are proposed for deletion. A missing clause is placed after the row of
    the nearest preceding clause the body has: as a new 号 of that article when the two are
    items of the same list in the guideline (a definition after the last definition:
    第2条第1項第13号), else as a 枝番 article (第12条の2) where the body numbers by 第N条.
    Headings that only announce a list and the 用語の定義 are not drafted as articles of their
    own (:func:`gapcheck.gaps.ranking.actionable`); missing definitions are drafted as 号.
    """
    findings = {f.key: f for f in report.clauses}
    after_row: dict[int | None, list[tuple[ClauseFinding, Clause | None]]] = {}
    last_row: int | None = None
    last_clause: Clause | None = None
    for f in report.clauses:
        if f.rows:
            last_row, last_clause = max(f.rows), f.clause
        elif f.status is Status.MISSING and (
            is_definition(f.clause) or not announces_list(f.clause, report.target)
        ):
            after_row.setdefault(last_row, []).append((f, last_clause))
    entries: list[AmendmentEntry] = []
    title = report.policy.title

    def add_new(f: ClauseFinding, anchor: str, sibling: bool, k: int, doc: str) -> None:
        item = _ITEM_RE.match(anchor)
        if item and sibling:
            label = f"{item.group(1)}第{int(item.group(2)) + k + 1}号（新設）"
        elif m := _ARTICLE_RE.match(anchor):
            label = f"{m.group(1)}の{k + 2}（新設）"
        elif anchor == FRONT:
            label = f"{FRONT}（新設）"
        else:
            label = f"{anchor}の次（新設）"
        entries.append(
            AmendmentEntry(
                label=label,
                proposed=(Span(localize(f.clause.text, body), "insert"),),
                current=(),
                note=f"{clause_title(f.clause)}を新たに規定",
                kind="new",
                document=doc or f.clause.part.value,
            )
        )

    def document(row: PolicyRow, fallback: str) -> str:
        return document_part(row.sheet, *row.context, title) or fallback

    def place(items: list[tuple[ClauseFinding, Clause | None]], anchor: str, doc: str) -> None:
        counts: dict[bool, int] = {}
        for f, prev in items:
            # an item of the same list as the clause before it (2.(13) after 2.(12))
            as_item = (
                prev is not None
                and _parent(prev) is not None
                and _parent(prev) == _parent(f.clause)
            )
            k = counts.get(as_item, 0)
            counts[as_item] = k + 1
            add_new(f, anchor, as_item, k, doc if as_item else f.clause.part.value)

    place(after_row.get(None, []), FRONT, "")
    done: set[str] = set()
    for i, rf in enumerate(report.rows):
        row = rf.row
        label = f"{row.number} {row.heading}".strip() or row.where
        matched_part = next(
            (findings[k].clause.part.value for k in rf.clauses if k in findings), ""
        )
        doc = document(row, matched_part or (entries[-1].document if entries else "対策基準"))
        if rf.status is RowStatus.OBSOLETE:
            entries.append(
                AmendmentEntry(
                    label=label,
                    proposed=(Span("（削除）", "insert"),),
                    current=(Span(row.text, "delete"),),
                    note="国の指針で削除された内容に基づく規定",
                    kind="delete",
                    document=doc,
                )
            )
        fresh = [
            k for k in rf.clauses
            if k in findings and k not in done
            and findings[k].status in (Status.OUTDATED, Status.PARTIAL)
        ]  # fmt: skip
        if rf.status is RowStatus.MATCHED and fresh:
            proposed = "".join(localize(findings[k].clause.text, body) for k in fresh)
            old_spans, new_spans = mark_changes(row.text, proposed)
            numbers = "、".join(findings[k].clause.display_number for k in fresh)
            entries.append(
                AmendmentEntry(
                    label=label,
                    proposed=new_spans,
                    current=old_spans,
                    note=f"{report.target.label} {numbers} に合わせて改正",
                    kind="amend",
                    document=doc,
                )
            )
            done.update(fresh)
        place(after_row.get(i, []), row.number or row.where, doc)
    return tuple(entries)


def amendment_documents(
    entries: Sequence[AmendmentEntry],
) -> tuple[tuple[str, tuple[AmendmentEntry, ...]], ...]:
    """The draft split into one table per document, 基本方針 first, each in the body's order."""
    order = {"基本方針": 0, "対策基準": 1}
    docs: dict[str, list[AmendmentEntry]] = {}
    for e in entries:
        docs.setdefault(e.document, []).append(e)
    return tuple(
        (d, tuple(es)) for d, es in sorted(docs.items(), key=lambda kv: order.get(kv[0], 2))
    )


__all__ = [
    "FRONT",
    "NAMED",
    "TOP",
    "Action",
    "AmendmentEntry",
    "ExecutiveSummary",
    "HistoryEntry",
    "ProcedureItem",
    "amendment",
    "amendment_documents",
    "body_name",
    "clause_title",
    "clue_line",
    "definitions_line",
    "evidence_lines",
    "is_thin",
    "localize",
    "read_sentence",
    "summarize",
]
