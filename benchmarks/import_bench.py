"""Benchmark: import a ~400-page guideline-like PDF (issue #5: ≤ 60 s and ≤ 1 GB).

The PDF is generated from the bundled 2025-03 edition with 第3編 commentary paragraphs
(tests/guideline_pdf.py) until it reaches the page count; the import runs against 2024-10
into a temporary catalog folder. Prints the median of the runs and the peak RSS (this
process and, separately, the page-extraction workers).

    .venv/bin/python benchmarks/import_bench.py [--pages 400] [--runs 3]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gapcheck.catalog import load_catalog
from gapcheck.importer import import_guideline
from tests.guideline_pdf import make_guideline_pdf


def build(folder: Path, pages: int) -> tuple[Path, int]:
    import pdfplumber

    edition = load_catalog(None).edition("2025-03")
    commentary = 8
    while True:
        pdf = make_guideline_pdf(folder / "本編.pdf", edition, commentary=commentary)
        with pdfplumber.open(pdf) as doc:
            count = len(doc.pages)
        if count >= pages:
            return pdf, count
        commentary = int(commentary * pages / count) + 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=400)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        pdf, pages = build(folder, args.pages)
        print(f"document: {pages} pages, {pdf.stat().st_size / 1e6:.1f} MB")
        times = []
        for run in range(args.runs):
            start = time.perf_counter()
            result = import_guideline([pdf], "2025-03", folder / f"editions{run}", base="2024-10")
            times.append(time.perf_counter() - start)
            print(
                f"run {run + 1}: {times[-1]:.1f} s, {len(result.edition)} clauses, {result.counts}"
            )
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    median = statistics.median(times)
    print(f"median {median:.1f} s for {pages} pages ({median / pages * 1000:.0f} ms/page)")
    print(f"peak RSS: main {own:.0f} MB, largest worker {workers:.0f} MB (targets: 60 s, 1024 MB)")


if __name__ == "__main__":
    main()
