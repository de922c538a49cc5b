"""Linking imported clauses to the base edition: keys, lineage and kinds (issue #5)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from gapcheck.catalog.loader import load_catalog
from gapcheck.catalog.model import Level, Part
from gapcheck.importing.guideline_parser import ImportedClause
from gapcheck.importing.linking import link_to_base, new_key

ED = load_catalog(None).edition("2025-03")


@pytest.mark.parametrize(
    ("part", "number", "key"),
    [
        (Part.STANDARDS, "6.4.(1)①", "imp.2026-03.6-4-1-1"),
        (Part.STANDARDS, "4.(1)⑨", "imp.2026-03.4-1-9"),
        (Part.BASIC, "2.(3)", "imp.2026-03.basic-2-3"),
        (Part.BASIC, "1", "imp.2026-03.basic-1"),
    ],
)
def test_new_key(part, number, key):
    assert new_key("2026-03", part, number, set()) == key


def test_new_key_never_reuses_a_key():
    assert new_key("2026-03", Part.BASIC, "1", {"imp.2026-03.basic-1"}) == "imp.2026-03.basic-1-v2"


def imported(c, number=None, text=None):
    text = text if text is not None else c.text
    return ImportedClause(number or c.number, c.part, c.headings, text, c.level, c.needs_procedure)


def test_link_kinds():
    """Renumbered, modified, split, merged, added and removed, from edited 2025-03 clauses."""
    base = ED
    pw = [c for c in base if c.section == "6.4"]  # 6.4.(1) .. 6.4.(3)…
    a, b, c3 = pw[0], pw[1], pw[2]
    halves = b.text.split("。", 1)
    items = [
        imported(a, number="6.4.(1)"),  # unchanged
        imported(b, number="6.4.(2)", text=halves[0] + "。"),  # split, first piece
        imported(b, number="6.4.(3)", text=halves[1]),  # split, second piece
        imported(c3, number="6.4.(4)"),  # renumbered
        ImportedClause("6.4.(5)", Part.STANDARDS, ("人的セキュリティ", "新しい規定"),
                       "職員等は、生成AIに機密情報を入力してはならない。", Level.DUTY, False),
    ]  # fmt: skip
    linked = link_to_base(items, replace(base, clauses=tuple(pw)), "2026-03")
    # the whole result, the split included (its two halves are real sentences of 6.4.(2))
    assert [len(h) > 10 for h in halves] == [True, True]
    got = [
        (c.number, c.key, c.change.kind.value if c.change else None,
         c.change.sources if c.change else (), c.change.old_number if c.change else None)
        for c in linked.clauses
    ]  # fmt: skip
    assert got == [
        ("6.4.(1)", a.key, None, (), None),
        ("6.4.(2)", "imp.2026-03.6-4-2", "split", (b.key,), None),
        ("6.4.(3)", "imp.2026-03.6-4-3", "split", (b.key,), None),
        ("6.4.(4)", c3.key, "renumbered", (), c3.number),
        ("6.4.(5)", "imp.2026-03.6-4-5", "added", (), None),
    ]
    removed = {k for k, _ in linked.removed}
    assert removed == {c.key for c in pw[3:]}


def test_link_merge():
    pw = [c for c in ED if c.section == "6.4"][:3]
    merged = ImportedClause("6.4.(1)", Part.STANDARDS, pw[0].headings, pw[0].text + pw[1].text,
                            pw[0].level, False)  # fmt: skip
    base = replace(ED, clauses=tuple(pw))
    linked = link_to_base([merged, imported(pw[2], number="6.4.(2)")], base, "2026-03")
    first = linked.clauses[0]
    assert (first.change.kind.value, first.change.sources) == ("merged", (pw[0].key, pw[1].key))
    assert linked.clauses[1].change.kind.value == "renumbered"
    assert linked.removed == ()
