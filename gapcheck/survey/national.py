"""The national catch-up survey: which edition each body's policy follows (issue 7).

:func:`survey` walks a folder of policy files (any format :func:`~gapcheck.readers.formats.read_policy`
reads) and ``gapcheck audit --json`` results, identifies each body by its 全国地方公共団体コード
(:mod:`gapcheck.survey.inputs`, :mod:`gapcheck.survey.bodies`), audits every body in parallel
(:mod:`gapcheck.survey.workers`) and keeps the results in an SQLite archive
(:mod:`gapcheck.survey.archive`). The archive holds statuses and counts only, never policy text.
Results are keyed by the input's SHA-256, the target edition and a fingerprint of the catalog,
so a re-run reuses every unchanged body (a file whose size and mtime are unchanged is not even
read), and the bodies surveyed each year give the year-over-year trend.

Findings are data: a file that cannot be read is a :class:`~gapcheck.survey.results.Failure`
(file and the Japanese reason), and the survey carries on. So is a file whose audit kills its
worker process (a native abort, the OOM killer: the pool is restarted, the file recorded by its
hash and not run again until it changes), a file that changes while it is read (its result is
discarded, never stored under the hash of other bytes), and a file name that is not UTF-8
(shown decoded as cp932, or escaped; see :func:`~gapcheck.survey.inputs.display_name`).
Aggregates are computed once on :class:`~gapcheck.survey.results.SurveyResult`, and every
table of them sums to the bodies surveyed (不明 rows); rendering lives in
:mod:`gapcheck.render.report_survey`.
"""

from __future__ import annotations

import datetime
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from os import PathLike
from pathlib import Path

from gapcheck.catalog.model import Catalog, Edition, Level
from gapcheck.errors import InputFileError
from gapcheck.gaps.ranking import actionable
from gapcheck.gaps.status import Status
from gapcheck.survey.archive import (
    catalog_fingerprint,
    connect,
    file_hashes,
    known_results,
    store_results,
    trend_of,
)
from gapcheck.survey.bodies import PREFECTURES, Body, load_master
from gapcheck.survey.inputs import Identity, InputFile, Names, identify, several_digest, walk
from gapcheck.survey.results import (
    CHANGED_REASON,
    CODE_STATUS,
    BodyResult,
    Failure,
    Skipped,
    SurveyResult,
    share,
)
from gapcheck.survey.workers import Outcome, Task, available_cpus, run_audits

__all__ = ["survey", "uptake_candidates", "wording_since"]


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
        raise InputFileError(
            f"{root}: フォルダが見つかりません。ポリシーのファイルを集めたフォルダを指定してください。",
            path=root,
        )
    edition = catalog.edition(target)
    bodies_master = load_master(master)
    names = Names(bodies_master)
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
    conn = connect(db)
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
    files: list[InputFile],
    skipped: list[Skipped],
    catalog: Catalog,
    edition: Edition,
    fingerprint: str,
    master: dict[str, Body],
    names: Names,
    *,
    strict: bool,
    year: int,
    jobs: int,
    in_process: bool = False,
    progress: Callable[[int, int], None] | None,
    db: str | None,
) -> SurveyResult:
    """The survey in three stages: what to audit (:func:`_plan`), the audits
    (:func:`_audit_tasks`), and the bodies' results from both (:func:`_collect`)."""
    plan = _plan(conn, files, master, names, strict, edition.id, fingerprint)
    audited = _audit_tasks(
        conn, plan, catalog, edition.id, fingerprint, jobs=jobs, in_process=in_process,
        progress=progress,
    )  # fmt: skip
    return _collect(conn, plan, audited, catalog, edition, fingerprint, year, skipped, db)


# --- plan: which files count for each body, and which audits are still to run ---------------

# An audit result beside other files of its body: it cannot be merged with them.
_JSON_WITH_OTHERS = (
    "同じ団体の別のファイルがあるため、この監査結果は使いませんでした。"
    "団体ごとにファイルを1つにしてください。"
)


@dataclass(frozen=True)
class _Entry:
    """One body's input as the survey counts it."""

    ident: Identity
    files: tuple[InputFile, ...]  # the files that count, in the walk's order
    digest: str  # the input's key: the file's SHA-256, or that of several files combined
    json: bool  # a ``gapcheck audit --json`` result, taken as it is

    @property
    def rels(self) -> str:
        return ", ".join(f.rel for f in self.files)


@dataclass(frozen=True)
class _Plan:
    """What the survey will do, decided before any audit."""

    entries: tuple[_Entry, ...]  # one per body with an input that counts, in the walk's order
    failures: tuple[Failure, ...]  # files left out before any audit, with the reason
    known: Mapping[str, Outcome]  # the archive's outcomes for these entries, by digest
    tasks: tuple[Task, ...]  # the audits to run: one per digest the archive does not hold

    @property
    def reused(self) -> int:
        """Entries whose outcome the archive holds (several bodies may share one input)."""
        return sum(1 for e in self.entries if e.digest in self.known)


def _plan(
    conn: sqlite3.Connection,
    files: list[InputFile],
    master: dict[str, Body],
    names: Names,
    strict: bool,
    target: str,
    fingerprint: str,
) -> _Plan:
    """Group the files by body, choose each body's input, and look its digest up in the
    archive: what is known there is reused, the rest becomes a task."""
    hashes, stamps = file_hashes(conn, files)
    groups: dict[str, tuple[Identity, list[InputFile]]] = {}
    for f in files:
        ident = identify(f.rel, master, names, strict)
        groups.setdefault(ident.body, (ident, []))[1].append(f)
    entries: list[_Entry] = []
    failures: list[Failure] = []
    for ident, group in groups.values():
        entry, left_out = _entry(ident, group, hashes)
        failures += left_out
        if entry is not None:
            entries.append(entry)
    archived = known_results(conn, target, fingerprint)
    known = {e.digest: archived[e.digest] for e in entries if e.digest in archived}
    tasks = {e.digest: _task(e, stamps) for e in entries if e.digest not in known}
    return _Plan(tuple(entries), tuple(failures), known, tuple(tasks.values()))


def _entry(
    ident: Identity, group: list[InputFile], hashes: dict[str, str]
) -> tuple[_Entry | None, list[Failure]]:
    """A body's input from its files (``None`` when none counts), and the files left out:
    an audit result beside other files, a file that changed while it was hashed."""
    failures: list[Failure] = []
    jsons = [f for f in group if f.audit_json]
    if jsons and len(group) > 1:
        failures += [Failure(f.rel, _JSON_WITH_OTHERS, ident.code) for f in jsons]
        group = [f for f in group if f not in jsons]
    changing = [f for f in group if hashes[f.path].startswith("changing:")]
    failures += [Failure(f.rel, CHANGED_REASON, ident.code) for f in changing]
    group = [f for f in group if f not in changing]
    if not group:
        return None, failures
    if len(group) == 1:
        digest = hashes[group[0].path]
    else:
        digest = several_digest(hashes[f.path] for f in group)
    is_json = len(group) == 1 and group[0].audit_json
    return _Entry(ident, tuple(group), digest, is_json), failures


def _task(entry: _Entry, stamps: dict[str, tuple[int, int]]) -> Task:
    files = entry.files
    return Task(
        entry.digest,
        tuple(f.path for f in files),
        tuple(f.rel for f in files),
        entry.json,
        tuple(stamps[f.path] for f in files) if all(f.path in stamps for f in files) else (),
    )


# --- run: the audits, each outcome stored as it comes ----------------------------------------


@dataclass(frozen=True)
class _Audited:
    """What this run's audits gave."""

    outcomes: Mapping[str, Outcome]  # stored in the archive, by digest
    changed: frozenset[str]  # digests whose files changed while read: nothing stored


def _audit_tasks(
    conn: sqlite3.Connection,
    plan: _Plan,
    catalog: Catalog,
    target: str,
    fingerprint: str,
    *,
    jobs: int,
    in_process: bool,
    progress: Callable[[int, int], None] | None,
) -> _Audited:
    """Audit the plan's tasks (:func:`~gapcheck.survey.workers.run_audits`), storing each outcome
    in the archive as it comes; ``progress(done, total)`` counts bodies, reused ones first."""
    outcomes: dict[str, Outcome] = {}
    changed: set[str] = set()
    per_digest = Counter(e.digest for e in plan.entries)
    total = len(plan.entries)
    finished = plan.reused
    if progress:
        progress(finished, total)

    def store(batch: list[Outcome]) -> None:
        nonlocal finished
        # a result of bytes that changed while read is never kept (nor reused)
        newly_changed = {o.sha256 for o in batch if o.changed} - changed
        changed.update(newly_changed)
        kept = [o for o in batch if not o.changed]
        store_results(conn, target, fingerprint, kept)
        outcomes.update((o.sha256, o) for o in kept)
        finished += sum(per_digest[o.sha256] for o in kept)
        finished += sum(per_digest[d] for d in newly_changed)
        if progress:
            progress(finished, total)

    run_audits(list(plan.tasks), catalog, target, jobs, store, in_process=in_process)
    return _Audited(outcomes, frozenset(changed))


# --- collect: each body's result, and the year's survey rows ---------------------------------


def _collect(
    conn: sqlite3.Connection,
    plan: _Plan,
    audited: _Audited,
    catalog: Catalog,
    edition: Edition,
    fingerprint: str,
    year: int,
    skipped: list[Skipped],
    db: str | None,
) -> SurveyResult:
    """Each body's :class:`BodyResult` (or :class:`Failure`) from the known outcomes; the
    year's rows of the ``survey`` table; the :class:`SurveyResult`."""
    outcomes = {**plan.known, **audited.outcomes}
    ids = catalog.ids
    at = ids.index(edition.id)
    failures = list(plan.failures)
    results: list[BodyResult] = []
    statuses: dict[str, str] = {}
    for entry in plan.entries:
        if entry.digest in audited.changed:
            failures.append(Failure(entry.rels, CHANGED_REASON, entry.ident.code))
            continue
        o = outcomes[entry.digest]
        if not o.ok:
            failures.append(Failure(entry.rels, o.reason, entry.ident.code))
            continue
        results.append(_body_result(entry, o, ids, at, reused=entry.digest in plan.known))
        statuses[entry.ident.body] = o.statuses
    with conn:
        conn.executemany(
            "INSERT OR REPLACE INTO survey (body, year, target, catalog, sha256, file, code,"
            " name, prefecture, kind, population) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (e.ident.body, year, edition.id, fingerprint, e.digest, e.rels, e.ident.code,
                 e.ident.name, e.ident.prefecture, e.ident.kind, e.ident.population)
                for e in plan.entries
            ],
        )  # fmt: skip
    order = {p: n for n, p in enumerate(PREFECTURES)}
    results.sort(key=lambda b: (b.code is None, order.get(b.prefecture, 99), b.code or b.file))
    failures.sort(key=lambda f: f.file)
    total = len(plan.entries)
    return SurveyResult(
        target=edition,
        editions=tuple((e.id, e.label) for e in catalog.editions),
        year=year,
        bodies=tuple(results),
        failed=tuple(failures),
        skipped=tuple(skipped),
        trend=trend_of(conn, edition.id),
        audited=total - plan.reused,
        reused=plan.reused,
        db=db,
        statuses=statuses,
        since=wording_since(catalog, edition),
        candidates=uptake_candidates(catalog, edition),
    )


def _body_result(entry: _Entry, o: Outcome, ids: list[str], at: int, *, reused: bool) -> BodyResult:
    """A body's result from its outcome; ``ids`` are the catalog's editions, ``at`` the
    target's place among them."""
    ident = entry.ident
    counts = {s.value: 0 for s in Status}
    for ch, n in Counter(o.statuses).items():
        counts[CODE_STATUS[ch].value] = n
    covered = counts[Status.COVERED.value] + counts[Status.NOT_APPLICABLE.value]
    return BodyResult(
        body=ident.body,
        file=entry.rels,
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
        sha256=entry.digest,
        flags=_flags(entry, o),
        reused=reused,
    )


def _flags(entry: _Entry, o: Outcome) -> tuple[str, ...]:
    """What a reader of the body's row should know (:data:`~gapcheck.survey.results.FLAG_INFO`)."""
    flags = list(entry.ident.flags)
    if len(entry.files) > 1:
        flags.append("several-files")
    if any(f.odd_name for f in entry.files):
        flags.append("name-encoding")
    if o.follows is None:
        flags.append("range" if o.ranged else "no-match")
    return tuple(flags)


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
