"""The shape of the house (issue #22, docs/architecture.md): modules a person can hold in
their head, public interfaces between them, commands only in cli.py."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "gapcheck"
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "_editions" not in p.parts)


def _rel(path: Path) -> str:
    return str(path.relative_to(PACKAGE.parent))


@pytest.mark.parametrize("path", MODULES, ids=_rel)
def test_module_shape(path):
    source = path.read_text(encoding="utf-8")
    lines = source.count("\n")
    assert lines <= (450 if path.name == "cli.py" else 700), f"{_rel(path)}: {lines} lines"
    tree = ast.parse(source)
    if path.name not in ("__init__.py", "__main__.py"):
        assert any(
            isinstance(n, ast.Assign) and any(getattr(t, "id", "") == "__all__" for t in n.targets)
            for n in tree.body
        ), f"{_rel(path)}: no __all__"
    # no private name imported from another gapcheck module (function-level imports too)
    crossing = [
        f"{node.module}.{alias.name}"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("gapcheck")
        for alias in node.names
        if re.match(r"_[^_]", alias.name)
    ]
    assert crossing == [], f"{_rel(path)} imports private names: {crossing}"
