"""Write catalog YAML in the house style (one block per clause, headings in flow style).

Usage: ``python scripts/format_catalog.py guideline_versions/2025-03/clauses.yaml …``
rewrites each file in place (atomically). The loader reads any YAML; this only keeps
``git diff`` between editions readable after a scripted change.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

CLAUSE_ORDER = ("key", "number", "part", "headings", "level", "needs_procedure", "basis",
                "sources", "text", "plain", "change")  # fmt: skip
CHANGE_ORDER = ("kind", "basis", "sources", "note", "from", "old_number")


def _scalar(value: Any) -> str:
    return yaml.safe_dump(value, allow_unicode=True, width=10_000).removesuffix("\n...\n").strip()


def _flow(values: list[Any]) -> str:
    return yaml.safe_dump(
        values, allow_unicode=True, width=10_000, default_flow_style=True
    ).strip()


def _block(item: dict[str, Any]) -> list[str]:
    lines = []
    keys = [k for k in CLAUSE_ORDER if k in item] + [k for k in item if k not in CLAUSE_ORDER]
    for n, name in enumerate(keys):
        value = item[name]
        lead = "- " if n == 0 else "  "
        if name == "change":
            lines.append(f"{lead}change:")
            ch_keys = [k for k in CHANGE_ORDER if k in value]
            ch_keys += [k for k in value if k not in CHANGE_ORDER]
            for c in ch_keys:
                v = value[c]
                if isinstance(v, list) and c == "from":
                    lines.append(f"    {c}:")
                    lines += [f"    - {_scalar(x)}" for x in v]
                elif isinstance(v, list):
                    lines.append(f"    {c}: {_flow(v)}")
                else:
                    lines.append(f"    {c}: {_scalar(v)}")
        elif isinstance(value, list):
            lines.append(f"{lead}{name}: {_flow(value)}")
        else:
            lines.append(f"{lead}{name}: {_scalar(value)}")
    return lines


def format_clauses(text: str) -> str:
    """The same clauses, in house style; the leading comment lines are kept."""
    head = [line for line in text.splitlines() if line.startswith("#")]
    head = head[: next((i for i, line in enumerate(text.splitlines()) if not line.startswith("#")), 0)]
    items = yaml.safe_load(text)
    body = "\n\n".join("\n".join(_block(item)) for item in items)
    return "\n".join(head) + ("\n" if head else "") + body + "\n"


def main(paths: list[str]) -> None:
    for name in paths:
        path = Path(name)
        new = format_clauses(path.read_text(encoding="utf-8"))
        tmp = path.with_suffix(".tmp")
        tmp.write_text(new, encoding="utf-8")
        tmp.replace(path)


if __name__ == "__main__":
    main(sys.argv[1:])
