"""A bounded fuzz run of the readers: mutated real inputs must give a result or a
GapcheckError, never another exception. Prints outcome counts and exits 1 on a crash."""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

from gapcheck.catalog.loader import load_catalog
from gapcheck.errors import GapcheckError
from gapcheck.readers.formats import read_policy
from gapcheck.synth.sample import generate_policy, write_sample


def mutate(data: bytes, rng: random.Random) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        op = rng.random()
        pos = rng.randrange(len(buf)) if buf else 0
        if op < 0.5 and buf:
            buf[pos] = rng.randrange(256)
        elif op < 0.75:
            buf[pos:pos] = rng.randbytes(rng.randint(1, 16))
        elif buf:
            del buf[pos : pos + rng.randint(1, 64)]
    return bytes(buf)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=600)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    edition = load_catalog().edition("2022-03")
    outcomes: Counter[str] = Counter()
    crashes = []
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        seeds = []
        for style, name in (("spreadsheet", "s.xlsx"), ("reiki", "r.txt")):
            path = tmpdir / name
            write_sample(generate_policy(edition, seed=3, style=style), path)
            seeds.append((path.suffix, path.read_bytes()))
        csv = tmpdir / "c.csv"
        csv.write_bytes("条番号,本文\n第1条,本町は守らなければならない。\n".encode("cp932"))
        seeds.append((".csv", csv.read_bytes()))
        start = time.perf_counter()
        for n in range(args.cases):
            suffix, data = seeds[n % len(seeds)]
            path = tmpdir / f"case{n}{suffix}"
            path.write_bytes(mutate(data, rng))
            try:
                read_policy(path)
                outcomes["result"] += 1
            except GapcheckError:
                outcomes["GapcheckError"] += 1
            except Exception:
                outcomes["crash"] += 1
                crashes.append((path.name, traceback.format_exc(limit=3)))
            path.unlink()
        elapsed = time.perf_counter() - start
    print(f"fuzz: {args.cases} mutated inputs in {elapsed:.1f} s: {dict(outcomes)}")
    for name, tb in crashes[:5]:
        print(f"--- {name}\n{tb}")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
