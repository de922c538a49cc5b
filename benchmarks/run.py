"""Audit quality and speed on synthetic bodies (``make bench``); prints medians.

Generates bodies across all bundled editions in two tiers (light: substitutions, small
rewording, a few dropped clauses; heavy: reordered chapters, merges, splits, heavier
rewording), in both styles (spreadsheet and 例規 text), reads them back with the real
readers, audits them against the newest edition and scores against the generator's truth:
pair-level precision/recall, followed-edition accuracy, status accuracy, timings, memory,
and a difflib all-pairs baseline on a few bodies.
"""

from __future__ import annotations

import argparse
import difflib
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gapcheck.catalog.loader import load_catalog
from gapcheck.gaps.audit import audit
from gapcheck.gaps.wording import successors, wording_index
from gapcheck.readers.formats import read_policy
from gapcheck.readers.policy import Policy
from gapcheck.render.audit_page import audit_page
from gapcheck.render.report_html import write_html
from gapcheck.render.report_xlsx import write_workbook
from gapcheck.synth.sample import generate_policy, write_sample
from gapcheck.text.normalize import normalize, split_number


def expected_statuses(catalog, version, truth, succ):
    """The status each clause of the newest edition should get, from the truth."""
    target = catalog.latest
    source = catalog.edition(version)
    present: dict[str, set[str]] = {}
    for row in truth["rows"]:
        for k in row["clauses"]:
            for t in map_key(k, target, succ):
                present.setdefault(t, set()).add(k)
    out = {}
    for c in target:
        if c.key not in present:
            out[c.key] = "missing"
            continue
        origins = present[c.key]
        same = any(
            source.get(k) is not None and source.get(k).text == c.text and k == c.key
            for k in origins
        )
        out[c.key] = "covered" if same else "outdated"
    return out


def map_key(key, target, succ):
    if key in target:
        return {key}
    return set(succ.get(key, ())) or {key}


def score_body(catalog, report, truth, version, succ):
    target = catalog.latest
    truth_pairs = {
        (str(r["sheet"]), str(r["row"]), k)
        for r in truth["rows"]
        for key in r["clauses"]
        for k in map_key(key, target, succ)
    }
    pred_pairs = {(str(f.row.sheet), str(f.row.row), k) for f in report.rows for k in f.clauses}
    expected = expected_statuses(catalog, version, truth, succ)
    statuses = [(expected[f.key], f.status.value) for f in report.clauses]
    return truth_pairs, pred_pairs, statuses


def difflib_baseline(catalog, policy, truth, succ):
    """All pairs with difflib: best wording per row if ratio ≥ 0.5."""
    windex = wording_index(catalog)
    targets = [normalize(w.text) for w in windex.wordings]
    pred = set()
    for row in policy.rows:
        text = normalize(split_number(row.text)[1] or row.text)
        best, best_j = 0.0, None
        sm = difflib.SequenceMatcher(autojunk=False)
        sm.set_seq2(text)
        for j, t in enumerate(targets):
            sm.set_seq1(t)
            r = sm.ratio()
            if r > best:
                best, best_j = r, j
        if best_j is not None and best >= 0.5:
            for k in map_key(windex.wordings[best_j].key, catalog.latest, succ):
                pred.add((str(row.sheet), str(row.row), k))
    return pred


def prf(truth: set, pred: set) -> tuple[float, float, float]:
    tp = len(truth & pred)
    p = tp / len(pred) if pred else 1.0
    r = tp / len(truth) if truth else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--per-edition", type=int, default=3, help="bodies per edition and tier")
    parser.add_argument("--baseline", type=int, default=3, help="bodies for the difflib baseline")
    parser.add_argument("--cli-runs", type=int, default=5)
    args = parser.parse_args()

    catalog = load_catalog()
    t0 = time.perf_counter()
    wording_index(catalog)
    index_time = time.perf_counter() - t0
    succ = successors(catalog, catalog.latest)
    # editions held clause by clause (an outline edition cannot be written out as a policy)
    ids = [e.id for e in catalog.editions if e.depth.value == "full"]
    results: dict[str, dict] = {}
    timings: dict[str, list[float]] = {"read": [], "audit": []}
    rows_per_body: list[int] = []
    baseline_done = 0
    base_truth: set = set()
    base_pred: set = set()
    ours_on_base: set = set()
    base_time = ours_time = 0.0
    cli_file = None
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        # two voices (issue #11): the digest's own words, and an independent 例規-style wording
        for voice, tier in [(v, t) for v in ("digest", "municipal") for t in ("light", "heavy")]:
            agg = {"truth": set(), "pred": set(), "statuses": [], "follows": []}
            n = 0
            for version in ids:
                for i in range(args.per_edition):
                    seed = 1000 * ids.index(version) + i
                    style = "reiki" if i % 3 == 2 else "spreadsheet"
                    sample = generate_policy(
                        catalog.edition(version), seed=seed, tier=tier, style=style, voice=voice
                    )
                    ext = ".txt" if style == "reiki" else ".xlsx"
                    path = tmpdir / f"{voice}-{tier}-{version}-{i}{ext}"
                    truth_path = path.with_suffix(".json")
                    write_sample(sample, path, truth_path)
                    truth = json.loads(truth_path.read_text(encoding="utf-8"))
                    # read every sheet the generator wrote (two-sheet bodies)
                    t = time.perf_counter()
                    policy = read_policy(path)
                    timings["read"].append(time.perf_counter() - t)
                    t = time.perf_counter()
                    report = audit(policy, catalog)
                    timings["audit"].append(time.perf_counter() - t)
                    rows_per_body.append(len(policy.rows))
                    tp, pp, st = score_body(catalog, report, truth, version, succ)
                    # tag pairs with the body so sets do not collide across bodies
                    agg["truth"] |= {(path.name, *x) for x in tp}
                    agg["pred"] |= {(path.name, *x) for x in pp}
                    agg["statuses"] += st
                    agg["follows"].append((version, report.follows))
                    n += 1
                    digest_heavy = tier == "heavy" and voice == "digest"
                    if digest_heavy and baseline_done < args.baseline and style == "spreadsheet":
                        t = time.perf_counter()
                        bp = difflib_baseline(catalog, policy, truth, succ)
                        base_time += time.perf_counter() - t
                        t = time.perf_counter()
                        audit(policy, catalog)
                        ours_time += time.perf_counter() - t
                        base_truth |= {(path.name, *x) for x in tp}
                        base_pred |= {(path.name, *x) for x in bp}
                        ours_on_base |= {(path.name, *x) for x in pp}
                        baseline_done += 1
                    if cli_file is None and style == "spreadsheet" and digest_heavy:
                        cli_file = tmpdir / "cli.xlsx"
                        cli_file.write_bytes(path.read_bytes())
            agg["n"] = n
            results[f"{voice}/{tier}"] = agg

        # a 600-row body (two bodies' rows, as a large city's combined sheets would be)
        big_rows = read_policy(cli_file).rows
        for extra_seed, version in enumerate(["2023-03", "2015-03", "2020-12"]):
            other = tmpdir / f"other{extra_seed}.xlsx"
            write_sample(generate_policy(catalog.edition(version), seed=99 + extra_seed), other)
            big_rows += read_policy(other).rows
        big_rows = big_rows[:600]
        big = Policy("big.xlsx", "0" * 64, "spreadsheet", big_rows)
        align_600, report_600 = [], []
        for _ in range(5):
            t = time.perf_counter()
            big_report = audit(big, catalog)
            align_600.append(time.perf_counter() - t)
            t = time.perf_counter()
            page = audit_page(big_report, catalog)
            write_workbook(page, tmpdir / "big.xlsx")
            write_html(page, tmpdir / "big.html")
            report_600.append(time.perf_counter() - t)

        cli_times, cli_rss = [], []
        for _ in range(args.cli_runs):
            t = time.perf_counter()
            proc = subprocess.run(
                [sys.executable, "-c",
                 "import resource,sys;from gapcheck.cli import cli\n"
                 "try:\n cli(['audit',sys.argv[1],'--json'],standalone_mode=False)\n"
                 "finally:\n print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,file=sys.stderr)",
                 str(cli_file)],
                capture_output=True, text=True, check=True,
            )  # fmt: skip
            cli_times.append(time.perf_counter() - t)
            cli_rss.append(int(proc.stderr.strip().splitlines()[-1]) / 1024)
        help_times = []  # issue #15: `gapcheck --help` ≤ 0.5 s (no scikit-learn at start-up)
        for _ in range(max(args.cli_runs, 3)):
            t = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "gapcheck", "--help"], capture_output=True, check=True
            )
            help_times.append(time.perf_counter() - t)

    print(f"catalog wordings indexed once: {index_time * 1000:.0f} ms")
    for tier, agg in results.items():
        p, r, f1 = prf(agg["truth"], agg["pred"])
        exact = sum(v == f for v, f in agg["follows"]) / len(agg["follows"])
        within = sum(
            f is not None and abs(ids.index(v) - ids.index(f)) <= 1 for v, f in agg["follows"]
        ) / len(agg["follows"])
        acc = sum(e == g for e, g in agg["statuses"]) / len(agg["statuses"])
        partial = sum(g == "partial" for _, g in agg["statuses"])
        wrong = [(v, f) for v, f in agg["follows"] if v != f]
        print(
            f"{tier:15} bodies={agg['n']:3}  pairs P={p:.3f} R={r:.3f} F1={f1:.3f}  "
            f"follows exact={exact:.1%} within-one={within:.1%}  status acc={acc:.3f} "
            f"(partial {partial})"
        )
        if wrong:
            print(f"      follows misses (truth→found): {wrong}")
    print(f"rows per body: median {statistics.median(rows_per_body):.0f}, max {max(rows_per_body)}")
    print(
        f"read per body: median {statistics.median(timings['read']) * 1000:.0f} ms; "
        f"audit (align+classify) per body: median {statistics.median(timings['audit']) * 1000:.0f} ms, "
        f"max {max(timings['audit']) * 1000:.0f} ms"
    )
    print(
        f"{len(big_rows)}-row body: audit median {statistics.median(align_600) * 1000:.0f} ms; "
        f"both reports (xlsx + html) median {statistics.median(report_600):.2f} s"
    )
    print(
        f"whole `gapcheck audit --json` (new process): median {statistics.median(cli_times):.2f} s, "
        f"peak RSS median {statistics.median(cli_rss):.0f} MB"
    )
    print(f"`gapcheck --help` (new process): median {statistics.median(help_times):.2f} s")
    if baseline_done:
        _, _, bf = prf(base_truth, base_pred)
        _, _, of = prf(base_truth, ours_on_base)
        print(
            f"difflib all-pairs baseline on {baseline_done} heavy bodies: F1={bf:.3f} in "
            f"{base_time:.1f} s; gapcheck F1={of:.3f} in {ours_time:.2f} s "
            f"→ {base_time / ours_time:.0f}× faster"
        )


if __name__ == "__main__":
    main()
