"""National survey speed (``make bench-survey``): cold and warm runs on a synthetic nation.

Generates ``--count`` bodies with ``gapcheck sample-nation``'s generator (skipped when the
folder already holds that nation), then surveys them with ``--jobs``: cold (empty archive)
and warm (nothing changed: every body reused), ``--repeat`` times, printing medians.

For each run it prints wall time (survey, reports, total), CPU seconds (this process and
its worker processes), CPU milliseconds per body, bodies per second (inputs over the whole
wall time), and the CPU seconds other processes on the machine used meanwhile (``/proc/stat``):
the same CPU per body with a longer wall time means the CPUs were shared; more CPU per body
means slower CPUs or more work per body. ``--cli`` times ``gapcheck survey`` itself in a subprocess
instead (start-up, catalog, survey, reports and the archive: what a person waits for),
which is what issue 11's 60 s goal is about. Then the followed-edition accuracy against
the generator's truth and peak memory.

Issue 7/11 goals: cold ≤ 60 s (end to end), warm ≤ 5 s, peak ≤ 2 GB for 1,788 bodies on
2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from gapcheck.catalog.loader import load_catalog
from gapcheck.render.report_survey import write_survey
from gapcheck.survey.national import survey
from gapcheck.survey.workers import available_cpus
from gapcheck.synth.nation import write_nation


@dataclass
class Run:
    """One timed survey: wall seconds of the survey and of the reports, CPU seconds."""

    survey_wall: float
    report_wall: float
    cpu_parent: float
    cpu_children: float
    bodies: int  # inputs surveyed (bodies and failed files)
    audited: int
    others: float | None = None  # CPU seconds other processes used on the machine meanwhile
    follows: dict[str, str | None] | None = None  # body code -> followed edition

    @property
    def wall(self) -> float:
        return self.survey_wall + self.report_wall

    @property
    def cpu(self) -> float:
        return self.cpu_parent + self.cpu_children


def cpu_seconds() -> tuple[float, float]:
    """User + system CPU seconds of this process and of its finished, waited-for children
    (the pool's workers once the pool is shut down; a subprocess and all its workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, kids.ru_utime + kids.ru_stime


def machine_busy() -> float | None:
    """CPU seconds all processes on the machine have used so far (Linux ``/proc/stat``:
    user, nice, system, irq, softirq, steal), to tell how much of a run's CPUs others took."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
        ticks = sum(int(fields[i]) for i in (0, 1, 2, 5, 6, 7))
    except (OSError, ValueError, IndexError):
        return None
    return ticks / os.sysconf("SC_CLK_TCK")


def peak_mb() -> tuple[float, float]:
    """Peak RSS in MB of this process and of its largest finished child (Linux: KB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def library_run(policies: Path, master: Path, db: Path, out: Path, args, catalog) -> Run:
    """``survey()`` then ``write_survey()`` in this process (workers in a pool)."""
    own0, kids0 = cpu_seconds()
    busy0 = machine_busy()
    t = time.perf_counter()
    result = survey(policies, catalog, master=master, db=db, year=args.year, jobs=args.jobs)
    surveyed = time.perf_counter() - t
    write_survey(result, out)
    reported = time.perf_counter() - t - surveyed
    own1, kids1 = cpu_seconds()
    n = len(result.bodies) + len(result.failed)
    ours = own1 - own0 + kids1 - kids0
    follows = {b.code: b.follows for b in result.bodies if b.code}
    return Run(
        surveyed, reported, own1 - own0, kids1 - kids0, n, result.audited,
        _others(busy0, ours), follows,
    )  # fmt: skip


def _others(busy0: float | None, ours: float) -> float | None:
    busy1 = machine_busy()
    return None if busy0 is None or busy1 is None else max(0.0, busy1 - busy0 - ours)


def cli_run(policies: Path, master: Path, db: Path, out: Path, args) -> Run:
    """``gapcheck survey … --json`` in a subprocess: everything a person waits for."""
    cmd = [
        sys.executable, "-m", "gapcheck", "survey", str(policies), "--master", str(master),
        "--db", str(db), "--year", str(args.year), "--jobs", str(args.jobs), "--out", str(out),
        "--json",
    ]  # fmt: skip
    own0, kids0 = cpu_seconds()
    busy0 = machine_busy()
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t
    own1, kids1 = cpu_seconds()
    if proc.returncode != 0:
        sys.exit(f"gapcheck survey failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    data = json.loads(proc.stdout)
    summary = data["summary"]
    n = summary["bodies"] + summary["failed"]
    follows = {b["code"]: b["follows"] for b in data["bodies"] if b["code"]}
    # the CLI does not say how its time splits: all of it counts as "survey"
    ours = own1 - own0 + kids1 - kids0
    return Run(
        wall, 0.0, own1 - own0, kids1 - kids0, n, summary["audited"], _others(busy0, ours),
        follows,
    )  # fmt: skip


def describe(label: str, run: Run) -> str:
    n = max(run.bodies, 1)
    split = (
        f"{run.survey_wall:.2f} s survey + {run.report_wall:.2f} s reports = {run.wall:.2f} s"
        if run.report_wall
        else f"{run.wall:.2f} s end to end"
    )
    who = (
        f"main {run.cpu_parent:.1f} + workers {run.cpu_children:.1f}"
        if run.report_wall
        else "gapcheck and its workers"
    )
    return (
        f"{label}: {split} wall; CPU {run.cpu:.1f} s ({who}) = {1000 * run.cpu / n:.1f} ms CPU/body; "
        f"{n / run.wall:.1f} bodies/s (audited {run.audited})"
        + (f"; other processes used {run.others:.1f} CPU s meanwhile" if run.others else "")
    )


def median_run(runs: list[Run]) -> Run:
    med = statistics.median
    return Run(
        med(r.survey_wall for r in runs),
        med(r.report_wall for r in runs),
        med(r.cpu_parent for r in runs),
        med(r.cpu_children for r in runs),
        runs[0].bodies,
        runs[0].audited,
        None if any(r.others is None for r in runs) else med(r.others or 0.0 for r in runs),
    )


def blas_threads() -> str:
    try:
        from threadpoolctl import threadpool_info
    except ImportError:  # pragma: no cover
        return "threadpoolctl not installed"
    return ", ".join(f"{i['internal_api']} {i['num_threads']}" for i in threadpool_info()) or "-"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1788)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each kind; medians shown")
    parser.add_argument("--cli", action="store_true", help="time `gapcheck survey` itself")
    parser.add_argument("--dir", type=Path, help="where the nation is kept (default: a temp dir)")
    args = parser.parse_args(argv)

    catalog = load_catalog()
    base = args.dir or Path(tempfile.mkdtemp(prefix="gapcheck-survey-"))
    t = time.perf_counter()
    write_nation(catalog, base / "nation", args.count, args.year, args.seed, jobs=args.jobs)
    generated = time.perf_counter() - t
    policies, master = base / "nation" / "policies", base / "nation" / "bodies.csv"
    out = base / "out"
    db = out / "survey.sqlite"

    print(
        f"nation: {args.count} bodies in {base / 'nation'} (generated/checked in {generated:.1f} s)"
    )
    print(
        f"machine: {available_cpus()} CPUs available (os.cpu_count {os.cpu_count()}), "
        f"load {os.getloadavg()[0]:.2f}; jobs {args.jobs}; BLAS threads here: {blas_threads()} "
        f"(workers use 1); path: {'CLI (subprocess)' if args.cli else 'library'}"
    )
    sys.stdout.flush()
    # generating the nation ran in worker processes: count only what follows
    cold: list[Run] = []
    warm: list[Run] = []
    for k in range(args.repeat):
        shutil.rmtree(out, ignore_errors=True)
        for runs, label in ((cold, "cold"), (warm, "warm")):
            if args.cli:
                run = cli_run(policies, master, db, out, args)
            else:
                run = library_run(policies, master, db, out, args, catalog)
            runs.append(run)
            tag = f"{label} {k + 1}/{args.repeat}" if args.repeat > 1 else label
            print(describe(tag, run), flush=True)
    if args.repeat > 1:
        print(describe(f"cold median of {args.repeat}", median_run(cold)))
        print(describe(f"warm median of {args.repeat}", median_run(warm)))

    follows = cold[0].follows or {}
    right = 0
    for code, edition in follows.items():
        truth = base / "nation" / "truth" / f"{code}.json"
        if truth.exists():
            right += json.loads(truth.read_text(encoding="utf-8"))["edition"] == edition
    print(f"followed edition right: {right}/{len(follows)} ({right / max(len(follows), 1):.1%})")
    own, children = peak_mb()
    child = "largest gapcheck process" if args.cli else "largest worker"
    print(f"peak RSS: main {own:.0f} MB, {child} {children:.0f} MB")
    cold_wall = median_run(cold).wall
    warm_wall = median_run(warm).wall
    goals = cold_wall <= 60 and warm_wall <= 5 and own + children * args.jobs <= 2048
    print("goals (cold ≤ 60 s, warm ≤ 5 s, memory ≤ 2 GB):", "met" if goals else "NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
