"""Benchmark: keys kept when an independently worded edition is imported (issue #12).

The real 令和7年3月版 will be imported over the bundled digest of it: same numbers, same
structure, the same vocabulary, but other sentences. The second voice
(gapcheck/data/voice_municipal.yaml, ``gapcheck sample --voice municipal``) words every clause
of the newest edition independently of the digest, with its own captions. Its 2025-03 is
written as a guideline document (tests/guideline_pdf.py: text, or PDF with ``--pdf``), imported
as 2025-03 against the bundled 2024-10, and each clause's key compared with the bundled
2025-03's: kept when it is the bundled key (or, for a clause new in 2025-03, a new key).

    .venv/bin/python benchmarks/import_voice.py [--pdf] [--version 2025-03] [--show 10]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gapcheck.catalog.loader import load_catalog
from gapcheck.catalog.model import Edition
from gapcheck.importing.document import read_document
from gapcheck.importing.guideline_parser import parse_guideline
from gapcheck.importing.linking import link_to_base
from gapcheck.synth.sample import in_municipal_voice
from tests.guideline_pdf import document_entries, make_guideline_pdf, write_text


def keys_kept(version: str = "2025-03", pdf: bool = False) -> dict[str, object]:
    """Import the second voice's ``version`` against its predecessor; the figures."""
    catalog = load_catalog(None)
    bundled = catalog.edition(version)
    base_id = bundled.previous
    assert base_id is not None, version
    base = catalog.edition(base_id)
    voiced: Edition = in_municipal_voice(bundled)
    reworded = sum(v.text != b.text for v, b in zip(voiced, bundled, strict=True))
    with tempfile.TemporaryDirectory() as tmp:
        if pdf:
            path = make_guideline_pdf(Path(tmp) / "本編.pdf", bundled, voiced.clauses)
        else:
            entries = document_entries(list(voiced.clauses), bundled.label)
            path = write_text(entries, Path(tmp) / "本編.txt")
        start = time.perf_counter()
        parsed = parse_guideline(read_document([path]))
        linked = link_to_base(parsed.clauses, base, version)
        seconds = time.perf_counter() - start
    got = {(c.part, c.number): c.key for c in linked.clauses}
    carried = [c for c in bundled if c.key in base]  # clauses with a predecessor in the base
    new = [c for c in bundled if c.key not in base]
    kept = [c for c in carried if got.get((c.part, c.number)) == c.key]
    new_ok = [c for c in new if (c.part, c.number) in got and got[(c.part, c.number)] not in base]
    lost = [
        (c.number, c.key, got.get((c.part, c.number)))
        for c in carried
        if got.get((c.part, c.number)) != c.key
    ]
    return {
        "version": version,
        "base": base_id,
        "clauses": len(bundled),
        "reworded": reworded,
        "imported": len(parsed.clauses),
        "carried": len(carried),
        "kept": len(kept),
        "new": len(new),
        "new_ok": len(new_ok),
        "share": (len(kept) + len(new_ok)) / len(bundled),
        "uncertain": len(linked.uncertain),
        "seconds": seconds,
        "lost": lost,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", default="2025-03")
    parser.add_argument("--pdf", action="store_true", help="through a generated PDF")
    parser.add_argument("--show", type=int, default=10, help="list this many keys not kept")
    args = parser.parse_args()
    r = keys_kept(args.version, args.pdf)
    print(
        f"second voice of {r['version']} imported against {r['base']}: "
        f"{r['reworded']}/{r['clauses']} clauses reworded, {r['imported']} imported "
        f"in {r['seconds']:.1f} s"
    )
    print(
        f"keys kept: {r['kept']}/{r['carried']} carried over, {r['new_ok']}/{r['new']} new "
        f"-> {r['share']:.1%} of {r['clauses']} ({r['uncertain']} listed for review)"
    )
    for number, key, got in r["lost"][: args.show]:  # type: ignore[index]
        print(f"  {number} {key} -> {got}")


if __name__ == "__main__":
    main()
