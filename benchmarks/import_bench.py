"""Benchmark: import a ~400-page guideline-like PDF (issue #5: ≤ 60 s and ≤ 1 GB).

The PDF is generated from the bundled 2025-03 edition with 第3編 commentary paragraphs
(tests/guideline_pdf.py) until it reaches the page count, set in ``--layout`` (any of
tests/guideline_pdf.py LAYOUTS; default the plain layout); the import runs against 2024-10
into a temporary catalog folder. Prints the median of the runs and the peak RSS (this
process and, separately, the page-extraction workers).

``--table`` instead scores each layout of issue #12 (tests/guideline_pdf.py LAYOUT_CASES,
the documents tests/test_import_layouts.py imports): clauses recovered with number and
heading, exact text, keys linked to 2024-10 (targets 99 / 98 / 98 %), and the pages left out.

    .venv/bin/python benchmarks/import_bench.py [--pages 400] [--runs 3] [--layout L ...]
    .venv/bin/python benchmarks/import_bench.py --table
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

from gapcheck.catalog.loader import load_catalog
from gapcheck.catalog.model import Part
from gapcheck.importing.document import read_document
from gapcheck.importing.guideline_parser import parse_guideline
from gapcheck.importing.importer import import_guideline
from gapcheck.importing.linking import link_to_base
from tests.guideline_pdf import LAYOUT_CASES, LAYOUTS, make_guideline_pdf, score


def build(folder: Path, pages: int, layouts: tuple[str, ...] = ()) -> tuple[Path, int]:
    import pdfplumber

    edition = load_catalog(None).edition("2025-03")
    commentary = 8
    while True:
        pdf = make_guideline_pdf(
            folder / "本編.pdf", edition, commentary=commentary, layouts=layouts
        )
        with pdfplumber.open(pdf) as doc:
            count = len(doc.pages)
        if count >= pages:
            return pdf, count
        commentary = int(commentary * pages / count) + 1


def table() -> None:
    """Each layout case: pages, the three shares, pages left out, seconds."""
    catalog = load_catalog(None)
    edition, base = catalog.edition("2025-03"), catalog.edition("2024-10")
    print(
        f"{'layout':14} {'pages':>5} {'number+heading':>14} {'exact text':>10} {'keys':>7}  skipped  s"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for name, layouts in LAYOUT_CASES.items():
            start = time.perf_counter()
            pdf = make_guideline_pdf(
                Path(tmp) / f"{name}.pdf",
                edition,
                commentary=1 if "boxed" in layouts else 0,
                layouts=layouts,
                commentary_parts=[Part.BASIC],
            )
            doc = read_document([pdf])
            parsed = parse_guideline(doc)
            got = score(link_to_base(parsed.clauses, base, "2025-03").clauses, edition, base)
            heading, exact, keys = got.shares()
            skipped = ",".join(f"p{p}" for _, p, _ in doc.unreadable) or "-"
            print(
                f"{name:14} {doc.pages:5} {heading:14.1%} {exact:10.1%} {keys:7.1%}  "
                f"{skipped:7} {time.perf_counter() - start:.1f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=400)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--layout", action="append", choices=LAYOUTS, default=[])
    parser.add_argument("--table", action="store_true", help="score every layout case")
    args = parser.parse_args()
    if args.table:
        table()
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        pdf, pages = build(folder, args.pages, tuple(args.layout))
        if args.layout:
            print(f"layouts: {', '.join(args.layout)}")
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
