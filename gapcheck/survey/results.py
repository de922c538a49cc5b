"""What a survey finds: :class:`SurveyResult` (every body's result, the files that failed or
were skipped, the trend) with its aggregates, computed once, and what every output of it shares.

Also here: the status letters the archive stores (:data:`STATUS_CODE`), each flag's title and
explanation (:data:`FLAG_INFO`), the reasons of a file that killed its process or changed
while it was read, what the figures can and cannot say (:data:`NOTE`), and the rounding of a
share (:func:`share`). Every table of aggregates sums to the bodies surveyed (不明 rows);
rendering lives in :mod:`gapcheck.render.report_survey`.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from gapcheck.catalog.model import Clause, Edition
from gapcheck.gaps.status import GAP_STATUSES, Status
from gapcheck.survey.bodies import KINDS, PREFECTURES, SIZE_BANDS, UNKNOWN_SIZE, size_band

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "FLAG_INFO",
    "NOTE",
    "BodyResult",
    "ClauseGap",
    "Failure",
    "GroupRow",
    "Skipped",
    "SurveyResult",
    "TrendPoint",
]

# One character per clause of the target edition, in edition order (compact: 1,788 bodies ×
# 338 clauses stay a few hundred kilobytes).
# The letters (audit.STATUS_INFO's ``code``) are stored in the archive, so a status keeps its
# letter once released.
STATUS_CODE = {s: s.info.code for s in Status}
CODE_STATUS = {v: k for k, v in STATUS_CODE.items()}
if len(CODE_STATUS) != len(STATUS_CODE):  # pragma: no cover - a catalog-time mistake
    raise RuntimeError("two statuses share a letter in audit.STATUS_INFO")
UNKNOWN = "不明"
UNKNOWN_EDITION = "unknown"  # by_version key for a policy whose edition cannot be told
BEHIND = 2  # editions behind that make a body "fallen behind"
TOP_CLAUSES = 20
MIN_ELIGIBLE = 3  # a clause's uptake over fewer bodies than this is not ranked


# Each flag's title and plain explanation, defined once.
FLAG_INFO: dict[str, tuple[str, str]] = {
    "no-code": (
        "団体コードなし",
        "ファイル名にも団体の一覧にも団体コードが見つからないため、ファイル名で集計しました。"
        "ファイル名の先頭に6桁の団体コード（例: 131016_千代田区.xlsx）を付けてください。",
    ),
    "name-matched": (
        "団体名で特定",
        "ファイル名の団体名から団体の一覧で特定しました。先頭に団体コードを付けると確実です。",
    ),
    "not-in-master": ("一覧にない団体", "団体コードが --master の団体の一覧にありません。"),
    "several-files": ("複数ファイル", "同じ団体の複数のファイルをまとめて照合しました。"),
    "no-match": (
        "版を判定できず",
        "照合できた規定が少ないか、どの版かを示す規定が見つからず、準拠している版を判定できませんでした。",
    ),
    "range": (
        "版は範囲まで",
        "根拠から言えるのは版の範囲（例: 平成30年9月版以降）までで、一つの版には絞れません。"
        "版別・遅れの集計では「判定できない」に数えています。",
    ),
    "name-encoding": (
        "ファイル名の文字コード",
        "ファイル名が UTF-8 ではありません（Windows で作った zip を展開したときなど）。"
        "Shift_JIS（cp932）として読める名前はそのように、読めない文字は \\x.. の形で表示しています。"
        "ファイル名を付け直すと確実です。",
    ),
}

# The start of the reason of a file whose audit killed its process (see crash_reason).
CRASHED = "照合の処理がこのファイルの読み取り中に異常終了しました"

# A file that changed while it was read: its result is not kept (it would be stored under
# the hash of bytes that were not the ones audited).
CHANGED_REASON = (
    "読み取っている間にファイルが書き換えられたため、結果を記録しませんでした。"
    "コピーや保存が終わってから、もう一度調べてください。"
)

# What the figures can and cannot say (docs/domain.md §1): shown on every report.
NOTE: tuple[str, ...] = (
    "この集計は、各団体のポリシーの文章をガイドラインの各版と機械的に照合して得た新しいデータです。"
    "総務省の公式統計ではありません。",
    "総務省の調査は、ポリシーを策定しているか（ほぼ100%）を尋ねるもので、どの版に沿っているかは尋ねていません。"
    "このため、公式の数字と直接比べることはできません。",
    "「準拠している版」は、文章が最もよく一致する版の推定です。条文の書き換えが多い団体や、"
    "実施手順など別の文書で定めている団体では、実際より古く判定されることがあります。",
    "読み取れなかった資料の団体と、調査の対象に含まれていない団体は、集計に入っていません。",
    "集計表には状態と件数だけを載せ、ポリシーの文章は載せていません。",
)


@dataclass(frozen=True)
class Failure:
    """A file that could not be surveyed, with the reason in Japanese."""

    file: str  # relative to the input folder
    reason: str
    code: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {"file": self.file, "reason": self.reason, "code": self.code}


@dataclass(frozen=True)
class Skipped:
    """A folder entry deliberately not read (a symbolic link), and why."""

    file: str
    reason: str

    def to_dict(self) -> dict[str, object]:
        return {"file": self.file, "reason": self.reason}


@dataclass(frozen=True)
class BodyResult:
    """One body's result: the edition its policy follows and how far behind it is."""

    body: str  # the code, or "file:<relative path>" for a file without one
    file: str  # the file(s) read, relative to the input folder
    code: str | None
    name: str
    prefecture: str
    kind: str  # 都道府県 / 市 / 区 / 町 / 村, or "" when unknown
    population: int | None
    follows: str | None  # edition id
    follows_label: str
    lag_years: float | None
    editions_behind: int | None
    coverage: float  # share of the target's clauses covered (対応済み or 対象外)
    counts: dict[str, int]  # clauses by status
    rows: int  # rows read from the policy
    sha256: str
    flags: tuple[str, ...] = ()
    reused: bool = False  # taken from the archive, not audited in this run

    @property
    def size(self) -> str:
        return size_band(self.population)

    def to_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "code": self.code,
            "name": self.name,
            "prefecture": self.prefecture,
            "kind": self.kind,
            "population": self.population,
            "follows": self.follows,
            "follows_label": self.follows_label,
            "lag_years": self.lag_years,
            "editions_behind": self.editions_behind,
            "coverage": self.coverage,
            "counts": self.counts,
            "rows": self.rows,
            "flags": list(self.flags),
            "reused": self.reused,
        }


@dataclass(frozen=True)
class GroupRow:
    """Bodies of one prefecture / body type / size band."""

    label: str
    bodies: int
    newest: int  # bodies on the target edition
    median_lag: float | None
    mean_coverage: float | None
    behind: int  # bodies BEHIND or more editions behind

    @property
    def share_newest(self) -> float | None:
        return self.newest / self.bodies if self.bodies else None

    def to_dict(self) -> dict[str, object]:
        return {
            "label": self.label,
            "bodies": self.bodies,
            "newest": self.newest,
            "share_newest": share(self.share_newest),
            "median_lag_years": self.median_lag,
            "mean_coverage": share(self.mean_coverage),
            "behind": self.behind,
        }


@dataclass(frozen=True)
class ClauseGap:
    """A clause of the target edition and how many bodies lack it or keep an old wording."""

    clause: Clause
    gaps: tuple[tuple[Status, int], ...]  # per gap status (GAP_STATUSES), the bodies in it
    bodies: int  # the bodies counted: every body, or (uptake) those that could have it
    since: str = ""  # (uptake) the edition the clause's present wording dates from

    def count(self, status: Status) -> int:
        return dict(self.gaps).get(status, 0)

    @property
    def missing(self) -> int:
        return self.count(Status.MISSING)

    @property
    def outdated(self) -> int:
        return self.count(Status.OUTDATED)

    @property
    def share(self) -> float:
        """Bodies without the clause or with an older rule (未対応・旧版), of those counted."""
        return (self.missing + self.outdated) / self.bodies if self.bodies else 0.0

    def to_dict(self) -> dict[str, object]:
        return {
            "key": self.clause.key,
            "number": self.clause.number,
            "part": self.clause.part.value,
            "heading": self.clause.heading,
            "plain": self.clause.plain,
            **{s.value: n for s, n in self.gaps},
            "bodies": self.bodies,
            "since": self.since or None,
            "share": share(self.share),
        }


@dataclass(frozen=True)
class TrendPoint:
    """One year of the archive (bodies surveyed that year against the same target)."""

    year: int
    bodies: int
    newest: int
    median_lag: float | None
    by_version: dict[str, int]
    failed: int

    @property
    def share_newest(self) -> float | None:
        return self.newest / self.bodies if self.bodies else None

    def to_dict(self) -> dict[str, object]:
        return {
            "year": self.year,
            "bodies": self.bodies,
            "newest": self.newest,
            "share_newest": share(self.share_newest),
            "median_lag_years": self.median_lag,
            "by_version": self.by_version,
            "failed": self.failed,
        }


@dataclass(frozen=True, eq=False)
class SurveyResult:
    """The survey: every body's result, the failed files, the trend; aggregates computed once."""

    target: Edition
    editions: tuple[tuple[str, str], ...]  # (id, label) of the catalog, oldest first
    year: int
    bodies: tuple[BodyResult, ...]
    failed: tuple[Failure, ...]
    skipped: tuple[Skipped, ...]
    trend: tuple[TrendPoint, ...]
    audited: int  # inputs (bodies and failed files) audited in this run
    reused: int  # inputs whose result was taken unchanged from the archive
    db: str | None
    statuses: dict[str, str] = field(default_factory=dict, repr=False)  # body -> status codes
    # per clause key, the edition its present wording dates from (wording_since)
    since: dict[str, str] = field(default_factory=dict, repr=False)
    candidates: frozenset[str] = frozenset()  # clauses whose uptake is worth ranking

    @functools.cached_property
    def labels(self) -> dict[str, str]:
        return dict(self.editions)

    @functools.cached_property
    def judged(self) -> tuple[BodyResult, ...]:
        """Bodies whose edition could be told."""
        return tuple(b for b in self.bodies if b.follows is not None)

    @functools.cached_property
    def by_version(self) -> dict[str, int]:
        """Bodies per followed edition, every edition present (zero included), oldest first."""
        counts = Counter(b.follows or UNKNOWN_EDITION for b in self.bodies)
        out = {e: counts.get(e, 0) for e, _ in self.editions}
        if counts.get(UNKNOWN_EDITION):
            out[UNKNOWN_EDITION] = counts[UNKNOWN_EDITION]
        return out

    @functools.cached_property
    def newest(self) -> int:
        return sum(1 for b in self.bodies if b.follows == self.target.id)

    @property
    def share_newest(self) -> float | None:
        return self.newest / len(self.bodies) if self.bodies else None

    @functools.cached_property
    def median_lag(self) -> float | None:
        return lag_between(self._per_body["lag"].median())

    @functools.cached_property
    def by_prefecture(self) -> tuple[GroupRow, ...]:
        return self._groups("prefecture", (*PREFECTURES, UNKNOWN))

    @functools.cached_property
    def by_kind(self) -> tuple[GroupRow, ...]:
        return self._groups("kind", (*KINDS, UNKNOWN))

    @functools.cached_property
    def by_size(self) -> tuple[GroupRow, ...]:
        return self._groups("size", (*(s for s, _ in SIZE_BANDS), UNKNOWN_SIZE))

    @functools.cached_property
    def behind(self) -> tuple[BodyResult, ...]:
        """Bodies two or more editions behind, furthest first."""
        order = {p: n for n, p in enumerate(PREFECTURES)}
        rows = [b for b in self.bodies if (b.editions_behind or 0) >= BEHIND]
        return tuple(
            sorted(
                rows,
                key=lambda b: (-(b.editions_behind or 0), order.get(b.prefecture, 99), b.body),
            )
        )

    @functools.cached_property
    def clause_gaps(self) -> tuple[ClauseGap, ...]:
        """Every clause of the target with its national counts, in edition order."""
        letters = self._letters
        gaps = _gap_counts(letters)
        return tuple(
            ClauseGap(c, g, len(letters)) for c, g in zip(self.target.clauses, gaps, strict=True)
        )

    @functools.cached_property
    def uptake(self) -> tuple[ClauseGap, ...]:
        """Per candidate clause, its gaps among the bodies that *could* have it: those whose
        policy follows the edition that brought the clause's present wording, or a later one.
        A body still on an older edition lacks the clause because it has not caught up, which
        says nothing about how well this clause was explained (issue #13)."""
        import numpy as np

        ids = [e for e, _ in self.editions]
        pos = {e: n for n, e in enumerate(ids)}
        follows = {b.body: b.follows for b in self.bodies}
        letters = self._letters
        # the edition each body reached (-1: not told) and each clause's wording dates from
        reached = [pos.get(follows[body] or "", -1) for body in letters.index]
        since = [pos[self.since.get(c.key, self.target.id)] for c in self.target.clauses]
        eligible = letters.where(np.greater_equal.outer(reached, since))
        gaps = _gap_counts(eligible)
        counted = eligible.count().tolist()
        return tuple(
            ClauseGap(c, g, n, ids[at])
            for c, g, n, at in zip(self.target.clauses, gaps, counted, since, strict=True)
            if c.key in self.candidates
        )

    def top_clauses(self, n: int = TOP_CLAUSES) -> tuple[ClauseGap, ...]:
        """The ``n`` clauses most often missing or outdated among the bodies that could have
        them (:attr:`uptake`), each measured over at least :data:`MIN_ELIGIBLE` bodies."""
        ranked = sorted(
            (g for g in self.uptake if g.missing + g.outdated and g.bodies >= MIN_ELIGIBLE),
            key=lambda g: (-g.share, -(g.missing + g.outdated), -g.missing),
        )
        return tuple(ranked[:n])

    def clause_rows(self) -> Iterator[tuple[str, str, str, str, Status]]:
        """(code, body name, clause key, number, status) for every body and clause."""
        clauses = self.target.clauses
        for b in self.bodies:
            codes = self.statuses.get(b.body, "")
            for c, ch in zip(clauses, codes, strict=False):
                yield (b.code or "", b.name, c.key, c.number, CODE_STATUS[ch])

    @functools.cached_property
    def _per_body(self) -> pd.DataFrame:
        """A row per body, in survey order, with what the group tables count."""
        import pandas as pd  # heavy: only once a table is asked for

        bodies = self.bodies
        return pd.DataFrame(
            {
                "prefecture": [b.prefecture or UNKNOWN for b in bodies],
                "kind": [b.kind or UNKNOWN for b in bodies],
                "size": [b.size for b in bodies],
                "newest": [b.follows == self.target.id for b in bodies],
                "behind": [(b.editions_behind or 0) >= BEHIND for b in bodies],
                "lag": [b.lag_years for b in bodies],
                # the coverage of a body whose edition could not be told is not averaged
                "coverage": [b.coverage if b.follows is not None else None for b in bodies],
            }
        ).astype({"lag": float, "coverage": float})

    @functools.cached_property
    def _letters(self) -> pd.DataFrame:
        """The status letters: a row per body that has them (survey order, by body), a
        column per clause of the target (edition order), None where a body's letters stop."""
        import pandas as pd

        n = len(self.target.clauses)
        rows = {b.body: codes[:n] for b in self.bodies if (codes := self.statuses.get(b.body))}
        # one block of objects, not a column of pandas strings per clause (3 times faster)
        return pd.DataFrame(
            [[*codes, *[None] * (n - len(codes))] for codes in rows.values()],
            index=list(rows),
            columns=range(n),
            dtype=object,
        )

    def _groups(self, column: str, order: Sequence[str]) -> tuple[GroupRow, ...]:
        # A label outside ``order`` (a misspelt 都道府県 in an archive row, say) counts as
        # 不明: every table sums to the number of bodies surveyed.
        bodies = self._per_body
        label = bodies[column].where(bodies[column].isin(order), order[-1])
        table = bodies.groupby(label).agg(
            bodies=("newest", "size"),
            newest=("newest", "sum"),
            median_lag=("lag", "median"),
            mean_coverage=("coverage", _mean),
            behind=("behind", "sum"),
        )
        table = table.reindex([k for k in order if k in table.index])
        return tuple(
            GroupRow(str(k), int(g.bodies), int(g.newest), lag_between(g.median_lag),
                     _float(g.mean_coverage), int(g.behind))
            for k, g in table.iterrows()
        )  # fmt: skip

    def to_dict(self) -> dict[str, object]:
        """The ``gapcheck survey --json`` contract."""
        return {
            "target": self.target.id,
            "target_label": self.target.label,
            "year": self.year,
            "summary": {
                "bodies": len(self.bodies),
                "audited": self.audited,
                "reused": self.reused,
                "failed": len(self.failed),
                "skipped": len(self.skipped),
                "newest": self.newest,
                "share_newest": share(self.share_newest),
                "median_lag_years": self.median_lag,
                "behind": len(self.behind),
            },
            "by_version": self.by_version,
            "bodies": [b.to_dict() for b in self.bodies],
            "failed": [f.to_dict() for f in self.failed],
            "skipped": [s.to_dict() for s in self.skipped],
            "by_prefecture": [g.to_dict() for g in self.by_prefecture],
            "by_kind": [g.to_dict() for g in self.by_kind],
            "by_size": [g.to_dict() for g in self.by_size],
            "top_clauses": [g.to_dict() for g in self.top_clauses()],
            "trend": [t.to_dict() for t in self.trend],
            "db": self.db,
        }


def share(value: float | None) -> float | None:
    """A share as every output shows it, rounded once: to a tenth of a percent, half up
    (20/118 → 0.169, shown 16.9% in sentences, cells and JSON alike; issue #13).

    >>> share(20 / 118), share(1 / 8), share(None)
    (0.169, 0.125, None)
    """
    if value is None:
        return None
    return float(Decimal(repr(value)).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP))


def share_text(value: float | None) -> str:
    """「16.9%」 (or 「—」) from the same rounding as :func:`share`."""
    rounded = share(value)
    return "—" if rounded is None else f"{rounded * 100:.1f}%"


def _gap_counts(letters: pd.DataFrame) -> list[tuple[tuple[Status, int], ...]]:
    """Per column of status letters (a clause): the bodies in each gap status."""
    per_status = [letters.isin([STATUS_CODE[s]]).sum().tolist() for s in GAP_STATUSES]
    return [
        tuple(zip(GAP_STATUSES, counts, strict=True)) for counts in zip(*per_status, strict=True)
    ]


def _float(value: object) -> float | None:
    """A figure pandas computed, as a Python float; None where there was nothing (NaN)."""
    return None if value is None or value != value else float(value)  # type: ignore[arg-type]


def lag_between(value: object) -> float | None:
    """A median lag in years, to a tenth as Python rounds (numpy takes 0.15 to 0.2, not 0.1)."""
    number = _float(value)
    return None if number is None else round(number, 1)


def _mean(values: pd.Series) -> float | None:
    """The mean summed left to right, as Python's ``sum`` does: pandas sums in another order,
    which can change the last bit and, rounded half up, a share shown."""
    present = values.dropna().tolist()
    return sum(present) / len(present) if present else None
