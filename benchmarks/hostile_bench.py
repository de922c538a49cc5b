"""Hostile inputs, each in its own process: wall time and peak memory (issue #14).

Every module in ``benchmarks/hostile/`` offers ``cases()``: ``(name, callable)`` pairs that
build their input in a temporary folder and run gapcheck on it. Each case runs in a fresh
subprocess so its peak RSS is its own. Prints one table row per case and whether every case
met the targets (≤ 60 s, ≤ 1 GB); exits non-zero otherwise.

    python benchmarks/hostile_bench.py                  # every case
    python benchmarks/hostile_bench.py sheets           # one module
    python benchmarks/hostile_bench.py survey:cp932-names   # one case
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent / "hostile"
LIMIT_S = 60.0
LIMIT_MB = 1024.0


def load(module: str):
    spec = importlib.util.spec_from_file_location(f"hostile_{module}", HERE / f"{module}.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def run_one(module: str, name: str) -> None:
    """In the child: run one case (its exceptions are its outcome, printed)."""
    cases = dict(load(module).cases())
    try:
        outcome = cases[name]()
    except Exception as exc:  # the outcome of a hostile case may be a refusal
        outcome = f"{type(exc).__name__}: {exc}"
    print(str(outcome if outcome is not None else "ok")[:160])


def run_module(path: str, argv: list[str]) -> int:
    """The table for one module's cases (all, or those named): what a module's own
    ``__main__`` calls, so there is one runner."""
    stem = Path(path).stem
    return main([f"{stem}:{name}" for name in argv] or [stem])


def main(argv: list[str]) -> int:
    if argv[:1] == ["--run"]:
        run_one(*argv[1].split(":", 1))
        return 0
    wanted = argv or sorted(p.stem for p in HERE.glob("*.py") if not p.stem.startswith("_"))
    selected = [
        (module, name)
        for module, _, only in (w.partition(":") for w in wanted)
        for name, _ in load(module).cases()
        if not only or name == only
    ]
    failed = 0
    print(f"{'case':<44} {'wall s':>8} {'peak MB':>8}  outcome")
    for module, name in selected:
        t = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, __file__, "--run", f"{module}:{name}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        # wait4: this child's own peak (RUSAGE_CHILDREN keeps the largest of all so far)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t
        out = proc.stdout.read().strip().splitlines() if proc.stdout else []
        peak = usage.ru_maxrss / 1024
        ok = wall <= LIMIT_S and peak <= LIMIT_MB and os.waitstatus_to_exitcode(status) == 0
        failed += not ok
        outcome = out[-1] if out else f"exit {os.waitstatus_to_exitcode(status)}"
        mark = "" if ok else "  ← over the limit or crashed"
        print(f"{module + ':' + name:<44} {wall:>8.1f} {peak:>8.0f}  {outcome[:90]}{mark}")
    print(f"\n{'all cases within' if not failed else f'{failed} case(s) over'} "
          f"{LIMIT_S:.0f} s and {LIMIT_MB:.0f} MB")  # fmt: skip
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
