"""The national catch-up survey: which edition each body's policy follows (issue 7).

:func:`survey` walks a folder of policy files (any format :func:`~gapcheck.readers.formats.read_policy`
reads) and ``gapcheck audit --json`` results, identifies each body by its 全国地方公共団体コード
(:mod:`gapcheck.survey.bodies`), audits every body in parallel and keeps the results in an SQLite
archive. The archive holds statuses and counts only, never policy text. Results are keyed by
the input's SHA-256, the target edition and a fingerprint of the catalog, so a re-run reuses
every unchanged body (a file whose size and mtime are unchanged is not even read), and the
bodies surveyed each year give the year-over-year trend.

Findings are data: a file that cannot be read is a :class:`Failure` (file and the Japanese
reason), and the survey carries on. So is a file whose audit kills its worker process (a
native abort, the OOM killer: the pool is restarted, the file recorded by its hash and not
run again until it changes), a file that changes while it is read (its result is discarded,
never stored under the hash of other bytes), and a file name that is not UTF-8 (shown
decoded as cp932, or escaped; see :func:`display_name`). Aggregates are computed once on
:class:`SurveyResult`, and every table of them sums to the bodies surveyed (不明 rows);
rendering lives in :mod:`gapcheck.render.report_survey`.
"""

from __future__ import annotations

import collections
import contextlib
import datetime
import functools
import hashlib
import json
import math
import multiprocessing
import os
import re
import signal
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, cast

from gapcheck import __version__
from gapcheck.catalog.model import Catalog, Clause, Edition, Level
from gapcheck.errors import GapcheckError, PolicyFormatError
from gapcheck.gaps.audit import AUDIT_REVISION, Status, audit, wording_index
from gapcheck.gaps.ranking import actionable
from gapcheck.readers.formats import read_policy
from gapcheck.readers.policy import Policy
from gapcheck.survey.bodies import (
    KINDS,
    PREFECTURES,
    SIZE_BANDS,
    UNKNOWN_SIZE,
    Body,
    code_from_filename,
    kind_from_name,
    load_master,
    size_band,
)

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
    "survey",
]

SCHEMA_VERSION = 1
# One character per clause of the target edition, in edition order (compact: 1,788 bodies ×
# 338 clauses stay a few hundred kilobytes).
# The letters (audit.STATUS_INFO's ``code``) are stored in the archive, so a status keeps its
# letter once released.
STATUS_CODE = {s: s.info.code for s in Status}
CODE_STATUS = {v: k for k, v in STATUS_CODE.items()}
if len(CODE_STATUS) != len(STATUS_CODE):  # pragma: no cover - a catalog-time mistake
    raise RuntimeError("two statuses share a letter in audit.STATUS_INFO")
# the letters a clause's national counts are made of (ClauseGap's missing, outdated, partial)
_GAP_LETTERS = tuple(STATUS_CODE[s] for s in (Status.MISSING, Status.OUTDATED, Status.PARTIAL))
UNKNOWN = "不明"
UNKNOWN_EDITION = "unknown"  # by_version key for a policy whose edition cannot be told
BEHIND = 2  # editions behind that make a body "fallen behind"
TOP_CLAUSES = 20
MIN_ELIGIBLE = 3  # a clause's uptake over fewer bodies than this is not ranked
_JUNK = {"thumbs.db", "desktop.ini"}

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
    "older-than-oldest": (
        "最古の版より前",
        "カタログで最も古い版より前の内容です。遅れは実際より大きい可能性があります。",
    ),
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


# --- results -----------------------------------------------------------------------------


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
    missing: int
    outdated: int
    partial: int
    bodies: int  # the bodies counted: every body, or (uptake) those that could have it
    since: str = ""  # (uptake) the edition the clause's present wording dates from

    @property
    def share(self) -> float:
        return (self.missing + self.outdated) / self.bodies if self.bodies else 0.0

    def to_dict(self) -> dict[str, object]:
        return {
            "key": self.clause.key,
            "number": self.clause.number,
            "part": self.clause.part.value,
            "heading": self.clause.heading,
            "plain": self.clause.plain,
            "missing": self.missing,
            "outdated": self.outdated,
            "partial": self.partial,
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
        return _lag(self._per_body["lag"].median())

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
        missing, outdated, partial = _gap_counts(letters)
        return tuple(
            ClauseGap(c, m, o, p, len(letters))
            for c, m, o, p in zip(self.target.clauses, missing, outdated, partial, strict=True)
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
        missing, outdated, partial = _gap_counts(eligible)
        counted = eligible.count().tolist()
        return tuple(
            ClauseGap(c, m, o, p, n, ids[at])
            for c, m, o, p, n, at in zip(
                self.target.clauses, missing, outdated, partial, counted, since, strict=True
            )
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
            GroupRow(str(k), int(g.bodies), int(g.newest), _lag(g.median_lag),
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


def _gap_counts(letters: pd.DataFrame) -> list[list[int]]:
    """Per column of status letters (a clause): the missing, outdated and partial letters."""
    return [letters.isin([ch]).sum().tolist() for ch in _GAP_LETTERS]


def _float(value: object) -> float | None:
    """A figure pandas computed, as a Python float; None where there was nothing (NaN)."""
    return None if value is None or value != value else float(value)  # type: ignore[arg-type]


def _lag(value: object) -> float | None:
    """A median lag in years, to a tenth as Python rounds (numpy takes 0.15 to 0.2, not 0.1)."""
    number = _float(value)
    return None if number is None else round(number, 1)


def _mean(values: pd.Series) -> float | None:
    """The mean summed left to right, as Python's ``sum`` does: pandas sums in another order,
    which can change the last bit and, rounded half up, a share shown."""
    present = values.dropna().tolist()
    return sum(present) / len(present) if present else None


# --- walking the input folder ------------------------------------------------------------


@dataclass(frozen=True)
class _File:
    rel: str  # relative to the input folder, "/"-separated, always printable (see display_name)
    path: str  # absolute, as the OS gives it (may hold surrogate escapes of a non-UTF-8 name)
    size: int
    mtime_ns: int
    odd_name: bool = False  # the name is not UTF-8 (shown decoded as cp932 or escaped)


def walk(root: Path, exclude: Iterable[Path] = ()) -> tuple[list[_File], list[Skipped]]:
    """Regular files under ``root``, recursively, in a stable order.

    Hidden entries (``.name``), Office lock files (``~$…``) and Thumbs.db/desktop.ini are
    ignored. Symbolic links are never followed: one pointing out of the folder could read
    anything, a loop would never end, and one pointing inside would count a file twice.
    Each is listed as :class:`Skipped` with the reason.
    """
    root = root.resolve()
    excluded = {p.resolve() for p in exclude}
    files: list[_File] = []
    skipped: list[Skipped] = []
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            skipped.append(
                Skipped(
                    _rel(root, Path(folder)), "フォルダを開けません（権限を確認してください）。"
                )
            )
            continue
        subfolders = []
        for entry in entries:
            name = entry.name
            if name.startswith((".", "~$")) or name.lower() in _JUNK:
                continue
            path = Path(entry.path)
            if path in excluded:
                continue
            rel = _rel(root, path)
            if entry.is_symlink():
                skipped.append(Skipped(rel, _link_reason(path, root)))
            elif entry.is_dir(follow_symlinks=False):
                subfolders.append(path)
            elif entry.is_file(follow_symlinks=False):
                st = entry.stat(follow_symlinks=False)
                files.append(
                    _File(rel, str(path), st.st_size, st.st_mtime_ns, not _printable(str(path)))
                )
        stack.extend(reversed(subfolders))
    files.sort(key=lambda f: f.rel)
    return files, skipped


def _rel(root: Path, path: Path) -> str:
    return display_name(path.relative_to(root).as_posix())


def _printable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def display_name(text: str) -> str:
    r"""A path as a person can read it, safe to print, store and write anywhere.

    On Linux a file name that is not UTF-8 (``unzip`` of a Windows zip keeps the cp932
    bytes) arrives as a ``str`` with surrogate escapes, which no report can encode. Each
    such ``/``-separated part is decoded as cp932 where that works, otherwise shown with
    backslash escapes (``\x93``); a UTF-8 part is left alone.

    >>> display_name(os.fsdecode(b"13_\x93\x8c\x8b\x9e/\x93\xfa\x96\x7b.xlsx"))
    '13_東京/日本.xlsx'
    >>> display_name(os.fsdecode(b"\xff\xfe.txt"))
    '\\xff\\xfe.txt'
    """
    if _printable(text):
        return text
    parts = []
    for part in text.split("/"):
        if _printable(part):
            parts.append(part)
            continue
        try:
            raw = part.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:  # a lone surrogate not made by the OS
            parts.append(part.encode("utf-8", "backslashreplace").decode("ascii"))
            continue
        try:
            decoded = raw.decode("cp932")
        except UnicodeDecodeError:
            decoded = raw.decode("utf-8", "backslashreplace")
        parts.append(decoded if decoded.isprintable() else raw.decode("utf-8", "backslashreplace"))
    return "/".join(parts)


def _db_path(path: str) -> str:
    """The stat cache's key for ``path`` (a non-UTF-8 name by its bytes, in hex)."""
    return path if _printable(path) else "bytes:" + os.fsencode(path).hex()


def _link_reason(path: Path, root: Path) -> str:
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return "リンク先がありません（切れたリンクか循環するリンク）。読み飛ばしました。"
    if not target.is_relative_to(root):
        return "入力フォルダの外を指すリンクです。安全のため読み飛ばしました。"
    return "フォルダ内を指すリンクです。二重に数えないよう、リンク先そのものだけを調べます。"


# --- identifying bodies -------------------------------------------------------------------

_SEP = re.compile(r"[_\-\s　・.（(]+")


@dataclass(frozen=True)
class _Identity:
    body: str
    code: str | None
    name: str
    prefecture: str
    kind: str
    population: int | None
    flags: tuple[str, ...]


class _Names:
    """Finds a master body whose name appears in a file name (for files without a code)."""

    def __init__(self, master: dict[str, Body]):
        self.municipal = [b for b in master.values() if b.kind != "都道府県"]
        self.prefectural = [b for b in master.values() if b.kind == "都道府県"]

    def find(self, rel: str) -> Body | None:
        stem = Path(rel).stem
        found = [b for b in self.municipal if b.name in stem]
        if found:
            longest = max(len(b.name) for b in found)
            found = [b for b in found if len(b.name) == longest]
            if len(found) > 1:  # 府中市 (東京都 / 広島県): the folder or name must say which
                found = [b for b in found if b.prefecture in rel]
            return found[0] if len(found) == 1 else None
        found = [b for b in self.prefectural if b.name in stem]
        return found[0] if len(found) == 1 else None


def identify(rel: str, master: dict[str, Body], names: _Names, strict: bool) -> _Identity:
    """Who a file belongs to: the code at the start of its name, else a master name in it.

    ``strict`` (a master was given) flags codes that the master does not list.
    """
    code = code_from_filename(Path(rel).name)
    if code is not None:
        body = master.get(code)
        if body is not None:
            return _identity(body, ())
        prefecture = PREFECTURES[int(code[:2]) - 1]
        name = _name_from_stem(Path(rel).stem[len(code) :]) or code
        if name == code and code[2:5] == "000":
            name = prefecture
        return _Identity(
            body=code,
            code=code,
            name=name,
            prefecture=prefecture,
            kind=kind_from_name(name, prefecture) if name != code else "",
            population=None,
            flags=("not-in-master",) if strict else (),
        )
    body = names.find(rel)
    if body is not None:
        return _identity(body, ("name-matched",))
    return _Identity(
        body=f"file:{rel}",
        code=None,
        name=Path(rel).name,
        prefecture="",
        kind="",
        population=None,
        flags=("no-code",),
    )


def _identity(body: Body, flags: tuple[str, ...]) -> _Identity:
    return _Identity(
        body.code, body.code, body.name, body.prefecture, body.kind, body.population, flags
    )


def _name_from_stem(rest: str) -> str:
    """``_千代田区_対策基準`` → ``千代田区`` (the first word, if it names a body)."""
    for word in _SEP.split(rest):
        if word and kind_from_name(word):
            return word
    return ""


# --- the archive --------------------------------------------------------------------------

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- stat cache: a file whose size and mtime are unchanged is not read again
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
    sha256 TEXT NOT NULL);
-- one audit per input content, target edition and catalog: statuses and counts only
CREATE TABLE IF NOT EXISTS results (
    sha256 TEXT NOT NULL, target TEXT NOT NULL, catalog TEXT NOT NULL,
    ok INTEGER NOT NULL, reason TEXT, follows TEXT, follows_label TEXT, lag_years REAL,
    older INTEGER, rows INTEGER, statuses TEXT,
    PRIMARY KEY (sha256, target, catalog));
-- which input each body had in each year's survey
CREATE TABLE IF NOT EXISTS survey (
    body TEXT NOT NULL, year INTEGER NOT NULL, target TEXT NOT NULL, catalog TEXT NOT NULL,
    sha256 TEXT NOT NULL, file TEXT NOT NULL, code TEXT, name TEXT, prefecture TEXT,
    kind TEXT, population INTEGER,
    PRIMARY KEY (body, year, target));
"""


def _connect(db: str | PathLike[str] | None) -> sqlite3.Connection:
    if db is None:
        conn = sqlite3.connect(":memory:")
    else:
        path = Path(db)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(path)
            conn.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise GapcheckError(
                f"{path}: 調査の記録（SQLite）として開けません（{exc}）。"
                "別のファイルを --db に指定するか、壊れたファイルを削除してください。"
            ) from exc
    conn.executescript(_SCHEMA)
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    if row is None:
        with conn:
            conn.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
    elif row[0] != str(SCHEMA_VERSION):
        raise GapcheckError(
            f"{db}: 調査の記録の形式（{row[0]}）がこの gapcheck（{SCHEMA_VERSION}）と異なります。"
            "別のファイルを --db に指定してください。"
        )
    return conn


def catalog_fingerprint(catalog: Catalog) -> str:
    """Changes whenever a result could: any clause (text, number, heading), any edition,
    the glossary or the vocabulary the alignment uses, gapcheck's version, or the audit's
    revision (:data:`gapcheck.gaps.audit.AUDIT_REVISION`)."""
    h = hashlib.sha256(
        f"gapcheck {__version__} schema {SCHEMA_VERSION} audit {AUDIT_REVISION}\n".encode()
    )
    for ed in catalog.editions:
        h.update(f"{ed.id}|{ed.date}\n".encode())
        for c in ed:
            h.update(f"{c.key}|{c.number}|{c.heading}|{c.text}\n".encode())
    for t in catalog.glossary:
        h.update(f"glossary|{t.term}|{'|'.join(t.aliases)}\n".encode())
    for key, words in sorted(getattr(catalog, "vocabulary", {}).items()):
        h.update(f"vocabulary|{key}|{'|'.join(words)}\n".encode())
    return h.hexdigest()[:16]


def _sha256_of(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# --- auditing, in worker processes --------------------------------------------------------


@dataclass(frozen=True)
class _Task:
    sha256: str
    paths: tuple[str, ...]  # absolute
    rels: tuple[str, ...]
    json: bool
    # (size, mtime_ns) of each file when it was hashed: a file that differs when the worker
    # reads it, or after the audit, changed under us and its result is discarded
    stamps: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class _Outcome:
    sha256: str
    ok: bool
    reason: str = ""
    follows: str | None = None
    follows_label: str = ""
    lag_years: float | None = None
    older: bool = False
    rows: int = 0
    statuses: str = ""
    changed: bool = False  # the file changed while it was read: not to be stored


_WORKER: dict[str, object] = {}


def available_cpus() -> int:
    """The CPUs this process may really use: its affinity mask and a container's CPU quota.

    ``os.cpu_count()`` is the host's count: in a 2-CPU container on a 64-core host it would
    start 64 workers, each unpickling the catalog and fitting its own index, all fighting
    over 2 CPUs.
    """
    try:
        n = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        n = os.cpu_count() or 1
    quota = _cgroup_cpu_quota()
    if quota is not None:
        n = min(n, math.ceil(quota))
    return max(1, n)


def _cgroup_cpu_quota() -> float | None:
    """CPUs allowed by the cgroup (v2 ``cpu.max``, v1 ``cpu.cfs_quota_us``), if limited."""
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()[:2]
        return int(quota) / int(period) if quota != "max" and int(period) > 0 else None
    except (OSError, ValueError):
        pass
    try:
        quota_us = int(Path("/sys/fs/cgroup/cpu/cpu.cfs_quota_us").read_text())
        period_us = int(Path("/sys/fs/cgroup/cpu/cpu.cfs_period_us").read_text())
        return quota_us / period_us if quota_us > 0 and period_us > 0 else None
    except (OSError, ValueError):
        return None


def _one_blas_thread() -> contextlib.AbstractContextManager[object]:
    """One BLAS/OpenMP thread while auditing (restored afterwards).

    The alignment's matrices are small (a policy's rows × a few hundred wordings): a second
    BLAS thread only spins. Measured on 2 cores: 181 → 94 ms CPU (116 → 94 ms wall) a body
    in one process, and N workers × N threads would fight over N cores.
    """
    try:
        from threadpoolctl import threadpool_limits  # installed with scikit-learn
    except ImportError:  # pragma: no cover
        return contextlib.nullcontext()
    return threadpool_limits(1)


def _init_worker(catalog: Catalog, target: str) -> None:
    """Once per worker: the catalog, and its wording index fitted once (not per file)."""
    _WORKER["catalog"] = catalog
    _WORKER["target"] = target
    wording_index(catalog)


def _start_worker(catalog: Catalog, target: str, marks: str | None = None) -> None:
    """A worker process's initializer: one BLAS thread for its lifetime, then the above.

    ``marks`` is a folder where the worker notes the input it is auditing (a file named by
    its process id): if the worker dies, the survey knows which input killed it.
    """
    _one_blas_thread()  # not restored: the process ends with the pool
    _WORKER["mark"] = os.path.join(marks, str(os.getpid())) if marks else None
    _init_worker(catalog, target)


def _note(text: str) -> None:
    mark = _WORKER.get("mark")
    if isinstance(mark, str):
        with contextlib.suppress(OSError), open(mark, "w", encoding="ascii") as fh:
            fh.write(text)


def _audit_chunk(tasks: list[_Task]) -> list[_Outcome]:
    out = []
    for t in tasks:
        _note(t.sha256)
        out.append(_audit_task(t))
    _note("")
    return out


def _stamp(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns)


def _unchanged(task: _Task) -> bool:
    """Each file still has the size and mtime it had when it was hashed."""
    if not task.stamps:
        return True
    return all(_stamp(p) == s for p, s in zip(task.paths, task.stamps, strict=True))


def _digest(paths: Sequence[str]) -> str:
    """The input key of ``paths``: a file's SHA-256, or the combined key of several files."""
    if len(paths) == 1:
        return _sha256_of(paths[0])
    return _several_digest(_sha256_of(p) for p in paths)


def _several_digest(hashes: Iterable[str]) -> str:
    joined = "\n".join(sorted(hashes))
    return hashlib.sha256(f"several\n{joined}".encode()).hexdigest()


def _audit_task(task: _Task) -> _Outcome:
    catalog = _WORKER["catalog"]
    assert isinstance(catalog, Catalog)
    edition = catalog.edition(str(_WORKER["target"]))
    changed = _Outcome(task.sha256, False, CHANGED_REASON, changed=True)
    try:
        # The bytes read must be the bytes hashed: same size and mtime as when hashed, and
        # the same SHA-256 now; and still the same size and mtime once audited.
        if task.stamps and (not _unchanged(task) or _digest(task.paths) != task.sha256):
            return changed
        if task.json:
            outcome = _from_audit_json(task, edition, catalog)
            return outcome if _unchanged(task) else changed
        policies = [read_policy(p) for p in task.paths]
        policy = policies[0] if len(policies) == 1 else _combine(policies, task.sha256)
        report = audit(policy, catalog, target=edition.id)
    except GapcheckError as exc:
        if not _unchanged(task):
            return changed
        return _Outcome(task.sha256, False, display_name(_strip_path(str(exc), task.paths)))
    except Exception as exc:  # a hostile file must not stop 1,788 others (recorded instead)
        if not _unchanged(task):
            return changed
        return _Outcome(
            task.sha256,
            False,
            display_name(
                f"読み取り中に予期しないエラーが起きました（{type(exc).__name__}: "
                f"{_strip_path(str(exc), task.paths)[:300]}）。"
                "ファイルを開いて保存し直すか、開発者に知らせてください。"
            ),
        )
    if not _unchanged(task):
        return changed
    return _Outcome(
        sha256=task.sha256,
        ok=True,
        # counted under an edition only when the evidence pins one (issue #11); a range such as
        # 「平成30年9月版以降」 keeps its label but is not counted as that edition or as behind
        follows=report.follows if report.lag_years is not None else None,
        follows_label=report.follows_label,
        lag_years=report.lag_years,
        older=report.older_than_oldest,
        rows=len(report.rows),
        statuses="".join(STATUS_CODE[f.status] for f in report.clauses),
    )


def _strip_path(message: str, paths: Sequence[str]) -> str:
    """The reason without the absolute path in front (the file is recorded beside it)."""
    for p in paths:
        if message.startswith(f"{p}: "):
            return message[len(p) + 2 :]
    return message


def _combine(policies: list[Policy], digest: str) -> Policy:
    """Several files of one body (基本方針 and 対策基準 apart) audited as one policy."""
    kinds = {p.kind for p in policies}
    return Policy(
        path=", ".join(p.path for p in policies),
        sha256=digest,
        kind=kinds.pop() if len(kinds) == 1 else "mixed",
        rows=tuple(r for p in policies for r in p.rows),
        title=next((p.title for p in policies if p.title), ""),
        enacted=min((p.enacted for p in policies if p.enacted), default=""),
        revised=tuple(sorted({d for p in policies for d in p.revised})),
        toc=tuple(t for p in policies for t in p.toc),
    )


def _from_audit_json(task: _Task, edition: Edition, catalog: Catalog) -> _Outcome:
    """A ``gapcheck audit --json`` result, taken as it is (statuses of the same edition)."""
    path = Path(task.paths[0])
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PolicyFormatError(
            f"{path}: JSON として読めません。`gapcheck audit --json` の出力をそのまま保存してください。"
        ) from exc
    if not isinstance(data, dict) or not isinstance(data.get("clauses"), list):
        raise PolicyFormatError(
            f"{path}: 監査結果（`gapcheck audit --json` の出力）ではありません（clauses がありません）。"
        )
    if data.get("target") != edition.id:
        raise PolicyFormatError(
            f"{path}: 版 {data.get('target')} と照合した結果です。--edition {edition.id} で"
            f"照合し直すか、この調査を --edition {data.get('target')} で実行してください。"
        )
    by_key = {
        str(c.get("key")): str(c.get("status")) for c in data["clauses"] if isinstance(c, dict)
    }
    codes = []
    for c in edition:
        try:
            codes.append(STATUS_CODE[Status(by_key[c.key])])
        except (KeyError, ValueError) as exc:
            raise PolicyFormatError(
                f"{path}: 条項 {c.number}（{c.key}）の結果がありません。"
                "カタログが異なる gapcheck で作られた結果です。照合し直してください。"
            ) from exc
    follows = data.get("follows")
    if follows is not None and follows not in catalog.ids:
        raise PolicyFormatError(f"{path}: 準拠する版 '{follows}' がカタログにありません。")
    lag = data.get("lag_years")
    return _Outcome(
        sha256=task.sha256,
        ok=True,
        follows=follows,
        follows_label=str(data.get("follows_label") or ""),
        lag_years=float(lag) if isinstance(lag, int | float) else None,
        older=bool(data.get("older_than_oldest")),
        rows=len(data.get("rows") or ()),
        statuses="".join(codes),
    )


def _run(
    tasks: list[_Task],
    catalog: Catalog,
    target: str,
    jobs: int,
    done: Callable[[list[_Outcome]], None],
    *,
    in_process: bool = False,
) -> None:
    """Audit ``tasks``, in ``jobs`` processes (or in this one); ``done`` gets each finished
    chunk."""
    if not tasks:
        return
    if in_process:
        with _one_blas_thread():
            _init_worker(catalog, target)
            for task in tasks:
                done([_audit_task(task)])
        return
    # Big files first; chunks shrink as the work runs out (see _chunks).
    tasks = sorted(tasks, key=lambda t: -sum(_size(p) for p in t.paths))
    # A worker that dies (a native abort, the kernel's OOM killer) breaks the whole pool:
    # the inputs it was on are each retried alone in a process of their own, the one that
    # kills that process too is recorded as failed (and, by its hash, never run again
    # until it changes), and a new pool takes the rest.
    with tempfile.TemporaryDirectory(prefix="gapcheck-workers-") as marks:
        remaining = tasks
        while remaining:
            suspects, remaining = _run_pool(remaining, catalog, target, jobs, done, marks)
            for task in suspects:
                done([_isolated(task, catalog, target)])


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _run_pool(
    tasks: list[_Task],
    catalog: Catalog,
    target: str,
    jobs: int,
    done: Callable[[list[_Outcome]], None],
    marks: str,
) -> tuple[list[_Task], list[_Task]]:
    """Audit ``tasks`` in a pool: ``([], [])`` when all are done; if a worker died, the
    tasks that were being audited then (to try alone) and the tasks not yet done."""
    chunks = _chunks(tasks, jobs)
    queue = collections.deque(chunks)  # a chunk leaves it only once submitted
    inflight: dict[Future[list[_Outcome]], list[_Task]] = {}
    try:
        with ProcessPoolExecutor(
            max_workers=min(jobs, len(chunks)),
            initializer=_start_worker,
            initargs=(catalog, target, marks),
        ) as pool:

            def submit() -> None:
                inflight[pool.submit(_audit_chunk, queue[0])] = queue[0]
                queue.popleft()

            # at most a few chunks in flight per worker (results are stored as they come)
            while queue and len(inflight) < jobs * 3:
                submit()
            while inflight:
                finished, _ = wait(inflight, return_when=FIRST_COMPLETED)
                for future in finished:
                    outcomes = future.result()
                    del inflight[future]
                    done(outcomes)
                    if queue:
                        submit()
    except BrokenProcessPool:
        pass
    else:
        return [], []
    started = set()
    for name in os.listdir(marks):
        with contextlib.suppress(OSError):
            started.add(Path(marks, name).read_text(encoding="ascii").strip())
            os.remove(os.path.join(marks, name))
    busy = [t for chunk in inflight.values() for t in chunk]
    suspects = [t for t in busy if t.sha256 in started] or busy
    rest = [t for t in busy if t not in suspects] + [t for chunk in queue for t in chunk]
    return suspects, rest


def _isolated(task: _Task, catalog: Catalog, target: str) -> _Outcome:
    """Audit ``task`` alone in a new process; if that process dies, say how (a failure)."""
    ctx = multiprocessing.get_context()
    receiver, sender = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_isolated_worker, args=(catalog, target, task, sender))
    process.start()
    sender.close()
    outcome = None
    with contextlib.suppress(EOFError, OSError):
        outcome = receiver.recv()
    process.join()
    receiver.close()
    if isinstance(outcome, _Outcome):
        return outcome
    return _Outcome(task.sha256, False, crash_reason(process.exitcode))


def _isolated_worker(catalog: Catalog, target: str, task: _Task, sender: object) -> None:
    _start_worker(catalog, target)
    outcome = _audit_task(task)
    sender.send(outcome)  # type: ignore[attr-defined]
    sender.close()  # type: ignore[attr-defined]


def crash_reason(exitcode: int | None) -> str:
    """Why a file is recorded as failed when the process auditing it died.

    >>> "SIGKILL" in crash_reason(-9), "メモリ不足" in crash_reason(-9)
    (True, True)
    """
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = str(-exitcode)
        cause = f"シグナル {name}"
        if -exitcode == signal.SIGKILL:
            cause += "。メモリ不足で止められた可能性があります"
    else:
        cause = f"終了コード {exitcode}"
    return (
        f"{CRASHED}（{cause}）。"
        "ファイルが壊れているか、極端に大きい可能性があります。Excel などで開いて確認し、"
        "保存し直してください。ファイルが変わるまで、次回からはこのファイルを読まずに失敗として記録します。"
    )


def _chunks(tasks: list[_Task], jobs: int, largest: int = 32) -> list[list[_Task]]:
    """Tasks in chunks that shrink as the work runs out (guided scheduling): large chunks
    while plenty is left (less pickling and fewer round trips), single bodies at the end,
    so that no worker sits idle while another finishes a long chunk."""
    out = []
    i = 0
    while i < len(tasks):
        size = max(1, min(largest, (len(tasks) - i) // (jobs * 4)))
        out.append(tasks[i : i + size])
        i += size
    return out


# --- the survey ---------------------------------------------------------------------------


def survey(
    input_dir: str | PathLike[str],
    catalog: Catalog,
    target: str = "latest",
    master: str | PathLike[str] | None = None,
    db: str | PathLike[str] | None = None,
    year: int | None = None,
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    exclude: Iterable[str | PathLike[str]] = (),
) -> SurveyResult:
    """Survey every body in ``input_dir`` against edition ``target`` of ``catalog``.

    ``master`` is the bodies CSV (default: the bundled sample, whose absence of a body is
    not flagged); ``db`` the SQLite archive (default: in memory, nothing kept); ``year``
    the survey year (default: this year); ``jobs`` worker processes (default: all cores;
    ``1`` audits in this process, where a native crash in a reader ends the survey);
    ``progress(done, total)`` is called as bodies finish; ``exclude`` lists paths inside
    the folder not to read (the output folder).

    >>> result = survey("policies", load_catalog(), db="out/survey.sqlite")  # doctest: +SKIP
    >>> result.by_version  # doctest: +SKIP
    {'2015-03': 310, …, '2025-03': 96}
    """
    root = Path(input_dir)
    if not root.is_dir():
        raise GapcheckError(
            f"{root}: フォルダが見つかりません。ポリシーのファイルを集めたフォルダを指定してください。"
        )
    edition = catalog.edition(target)
    bodies_master = load_master(master)
    names = _Names(bodies_master)
    year = year or datetime.date.today().year
    # an explicit jobs=1 audits in this process; otherwise in worker processes, even on one
    # CPU, so that a file that kills its process is recorded and the survey goes on
    in_process = jobs == 1
    jobs = jobs or available_cpus()
    fingerprint = catalog_fingerprint(catalog)
    extra = [Path(p) for p in exclude]
    if db is not None:
        extra += [Path(db), Path(f"{db}-journal"), Path(f"{db}-wal"), Path(f"{db}-shm")]
    if master is not None:
        extra.append(Path(master))
    files, skipped = walk(root, extra)
    conn = _connect(db)
    try:
        return _survey(
            conn, files, skipped, catalog, edition, fingerprint, bodies_master, names,
            strict=master is not None, year=year, jobs=jobs, in_process=in_process,
            progress=progress,
            db=str(db) if db is not None else None,
        )  # fmt: skip
    finally:
        conn.close()


def _survey(
    conn: sqlite3.Connection,
    files: list[_File],
    skipped: list[Skipped],
    catalog: Catalog,
    edition: Edition,
    fingerprint: str,
    master: dict[str, Body],
    names: _Names,
    *,
    strict: bool,
    year: int,
    jobs: int,
    in_process: bool = False,
    progress: Callable[[int, int], None] | None,
    db: str | None,
) -> SurveyResult:
    hashes, stamps = _hashes(conn, files)
    # group files by body
    groups: dict[str, tuple[_Identity, list[_File]]] = {}
    for f in files:
        ident = identify(f.rel, master, names, strict)
        groups.setdefault(ident.body, (ident, []))[1].append(f)
    failures: list[Failure] = []
    entries: list[tuple[_Identity, list[_File], str, bool]] = []
    for ident, group in groups.values():
        jsons = [f for f in group if f.rel.lower().endswith(".json")]
        if jsons and len(group) > 1:
            # an audit result cannot be merged with other files of the same body
            for f in jsons:
                failures.append(
                    Failure(
                        f.rel,
                        "同じ団体の別のファイルがあるため、この監査結果は使いませんでした。"
                        "団体ごとにファイルを1つにしてください。",
                        ident.code,
                    )
                )
            group = [f for f in group if f not in jsons]
        if not group:
            continue
        changing = [f for f in group if hashes[f.path].startswith("changing:")]
        if changing:
            failures.extend(Failure(f.rel, CHANGED_REASON, ident.code) for f in changing)
            group = [f for f in group if f not in changing]
            if not group:
                continue
        if len(group) == 1:
            digest = hashes[group[0].path]
        else:
            digest = _several_digest(hashes[f.path] for f in group)
        is_json = len(group) == 1 and group[0].rel.lower().endswith(".json")
        entries.append((ident, group, digest, is_json))

    known = _known(conn, edition.id, fingerprint)
    tasks = {
        digest: _Task(
            digest,
            tuple(f.path for f in group),
            tuple(f.rel for f in group),
            is_json,
            tuple(stamps[f.path] for f in group) if all(f.path in stamps for f in group) else (),
        )
        for _, group, digest, is_json in entries
        if digest not in known
    }
    total = len(entries)
    reused_count = total - sum(1 for _, _, d, _ in entries if d in tasks)
    finished = [reused_count]
    if progress:
        progress(reused_count, total)
    per_digest = Counter(d for _, _, d, _ in entries)

    changed: set[str] = set()
    counted: set[str] = set()

    def store(outcomes: list[_Outcome]) -> None:
        # a result of bytes that changed while read is never kept (nor reused)
        changed.update(o.sha256 for o in outcomes if o.changed)
        outcomes = [o for o in outcomes if not o.changed]
        with conn:
            conn.executemany(
                "INSERT OR REPLACE INTO results VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                [
                    (o.sha256, edition.id, fingerprint, int(o.ok), o.reason, o.follows,
                     o.follows_label, o.lag_years, int(o.older), o.rows, o.statuses)
                    for o in outcomes
                ],
            )  # fmt: skip
        for o in outcomes:
            known[o.sha256] = o
        finished[0] += sum(per_digest[o.sha256] for o in outcomes)
        finished[0] += sum(per_digest[d] for d in changed if d not in counted)
        counted.update(changed)
        if progress:
            progress(finished[0], total)

    _run(list(tasks.values()), catalog, edition.id, jobs, store, in_process=in_process)

    ids = catalog.ids
    at = ids.index(edition.id)
    results: list[BodyResult] = []
    statuses: dict[str, str] = {}
    for ident, group, digest, _ in entries:
        rels = ", ".join(f.rel for f in group)
        if digest in changed:
            failures.append(Failure(rels, CHANGED_REASON, ident.code))
            continue
        o = known[digest]
        if not o.ok:
            failures.append(Failure(rels, o.reason, ident.code))
            continue
        flags = list(ident.flags)
        if len(group) > 1:
            flags.append("several-files")
        if any(f.odd_name for f in group):
            flags.append("name-encoding")
        if o.older:
            flags.append("older-than-oldest")
        if o.follows is None:
            ranged = bool(o.follows_label) and not o.follows_label.startswith("判定できません")
            flags.append("range" if ranged else "no-match")
        counts = {s.value: 0 for s in Status}
        for ch, n in Counter(o.statuses).items():
            counts[CODE_STATUS[ch].value] = n
        covered = counts[Status.COVERED.value] + counts[Status.NOT_APPLICABLE.value]
        results.append(
            BodyResult(
                body=ident.body,
                file=rels,
                code=ident.code,
                name=ident.name,
                prefecture=ident.prefecture,
                kind=ident.kind,
                population=ident.population,
                follows=o.follows,
                follows_label=o.follows_label,
                lag_years=o.lag_years,
                editions_behind=at - ids.index(o.follows) if o.follows in ids else None,
                coverage=(share(covered / len(o.statuses)) or 0.0) if o.statuses else 0.0,
                counts=counts,
                rows=o.rows,
                sha256=digest,
                flags=tuple(flags),
                reused=digest not in tasks,
            )
        )
        statuses[ident.body] = o.statuses

    with conn:
        conn.executemany(
            "INSERT OR REPLACE INTO survey VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [
                (ident.body, year, edition.id, fingerprint, digest,
                 ", ".join(f.rel for f in group), ident.code, ident.name, ident.prefecture,
                 ident.kind, ident.population)
                for ident, group, digest, _ in entries
            ],
        )  # fmt: skip
    order = {p: n for n, p in enumerate(PREFECTURES)}
    results.sort(key=lambda b: (b.code is None, order.get(b.prefecture, 99), b.code or b.file))
    failures.sort(key=lambda f: f.file)
    return SurveyResult(
        target=edition,
        editions=tuple((e.id, e.label) for e in catalog.editions),
        year=year,
        bodies=tuple(results),
        failed=tuple(failures),
        skipped=tuple(skipped),
        trend=_trend(conn, edition.id),
        audited=total - reused_count,
        reused=reused_count,
        db=db,
        statuses=statuses,
        since=wording_since(catalog, edition),
        candidates=uptake_candidates(catalog, edition),
    )


def wording_since(catalog: Catalog, edition: Edition) -> dict[str, str]:
    """Per clause of ``edition``, the first edition holding its present wording and level:
    a body that follows that edition or a later one could have the clause as it stands."""
    out: dict[str, str] = {}
    for c in edition:
        since = edition.id
        for ed in reversed(catalog.editions[: catalog.ids.index(edition.id)]):
            old = ed.get(c.key)
            if old is None or (old.text, old.level) != (c.text, c.level):
                break
            since = ed.id
        out[c.key] = since
    return out


def uptake_candidates(catalog: Catalog, edition: Edition) -> frozenset[str]:
    """Clauses whose uptake says something about how well a revision was explained: actions
    every body must take (duties and recommendations), not headings, definitions, permissions
    or safeguards for a feature a body may not use."""
    return frozenset(
        c.key
        for c in edition
        if actionable(c, edition)
        and c.level is not Level.PERMISSION
        and c.key not in catalog.conditions
    )


def _hashes(
    conn: sqlite3.Connection, files: list[_File]
) -> tuple[dict[str, str], dict[str, tuple[int, int]]]:
    """SHA-256 of every file (from the stat cache when size and mtime match, else read),
    and the (size, mtime_ns) each hash belongs to. A file whose size or mtime changed while
    it was hashed gets the key ``changing:…`` and is reported, not audited."""
    cached = {
        path: (size, mtime, digest)
        for path, size, mtime, digest in conn.execute(
            "SELECT path, size, mtime_ns, sha256 FROM files"
        )
    }
    out: dict[str, str] = {}
    stamps: dict[str, tuple[int, int]] = {}
    fresh = []
    for f in files:
        key = _db_path(f.path)
        hit = cached.get(key)
        if hit is not None and hit[0] == f.size and hit[1] == f.mtime_ns:
            out[f.path] = hit[2]
            stamps[f.path] = (f.size, f.mtime_ns)
            continue
        before = _stamp(f.path)
        try:
            digest = _sha256_of(f.path)
        except OSError:
            out[f.path] = f"unreadable:{key}"  # read_policy reports it in words
            continue
        after = _stamp(f.path)
        if before is None or before != after:
            out[f.path] = f"changing:{key}"
            continue
        out[f.path] = digest
        stamps[f.path] = after
        fresh.append((key, after[0], after[1], digest))
    if fresh:
        with conn:
            conn.executemany("INSERT OR REPLACE INTO files VALUES (?,?,?,?)", fresh)
    return out, stamps


def _known(conn: sqlite3.Connection, target: str, fingerprint: str) -> dict[str, _Outcome]:
    rows = conn.execute(
        "SELECT sha256, ok, reason, follows, follows_label, lag_years, older, rows, statuses"
        " FROM results WHERE target = ? AND catalog = ?",
        (target, fingerprint),
    )
    return {
        r[0]: _Outcome(r[0], bool(r[1]), r[2] or "", r[3], r[4] or "", r[5], bool(r[6]), r[7] or 0, r[8] or "")
        for r in rows
    }  # fmt: skip


def _trend(conn: sqlite3.Connection, target: str) -> tuple[TrendPoint, ...]:
    """Per year of the archive: the bodies surveyed that year against ``target``."""
    import pandas as pd

    rows = pd.read_sql_query(
        "SELECT s.year, r.ok, r.follows, r.lag_years FROM survey s JOIN results r"
        " ON r.sha256 = s.sha256 AND r.target = s.target AND r.catalog = s.catalog"
        " WHERE s.target = ?",
        conn,
        params=(target,),
        dtype={"ok": bool, "lag_years": float},
    )
    out = []
    for year, items in rows.groupby("year"):
        good = items[items["ok"]]
        versions = good["follows"].fillna(UNKNOWN_EDITION).value_counts().sort_index()
        out.append(
            TrendPoint(
                year=int(cast("int", year)),
                bodies=len(good),
                newest=int(good["follows"].eq(target).sum()),
                median_lag=_lag(good["lag_years"].median()),
                by_version={str(e): int(n) for e, n in versions.items()},
                failed=len(items) - len(good),
            )
        )
    return tuple(out)
