"""The survey's SQLite archive: statuses and counts only, never policy text.

An audit's outcome is kept under the input's SHA-256, the target edition and a fingerprint of
the catalog (:func:`catalog_fingerprint`), so a re-run reuses every unchanged body; a stat
cache keeps each file's hash, so a file whose size and mtime are unchanged is not even read
(:func:`file_hashes`). Which input each body had in each year's survey gives the year-over-year
trend (:func:`trend_of`). An archive of an earlier layout is brought up to this one when
opened (:func:`_upgrade`), its stored results kept and reused.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from os import PathLike
from pathlib import Path
from typing import cast

from gapcheck import __version__
from gapcheck.catalog.model import Catalog
from gapcheck.errors import ArchiveError, Hint
from gapcheck.gaps.audit import AUDIT_REVISION
from gapcheck.survey.inputs import InputFile, printable_name, sha256_of, stamp
from gapcheck.survey.results import UNKNOWN_EDITION, TrendPoint, lag_between
from gapcheck.survey.workers import Outcome

# The archive's layout: 2 added results.ranged (an archive of layout 1 is upgraded on opening;
# an older gapcheck refuses a layout-2 archive with a message rather than failing to write it).
SCHEMA_VERSION = 2
_UPGRADABLE = (None, "1")  # layouts _upgrade brings to SCHEMA_VERSION (None: a new archive)

# The layout named in catalog_fingerprint. A result stored under layout 1 means the same
# under layout 2 (the upgrade fills in ranged), so the fingerprint, and with it every stored
# result, stays valid: raise this only when stored results must be audited again.
_RESULTS_SCHEMA = 1


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
    older INTEGER, rows INTEGER, statuses TEXT,  -- older: unused, always 0 (see store_results)
    ranged INTEGER,  -- last, where layout 1's upgrade adds it (see _upgrade)
    PRIMARY KEY (sha256, target, catalog));
-- which input each body had in each year's survey
CREATE TABLE IF NOT EXISTS survey (
    body TEXT NOT NULL, year INTEGER NOT NULL, target TEXT NOT NULL, catalog TEXT NOT NULL,
    sha256 TEXT NOT NULL, file TEXT NOT NULL, code TEXT, name TEXT, prefecture TEXT,
    kind TEXT, population INTEGER,
    PRIMARY KEY (body, year, target));
"""


def connect(db: str | PathLike[str] | None) -> sqlite3.Connection:
    if db is None:
        conn = sqlite3.connect(":memory:")
    else:
        path = Path(db)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(path)
            conn.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise ArchiveError(
                f"{path}: 調査の記録（SQLite）として開けません（{exc}）。", path=path, hint=Hint.DB
            ) from exc
    conn.executescript(_SCHEMA)
    if _layout(conn) != str(SCHEMA_VERSION):
        _upgrade(conn, db)
    return conn


def _layout(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    return None if row is None else str(row[0])


def _upgrade(conn: sqlite3.Connection, db: str | PathLike[str] | None) -> None:
    """Bring the archive to :data:`SCHEMA_VERSION`, in one transaction: a new archive is
    stamped; one of layout 1 gets the column ``ranged``, filled in for its stored results
    from their labels (:func:`_ranged_by_label`); any other layout is refused."""
    if _layout(conn) not in _UPGRADABLE:
        raise ArchiveError(
            f"{db}: 調査の記録の形式（{_layout(conn)}）がこの gapcheck（{SCHEMA_VERSION}）と"
            "異なります。",
            hint=Hint.DB,
        )
    with conn:
        conn.execute("BEGIN IMMEDIATE")  # another process upgrading at once waits, then sees 2
        if _layout(conn) not in _UPGRADABLE:
            return
        columns = {row[1] for row in conn.execute("PRAGMA table_info(results)")}
        if "ranged" not in columns:
            conn.execute("ALTER TABLE results ADD COLUMN ranged INTEGER")
            stored = conn.execute("SELECT rowid, follows, follows_label FROM results").fetchall()
            conn.executemany(
                "UPDATE results SET ranged = ? WHERE rowid = ?",
                [(int(_ranged_by_label(f, label)), rowid) for rowid, f, label in stored],
            )
        conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema', ?)",
            (str(SCHEMA_VERSION),),
        )


def _ranged_by_label(follows: str | None, label: str | None) -> bool:
    """Whether a result stored before the column ``ranged`` (layout 1) had a range: its label
    is the only trace left. Used by the upgrade alone, once per stored result; since layout 2
    the audit's evidence decides (:class:`~gapcheck.survey.workers.Outcome`). A label
    without evidence is 「判定できません（…）」 (:meth:`gapcheck.gaps.evidence.EditionRange.label`);
    every other names an edition."""
    return follows is None and bool(label) and not str(label).startswith("判定できません")


def catalog_fingerprint(catalog: Catalog) -> str:
    """Changes whenever a result could: any clause (text, number, heading), any edition,
    the glossary or the vocabulary the alignment uses, gapcheck's version, or the audit's
    revision (:data:`gapcheck.gaps.audit.AUDIT_REVISION`)."""
    h = hashlib.sha256(
        f"gapcheck {__version__} schema {_RESULTS_SCHEMA} audit {AUDIT_REVISION}\n".encode()
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


def _db_path(path: str) -> str:
    """The stat cache's key for ``path`` (a non-UTF-8 name by its bytes, in hex)."""
    return path if printable_name(path) else "bytes:" + os.fsencode(path).hex()


def file_hashes(
    conn: sqlite3.Connection, files: list[InputFile]
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
        before = stamp(f.path)
        try:
            digest = sha256_of(f.path)
        except OSError:
            out[f.path] = f"unreadable:{key}"  # read_policy reports it in words
            continue
        after = stamp(f.path)
        if before is None or before != after:
            out[f.path] = f"changing:{key}"
            continue
        out[f.path] = digest
        stamps[f.path] = after
        fresh.append((key, after[0], after[1], digest))
    if fresh:
        with conn:
            conn.executemany(
                "INSERT OR REPLACE INTO files (path, size, mtime_ns, sha256) VALUES (?, ?, ?, ?)",
                fresh,
            )
    return out, stamps


def known_results(conn: sqlite3.Connection, target: str, fingerprint: str) -> dict[str, Outcome]:
    rows = conn.execute(
        "SELECT sha256, ok, reason, follows, follows_label, lag_years, rows, statuses, ranged"
        " FROM results WHERE target = ? AND catalog = ?",
        (target, fingerprint),
    )
    return {
        sha256: Outcome(
            sha256=sha256,
            ok=bool(ok),
            reason=reason or "",
            follows=follows,
            follows_label=label or "",
            lag_years=lag,
            rows=n or 0,
            statuses=statuses or "",
            ranged=bool(ranged),
        )
        for sha256, ok, reason, follows, label, lag, n, statuses, ranged in rows
    }


def store_results(
    conn: sqlite3.Connection, target: str, fingerprint: str, outcomes: list[Outcome]
) -> None:
    """Keep ``outcomes`` (audits against ``target`` under catalog ``fingerprint``).

    The column ``older`` (a policy older than the catalog's oldest edition) is no longer
    read: the audit never found one. It stays in the layout, written 0 as it always was,
    so that archives made before and after open alike and the merge of README's recipe
    (``INSERT … SELECT *``) still lines their columns up.
    """
    with conn:
        conn.executemany(
            "INSERT OR REPLACE INTO results (sha256, target, catalog, ok, reason, follows,"
            " follows_label, lag_years, older, rows, statuses, ranged)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (o.sha256, target, fingerprint, int(o.ok), o.reason, o.follows,
                 o.follows_label, o.lag_years, 0, o.rows, o.statuses, int(o.ranged))
                for o in outcomes
            ],
        )  # fmt: skip


def trend_of(conn: sqlite3.Connection, target: str) -> tuple[TrendPoint, ...]:
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
                median_lag=lag_between(good["lag_years"].median()),
                by_version={str(e): int(n) for e, n in versions.items()},
                failed=len(items) - len(good),
            )
        )
    return tuple(out)


__all__ = [
    "SCHEMA_VERSION",
    "catalog_fingerprint",
    "connect",
    "file_hashes",
    "known_results",
    "store_results",
    "trend_of",
]
