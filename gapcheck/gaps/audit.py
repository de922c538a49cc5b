"""Audit a municipality's policy against an edition of the guideline.

Pipeline: policy rows (from :mod:`gapcheck.readers.formats`) → alignment with every wording of every
clause in the catalog (:mod:`gapcheck.align`) → a status for each clause of the target
edition and each policy row → the edition the policy follows → reviewer decisions carried
forward. Findings are data (:class:`AuditReport`); rendering lives elsewhere.
"""

from __future__ import annotations

import enum
import functools
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from gapcheck.align import (
    Alignment,
    Index,
    Method,
    Pair,
    SourceInfo,
    TargetInfo,
    bigrams,
    containment,
)
from gapcheck.catalog import cache as catalog_cache
from gapcheck.catalog.lineage import Lineage
from gapcheck.catalog.model import NEW_KEY_KINDS, Catalog, Clause, Edition, Part, parent_key
from gapcheck.errors import GapcheckError, PolicyFormatError, quote
from gapcheck.gaps.elements import (
    ElementFinding,
    check_elements,
    check_level,
    has_elements,
    kept_until,
    wording_changes,
    wording_gaps,
)
from gapcheck.gaps.evidence import EditionRange, MatchedClause, edition_range
from gapcheck.io import read_bytes_capped
from gapcheck.readers.policy import Policy, PolicyRow
from gapcheck.readers.reiki import definition_term, document_part
from gapcheck.text.normalize import normalize, split_number


class Status(enum.Enum):
    """Where a clause of the target edition stands in the body's policy.

    Everything a report says or shows about a status is in :data:`STATUS_INFO`, one entry
    per status: adding a status is that entry plus its tests (issue #15).
    """

    COVERED = "covered"
    OUTDATED = "outdated"
    PARTIAL = "partial"
    MISSING = "missing"
    REVIEW = "review"
    NOT_APPLICABLE = "not-applicable"
    UNREAD = "unread"

    @property
    def info(self) -> StatusInfo:
        return STATUS_INFO[self]

    @property
    def title(self) -> str:
        return STATUS_INFO[self].title

    @property
    def explanation(self) -> str:
        return STATUS_INFO[self].explanation


class RowStatus(enum.Enum):
    """What a row of the body's policy corresponds to."""

    MATCHED = "matched"
    REVIEW = "review"
    OBSOLETE = "obsolete"
    LOCAL = "local"

    @property
    def title(self) -> str:
        return ROW_STATUS_INFO[self][0]

    @property
    def explanation(self) -> str:
        return ROW_STATUS_INFO[self][1]


@dataclass(frozen=True)
class StatusInfo:
    """Everything about one status that a person reads or sees.

    ``title`` and ``explanation`` name it; ``action`` is the short suggestion of the clause
    list, ``advice`` the sentence of the executive summary, ``affects`` how it places the body
    (``{body}``, ``{follows}`` filled in); ``fill`` is the cell and row background, ``colour``
    the chart bar; ``code`` the one letter the survey archive stores (fixed once released).
    """

    title: str
    explanation: str
    action: str
    advice: str
    affects: str
    fill: str  # "E2EFDA"
    colour: str  # "70AD47"
    code: str  # "C"
    gap: bool  # the body has work to do on the clause (未対応・旧版のまま・一部不足)
    settled: bool  # nothing left to do or decide: the printed list leaves the row out


STATUS_INFO: dict[Status, StatusInfo] = {
    Status.COVERED: StatusInfo(
        title="対応済み",
        explanation="最新版の内容がポリシーに反映されています。",
        action="",
        advice="",
        affects="",
        fill="E2EFDA",
        colour="70AD47",
        code="C",
        gap=False,
        settled=True,
    ),
    Status.OUTDATED: StatusInfo(
        title="旧版のまま",
        explanation="対応する規定はありますが、以前の版の書きぶりのままで、その後の改定が反映されていません。",
        action="最新版の内容に改正",
        advice="規定を最新版の内容に改めてください。",
        affects="{body}のポリシーには規定がありますが、{follows}の内容のままです。",
        fill="FFF2CC",
        colour="FFC000",
        code="O",
        gap=True,
        settled=False,
    ),
    Status.PARTIAL: StatusInfo(
        title="一部不足",
        explanation="対応する規定はありますが、最新版が求める内容の一部が見当たりません。",
        action="不足する内容を追記",
        advice="不足している内容を規定に加えてください。",
        affects="{body}のポリシーには規定がありますが、求められる内容の一部が欠けています。",
        fill="FCE4D6",
        colour="F4B084",
        code="P",
        gap=True,
        settled=False,
    ),
    Status.MISSING: StatusInfo(
        title="未対応",
        explanation="対応する規定が見当たりません。新しく定める必要があるかを検討してください。",
        action="新たに規定するか、対象外の理由を記録",
        advice="新しい規定を設けるか、対象外とする理由を記録してください。",
        affects="{body}のポリシーには、これに当たる規定がありません。",
        fill="F8CBAD",
        colour="C00000",
        code="M",
        gap=True,
        settled=False,
    ),
    Status.REVIEW: StatusInfo(
        title="要確認",
        explanation="対応しそうな規定はありますが、確かとは言えません。示した規定を読んで、対応しているか判断してください。",
        action="示した規定を読み、対応しているか判断",
        advice="示した規定を読み、対応しているか判断してください。",
        affects="{body}のポリシーに対応しそうな規定がありますが、確かとは言えません。",
        fill="DDEBF7",
        colour="5B9BD5",
        code="R",
        gap=False,
        settled=False,
    ),
    Status.NOT_APPLICABLE: StatusInfo(
        title="対象外",
        explanation="担当者が理由を付けて対象外と判断した条項です。",
        action="",
        advice="",
        affects="",
        fill="EDEDED",
        colour="A6A6A6",
        code="N",
        gap=False,
        settled=True,
    ),
    Status.UNREAD: StatusInfo(
        title="未照合",
        explanation="入力した文書にこの条項に当たる部分が含まれていない（抜粋で途中までしかない、"
        "基本方針だけ等）ため、規定の有無を判断していません。",
        action="全文を入力して点検し直す",
        advice="ポリシーの全文（基本方針と対策基準）を入力して点検し直してください。",
        affects="{body}の入力した文書にはこの条項に当たる部分が含まれていないため、判断していません。",
        fill="F2F2F2",
        colour="BFBFBF",
        code="U",
        gap=False,
        settled=True,
    ),
}
GAP_STATUSES = tuple(s for s in Status if STATUS_INFO[s].gap)
ROW_STATUS_INFO: dict[RowStatus, tuple[str, str]] = {
    RowStatus.MATCHED: ("対応あり", "ガイドラインの条項に対応する規定です。"),
    RowStatus.REVIEW: (
        "要確認",
        "ガイドラインの条項に対応する可能性がありますが、確かとは言えません。示した条項と読み比べてください。",
    ),
    RowStatus.OBSOLETE: (
        "廃止条項",
        "ガイドラインでは既に削除された条項に基づく規定です。残すかどうかを検討してください。",
    ),
    RowStatus.LOCAL: (
        "独自規定",
        "ガイドラインに対応する条項が見つからなかった規定です（団体独自の規定か、"
        "ガイドラインと大きく異なる書き方の規定です）。",
    ),
}


def status_css() -> str:
    """The ``.s-<status>`` background classes of the HTML reports, from :data:`STATUS_INFO`."""
    return " ".join(
        f".s-{s.value} {{ background: #{i.fill.lower()}; }}" for s, i in STATUS_INFO.items()
    )


DECISIONS = ("対応済", "改定予定", "対象外", "要検討")
# Bump when the audit's results change for the same input and catalog (the survey archive
# reuses stored results only under the same revision).
AUDIT_REVISION = "2026-12-06.issue21"

# A row follows an older wording only when it is clearly closer to it than to the target's.
OUTDATED_MARGIN = 0.02
# Below this share of the target wording's bigrams found in a near-copy: the words it leaves
# out are named (一部不足).
PARTIAL_CONTAINMENT = 0.45
# Wording can be compared only between near-copies: below this text similarity the row says the
# same thing in its own words (real policies, issues #11 and #21), so neither an older wording
# nor a missing share of our digest's characters is evidence; only a named element is
# (gaps/elements.py).
NEAR_COPY_WORDING = 0.8
# Closeness to an older wording dates a text (gaps/evidence.py) from this similarity on.
NEAR_COPY = 0.45
# Rows on each side of a matched provision where a required element may stand instead, and
# the most rows of the same article looked at on each side.
AROUND = 2
ARTICLE_SPAN = 12
# Fewer clauses matched than THIN_INPUT, or fewer than PART_READ of a part: the input does not
# hold that much of the policy, and its absent clauses are 未照合, not 未対応 (issue #21).
THIN_INPUT = 10
PART_READ = 3
# Prose before the provisions dates a text only beside at least this many provisions.
PROSE_NEEDS = 5
# A clause no row matched is suggested (要確認) with the provision matched to a neighbouring
# clause when the provision's text is this similar to it and it ranks among the provision's
# few most similar clauses (issue #21; benchmarks/whole_policy.py).
SIBLING_SIMILARITY = 0.20
NAMED_SIMILARITY = 0.12  # … or from this similarity when it holds every named element
# … and is taken as held (not 要確認) from this similarity with every named element: on the
# four whole policies, 8 more clauses right and no gap missed (0.12: one missed)
NAMED_TAKEN = 0.16
SIBLING_RANK = 3
# A clause no row matched is taken as held by the provision most similar to it when that
# similarity reaches ALSO_ACCEPT and the clause ranks among the provision's ALSO_RANK + 1 most
# similar clauses; from ALSO_REVIEW it is suggested (要確認). On the development policies of
# benchmarks/whole: 57 of 57 accepted right, 79 of 80 from 0.30 (issue #21).
ALSO_ACCEPT = 0.30
ALSO_REVIEW = 0.25
ALSO_RANK = 2
PIECE_MIN = 12  # characters of a sentence compared on its own
PIECE_ROW = 120  # … taken from provisions at least this long (an article holding several)
# where one duty of a long provision ends and the next begins: a sentence, or 「…とともに、」
# (「…IDを管理するとともに、開発環境と運用環境を分離し…」: two clauses in one sentence)
_PIECE_RE = re.compile(r"。|とともに、|と共に、")
ALSO = "also"  # the method of a clause taken as held by a provision matched to another
SUGGESTED = "sibling"  # … and of one only suggested (要確認)


@dataclass(frozen=True)
class Wording:
    """One wording of one clause and the editions (first..last) in which it stood."""

    key: str
    text: str
    first: str
    last: str


@dataclass(frozen=True, eq=False)
class WordingIndex:
    """Every distinct wording in the catalog, fitted once for alignment."""

    catalog: Catalog
    wordings: tuple[Wording, ...]
    index: Index
    by_key: dict[str, tuple[int, ...]]
    added_in: dict[str, str]  # key -> the edition that added it, when that is on record
    ended_in: dict[str, str]  # key -> first edition without it (absent: still present)
    positions: dict[str, int]  # edition id -> its place in the catalog
    # edition id -> key -> index of its wording then, filled on first use (an audit asks
    # for every clause, a survey 1,788 times)
    _current: dict[str, dict[str, int]] = field(default_factory=dict, repr=False)

    def current(self, key: str, edition_id: str) -> int:
        """Index of the wording of ``key`` that stood in ``edition_id``."""
        standing = self._current.get(edition_id)
        if standing is None:
            pos = self.positions
            at = pos[edition_id]
            standing = {
                self.wordings[j].key: j
                for j in range(len(self.wordings))
                if pos[self.wordings[j].first] <= at <= pos[self.wordings[j].last]
            }
            self._current[edition_id] = standing
        return standing[key]


@functools.lru_cache(maxsize=4)
def wording_index(catalog: Catalog) -> WordingIndex:
    """The catalog's wordings, indexed once per catalog (never per row or per policy), and
    kept with the catalog's disk cache for the next command (gapcheck.catalog.cache)."""
    kept = catalog_cache.extra(catalog, "wording_index")
    if isinstance(kept, WordingIndex) and kept.catalog is catalog:
        return kept
    built = _wording_index(catalog)
    catalog_cache.remember(catalog, "wording_index", built)
    return built


def _wording_index(catalog: Catalog) -> WordingIndex:
    open_: dict[str, Wording] = {}
    done: list[Wording] = []
    added_in: dict[str, str] = {}
    ended_in: dict[str, str] = {}
    seen: set[str] = set()
    for ed in catalog.editions:
        present = set()
        for c in ed:
            present.add(c.key)
            if c.key not in seen:
                seen.add(c.key)
                # only a recorded addition dates a text: a key first held by the oldest
                # edition, or by the edition after an outline one, may be older than that
                if c.change and c.change.kind in NEW_KEY_KINDS and not c.change.basis.estimate:
                    added_in[c.key] = ed.id
            w = open_.get(c.key)
            if w is not None and w.text == c.text:
                open_[c.key] = replace(w, last=ed.id)
            else:
                if w is not None:
                    done.append(w)
                open_[c.key] = Wording(c.key, c.text, ed.id, ed.id)
        for key in [k for k in open_ if k not in present]:
            done.append(open_.pop(key))
            ended_in[key] = ed.id
    done.extend(open_.values())
    wordings = tuple(sorted(done, key=lambda w: (w.key, w.first)))
    by_key: dict[str, list[int]] = {}
    for i, w in enumerate(wordings):
        by_key.setdefault(w.key, []).append(i)
    clauses = {c.key: c for ed in catalog.editions for c in ed}  # each key as last seen
    positions = _positions(catalog)
    parents = {parent_key(k) for k in clauses}
    info = [
        replace(
            _target_info(clauses[w.key], catalog, positions),
            parent=w.key in parents,
            child=parent_key(w.key) in clauses,
        )
        for w in wordings
    ]
    index = Index([w.text for w in wordings], groups=[w.key for w in wordings], info=info)
    return WordingIndex(
        catalog=catalog,
        wordings=wordings,
        index=index,
        by_key={k: tuple(v) for k, v in by_key.items()},
        added_in=added_in,
        ended_in=ended_in,
        positions={e: n for n, e in enumerate(catalog.ids)},
    )


def _positions(catalog: Catalog) -> dict[str, float]:
    """Each key's place in document order: its index in the newest edition holding it; a
    removed key sits just after the clause it followed when it was last present."""
    out: dict[str, float] = {}
    for ed in reversed(catalog.editions):
        previous = -1.0
        for c in ed:
            if c.key not in out:
                out[c.key] = previous + 0.5
            previous = out[c.key]
    return out


def is_definition(clause: Clause) -> bool:
    """A clause that defines a term (基本方針 2 定義, 対策基準 1 用語説明)."""
    return len(clause.headings) >= 2 and any(w in clause.headings[-2] for w in ("定義", "用語"))


def _target_info(clause: Clause, catalog: Catalog, positions: dict[str, float]) -> TargetInfo:
    words = catalog.vocabulary.get(clause.key, ())
    heading = clause.heading
    defines: tuple[str, ...] = ()
    if is_definition(clause):
        # the defined term and its spellings (情報システム, 電算システム), not related words
        defines = (heading, *(w for w in words if heading in w or w in heading
                              or (len(w) >= 3 and w[-2:] == heading[-2:])))  # fmt: skip
    return TargetInfo(
        heading=heading,
        words=words,
        defines=defines,
        position=positions[clause.key],
        part=clause.part.value,
        ancestors=clause.headings[:-1],
    )


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


@functools.lru_cache(maxsize=16)
def _successors(catalog: Catalog, edition_id: str) -> dict[str, frozenset[str]]:
    """:func:`successors`, once per catalog and edition (a survey audits 1,788 policies)."""
    return successors(catalog, catalog.edition(edition_id))


def successors(catalog: Catalog, target: Edition) -> dict[str, frozenset[str]]:
    """For keys that were split or merged away, the keys of ``target`` that continue them."""
    lineage = Lineage(catalog.editions)
    return {k: frozenset(lineage.successors(k, target)) for k in lineage.forward}


# --- decisions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """A reviewer's decision on a clause, as recorded in last year's report."""

    key: str
    decision: str  # one of DECISIONS
    reason: str = ""
    owner: str = ""
    due: str = ""
    target: str = ""  # the edition the decision was made against
    number: str = ""  # the clause number then, for listing orphaned decisions

    def to_dict(self) -> dict[str, str]:
        return {
            "key": self.key,
            "decision": self.decision,
            "reason": self.reason,
            "owner": self.owner,
            "due": self.due,
            "target": self.target,
            "number": self.number,
        }


MAX_PREVIOUS_BYTES = 50_000_000  # an audit.json of a 20,000-row policy is a few MB
_DECISION_FIELDS = ("decision", "reason", "owner", "due", "target")


def load_decisions(path: str | Path) -> tuple[Decision, ...]:
    """Reviewer decisions from last year's audit JSON (``gapcheck audit --json`` output).

    Clauses carry ``"decision": {"decision": "対象外", "reason": …, "owner": …, "due": …}``.
    Only a regular file is read, with a size cap; every entry's shape is checked and a wrong
    one is named (``clauses`` の N 件目), quoting at most 80 characters of it.
    """
    path = Path(path)
    hint = "`gapcheck audit --json` で出力した JSON を指定してください。"
    try:
        raw_bytes = read_bytes_capped(path, MAX_PREVIOUS_BYTES, "前回の結果ファイル")
    except FileNotFoundError as exc:
        raise PolicyFormatError(f"{path}: 前回の結果ファイルが見つかりません。") from exc
    except GapcheckError as exc:
        raise PolicyFormatError(str(exc)) from exc
    try:
        data = json.loads(raw_bytes.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PolicyFormatError(f"{path}: 前回の結果として読めません。{hint}") from exc
    except RecursionError as exc:
        raise PolicyFormatError(
            f"{path}: 前回の結果として読めません（JSON の入れ子が深すぎます）。{hint}"
        ) from exc
    if not isinstance(data, dict) or not isinstance(data.get("clauses"), list):
        raise PolicyFormatError(
            f"{path}: 前回の結果に clauses がありません。`gapcheck audit --json` の出力を指定してください。"
        )
    target = _plain(data.get("target"))
    if target is None:
        raise PolicyFormatError(
            f"{path}: target は文字列にしてください（{quote(json_dump(data.get('target')))}）。{hint}"
        )
    out = []
    for n, item in enumerate(data["clauses"], 1):
        where = f"{path}: clauses の {n} 件目"
        if not isinstance(item, dict):
            raise PolicyFormatError(
                f"{where}がオブジェクト（{{…}}）ではありません（{quote(json_dump(item))}）。{hint}"
            )
        raw = item.get("decision")
        if not raw:
            continue
        if not isinstance(raw, dict):
            raise PolicyFormatError(
                f"{where}の decision はオブジェクト"
                f'（{{"decision": "対象外", "reason": …}}）にしてください'
                f"（{quote(json_dump(raw))}）。"
            )
        fields: dict[str, str] = {}
        for name in _DECISION_FIELDS:
            value = _plain(raw.get(name))
            if value is None:
                raise PolicyFormatError(
                    f"{where}の decision.{name} は文字列にしてください（{quote(json_dump(raw.get(name)))}）。"
                )
            fields[name] = value
        key, number = _plain(item.get("key")), _plain(item.get("number"))
        if key is None or number is None:
            raise PolicyFormatError(f"{where}の key・number は文字列にしてください。{hint}")
        decision = fields["decision"].strip()
        if not decision:
            continue
        if decision not in DECISIONS:
            raise PolicyFormatError(
                f"{where}（{quote(number)}）の判断 '{quote(decision)}' は"
                f" {' / '.join(DECISIONS)} のいずれかにしてください。"
            )
        out.append(
            Decision(
                key=key,
                decision=decision,
                reason=fields["reason"],
                owner=fields["owner"],
                due=fields["due"],
                target=fields["target"] or target,
                number=number,
            )
        )
    return tuple(out)


def _plain(value: object) -> str | None:
    """A JSON scalar as text (``None`` → ``""``); ``None`` for a list or an object."""
    if value is None:
        return ""
    if isinstance(value, (str, int, float, bool)):
        return str(value)
    return None


def json_dump(value: object) -> str:
    """``value`` as short JSON for an error line (the caller cuts it with ``quote``)."""
    try:
        return json.dumps(value, ensure_ascii=False)[:200]
    except (ValueError, RecursionError):
        return repr(type(value).__name__)


# --- findings ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ClauseFinding:
    """One clause of the target edition and where it stands in the policy."""

    clause: Clause
    status: Status
    rows: tuple[int, ...] = ()  # indices into AuditReport.rows
    score: float = 0.0
    follows: str | None = None  # newest edition whose wording the body's text matches
    method: str = ""
    coverage: float = 0.0  # share of the clause's wording found in the matched rows
    decision: Decision | None = None
    recheck: bool = False  # the clause changed since the decision was made (要再確認)
    evidence: tuple[str, ...] = ()
    # the named reasons for 一部不足 / 旧版のまま (issue #21): every gap names what it is
    elements: tuple[ElementFinding, ...] = ()
    # the last edition of the older wording (or predecessor's) the rows are closest to:
    # evidence of the edition the text follows, whatever the status
    wording_last: str | None = None

    @property
    def key(self) -> str:
        return self.clause.key


@dataclass(frozen=True)
class RowFinding:
    """One row of the body's policy and what it corresponds to."""

    row: PolicyRow
    status: RowStatus
    clauses: tuple[str, ...] = ()  # target-edition keys (or the removed key, for obsolete)
    score: float = 0.0
    method: str = ""
    follows: str | None = None


@dataclass(frozen=True, eq=False)
class AuditReport:
    """The audit's result: every clause of ``target`` and every row of the policy."""

    policy: Policy
    target: Edition
    follows: str | None  # edition id the policy as a whole follows
    follows_label: str
    lag_years: float | None
    older_than_oldest: bool
    clauses: tuple[ClauseFinding, ...]
    rows: tuple[RowFinding, ...]
    orphan_decisions: tuple[Decision, ...] = ()
    evidence: EditionRange | None = None  # the range of editions and the provisions behind it

    @property
    def follows_range(self) -> tuple[str | None, str | None]:
        """(at least, at most) edition ids the evidence allows."""
        return (self.evidence.lower, self.evidence.upper) if self.evidence else (None, None)

    @functools.cached_property
    def read_summary(self) -> dict[str, int]:
        """How much of the input was read and matched, for an honest summary."""
        rc = self.row_counts
        return {
            "rows": len(self.rows),
            "matched": rc["matched"] + rc["obsolete"],
            "review": rc["review"],
            "local": rc["local"],
            "clauses_matched": sum(
                1
                for f in self.clauses
                if f.status not in (Status.MISSING, Status.REVIEW, Status.UNREAD)
            ),
        }

    @functools.cached_property
    def counts(self) -> dict[str, int]:
        """Clauses by status, every status present (zero included)."""
        out = {s.value: 0 for s in Status}
        for f in self.clauses:
            out[f.status.value] += 1
        return out

    @functools.cached_property
    def row_counts(self) -> dict[str, int]:
        out = {s.value: 0 for s in RowStatus}
        for r in self.rows:
            out[r.status.value] += 1
        return out

    def flatten(self, fields: Sequence[str]) -> list[list[object]]:
        """Clause findings as rows of ``fields`` (e.g. ``["key", "status"]``), for tests/tables."""
        out: list[list[object]] = []
        for f in self.clauses:
            values = {
                "key": f.key,
                "number": f.clause.number,
                "status": f.status.value,
                "follows": f.follows,
                "score": f.score,
                "rows": [self.rows[i].row.row for i in f.rows],
                "decision": f.decision.decision if f.decision else None,
                "recheck": f.recheck,
            }
            out.append([values[name] for name in fields])
        return out

    def to_dict(self) -> dict[str, object]:
        """The ``gapcheck audit --json`` contract."""
        return {
            "target": self.target.id,
            "target_label": self.target.label,
            "follows": self.follows,
            "follows_label": self.follows_label,
            "lag_years": self.lag_years,
            "older_than_oldest": self.older_than_oldest,
            "follows_range": list(self.follows_range),
            "evidence": self.evidence.to_dict() if self.evidence else None,
            "read": self.read_summary,
            "policy": {
                "path": self.policy.path,
                "sha256": self.policy.sha256,
                "kind": self.policy.kind,
                "sheet": self.policy.sheet,
                "title": self.policy.title,
                "enacted": self.policy.enacted,
                "revised": list(self.policy.revised),
                "warnings": list(self.policy.warnings),
            },
            "counts": self.counts,
            "row_counts": self.row_counts,
            "clauses": [
                {
                    "key": f.key,
                    "number": f.clause.number,
                    "part": f.clause.part.value,
                    "heading": f.clause.heading,
                    "level": f.clause.level.value,
                    "status": f.status.value,
                    "follows": f.follows,
                    "rows": [_row_ref(self.rows[i].row) for i in f.rows],
                    "score": f.score,
                    "coverage": f.coverage,
                    "method": f.method,
                    "evidence": list(f.evidence),
                    "elements": [e.to_dict() for e in f.elements],
                    "decision": f.decision.to_dict() if f.decision else None,
                    "recheck": f.recheck,
                }
                for f in self.clauses
            ],
            "rows": [
                {
                    **_row_ref(r.row),
                    "number": r.row.number,
                    "heading": r.row.heading,
                    "status": r.status.value,
                    "clauses": list(r.clauses),
                    "score": r.score,
                    "method": r.method,
                    "follows": r.follows,
                }
                for r in self.rows
            ],
            "orphan_decisions": [d.to_dict() for d in self.orphan_decisions],
        }


def _row_ref(row: PolicyRow) -> dict[str, object]:
    return {"sheet": row.sheet, "row": row.row}


# --- the audit ---------------------------------------------------------------------------


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
    succ = _successors(catalog, edition.id)
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
    by_source = _asked(alignment, policy, infos, windex, len(edition))

    row_findings, clause_rows = _rows(policy, edition, windex, succ, by_source)
    context = _Context(
        texts=norm_texts,
        bigrams=list(alignment.source_bigrams) or [bigrams(t) for t in norm_texts],
        articles=[_article_of(r) for r in policy.rows],
        refs=[unicodedata.normalize("NFKC", str(r.row)).replace(" ", "") for r in policy.rows],
    )
    second = _second_matches(edition, windex, alignment, by_source, clause_rows, context)
    findings = [
        _clause_finding(
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
    findings = _unread(_newer_unasked(findings, evidence.lower, windex), edition)
    findings, orphans = _carry_decisions(findings, tuple(decisions), catalog, edition, succ)
    follows = evidence.lower or evidence.upper
    single = evidence.lower is not None and evidence.lower in (evidence.upper, edition.id)
    lag = _years(catalog.edition(follows).date, edition.date) if follows and single else None
    return AuditReport(
        policy=policy,
        target=edition,
        follows=follows,
        follows_label=evidence.label(catalog),
        lag_years=lag,
        older_than_oldest=False,
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
        if f.status not in (Status.COVERED, Status.OUTDATED, Status.PARTIAL):
            continue
        if f.method in (ALSO, SUGGESTED):
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


def _asked(
    alignment: Alignment,
    policy: Policy,
    infos: Sequence[SourceInfo],
    windex: WordingIndex,
    clauses: int,
) -> dict[int, list[Pair]]:
    """The pairs per row, with 要確認 only where a person has a reason to look (issue #21).

    要確認 keeps a clause a body may well have from being reported 未対応. A row merely
    moderately close in words to a clause, whose caption does not name the clause either, is
    therefore not asked about where that could not happen: the clause is matched to another
    row, or the input is too thin for any clause to be called missing (an excerpt: every
    unmatched clause is 未照合). Such a row is shown as a provision gapcheck found no
    counterpart for. A row whose caption names the clause (「（目的）」 over a purpose article
    in other words) is always asked about. Items of one list go
    together: a 要確認 item whose sibling in the same list is matched to the same clause is
    that clause's item too (「農業委員会の事務局」 beside 「教育委員会の事務局」). Not a
    definition: each item of a definition list defines a term of its own."""
    by_source = alignment.by_source()
    named = alignment.named
    listed: set[tuple[str, str]] = set()
    held: set[str] = set()  # clauses a row is confidently matched to
    for i, pairs in by_source.items():
        if not pairs[0].review:
            held.update(windex.wordings[p.target].key for p in pairs)
            if parent := _list_of(policy.rows[i]):
                listed.add((parent, windex.wordings[pairs[0].target].key))
    thin = len(held) < thin_below(clauses)
    out: dict[int, list[Pair]] = {}
    for i, pairs in by_source.items():
        first = pairs[0]
        if first.review:
            key = windex.wordings[first.target].key
            parent = _list_of(policy.rows[i]) if not infos[i].term else ""
            if parent and (parent, key) in listed:
                pairs = [replace(p, review=False) for p in pairs]
            elif named is not None and not named[i, first.target] and (thin or key in held):
                continue
        out[i] = pairs
    return out


def _newer_unasked(
    findings: list[ClauseFinding], lower: str | None, windex: WordingIndex
) -> list[ClauseFinding]:
    """A clause an edition added after every edition the body confidently shows is not
    suggested from a mere resemblance (issue #21): a policy at 令和2年12月版 level that
    speaks of wireless LAN in general does not hold the 2025-03 rule for wireless LAN in
    the マイナンバー利用事務系. The edition is judged from confident matches only, so the
    suggestions do not argue for themselves."""
    if lower is None:
        return findings
    ids = windex.catalog.ids
    at = ids.index(lower)
    out = []
    for f in findings:
        added = windex.added_in.get(f.key)
        if f.method == SUGGESTED and added in ids and ids.index(added) > at:
            f = ClauseFinding(f.clause, Status.MISSING)
        out.append(f)
    return out


def _list_of(row: PolicyRow) -> str:
    """The list an item row belongs to (its reference without the item's own number), or
    ``""`` for a row that is no item."""
    ref = unicodedata.normalize("NFKC", str(row.row)).replace(" ", "")
    m = _LIST_ITEM_RE.search(ref)
    return ref[: m.start()] if m and m.start() > 0 else ""


def _second_matches(
    edition: Edition,
    windex: WordingIndex,
    alignment: Alignment,
    by_source: dict[int, list[Pair]],
    clause_rows: dict[str, list[tuple[int, int]]],
    context: _Context,
) -> dict[str, str]:
    """Clauses no row was matched to that a provision matched to another clause holds too:
    one article in the body's own words often holds two or three clauses of the guideline
    (issue #21), and the alignment gives each provision one clause (a second one only to a
    near-copy).

    A provision whose text is clearly close to the clause, the clause among the few it is
    closest to, is taken as holding it (its status then follows from the clause's elements
    like any match). A weaker candidate — moderately close, or matched to a neighbouring
    clause (same parent, the parent, a child) and close enough, or holding every named element
    of the clause — is shown as 要確認 with that provision, never as 対応済み; unless it holds
    every named element and its words are near (:data:`NAMED_TAKEN`): then it is taken.

    A provision that is an exact copy of one clause holds no other. Adds the pairs to
    ``clause_rows``; returns, per key, :data:`ALSO` (taken) or :data:`SUGGESTED` (要確認).
    """
    sim = alignment.similarity
    if not len(sim):
        return {}
    copies = [i for i, pairs in by_source.items() if any(p.method is Method.EXACT for p in pairs)]
    exact = set(copies)
    # only a provision matched to a clause (the alignment's own judgement) can hold another;
    # a local provision stays local, a copy of one clause holds no other
    matched = [i for i, pairs in by_source.items() if pairs and not pairs[0].review]
    unmatched = sorted(set(range(len(sim))) - set(matched) | exact)
    if unmatched:
        sim = sim.copy()
        sim[unmatched, :] = 0.0
    rows_of: dict[str, list[int]] = {}
    for key, pairs in clause_rows.items():
        rows_of.setdefault(parent_key(key), []).extend(i for i, _ in pairs)
        rows_of.setdefault(key, []).extend(i for i, _ in pairs)  # rows of the parent itself
    unmatched_set = set(unmatched)
    out: dict[str, str] = {}
    missing = [c for c in edition if c.key not in clause_rows]
    if not missing:
        return out
    # a long article holds several clauses, each in a sentence or two: compared sentence by
    # sentence, one clause's words are not diluted by the others'
    pieces = [
        (i, t)
        for i, text in enumerate(context.texts)
        if len(text) >= PIECE_ROW and len(_PIECE_RE.split(text)) >= 3 and i not in unmatched_set
        for t in _PIECE_RE.split(text)
        if len(t) >= PIECE_MIN
    ]
    piece_sim = windex.index.similarity([t for _, t in pieces]) if pieces else None
    for c in missing:
        current = windex.current(c.key, edition.id)
        column = sim[:, current]
        best = int(np.argmax(column))
        score = float(column[best])
        near = score >= ALSO_REVIEW and _rank_of(windex, sim[best], c.key) <= ALSO_RANK
        if near and score >= ALSO_ACCEPT:
            clause_rows[c.key] = [(best, current)]
            out[c.key] = ALSO
            continue
        if not near and piece_sim is not None:
            # a sentence of a long article: only ever a suggestion (short texts score high)
            k = int(np.argmax(piece_sim[:, current]))
            piece = float(piece_sim[k, current])
            if piece >= ALSO_REVIEW and _rank_of(windex, piece_sim[k], c.key) <= ALSO_RANK:
                best, near = pieces[k][0], True
        if not near:
            parent = parent_key(c.key)
            candidates = {*rows_of.get(parent, ()), *rows_of.get(c.key, ())}
            candidates |= {i for i, _ in clause_rows.get(parent, ())}
            sibling = max(candidates, key=lambda i: float(sim[i, current]), default=None)
            if sibling is None:
                continue
            # the clause's named elements all stand in the provision (著作権法 in a list of laws)
            named = float(sim[sibling, current]) >= NAMED_SIMILARITY and has_elements(
                windex.catalog, c.key, edition, context.texts[sibling]
            )
            if not named and (
                float(sim[sibling, current]) < SIBLING_SIMILARITY
                or _rank_of(windex, sim[sibling], c.key) > SIBLING_RANK
            ):
                continue
            best = sibling
            if named and float(sim[sibling, current]) >= NAMED_TAKEN:
                # every named element stands in the provision, and its words are near
                clause_rows[c.key] = [(best, current)]
                out[c.key] = ALSO
                continue
        clause_rows[c.key] = [(best, current)]
        out[c.key] = SUGGESTED
    return out


def _rank_of(windex: WordingIndex, scores: np.ndarray, key: str) -> int:
    """Place of ``key`` among the clauses a row is most similar to (0: the most similar)."""
    seen: list[str] = []
    for j in np.argsort(-scores, kind="stable")[: 4 * (SIBLING_RANK + 1)]:
        k = windex.wordings[int(j)].key
        if k == key:
            return len(seen)
        if k not in seen:
            seen.append(k)
    return len(seen) + 1


def _clause_finding(
    clause: Clause,
    pairs: list[tuple[int, int]],
    windex: WordingIndex,
    alignment: Alignment,
    by_source: dict[int, list[Pair]],
    context: _Context,
    edition: Edition,
    second: str = "",
) -> ClauseFinding:
    """The status of one clause, argued from named elements (issue #21): 旧版のまま only
    where the body's provision holds an element an edition changed, 一部不足 only where a
    named element is absent from the provision and its neighbours; otherwise 対応済み."""
    if not pairs:
        return ClauseFinding(clause, Status.MISSING)
    current = windex.current(clause.key, edition.id)
    if not second and all(j == current for _, j in pairs):
        copies = [p for i, _ in pairs for p in by_source.get(i, ())]
        if copies and all(p.method is Method.EXACT and p.target == current for p in copies):
            # a copy of the edition's own wording holds its elements by construction
            # (elements.yaml spellings are checked against the clause text): 対応済み
            rows = tuple(sorted({i for i, _ in pairs}))
            return ClauseFinding(
                clause, Status.COVERED, rows=rows, score=1.0, method=Method.EXACT.value,
                follows=windex.wordings[current].last, coverage=1.0,
            )  # fmt: skip
    suggested = second == SUGGESTED
    review = suggested or all(p.review for i, _ in pairs for p in by_source.get(i, ()))
    sim = alignment.similarity
    rows = tuple(sorted({i for i, _ in pairs}))
    s_current = max(float(sim[i, current]) for i in rows)
    # the wording the rows are closest to, of this clause or of a predecessor (split or
    # merged since): evidence of the edition the text follows, not by itself of a status
    best_j, s_best = current, s_current
    for i, j in pairs:
        s = float(sim[i, j])
        telling = s >= NEAR_COPY or windex.wordings[j].key != clause.key
        if telling and s > s_best + OUTDATED_MARGIN:
            best_j, s_best = j, s
    wording_last = windex.wordings[best_j].last if best_j != current else None
    methods = [p for i in rows for p in by_source.get(i, ())]
    if s_current >= 0.999 and any(p.method is Method.EXACT for p in methods):
        coverage = 1.0  # a copy of the current wording (most rows of a survey): nothing to count
    else:
        held_bigrams = frozenset().union(*(context.bigrams[i] for i in rows))
        coverage = containment(windex.index.bigrams_of(current), held_bigrams)
    held = "".join(context.texts[i] for i in rows)
    found, _ = check_elements(
        windex.catalog,
        clause.key,
        edition,
        held,
        lambda: "".join(context.texts[k] for k in context.around(rows)),
    )
    old = tuple(f for f in found if f.kind == "old")
    if not old and (softer := check_level(windex.catalog, clause, edition, held)):
        old = (softer,)
    absent = tuple(f for f in found if f.kind == "absent")
    w = windex.wordings[best_j]
    if not old and best_j != current and w.key == clause.key and s_best >= NEAR_COPY_WORDING:
        after = windex.catalog.ids[windex.catalog.ids.index(w.last) + 1]
        old = wording_changes(w.text, clause.text, held, after, windex.catalog.edition(after).label)
    if not absent and not old and s_current >= NEAR_COPY_WORDING and coverage < PARTIAL_CONTAINMENT:
        absent = wording_gaps(clause.text, held)
    method = second or (methods[0].method.value if methods else "")
    evidence = tuple(dict.fromkeys(t for p in methods for t in p.evidence))[:5]
    if suggested:
        evidence = ("同じ節の条項に対応する規定に、この条項の内容も含まれている可能性があります",)
    if review:
        status = Status.REVIEW
    elif old:
        status = Status.OUTDATED
    elif absent:
        status = Status.PARTIAL
    else:
        status = Status.COVERED
    named = old + absent if status in (Status.OUTDATED, Status.PARTIAL) else ()
    return ClauseFinding(
        clause,
        status,
        rows=rows,
        score=round(max(s_current, s_best), 4),
        follows=kept_until(windex.catalog, old) if status is Status.OUTDATED else w.last,
        wording_last=wording_last,
        method=method,
        coverage=round(coverage, 3),
        evidence=evidence + tuple(f.text for f in named),
        elements=named,
    )


@dataclass(frozen=True)
class _Context:
    """The policy's rows in matching form, and which rows stand around a provision."""

    texts: list[str]  # normalised row texts
    bigrams: list[frozenset[str]]
    articles: list[str]  # the article (第N条…) or top number a row belongs to, "" if none
    refs: list[str]  # each row's reference, normalised (第12条第1項, 7.2(2)②)

    def around(self, rows: Sequence[int]) -> list[int]:
        """``rows``, their neighbours, the other rows of the same article, and the
        provisions they refer to (「7.2(2)に定める措置」, 「第12条の規定により」)."""
        n = len(self.texts)
        out = {k for i in rows for k in range(max(0, i - AROUND), min(n, i + AROUND + 1))}
        for i in rows:
            for cited in _CITED_RE.findall(self.texts[i]):
                target = cited.replace(".(", "(")
                hits = [k for k, ref in enumerate(self.refs) if ref.startswith(target)]
                out.update(hits[:ARTICLE_SPAN])
        articles = {self.articles[i] for i in rows} - {""}
        if articles:
            for i in rows:
                k = i
                while k > 0 and self.articles[k - 1] in articles and i - k < ARTICLE_SPAN:
                    k -= 1
                    out.add(k)
                k = i
                while k < n - 1 and self.articles[k + 1] in articles and k - i < ARTICLE_SPAN:
                    k += 1
                    out.add(k)
        return sorted(out)


_ARTICLE_RE = re.compile(r"^第[0-9]+条(?:の[0-9]+)*")
_ITEM_REF_RE = re.compile(r"\)|）|[①-⑳]")  # a row reference that is an item (号, (1), ①)
# the item's own number at the end of a row reference: 第3号, (2), ②, イ
_LIST_ITEM_RE = re.compile(r"(?:第[0-9]+号|\([0-9]+\)|[①-⑳]|[ア-ン])$")
# a provision cited in a row's (normalised) text: 第12条(の2), 7.2(2), 6.1.(3)
_CITED_RE = re.compile(
    r"第[0-9]+条(?:の[0-9]+)*|(?<![0-9.])[0-9]{1,2}\.[0-9]{1,2}(?:\.?\([0-9]{1,2}\))?"
)


def _article_of(row: PolicyRow) -> str:
    ref = unicodedata.normalize("NFKC", str(row.row))
    if m := _ARTICLE_RE.match(ref):
        return m.group(0)
    return ""


def thin_below(clauses: int) -> int:
    """Fewer matched clauses than this, of an edition of ``clauses``, is too little read to
    call anything missing (THIN_INPUT, scaled down for a tiny test catalog)."""
    return min(THIN_INPUT, max(1, clauses // 4))


def _unread(findings: list[ClauseFinding], edition: Edition) -> list[ClauseFinding]:
    """未照合 rather than 未対応 where the input does not reach (issue #21): every clause when
    too little matched (an excerpt, a 目次 alone); a whole part (基本方針, 対策基準) with
    hardly a clause matched (the body sent one of its two instruments); and, in a part that
    was read, the clauses after the last one matched (an excerpt that stops part-way). An
    absent clause is evidence of a gap only inside what was read."""
    # findings are in the edition's order: a finding's index is its place
    parts = [f.clause.part for f in findings]
    sizes = Counter(parts)
    reached: dict[Part, int] = {}
    seen: Counter[Part] = Counter()
    total = 0
    for n, f in enumerate(findings):
        if f.status is not Status.MISSING and f.status is not Status.UNREAD:
            seen[parts[n]] += 1
            reached[parts[n]] = n
            total += f.status is not Status.REVIEW
    thin = total < thin_below(len(edition))
    unread_part = {p: seen[p] < min(PART_READ, max(1, k // 4)) for p, k in sizes.items()}
    return [
        replace(f, status=Status.UNREAD)
        if f.status is Status.MISSING
        and (thin or unread_part[parts[n]] or n > reached.get(parts[n], -1))
        else f
        for n, f in enumerate(findings)
    ]


def _carry_decisions(
    findings: list[ClauseFinding],
    decisions: tuple[Decision, ...],
    catalog: Catalog,
    edition: Edition,
    succ: dict[str, frozenset[str]],
) -> tuple[list[ClauseFinding], tuple[Decision, ...]]:
    """Attach last year's decisions; flag 要再確認 where the clause changed since; list the
    decisions whose clause no longer exists (never drop what a reviewer wrote)."""
    if not decisions:
        return findings, ()
    by_key = {f.key: n for n, f in enumerate(findings)}
    orphans: list[Decision] = []
    out = list(findings)
    for d in decisions:
        keys = [d.key] if d.key in by_key else sorted(succ.get(d.key, ()))
        if not keys:
            orphans.append(d)
            continue
        for key in keys:
            n = by_key[key]
            f = out[n]
            then = _clause_at(catalog, d.target, d.key)
            changed = key != d.key or then is None or then.text != f.clause.text
            status = f.status
            if d.decision == "対象外" and d.reason and not changed:
                status = Status.NOT_APPLICABLE
            out[n] = replace(f, decision=d, recheck=changed, status=status)
    return out, tuple(orphans)


def _clause_at(catalog: Catalog, edition_id: str, key: str) -> Clause | None:
    try:
        return catalog.edition(edition_id).get(key)
    except LookupError:
        return None


def _years(old: str, new: str) -> float:
    """Years between two ``YYYY-MM`` dates, one decimal."""
    (oy, om), (ny, nm) = (map(int, old[:7].split("-")), map(int, new[:7].split("-")))
    return round(((ny * 12 + nm) - (oy * 12 + om)) / 12, 1)
