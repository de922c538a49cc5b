"""National survey speed (``make bench-survey``): cold and warm runs on a synthetic nation.

Generates ``--count`` bodies with ``gapcheck sample-nation``'s generator (skipped when the
folder already holds that nation), then surveys them twice with ``--jobs``: cold (empty
archive) and warm (nothing changed: every body reused). Prints wall times, bodies per
second, the followed-edition accuracy against the generator's truth and peak memory
(this process and its worker processes). Issue 7's goals: cold ≤ 60 s, warm ≤ 5 s,
peak ≤ 2 GB for 1,788 bodies on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

from gapcheck.catalog import load_catalog
from gapcheck.nation import write_nation
from gapcheck.report_survey import write_survey
from gapcheck.survey import survey


def peak_mb() -> tuple[float, float]:
    """Peak RSS in MB of this process and of its largest finished child (Linux: KB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1788)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--dir", type=Path, help="where the nation is kept (default: a temp dir)")
    args = parser.parse_args(argv)

    catalog = load_catalog()
    base = args.dir or Path(tempfile.mkdtemp(prefix="gapcheck-survey-"))
    t = time.perf_counter()
    write_nation(catalog, base / "nation", args.count, args.year, args.seed, jobs=args.jobs)
    generated = time.perf_counter() - t
    policies, master = base / "nation" / "policies", base / "nation" / "bodies.csv"
    db = base / "out" / "survey.sqlite"
    db.unlink(missing_ok=True)

    timings = {}
    for run in ("cold", "warm"):
        t = time.perf_counter()
        result = survey(policies, catalog, master=master, db=db, year=args.year, jobs=args.jobs)
        surveyed = time.perf_counter() - t
        write_survey(result, base / "out")
        timings[run] = (surveyed, time.perf_counter() - t, result)

    cold, warm = timings["cold"], timings["warm"]
    result = cold[2]
    right = 0
    for b in result.bodies:
        truth = base / "nation" / "truth" / f"{b.code}.json"
        if b.code and truth.exists():
            right += json.loads(truth.read_text(encoding="utf-8"))["edition"] == b.follows
    own, children = peak_mb()
    n = len(result.bodies) + len(result.failed)
    print(
        f"nation: {args.count} bodies in {base / 'nation'} (generated/checked in {generated:.1f} s)"
    )
    print(f"jobs: {args.jobs}")
    print(f"cold: {cold[0]:.1f} s survey + {cold[1] - cold[0]:.1f} s reports = {cold[1]:.1f} s"
          f"  ({n / cold[0]:.1f} bodies/s; audited {cold[2].audited}, failed {len(result.failed)})")  # fmt: skip
    print(f"warm: {warm[0]:.2f} s survey + {warm[1] - warm[0]:.2f} s reports = {warm[1]:.2f} s"
          f"  ({n / warm[1]:.0f} bodies/s; audited {warm[2].audited}, reused {warm[2].reused})")  # fmt: skip
    print(
        f"followed edition right: {right}/{len(result.bodies)} ({right / max(len(result.bodies), 1):.1%})"
    )
    print(f"peak RSS: main {own:.0f} MB, largest worker {children:.0f} MB")
    goals = cold[1] <= 60 and warm[1] <= 5 and own + children * args.jobs <= 2048
    print("goals (cold ≤ 60 s, warm ≤ 5 s, memory ≤ 2 GB):", "met" if goals else "NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
