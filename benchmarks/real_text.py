"""Measure the audit on real municipal policies (issue #11).

Reads the real 例規 texts in ``../shared/realtext/`` (or ``--dir``; each file has one header
line ``URL | title | 制定 | 最終改正 | 時代 | 取得範囲`` and then the text) and the hand labels
in ``benchmarks/real_labels.csv`` (file, ref, clause keys, clear). Nothing of the texts is in
the repository; the labels are facts (file, article, clause key). Skips cleanly when the
folder is absent.

Prints per file: rows read, right / wrong / missed / 要確認 rows, the followed edition and
the text's own dates; then files read, pair precision and recall (recall over provisions that
clearly have a counterpart), and the edition checks.

    python benchmarks/real_text.py [--dir ../shared/realtext] [--labels benchmarks/real_labels.csv]
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from gapcheck import load_catalog
from gapcheck.errors import GapcheckError
from gapcheck.gaps.audit import audit
from gapcheck.gaps.status import RowStatus
from gapcheck.readers.formats import read_policy

HERE = Path(__file__).resolve().parent
DEFAULT_DIR = HERE.parent.parent / "shared" / "realtext"


@dataclass
class Label:
    keys: frozenset[str]
    clear: bool


def load_labels(path: Path) -> dict[tuple[str, str], Label]:
    out = {}
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            keys = frozenset(k for k in row["keys"].split(";") if k)
            out[(row["file"], row["ref"])] = Label(keys, row["clear"].strip() == "yes")
    return out


def header_years(header: str) -> tuple[int | None, int | None]:
    """(enacted year, last revised year) from the header's 制定 / 最終改正 fields."""
    from gapcheck.text.wareki import find_wareki

    fields = {f.split(":", 1)[0].strip(): f.split(":", 1)[1] for f in header.split("|") if ":" in f}

    def year(text: str) -> int | None:
        found = [w.year for _, w in find_wareki(text)]
        return max(found) if found else None

    enacted = year(fields.get("制定", "") or fields.get("制定・改正日", ""))
    revised = year(fields.get("最終改正", ""))
    return enacted, revised


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, action="append")
    parser.add_argument("--labels", type=Path, action="append")
    parser.add_argument("--verbose", "-v", action="store_true")
    args = parser.parse_args(argv)
    dirs = args.dir or [DEFAULT_DIR]
    dirs = [d for d in dirs if d.is_dir()]
    if not dirs:
        print(f"real texts not found ({DEFAULT_DIR}); skipped")
        return 0
    labels: dict[tuple[str, str], Label] = {}
    for path in args.labels or [HERE / "real_labels.csv"]:
        if path.is_file():
            labels.update(load_labels(path))
    catalog = load_catalog()
    files = sorted(f for d in dirs for f in d.glob("*.txt"))
    tmp = Path(tempfile.mkdtemp())
    recalled = 0
    read = right = wrong = missed = review_ok = review_bad = recall_den = labelled = 0
    edition_bad: list[str] = []
    judged: list[bool] = []
    print(f"{'file':<58} rows right wrong missed 要確認  followed → (enacted/revised)")
    for f in files:
        lines = f.read_text(encoding="utf-8").splitlines()
        header, body = lines[0], lines[1:]
        source = tmp / f.name
        source.write_text("\n".join(body), encoding="utf-8")
        try:
            policy = read_policy(source)
        except GapcheckError as exc:
            print(f"{f.name:<58} NOT READ: {exc}")
            continue
        read += 1
        report = audit(policy, catalog)
        r_ok = r_bad = r_miss = r_rev = 0
        for finding in report.rows:
            label = labels.get((f.name, str(finding.row.row)))
            predicted = set(finding.clauses)
            if label is None:
                continue
            labelled += 1
            hit = bool(predicted & label.keys)
            if label.clear and label.keys:
                recall_den += 1
            if finding.status is RowStatus.MATCHED or finding.status is RowStatus.OBSOLETE:
                if hit:
                    r_ok += 1
                    recalled += label.clear and bool(label.keys)
                else:
                    r_bad += 1
                    if args.verbose:
                        print(
                            f"    WRONG {finding.row.row}: {sorted(predicted)} label {sorted(label.keys)}"
                        )
            elif finding.status is RowStatus.REVIEW:
                r_rev += 1
                review_ok += hit
                review_bad += not hit
                if label.clear and label.keys:
                    r_miss += 1
                if args.verbose:
                    print(
                        f"    REVIEW {finding.row.row}: {sorted(predicted)} label {sorted(label.keys)}"
                    )
            elif label.clear and label.keys:
                r_miss += 1
                if args.verbose:
                    print(f"    MISSED {finding.row.row}: label {sorted(label.keys)}")
        right += r_ok
        wrong += r_bad
        missed += r_miss
        enacted, revised = header_years(header)
        latest = max(y for y in (enacted, revised) if y) if (enacted or revised) else None
        follows = report.follows_label or "判定できません"
        print(
            f"{f.name:<58} {len(report.rows):>4} {r_ok:>5} {r_bad:>5} {r_miss:>6} {r_rev:>5}  "
            f"{follows} → ({enacted or '?'}/{revised or '?'})"
        )
        # a text dated after 2015 must not be placed before 2015-03 without evidence
        upper = report.follows_range[1]
        if latest and latest > 2015 and upper and upper < "2015-03":
            edition_bad.append(f.name)
        judged.append(report.evidence is not None and report.evidence.judged)
    total_files = len(files)
    precision = right / (right + wrong) if right + wrong else 0.0
    recall = recalled / recall_den if recall_den else 0.0
    print()
    print(f"files read: {read}/{total_files} ({read / max(total_files, 1):.0%})")
    print(f"labelled rows seen: {labelled}")
    print(f"pair precision: {precision:.3f} ({right} right, {wrong} wrong)")
    print(f"recall (clear provisions with a counterpart): {recall:.3f} ({recalled}/{recall_den})")
    print(f"要確認 rows: {review_ok + review_bad} ({review_ok} would have been right)")
    print(f"post-2015 texts placed wholly before 2015-03: {len(edition_bad)} {edition_bad}")
    print(
        f"followed edition judged for {sum(judged)} of {len(judged)} texts (the rest: 判定できません)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
