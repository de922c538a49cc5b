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
from collections.abc import Callable, Iterable
from os import PathLike
from pathlib import Path

from gapcheck.catalog.model import Catalog, Edition, Level
from gapcheck.errors import GapcheckError
from gapcheck.gaps.ranking import actionable
from gapcheck.gaps.status import Status
from gapcheck.survey.archive import _connect, _hashes, _known, _trend, catalog_fingerprint
from gapcheck.survey.bodies import PREFECTURES, Body, load_master
from gapcheck.survey.inputs import _File, _Identity, _Names, _several_digest, identify, walk
from gapcheck.survey.results import (
    CHANGED_REASON,
    CODE_STATUS,
    BodyResult,
    Failure,
    Skipped,
    SurveyResult,
    share,
)
from gapcheck.survey.workers import _Outcome, _run, _Task, available_cpus

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
        jsons = [f for f in group if f.audit_json]
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
        is_json = len(group) == 1 and group[0].audit_json
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
