"""Facts of the bundled catalog that the public record fixes (issue #12).

Each test pins one fact a municipal officer holding the real guideline could check; the
catalog's own digest (text, item order below the recorded level) is not pinned here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from gapcheck.catalog.loader import bundled_dir, load_catalog
from gapcheck.catalog.model import ChangeKind, Level, Part

CATALOG = load_catalog(None)
FULL = [e.id for e in CATALOG.editions if e.depth.value == "full"]


def _raw(edition: str, name: str) -> object:
    return yaml.safe_load((bundled_dir() / edition / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("edition", [e.id for e in CATALOG.editions])
def test_every_clause_change_and_removal_states_its_basis(edition):
    """Written out in the file, not defaulted: a missing basis fails here."""
    clauses = _raw(edition, "clauses.yaml")
    meta = _raw(edition, "edition.yaml")
    missing = [c["key"] for c in clauses if c.get("basis") not in ("source", "estimate")]
    missing += [
        f"{c['key']}.change"
        for c in clauses
        if c.get("change") and c["change"].get("basis") not in ("source", "estimate")
    ]
    missing += [f"removed {r['key']}" for r in meta.get("removed") or [] if "basis" not in r]
    assert missing == []


def _section(edition: str, prefix: str) -> list[tuple[str, str]]:
    """(number, heading) of the subsections under ``prefix`` (4 → 4.(1), 4.(2)…)."""
    out: dict[str, str] = {}
    for c in CATALOG.edition(edition).in_section(prefix):
        number = c.number.split("①")[0].split("②")[0]
        sub = number[: number.index(")") + 1] if ")" in number else number
        out.setdefault(sub, c.headings[1])
    return sorted(out.items())


@pytest.mark.parametrize("edition", [e for e in FULL if e >= "2018-09"])
def test_section_4_has_only_the_three_segments(edition):
    assert _section(edition, "4") == [
        ("4.(1)", "マイナンバー利用事務系"),
        ("4.(2)", "LGWAN接続系"),
        ("4.(3)", "インターネット接続系"),
    ]


@pytest.mark.parametrize("edition", ["2024-10", "2025-03"])
def test_local_confidentiality_3a_3b_3c_are_kinds_not_grades(edition):
    ed = CATALOG.edition(edition)
    for key in ("basic.def.local-confidentiality-levels", "asset.classification.confidentiality"):
        text = ed.get(key).text
        facts = ("秘密文書", "個人の権利利益", "3A", "3B", "3C", "機密性3")
        assert [f for f in facts if f not in text] == [], key
        assert "3Aから3C" not in text and "細分" not in text, key


@pytest.mark.parametrize(
    ("edition", "wording"),
    [
        ("2023-03", "（機密性2以上"),
        ("2024-10", "（自治体機密性2以上"),
        ("2025-03", "（自治体機密性2以上"),
    ],
)
def test_sections_9_3_and_9_4_name_the_classification_of_their_edition(edition, wording):
    titles = {c.headings[1] for c in CATALOG.edition(edition).in_section("9.3")}
    titles |= {c.headings[1] for c in CATALOG.edition(edition).in_section("9.4")}
    assert len(titles) == 2 and all(wording in t for t in titles)
    if edition >= "2024-10":
        texts = [c.text for c in CATALOG.edition(edition).in_section("9.3")]
        assert all("機密性2以上" not in t.replace("自治体機密性2以上", "") for t in texts)


def _items(edition: str, prefix: str) -> list[tuple[str, str, str]]:
    return [
        (c.number, c.heading, c.level.value)
        for c in CATALOG.edition(edition)
        if c.part is Part.STANDARDS and c.number.startswith(prefix)
    ]


@pytest.mark.parametrize(
    ("edition", "expected"),
    [
        ("2018-09", [("2.(1)①", "CISOの設置と権限", "duty"),
                     ("2.(1)②", "最高情報セキュリティアドバイザー", "permission"),
                     ("2.(1)③", "CSIRTの整備", "duty")]),
        ("2020-12", [("2.(1)①", "CISOの設置と権限", "duty"),
                     ("2.(1)②", "最高情報セキュリティアドバイザー", "permission"),
                     ("2.(1)③", "CSIRTの整備", "duty"),
                     ("2.(1)④", "副CISOの設置", "permission"),
                     ("2.(1)⑤", "CISOの職務の引継ぎ", "duty")]),
    ],
)  # fmt: skip
def test_ciso_item_holds_csirt_set_up_and_from_2020_the_vice_ciso(edition, expected):
    assert _items(edition, "2.(1)") == expected


def test_vice_ciso_and_hand_over_were_added_in_2020_12_on_the_record():
    ed = CATALOG.edition("2020-12")
    changes = [(k, ed.get(k).change.kind, ed.get(k).change.basis.estimate)
               for k in ("org.ciso.vice", "org.ciso.handover")]  # fmt: skip
    assert changes == [
        ("org.ciso.vice", ChangeKind.ADDED, False),
        ("org.ciso.handover", ChangeKind.ADDED, False),
    ]


def test_security_adviser_is_not_a_2015_addition():
    first = next(e for e in CATALOG.editions if "org.ciso.adviser" in e)
    clause = first.get("org.ciso.adviser")
    assert (clause.change, clause.level) == (None, Level.PERMISSION)


@pytest.mark.parametrize(
    ("edition", "heading"),
    [("2018-09", "非常勤及び臨時職員への対応"), ("2020-12", "会計年度任用職員への対応"),
     ("2025-03", "会計年度任用職員への対応")],
)  # fmt: skip
def test_part_time_staff_heading_follows_the_2020_move(edition, heading):
    assert {c.headings[2] for c in CATALOG.edition(edition).in_section("6.1")
            if c.number.startswith("6.1.(2)")} == {heading}  # fmt: skip


def test_2025_procurement_point_is_entered_once():
    added = [
        (c.number, c.change.basis.estimate, c.basis.estimate)
        for c in CATALOG.edition("2025-03")
        if c.change and c.change.kind is ChangeKind.ADDED and "調達" in c.text
    ]
    # the change is on record; where it sits among the items is our estimate
    assert added == [("7.3.(1)②", False, True)]


def test_basic_policy_names_five_threats():
    ed = CATALOG.latest
    assert [c.number for c in ed if c.part is Part.BASIC and c.number.startswith("3.")] == [
        "3.(1)", "3.(2)", "3.(3)", "3.(4)", "3.(5)",
    ]  # fmt: skip


def test_edition_dates_and_ordinals():
    got = {e.id: (e.published, e.ordinal) for e in CATALOG.editions if e.id >= "2015-03"}
    assert got == {
        "2015-03": (None, 5),
        "2018-09": ("2018-09-25", 6),
        "2020-12": ("2020-12-28", 7),
        "2022-03": (None, 8),
        "2023-03": (None, 9),
        "2024-10": ("2024-10-02", 10),
        "2025-03": ("2025-03-28", 11),
    }
    assert CATALOG.edition("2018-09").cited_label == "平成30年9月版（第6版）"


def test_every_edition_names_what_drove_it():
    assert [e.id for e in CATALOG.editions if not e.drivers] == []


def test_no_estimate_is_presented_without_a_basis_file():
    """The README documents what each basis means; keep it there."""
    text = (Path(__file__).parents[1] / "guideline_versions" / "README.md").read_text("utf-8")
    assert all(word in text for word in ("basis", "estimate", "summary", "reiki", "outline"))
