"""Linking imported clauses to the base edition: keys, lineage and kinds (issue #5)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from gapcheck.catalog.loader import load_catalog
from gapcheck.catalog.model import Level, Part
from gapcheck.errors import GuidelineParseError
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


def test_review_reasons():
    """Each link to confirm carries its reason: rewritten in place, next closest (its closest
    continued elsewhere), medium similarity, and added although close (review.yaml)."""
    pw = [c for c in ED if c.section == "6.4"]  # 6.4.(1), 6.4.(2), 6.4.(3)①–③
    topic = ("人的セキュリティ", "ID及びパスワード等の管理")
    items = [
        # same number and heading, rewritten (similarity 0.32)
        ImportedClause("6.4.(1)", Part.STANDARDS, pw[0].headings,
                       "職員等は、ICカードを共有しない。", Level.DUTY, False),
        # closest 6.4.(1) (0.43) is taken: the next, 6.4.(2) (0.42)
        ImportedClause("6.4.(5)", Part.STANDARDS, (*topic, "ICカードとIDの取扱い"),
                       "職員等は、認証に使うICカード等を他人と共有せず、自分の利用者IDを他人に使わせない。",
                       Level.DUTY, False),
        # 6.4.(3)① at 0.52, free
        ImportedClause("6.4.(6)", Part.STANDARDS, (*topic, "パスワードの扱い"),
                       "職員等は、パスワードを他人に教えず、紙に書き留めてはならない。", Level.DUTY, False),
        # 6.4.(3)① at 0.51, taken by the closer one, nothing else close: added
        ImportedClause("6.4.(7)", Part.STANDARDS, (*topic, "パスワードの扱い"),
                       "職員等は、パスワードを他人に知られないよう管理しなければならない。",
                       Level.DUTY, False),
        imported(pw[3], number="6.4.(4)"),  # renumbered, identical text
    ]  # fmt: skip
    linked = link_to_base(items, replace(ED, clauses=tuple(pw)), "2026-03")
    assert [(c.number, c.key, c.change.kind.value) for c in linked.clauses] == [
        ("6.4.(1)", pw[0].key, "modified"),
        ("6.4.(5)", pw[1].key, "modified"),
        ("6.4.(6)", pw[2].key, "modified"),
        ("6.4.(7)", "imp.2026-03.6-4-7", "added"),
        ("6.4.(4)", pw[3].key, "renumbered"),
    ]
    assert [(u.number, u.proposed, u.reason) for u in linked.uncertain] == [
        ("6.4.(1)", pw[0].key,
         "項番と見出しは同じですが、本文が大きく変わっています。同じ条項の改定か確認してください。"),
        ("6.4.(5)", pw[1].key,
         "最も近い条項は別の条項に対応済みのため、次に近い条項に対応付けました。"),
        ("6.4.(6)", pw[2].key, "類似度が中程度です。同じ条項の改定か、別の条項か確認してください。"),
        ("6.4.(7)", "added",
         "6.4.(3)① に似ていますが、その条項は別の条項に対応済みのため追加としました。"),
    ]  # fmt: skip
    assert [k for k, _ in linked.removed] == [pw[4].key]


@pytest.mark.parametrize(
    ("forced", "message"),
    [
        ({(Part.STANDARDS, "6.4.(1)"): "no.such.key"},
         "確認ファイルの 対策基準 6.4.(1): キー 'no.such.key' は基の版 2025-03 にありません。"
         "基の版のキーか added を書いてください。"),
        ({(Part.BASIC, "99"): "added"},
         "確認ファイルの 基本方針 99 は取り込んだ文書にありません。"
         "確認ファイルがこの文書のものか確かめてください。"),
    ],
)  # fmt: skip
def test_decisions_must_name_a_base_key_and_an_imported_clause(forced, message):
    pw = [c for c in ED if c.section == "6.4"]
    with pytest.raises(GuidelineParseError) as err:
        link_to_base([imported(pw[0])], replace(ED, clauses=tuple(pw)), "2026-03", forced=forced)
    assert str(err.value) == message


def test_decisions_come_first():
    """The officer's decisions override the engine: an unchanged clause kept as added, a new
    text linked to the key named."""
    pw = [c for c in ED if c.section == "6.4"][:3]
    new_text = "職員等は、生成AIに機密情報を入力してはならない。"
    items = [imported(pw[0]), imported(pw[1], number="6.4.(9)", text=new_text)]
    forced = {(Part.STANDARDS, "6.4.(1)"): "added", (Part.STANDARDS, "6.4.(9)"): pw[2].key}
    linked = link_to_base(items, replace(ED, clauses=tuple(pw)), "2026-03", forced=forced)
    assert [(c.number, c.key, c.change.kind.value) for c in linked.clauses] == [
        ("6.4.(1)", "imp.2026-03.6-4-1", "added"),
        ("6.4.(9)", pw[2].key, "modified"),
    ]
    assert [k for k, _ in linked.removed] == [pw[0].key, pw[1].key]
