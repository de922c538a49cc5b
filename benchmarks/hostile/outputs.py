"""Hostile catalog, review and --previous files (issue #14, items 6 and 11): time and memory.

``cases()`` gives (name, callable) pairs; each callable builds its input in a fresh temporary
folder, runs the ``gapcheck`` command on it in-process and returns the command's last output
line (the expected ``Error: …``). ``benchmarks/hostile_bench.py`` runs each in a subprocess;
this file also runs on its own, one subprocess per case, printing wall time and peak RSS:

    python benchmarks/hostile/outputs.py
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path


def _gapcheck(*args: str) -> str:
    from click.testing import CliRunner

    from gapcheck.cli import cli

    result = CliRunner().invoke(cli, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise RuntimeError(f"crashed: {result.exception!r}"[:200])
    lines = result.output.strip().splitlines()
    return f"exit {result.exit_code}: {lines[-1] if lines else ''}"


def alias_bomb(levels: int = 10) -> str:
    """9**levels strings (3.5 G for 10 levels) from about 400 bytes."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def _catalog(tmp: Path) -> Path:
    from gapcheck.catalog.loader import bundled_dir

    folder = tmp / "gl" / "2025-03"
    folder.mkdir(parents=True)
    shutil.copy(bundled_dir() / "2025-03" / "edition.yaml", folder / "edition.yaml")
    return tmp / "gl"


def _policy(tmp: Path) -> Path:
    path = tmp / "policy.txt"
    path.write_text("第1条 この規程は、情報資産の機密性を守るため必要な事項を定める。\n", "utf-8")
    return path


def alias_bomb_catalog() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        gl = _catalog(Path(tmp))
        (gl / "2025-03" / "clauses.yaml").write_text(alias_bomb(), encoding="utf-8")
        return _gapcheck("--guidelines", str(gl), "versions")


def alias_bomb_review() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        review = Path(tmp) / "review.yaml"
        review.write_text(alias_bomb(), encoding="utf-8")
        doc = _policy(Path(tmp))
        return _gapcheck("--guidelines", str(Path(tmp) / "gl"), "import-guideline", str(doc),
                         "--version", "2026-03", "--review", str(review))  # fmt: skip


def dev_zero_catalog() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        gl = _catalog(Path(tmp))
        (gl / "2025-03" / "clauses.yaml").symlink_to("/dev/zero")
        return _gapcheck("--guidelines", str(gl), "versions")


def fifo_catalog() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        gl = _catalog(Path(tmp))
        os.mkfifo(gl / "2025-03" / "clauses.yaml")
        return _gapcheck("--guidelines", str(gl), "versions")


def _previous_case(make: Callable[[Path], None], suffix: str = ".json") -> str:
    with tempfile.TemporaryDirectory() as tmp:
        previous = Path(tmp) / f"previous{suffix}"
        make(previous)
        return _gapcheck("audit", str(_policy(Path(tmp))), "--previous", str(previous),
                         "--out", str(Path(tmp) / "o"))  # fmt: skip


def dev_zero_previous_json() -> str:
    return _previous_case(lambda p: p.symlink_to("/dev/zero"))


def dev_zero_previous_xlsx() -> str:
    return _previous_case(lambda p: p.symlink_to("/dev/zero"), ".xlsx")


def fifo_previous() -> str:
    return _previous_case(lambda p: os.mkfifo(p))


def deep_nesting_previous() -> str:
    depth = 100_000
    text = '{"clauses": [{"decision": ' + "[" * depth + "]" * depth + "}]}"
    return _previous_case(lambda p: p.write_text(text, encoding="utf-8"))


def huge_decision_previous() -> str:
    text = '{"clauses": [{"key": "basic.purpose", "number": "1", "decision": {"decision": "'
    text += "あ" * 1_000_000 + '"}}]}'
    return _previous_case(lambda p: p.write_text(text, encoding="utf-8"))


def cases() -> list[tuple[str, Callable[[], str]]]:
    return [
        ("alias_bomb_catalog", alias_bomb_catalog),
        ("alias_bomb_review", alias_bomb_review),
        ("dev_zero_catalog", dev_zero_catalog),
        ("fifo_catalog", fifo_catalog),
        ("dev_zero_previous_json", dev_zero_previous_json),
        ("dev_zero_previous_xlsx", dev_zero_previous_xlsx),
        ("fifo_previous", fifo_previous),
        ("deep_nesting_previous", deep_nesting_previous),
        ("huge_decision_previous", huge_decision_previous),
    ]


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from hostile_bench import run_module

    sys.exit(run_module(__file__, sys.argv[1:]))
