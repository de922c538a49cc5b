"""Audit a municipality's policy against an edition of the guideline.

Pipeline: policy rows (from :mod:`gapcheck.readers.formats`) → alignment with every wording of every
clause in the catalog (:mod:`gapcheck.align`, :mod:`gapcheck.gaps.wording`) → what each provision
holds (:mod:`gapcheck.gaps.holding`) → a status for each clause of the target edition from named
evidence (:mod:`gapcheck.gaps.classify`) and for each policy row → the edition the policy follows
(:mod:`gapcheck.gaps.evidence`) → reviewer decisions carried forward
(:mod:`gapcheck.gaps.decisions`). Findings are data (:class:`~gapcheck.gaps.report.AuditReport`);
rendering lives elsewhere.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence

from gapcheck.align import Pair, SourceInfo, bigrams
from gapcheck.catalog.model import Catalog, Edition
from gapcheck.gaps.classify import ALSO, BEYOND, SUGGESTED, Context, article_of, clause_finding
from gapcheck.gaps.decisions import Decision, carry_decisions
from gapcheck.gaps.evidence import MatchedClause, edition_range
from gapcheck.gaps.holding import asked, newer_unasked, second_matches, unread
from gapcheck.gaps.report import AuditReport, ClauseFinding, RowFinding
from gapcheck.gaps.status import RowStatus, Status
from gapcheck.gaps.wording import WordingIndex, cached_successors, wording_index
from gapcheck.readers.policy import Policy, PolicyRow
from gapcheck.readers.reiki_terms import definition_term, document_part
from gapcheck.text.normalize import normalize, split_number

__all__ = ["AUDIT_REVISION", "audit"]


# Bump when the audit's results change for the same input and catalog (the survey archive
# reuses stored results only under the same revision).
AUDIT_REVISION = "2026-12-06.issue21"


# Prose before the provisions dates a text only beside at least this many provisions.
PROSE_NEEDS = 5


def _source_info(row: PolicyRow, text: str, title: str) -> SourceInfo:
    """What the alignment weighs besides ``text`` (the row's text without its number)."""
    label = " ".join((row.heading, *row.context[-1:]))
    ref = f"{row.row} {row.number}"
    item = "号" in ref or bool(_ITEM_REF_RE.search(ref))
    term = row.term or definition_term(text, row.heading)
    prose = str(row.row).startswith("前文")
    return SourceInfo(
        label=label, term=term, part=document_part(*row.context, title), item=item, prose=prose
    )


def audit(
    policy: Policy,
    catalog: Catalog,
    target: str | Edition = "latest",
    decisions: Iterable[Decision] = (),
) -> AuditReport:
    """Compare ``policy`` with edition ``target`` of ``catalog``.

    >>> from gapcheck import load_catalog
    >>> row = PolicyRow(sheet="本文", row=5, number="第1条", heading="", text="本町は…")
    >>> report = audit(Policy("p.xlsx", "0" * 64, "spreadsheet", (row,)), load_catalog())
    >>> report.rows[0].status.value
    'local'
    """
    edition = catalog.edition(target)
    windex = wording_index(catalog)
    succ = cached_successors(catalog, edition.id)
    sources = [split_number(r.text)[1] or r.text for r in policy.rows]
    norm_texts = [normalize(s) for s in sources]
    references = [_references(r.ref, edition, windex) for r in policy.rows]
    infos = [_source_info(r, s, policy.title) for r, s in zip(policy.rows, sources, strict=True)]
    alignment = windex.index.align(
        sources,
        references,
        normalized=norm_texts,
        info=infos,
    )
    by_source = asked(alignment, policy, infos, windex, len(edition))

    row_findings, clause_rows = _rows(policy, edition, windex, succ, by_source)
    context = Context(
        texts=norm_texts,
        bigrams=list(alignment.source_bigrams) or [bigrams(t) for t in norm_texts],
        articles=[article_of(r) for r in policy.rows],
        refs=[unicodedata.normalize("NFKC", str(r.row)).replace(" ", "") for r in policy.rows],
    )
    second = second_matches(edition, windex, alignment, by_source, clause_rows, context)
    findings = [
        clause_finding(
            c, clause_rows.get(c.key, []), windex, alignment, by_source, context, edition,
            second.get(c.key, ""),
        )
        for c in edition
    ]  # fmt: skip
    evidence = edition_range(
        catalog,
        edition,
        _matched_clauses(findings, row_findings, windex, catalog),
        _texts(policy, sources),
    )
    findings = unread(newer_unasked(findings, evidence.lower, windex), edition)
    findings, orphans = carry_decisions(findings, tuple(decisions), catalog, edition, succ)
    follows = evidence.lower or evidence.upper
    single = evidence.lower is not None and evidence.lower in (evidence.upper, edition.id)
    lag = _years(catalog.edition(follows).date, edition.date) if follows and single else None
    return AuditReport(
        policy=policy,
        target=edition,
        follows=follows,
        follows_label=evidence.label(catalog),
        lag_years=lag,
        clauses=tuple(findings),
        rows=tuple(row_findings),
        orphan_decisions=orphans,
        evidence=evidence,
    )


def _texts(policy: Policy, sources: Sequence[str]) -> list[tuple[str, str]]:
    """Everything of the policy a topic may be found in, with where it is: each row's
    heading and its text (``sources``: without its number, as matched). Prose before the
    provisions (前文: a web page's introduction, a README) counts only beside enough
    provisions: no edition from nothing (issue #21)."""
    provisions = sum(r.row != "前文" for r in policy.rows)
    out = []
    for r, text in zip(policy.rows, sources, strict=True):
        if r.row == "前文" and provisions < PROSE_NEEDS:
            continue
        if r.heading:
            out.append((r.where, r.heading))
        out.append((r.where, text))
    out += [("目次", t) for t in policy.toc]
    if policy.title:
        out.append(("表題", policy.title))
    return out


def _matched_clauses(
    findings: list[ClauseFinding],
    rows: list[RowFinding],
    windex: WordingIndex,
    catalog: Catalog,
) -> list[MatchedClause]:
    """The confident matches, as evidence of the edition (要確認 rows do not count)."""
    out = []
    for f in findings:
        if not f.status.info.held:
            continue
        if f.method in (ALSO, BEYOND, SUGGESTED):
            continue  # found in a provision matched to another clause: no evidence of age
        added = windex.added_in.get(f.key)
        last = f.wording_last or (f.follows if f.status is Status.OUTDATED else None)
        if last:
            added = None  # matched through an older wording or a predecessor: not this clause
        telling = bool(added or last)  # only these are cited as clues: name only them
        out.append(
            MatchedClause(
                key=f.key,
                added_in=added,
                wording_last=last,
                removed_after=None,
                score=max([f.score, *(rows[i].score for i in f.rows)]),
                where="、".join(rows[i].row.where for i in f.rows[:2]) if telling else "",
                what=f"{f.clause.display_number}（{f.clause.heading}）" if telling else "",
            )
        )
    for r in rows:
        if r.status is RowStatus.OBSOLETE and r.follows:
            out.append(
                MatchedClause(
                    key=r.clauses[0],
                    added_in=None,
                    wording_last=None,
                    removed_after=r.follows,
                    score=r.score,
                    where=r.row.where,
                    what=_removed_title(r.clauses[0], r.follows, catalog),
                )
            )
    return out


def _removed_title(key: str, last: str, catalog: Catalog) -> str:
    """A removed clause as people cite it: 「廃止された条項 令和4年3月版 対策基準 5.4.(6)（…）」,
    never its key (issue #13)."""
    clause = catalog.edition(last).get(key) if last in catalog.ids else None
    if clause is None:
        return "廃止された条項"
    label = catalog.edition(last).label
    return f"廃止された条項 {label} {clause.display_number}（{clause.heading}）"


def _references(ref: str, edition: Edition, windex: WordingIndex) -> tuple[int, ...]:
    if not ref:
        return ()
    number = unicodedata.normalize("NFKC", ref).replace(" ", "")
    key = _numbers(windex.catalog, edition.id).get(number)
    return windex.by_key.get(key, ()) if key else ()


@functools.lru_cache(maxsize=16)
def _numbers(catalog: Catalog, edition_id: str) -> dict[str, str]:
    """Clause number (as printed, and NFKC) → key, for explicit references."""
    out: dict[str, str] = {}
    for c in catalog.edition(edition_id):
        out.setdefault(c.number, c.key)
        out.setdefault(unicodedata.normalize("NFKC", c.number), c.key)
    return out


def _rows(
    policy: Policy,
    edition: Edition,
    windex: WordingIndex,
    succ: dict[str, frozenset[str]],
    by_source: dict[int, list[Pair]],
) -> tuple[list[RowFinding], dict[str, list[tuple[int, int]]]]:
    """Row findings, and per target key the (row index, wording index) pairs behind it."""
    findings: list[RowFinding] = []
    clause_rows: dict[str, list[tuple[int, int]]] = {}
    for i, row in enumerate(policy.rows):
        pairs = by_source.get(i, [])
        if not pairs:
            findings.append(RowFinding(row, RowStatus.LOCAL))
            continue
        keys: list[str] = []
        removed: list[str] = []
        for p in pairs:
            key = windex.wordings[p.target].key
            targets = [key] if key in edition else sorted(succ.get(key, ()))
            if not targets:
                removed.append(key)
            for k in targets:
                if k not in keys:
                    keys.append(k)
                clause_rows.setdefault(k, []).append((i, p.target))
        first = pairs[0]
        follows = windex.wordings[first.target].last
        if not keys and first.review:
            # a provision merely resembling a removed clause is no evidence that the body
            # kept it: 廃止条項 is a claim (issue #21: 「記録媒体 …をいう」 on floppy disks)
            findings.append(RowFinding(row, RowStatus.LOCAL))
            continue
        if keys:
            findings.append(
                RowFinding(
                    row,
                    RowStatus.REVIEW if first.review else RowStatus.MATCHED,
                    tuple(keys),
                    first.score,
                    first.method.value,
                    follows,
                )
            )
        else:
            findings.append(
                RowFinding(
                    row,
                    RowStatus.OBSOLETE,
                    tuple(removed),
                    first.score,
                    first.method.value,
                    follows,
                )
            )
    return findings, clause_rows


_ITEM_REF_RE = re.compile(r"\)|）|[①-⑳]")  # a row reference that is an item (号, (1), ①)


def _years(old: str, new: str) -> float:
    """Years between two ``YYYY-MM`` dates, one decimal."""
    (oy, om), (ny, nm) = (map(int, old[:7].split("-")), map(int, new[:7].split("-")))
    return round(((ny * 12 + nm) - (oy * 12 + om)) / 12, 1)
