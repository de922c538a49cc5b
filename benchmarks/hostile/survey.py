"""Hostile inputs for ``gapcheck survey`` (issue #14 items 2, 3, 5 and 9).

``cases()`` gives ``(name, callable)`` pairs; each callable builds its input (a synthetic
nation from :mod:`gapcheck.synth.nation`) in a temporary folder, runs the survey, writes the reports
and returns its outcome in one line. ``benchmarks/hostile_bench.py`` runs each in a fresh
process; run this file directly for the same table of these cases alone:

    python benchmarks/hostile/survey.py            # every case
    python benchmarks/hostile/survey.py cp932-names
"""

from __future__ import annotations

import faulthandler
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

BODIES = 60  # bodies in each synthetic nation
JOBS = 2
ABORT = "ABORT-THE-WORKER"


def _nation(root: Path):
    from gapcheck.catalog.loader import load_catalog
    from gapcheck.synth.nation import write_nation

    catalog = load_catalog()
    write_nation(catalog, root, count=BODIES, year=2025, seed=7, jobs=JOBS)
    return catalog


def _policies(root: Path) -> list[Path]:
    return sorted(p for p in (root / "policies").rglob("*") if p.is_file())


def worker_abort() -> str:
    """One file makes its worker abort (as a native crash does); twice, the second run
    must skip it by its hash."""
    import gapcheck.survey.workers as workers_module
    from gapcheck.readers.formats import read_policy
    from gapcheck.render.report_survey import write_survey
    from gapcheck.survey.national import survey

    def aborting_reader(path, *args, **kwargs):
        if ABORT.encode() in Path(path).read_bytes():
            faulthandler.disable()
            os.abort()
        return read_policy(path, *args, **kwargs)

    workers_module.read_policy = aborting_reader  # the workers are forked: they see it
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        catalog = _nation(root)
        bomb = next(p for p in _policies(root) if p.suffix == ".txt")
        with bomb.open("a", encoding="utf-8") as fh:
            fh.write(f"\n{ABORT}\n")
        db = root / "out" / "survey.sqlite"
        runs = []
        for _ in range(2):
            result = survey(
                root / "policies", catalog, master=root / "bodies.csv", db=db, jobs=JOBS
            )
            write_survey(result, root / "out")
            crashed = [f for f in result.failed if "異常終了" in f.reason]
            runs.append(f"{len(result.bodies)} bodies, {len(crashed)} crashed, "
                        f"audited {result.audited}")  # fmt: skip
        assert "crashed" in runs[0] and "audited 0" in runs[1], runs
        return " / ".join(runs)


def cp932_names() -> str:
    """Every file renamed to its cp932 bytes (what unzip makes of a Windows zip)."""
    from gapcheck.render.report_survey import write_survey
    from gapcheck.survey.national import survey

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        catalog = _nation(root)
        for p in _policies(root):
            raw = os.fsencode(p.parent) + b"/" + p.name.encode("cp932")
            os.rename(os.fsencode(p), raw)
        with open(os.fsencode(root / "policies") + b"/\xff\xfe.xlsx", "wb") as fh:
            fh.write(b"not a workbook")
        result = survey(root / "policies", catalog, db=root / "out" / "survey.sqlite", jobs=JOBS)
        written = write_survey(result, root / "out")
        odd = sum("name-encoding" in b.flags for b in result.bodies)
        return (f"{len(result.bodies)} bodies ({odd} with cp932 names), "
                f"{len(result.failed)} failed, {len(written)} reports")  # fmt: skip


def master_typo() -> str:
    """A master row whose 都道府県 is misspelt (青森 for 青森県): refused with its line."""
    from gapcheck.survey.bodies import MasterError
    from gapcheck.survey.national import survey

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        catalog = _nation(root)
        master = root / "bodies.csv"
        text = master.read_text(encoding="utf-8")
        if ",青森県," in text:  # the nation has a body of 青森県: misspell its row
            text = text.replace(",青森県,", ",青森,", 1)
        else:
            text += "022012,青森,青森市,市,275000\n"
        master.write_text(text, encoding="utf-8")
        try:
            survey(root / "policies", catalog, master=master, jobs=JOBS)
        except MasterError as exc:
            return f"refused: {str(exc).split(': ', 1)[1].splitlines()[0]}"
        raise AssertionError("the misspelt master was accepted")


def changed_while_read() -> str:
    """Every file is rewritten while it is being read: nothing is stored for them."""
    import gapcheck.survey.workers as workers_module
    from gapcheck.readers.formats import read_policy
    from gapcheck.survey.national import survey
    from gapcheck.survey.results import CHANGED_REASON

    def rewriting_reader(path, *args, **kwargs):
        with open(path, "a", encoding="utf-8") as fh:
            fh.write("\n第999条　追記\n")
        return read_policy(path, *args, **kwargs)

    workers_module.read_policy = rewriting_reader
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        catalog = _nation(root)
        result = survey(root / "policies", catalog, db=root / "survey.sqlite", jobs=JOBS)
        changed = sum(f.reason == CHANGED_REASON for f in result.failed)
        return f"{changed} files changed while read, none stored, {len(result.bodies)} bodies"


def cases() -> list[tuple[str, Callable[[], object]]]:
    return [
        ("worker-abort", worker_abort),
        ("cp932-names", cp932_names),
        ("master-typo", master_typo),
        ("changed-while-read", changed_while_read),
    ]


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from hostile_bench import run_module

    sys.exit(run_module(__file__, sys.argv[1:]))
