"""Edition diff (issue #4): each change kind on small hand-built editions, the net effect over
several editions, agreement with the bundled catalog's own change records, change marks,
editorial detection, the JSON contract and the terminal summary."""

from __future__ import annotations

from typing import Any

import pytest

from gapcheck.catalog.loader import load_catalog, load_catalog_from
from gapcheck.catalog.model import ChangeKind, Depth
from gapcheck.diff import (
    DiffKind,
    Span,
    diff_editions,
    is_editorial,
    mark_changes,
    render_text,
)
from gapcheck.errors import GapcheckError

PW = ["人的セキュリティ", "ID及びパスワード等の管理"]
TRAIN = ["人的セキュリティ", "研修・訓練"]
MFA = ["人的セキュリティ", "多要素認証"]


def clause(
    key: str,
    number: str,
    text: str,
    headings: list[str] = PW,
    level: str = "duty",
    **change: Any,
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "key": key,
        "number": number,
        "part": "対策基準",
        "headings": headings,
        "level": level,
        "needs_procedure": False,
        "text": text,
        "plain": f"{text}（説明）",
    }
    if change:
        item["change"] = change
    return item


LENGTH = "職員はパスワードを十分な長さにしなければならない。"
SHARE = "職員はパスワードを他人に教えてはならない。"
PAPER = "職員はパスワードを紙に書いてはならない。"
YEARLY = "職員は年1回以上、情報セキュリティ研修を受けなければならない。"
RECORD = "研修の受講状況を記録することが望ましい。"

OLD = [
    clause("pw.length", "1.1.(1)", LENGTH),
    clause("pw.share", "1.1.(2)", SHARE),
    clause("pw.paper", "1.1.(3)", PAPER),
    clause("train.yearly", "1.2.(1)", YEARLY, TRAIN),
    clause("train.record", "1.2.(2)", RECORD, TRAIN, level="recommendation"),
]
LABELS = {"2020-01": "令和2年1月版", "2021-01": "令和3年1月版", "2022-01": "令和4年1月版"}


@pytest.fixture
def build(make_catalog):
    """A catalog of the given editions: ``{id: (clauses, removed)}``, oldest first."""

    def make(editions: dict[str, tuple[list[dict], list[dict]]]):
        def mutate(meta, clauses, glossary):
            meta.clear()
            clauses.clear()
            glossary.clear()
            previous = None
            for edition_id, (items, removed) in editions.items():
                meta[edition_id] = {
                    "id": edition_id,
                    "label": LABELS[edition_id],
                    "date": edition_id,
                    "previous": previous,
                    "summary": "試験用の版です。",
                    "removed": removed,
                }
                clauses[edition_id] = items
                previous = edition_id

        return load_catalog_from([make_catalog(mutate)])

    return make


def _with(*changes: tuple[int, dict | None]) -> list[dict]:
    """OLD with clause ``i`` replaced by ``item`` (dropped when ``item`` is None)."""
    out = list(OLD)
    for i, item in sorted(changes, key=lambda c: -c[0]):
        if item is None:
            del out[i]
        else:
            out[i] = item
    return out


FIELDS = ["kind", "old_keys", "new_keys", "old_number", "new_number", "editions", "note"]
RENUM = {"kind": "renumbered"}

KIND_CASES = {
    "added": (
        [*OLD[:3], clause("pw.mfa", "1.1.(4)", "多要素認証を使わなければならない。",
                          kind="added", note="破られにくくするためです。"), *OLD[3:]],
        [],
        [["added", [], ["pw.mfa"], None, "1.1.(4)", ["2021-01"], "破られにくくするためです。"]],
    ),
    "removed": (
        _with((2, None)),
        [{"key": "pw.paper", "note": "紙に書く人がいなくなりました。"}],
        [["removed", ["pw.paper"], [], "1.1.(3)", None, ["2021-01"],
          "紙に書く人がいなくなりました。"]],
    ),
    "modified": (
        _with((3, clause("train.yearly", "1.2.(1)", YEARLY.replace("年1回", "年2回"), TRAIN,
                         kind="modified", note="回数を増やしました。"))),
        [],
        [["modified", ["train.yearly"], ["train.yearly"], "1.2.(1)", "1.2.(1)", ["2021-01"],
          "回数を増やしました。"]],
    ),
    # a new subsection 1.2 shifts the whole training subsection to 1.3: renumbering, not a move
    "renumbered": (
        [*OLD[:3],
         clause("mfa.use", "1.2.(1)", "多要素認証を使わなければならない。", MFA,
                kind="added", note="新しい節です。"),
         clause("train.yearly", "1.3.(1)", YEARLY, TRAIN, kind="renumbered",
                old_number="1.2.(1)"),
         clause("train.record", "1.3.(2)", RECORD, TRAIN, level="recommendation",
                kind="renumbered", old_number="1.2.(2)")],
        [],
        [["added", [], ["mfa.use"], None, "1.2.(1)", ["2021-01"], "新しい節です。"],
         ["renumbered", ["train.yearly"], ["train.yearly"], "1.2.(1)", "1.3.(1)", ["2021-01"], ""],
         ["renumbered", ["train.record"], ["train.record"], "1.2.(2)", "1.3.(2)", ["2021-01"], ""]],
    ),
    # one clause leaves its subsection's company: a move
    "moved": (
        [*OLD[:2], *OLD[3:],
         clause("pw.paper", "1.2.(3)", PAPER, TRAIN, kind="moved", old_number="1.1.(3)",
                note="研修で教える事項に移しました。")],
        [],
        [["moved", ["pw.paper"], ["pw.paper"], "1.1.(3)", "1.2.(3)", ["2021-01"],
          "研修で教える事項に移しました。"]],
    ),
    "split": (
        [OLD[0],
         clause("pw.share.tell", "1.1.(2)", "職員はパスワードを他人に教えてはならない。",
                kind="split", note="二つに分けました。", **{"from": ["pw.share"]}),
         clause("pw.share.common", "1.1.(3)", "職員はパスワードを共用してはならない。",
                kind="split", note="二つに分けました。", **{"from": ["pw.share"]}),
         clause("pw.paper", "1.1.(4)", PAPER, kind="renumbered", old_number="1.1.(3)"),
         *OLD[3:]],
        [],
        [["split", ["pw.share"], ["pw.share.tell", "pw.share.common"], "1.1.(2)",
          "1.1.(2)、1.1.(3)", ["2021-01"], "二つに分けました。"],
         ["renumbered", ["pw.paper"], ["pw.paper"], "1.1.(3)", "1.1.(4)", ["2021-01"], ""]],
    ),
    "merged": (
        [OLD[0],
         clause("pw.handling", "1.1.(2)", "職員はパスワードを他人に教えず、紙に書いてはならない。",
                kind="merged", note="一つにまとめました。",
                **{"from": ["pw.share", "pw.paper"]}),
         *OLD[3:]],
        [],
        [["merged", ["pw.share", "pw.paper"], ["pw.handling"], "1.1.(2)、1.1.(3)", "1.1.(2)",
          ["2021-01"], "一つにまとめました。"]],
    ),
    "editorial": (
        _with((1, clause("pw.share", "1.1.(2)", "職員は、パスワードを他人に教えてはならない。",
                         kind="modified", note="読点を補いました。"))),
        [],
        [["editorial", ["pw.share"], ["pw.share"], "1.1.(2)", "1.1.(2)", ["2021-01"],
          "読点を補いました。"]],
    ),
}  # fmt: skip


@pytest.mark.parametrize(("new", "removed", "expected"), KIND_CASES.values(), ids=KIND_CASES)
def test_each_kind_on_two_small_editions(build, new, removed, expected):
    catalog = build({"2020-01": (OLD, []), "2021-01": (new, removed)})
    diff = diff_editions(catalog, "2020-01", "2021-01")
    assert diff.flatten(FIELDS) == expected
    kinds = {row[0] for row in expected}
    assert diff.counts == {k.value: sum(r[0] == k.value for r in expected) for k in DiffKind}
    assert {c.kind.value for c in diff.substantive()} == kinds - {"renumbered", "editorial"}


LEVEL_CASES = [
    # recommendation → duty with new wording
    (RECORD.replace("ことが望ましい", "しなければならない"), "duty",
     ["modified", "recommendation", "duty", True]),
    # the same text, level raised: still a change (modified)
    (RECORD, "duty", ["modified", "recommendation", "duty", True]),
    # duty → permission is a change, not a raise
    ("研修の受講状況を記録することができる。", "permission",
     ["modified", "recommendation", "permission", False]),
]  # fmt: skip


@pytest.mark.parametrize(("text", "level", "expected"), LEVEL_CASES)
def test_level_changes(build, text, level, expected):
    new = _with(
        (4, clause("train.record", "1.2.(2)", text, TRAIN, level=level, kind="modified", note="n"))
    )
    catalog = build({"2020-01": (OLD, []), "2021-01": (new, [])})
    diff = diff_editions(catalog, "2020-01", "2021-01")
    assert diff.flatten(["kind", "old_level", "new_level", "level_raised"]) == [expected]


def test_removed_clause_sits_at_its_old_place(build):
    new = [
        OLD[0],
        clause("pw.paper", "1.1.(2)", PAPER, kind="renumbered", old_number="1.1.(3)"),
        clause("pw.mfa", "1.1.(3)", "多要素認証を使う。", kind="added", note="追加です。"),
        *OLD[3:],
    ]
    catalog = build(
        {"2020-01": (OLD, []), "2021-01": (new, [{"key": "pw.share", "note": "不要です。"}])}
    )
    diff = diff_editions(catalog, "2020-01", "2021-01")
    assert diff.flatten(["kind", "number"]) == [
        ["removed", "1.1.(2)"],
        ["renumbered", "1.1.(3)→1.1.(2)"],
        ["added", "1.1.(3)"],
    ]


# --- three editions: the net effect ------------------------------------------------------

TEMP = clause("pw.temp", "1.1.(4)", "仮パスワードは初回利用時に変更しなければならない。",
              kind="added", note="仮パスワードの規定を設けました。")  # fmt: skip
CHAIN = {
    "2020-01": (OLD, []),
    "2021-01": (
        [*OLD[:3], TEMP, clause("train.yearly", "1.2.(1)", YEARLY.replace("年1回", "年2回"),
                                TRAIN, kind="modified", note="回数を増やしました。"), OLD[4]],
        [],
    ),
    "2022-01": (
        [*OLD[:3], clause("train.yearly", "1.2.(1)",
                          YEARLY.replace("年1回", "年2回").replace("研修", "研修及び訓練"),
                          TRAIN, kind="modified", note="訓練も加えました。"), OLD[4]],
        [{"key": "pw.temp", "note": "多要素認証で不要になりました。"}],
    ),
}  # fmt: skip


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("2020-01", "2021-01", [
            ["added", [], ["pw.temp"], ["2021-01"], "仮パスワードの規定を設けました。"],
            ["modified", ["train.yearly"], ["train.yearly"], ["2021-01"], "回数を増やしました。"],
        ]),
        ("2021-01", "2022-01", [
            ["removed", ["pw.temp"], [], ["2022-01"], "多要素認証で不要になりました。"],
            ["modified", ["train.yearly"], ["train.yearly"], ["2022-01"], "訓練も加えました。"],
        ]),
        # pw.temp came and went: nowhere; train.yearly changed twice: both editions, both notes
        ("2020-01", "2022-01", [
            ["modified", ["train.yearly"], ["train.yearly"], ["2021-01", "2022-01"],
             "回数を増やしました。 / 訓練も加えました。"],
        ]),
    ],
)  # fmt: skip
def test_net_effect_over_three_editions(build, old, new, expected):
    diff = diff_editions(build(CHAIN), old, new)
    assert diff.flatten(["kind", "old_keys", "new_keys", "editions", "note"]) == expected


def test_net_change_is_marked_against_the_old_text(build):
    (change,) = diff_editions(build(CHAIN), "2020-01", "2022-01").changes
    assert change.old_text == YEARLY
    assert [(s.text, s.op) for s in change.new_spans] == [
        ("職員は年", "equal"),
        ("2", "insert"),
        ("回以上、情報セキュリティ", "equal"),
        ("研修及び訓練を", "insert"),
        ("受けなければならない。", "equal"),
    ]


def test_split_then_merge_chain_is_followed(build):
    catalog = build(
        {
            "2020-01": (OLD, []),
            "2021-01": (
                [OLD[0],
                 clause("pw.share.tell", "1.1.(2)", SHARE, kind="split", note="分けました。",
                        **{"from": ["pw.share"]}),
                 clause("pw.share.common", "1.1.(3)", "職員はパスワードを共用してはならない。",
                        kind="split", note="分けました。", **{"from": ["pw.share"]}),
                 clause("pw.paper", "1.1.(4)", PAPER, kind="renumbered", old_number="1.1.(3)"),
                 *OLD[3:]],
                [],
            ),
            "2022-01": (
                [OLD[0],
                 clause("pw.handling", "1.1.(2)", "パスワードは共用せず紙にも書いてはならない。",
                        kind="merged", note="まとめました。",
                        **{"from": ["pw.share.common", "pw.paper"]}),
                 *OLD[3:]],
                [{"key": "pw.share.tell", "note": "他の規定で足りるためです。"}],
            ),
        }
    )  # fmt: skip
    diff = diff_editions(catalog, "2020-01", "2022-01")
    assert diff.flatten(["kind", "old_keys", "new_keys", "editions", "note"]) == [
        ["merged", ["pw.share", "pw.paper"], ["pw.handling"], ["2021-01", "2022-01"],
         "分けました。 / まとめました。"],
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("old", "new", "section", "message"),
    [
        ("2021-01", "2020-01", None,
         "比較元には比較先より古い版を指定してください（指定: 令和3年1月版（2021-01）→ "
         "令和2年1月版（2020-01））。例: gapcheck diff 2020-01 2021-01"),
        ("2021-01", "2021-01", None,
         "比較元には比較先より古い版を指定してください（指定: 令和3年1月版（2021-01）→ "
         "令和3年1月版（2021-01））。例: gapcheck diff 2020-01 2021-01"),
        ("2020-01", "2022-01", "7",
         "令和2年1月版 にも 令和4年1月版 にも節 '7' の条項はありません（例: 6 / 6.4 / 基本方針）。"),
    ],
)  # fmt: skip
def test_bad_requests_say_what_to_do(build, old, new, section, message):
    with pytest.raises(GapcheckError) as exc:
        diff_editions(build(CHAIN), old, new, section)
    assert str(exc.value) == message


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ("1.1", [["removed", ["pw.temp"]]]),
        ("1.2", [["modified", ["train.yearly"]]]),
        ("1", [["removed", ["pw.temp"]], ["modified", ["train.yearly"]]]),
    ],
)
def test_section_filter(build, section, expected):
    diff = diff_editions(build(CHAIN), "2021-01", "2022-01", section)
    assert diff.flatten(["kind", "old_keys"]) == expected


def test_latest_is_accepted(build):
    assert diff_editions(build(CHAIN), "2020-01", "latest").new.id == "2022-01"


# --- the bundled catalog -----------------------------------------------------------------


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def _keys(diff, kind: DiffKind, side: str = "new_keys") -> set[str]:
    return {k for c in diff.changes if c.kind is kind for k in getattr(c, side)}


@pytest.mark.parametrize("index", range(1, len(load_catalog().editions)))
def test_consecutive_editions_agree_with_the_catalog_records(catalog, index):
    old, new = catalog.editions[index - 1], catalog.editions[index]
    diff = diff_editions(catalog, old.id, new.id)
    if old.depth is Depth.OUTLINE:
        # keys below the outline's depth have no record before NEW: neither added nor shown
        silent = {c.key for c in new if c.key not in old and c.change is None}
        assert diff.unrecorded == len(silent) > 0
        assert not silent & {k for c in diff.changes for k in c.new_keys}

    def recorded(*kinds: ChangeKind) -> set[str]:
        return {c.key for c in new if c.change and c.change.kind in kinds}

    assert _keys(diff, DiffKind.ADDED) == recorded(ChangeKind.ADDED)
    assert _keys(diff, DiffKind.REMOVED, "old_keys") == {r.key for r in new.removed}
    groups = {
        (c.old_keys, c.new_keys)
        for c in diff.changes
        if c.kind in (DiffKind.SPLIT, DiffKind.MERGED)
    }
    expected_groups: dict[tuple[str, ...], set[str]] = {}
    for c in new:
        if c.change and c.change.kind in (ChangeKind.SPLIT, ChangeKind.MERGED):
            expected_groups.setdefault(c.change.sources, set()).add(c.key)
    # a split source's new keys form one group; merged sources one group per merged clause
    flattened = {(tuple(sorted(o)), tuple(sorted(n))) for o, n in groups}
    for sources, keys in expected_groups.items():
        assert any(set(sources) <= set(o) and keys <= set(n) for o, n in flattened)
    content = {
        c.key for c in new if c.key in old and (c.text, c.level) != (old.get(c.key).text,
                                                                    old.get(c.key).level)
    }  # fmt: skip
    editorial = _keys(diff, DiffKind.EDITORIAL)
    assert _keys(diff, DiffKind.MODIFIED) | editorial == content
    assert _keys(diff, DiffKind.MODIFIED) >= recorded(ChangeKind.MODIFIED) - editorial
    renumbered = {c.key for c in new if c.key in old and c.key not in content
                  and c.number != old.get(c.key).number}  # fmt: skip
    assert _keys(diff, DiffKind.RENUMBERED) | _keys(diff, DiffKind.MOVED) == renumbered
    assert all(c.editions == (new.id,) for c in diff.changes)


def test_every_key_appears_once_and_only_changed_ones(catalog):
    for old_id, new_id in [("2015-03", "2025-03"), ("2018-09", "2025-03"), ("2020-12", "2023-03")]:
        diff = diff_editions(catalog, old_id, new_id)
        old, new = diff.old, diff.new
        olds = [k for c in diff.changes for k in c.old_keys]
        news = [k for c in diff.changes for k in c.new_keys]
        assert len(olds) == len(set(olds)) and len(news) == len(set(news))
        assert {c.key for c in old if c.key not in new} <= set(olds)
        assert {c.key for c in new if c.key not in old} <= set(news)
        between = {e.id for e in catalog.between(old_id, new_id)}
        assert all(set(c.editions) <= between and c.editions for c in diff.changes)
        new_order = [c.key for c in new]
        positions = [new_order.index(c.new_keys[0]) for c in diff.changes if c.new_keys]
        assert positions == sorted(positions)


def test_2018_inserted_section_is_renumbering_not_moving(catalog):
    diff = diff_editions(catalog, "2015-03", "2018-09")
    assert diff.counts["moved"] == 0
    assert diff.counts["renumbered"] >= 150


def test_net_effect_2018_09_to_2025_03(catalog):
    diff = diff_editions(catalog, "2018-09", "2025-03")
    by_old = {k: c for c in diff.changes for k in c.old_keys}
    by_new = {k: c for c in diff.changes for k in c.new_keys}
    # removed in 2020-12, existed in 2018-09
    browsing = by_old["resil.inet.browsing-only"]
    assert (browsing.kind, browsing.editions) == (DiffKind.REMOVED, ("2020-12",))
    # modified in three editions: the net change lists all three, notes in order
    storage = by_new["asset.manage.storage"]
    assert storage.kind is DiffKind.MODIFIED
    assert storage.editions == ("2022-03", "2023-03", "2024-10")
    assert storage.note.count(" / ") == 2 and storage.note.startswith("令和4年3月")
    assert storage.old_text == catalog.edition("2018-09").get("asset.manage.storage").text
    assert storage.new_text == catalog.edition("2025-03").get("asset.manage.storage").text
    # 約款による外部サービス: two 2018 clauses merged in 2022-03
    merged = by_new["ext.cloud-open.use"]
    assert (merged.kind, merged.old_keys) == (DiffKind.MERGED, ("ext.terms.rules", "ext.terms.use"))
    # added in 2020-12 then merged away in 2022-03: only the result appears, as added
    assert "ext.cloud.foreign-law" not in by_old
    assert by_new["ext.cloud-conf.selection"].kind is DiffKind.ADDED
    # …and reworded in 2024-10 (自治体機密性2以上)
    assert by_new["ext.cloud-conf.selection"].editions == ("2020-12", "2022-03", "2024-10")
    # SNS moved 9.3 → 9.4 → 9.5 with its whole subsection: renumbered
    sns = by_new["ext.sns.owner"]
    assert (sns.kind, sns.old_number, sns.new_number) == (DiffKind.RENUMBERED, "9.3.(4)", "9.5.(4)")


def test_clause_added_then_removed_is_absent_from_the_net_diff(catalog):
    # resil.inet.browsing-only: added 2018-09, removed 2020-12
    diff = diff_editions(catalog, "2015-03", "2025-03")
    assert all("resil.inet.browsing-only" not in c.old_keys for c in diff.changes)
    assert all("resil.inet.browsing-only" not in c.new_keys for c in diff.changes)


def test_section_filter_on_the_bundled_catalog(catalog):
    diff = diff_editions(catalog, "2020-12", "2022-03", "基本方針")
    assert diff.flatten(["kind", "number"]) == [["modified", "6.(7)"], ["modified", "6.(8)"]]
    diff = diff_editions(catalog, "2020-12", "2022-03", "9.4")
    assert diff.flatten(["kind", "number"]) == [
        ["split", "9.3.(1)→9.3.(1)、9.4.(1)"],
        ["merged", "9.2.(1)、9.2.(2)→9.4.(2)"],
    ]


def test_json_contract(catalog):
    data = diff_editions(catalog, "2020-12", "2022-03").to_dict()
    assert list(data) == ["old", "new", "counts", "unrecorded", "changes"]
    assert (data["old"], data["new"]) == ("2020-12", "2022-03")
    assert list(data["counts"]) == [k.value for k in DiffKind]
    assert {tuple(c) for c in data["changes"]} == {
        (
            "kind", "old_keys", "new_keys", "old_number", "new_number", "part", "section",
            "heading", "old_text", "new_text", "old_level", "new_level", "note", "editions",
            "basis",
        )
    }  # fmt: skip
    split = next(c for c in data["changes"] if c["kind"] == "split")
    assert split["old_keys"] == ["ext.cloud.use-judgment"]
    assert split["new_keys"] == ["ext.cloud-conf.rules", "ext.cloud-open.rules"]
    assert split["editions"] == ["2022-03"]


def test_kind_labels():
    assert [(k.value, k.label, k.substantive) for k in DiffKind] == [
        ("added", "追加", True),
        ("removed", "削除", True),
        ("modified", "変更", True),
        ("renumbered", "項番変更", False),
        ("moved", "移動", True),
        ("split", "分割", True),
        ("merged", "統合", True),
        ("editorial", "字句修正", False),
    ]


# --- change marks and editorial detection ------------------------------------------------


def _spans(spans: tuple[Span, ...]) -> list[tuple[str, str]]:
    return [(s.text, s.op) for s in spans]


@pytest.mark.parametrize(
    ("old", "new", "old_spans", "new_spans"),
    [
        # the numeral is marked, the rest of the phrase stays
        ("監査を年1回以上実施する。", "監査を年2回以上実施する。",
         [("監査を年", "equal"), ("1", "delete"), ("回以上実施する。", "equal")],
         [("監査を年", "equal"), ("2", "insert"), ("回以上実施する。", "equal")]),
        # an inserted phrase
        ("職員はパスワードを教えてはならない。", "職員はパスワードを誰にも教えてはならない。",
         [("職員はパスワードを教えてはならない。", "equal")],
         [("職員はパスワードを", "equal"), ("誰にも", "insert"), ("教えてはならない。", "equal")]),
        # a recommendation becoming a duty: the verb phrase, not scattered kana (し, な, い)
        ("記録することが望ましい。", "記録しなければならない。",
         [("記録することが望ましい", "delete"), ("。", "equal")],
         [("記録しなければならない", "insert"), ("。", "equal")]),
        # a one-token gap between two changes is absorbed: one mark, not two
        ("パスワードを8文字以上とする。", "パスフレーズを12文字以上とする。",
         [("パスワードを8", "delete"), ("文字以上とする。", "equal")],
         [("パスフレーズを12", "insert"), ("文字以上とする。", "equal")]),
        # deletion
        ("紙又は電子媒体で保管する。", "電子媒体で保管する。",
         [("紙又は", "delete"), ("電子媒体で保管する。", "equal")],
         [("電子媒体で保管する。", "equal")]),
        ("同じ文です。", "同じ文です。", [("同じ文です。", "equal")], [("同じ文です。", "equal")]),
        ("", "新しい規定。", [], [("新しい規定。", "insert")]),
    ],
)  # fmt: skip
def test_mark_changes(old, new, old_spans, new_spans):
    marked_old, marked_new = mark_changes(old, new)
    assert (_spans(marked_old), _spans(marked_new)) == (old_spans, new_spans)
    assert "".join(s.text for s in marked_old) == old
    assert "".join(s.text for s in marked_new) == new


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("ＩＤを管理する。", "IDを管理する。", True),  # width
        ("情報を、管理する。", "情報を，管理する。", True),  # 、/，
        ("本文の末尾", "本文の末尾。", True),  # 。
        ("情報・資産", "情報資産", True),  # ・
        ("職員は 管理する", "職員は管理する", True),  # space
        ("強靱性の向上", "強靭性の向上", True),  # kanji variant
        ("情報資産を取り扱い、", "情報資産を取扱い、", True),  # okurigana
        ("記録を書き換えない", "記録を書換えない", True),  # okurigana
        ("機密性2以上", "機密性3以上", False),
        ("記録することが望ましい。", "記録しなければならない。", False),
        ("市の職員", "市職員", False),  # a particle is not okurigana
        ("同じ文。", "同じ文。", False),  # nothing changed
    ],
)
def test_is_editorial(old, new, expected):
    assert is_editorial(old, new) is expected


# --- terminal summary --------------------------------------------------------------------


def test_render_text_small_catalog(make_catalog):
    catalog = load_catalog_from([make_catalog()])
    text = render_text(diff_editions(catalog, "2020-01", "2021-01"))
    assert text == (
        "令和2年1月版 → 令和3年1月版\n"
        "件数: 追加 1 / 削除 1 / 変更 1 / 項番変更 1 / 移動 0 / 分割 0 / 統合 0 / 字句修正 0\n"
        "実質的な変更（節ごと）:\n"
        "対策基準 1 人的セキュリティ\n"
        "  〔追加〕 1.1.(1) ID及びパスワード等の管理 — パスワードだけでは破られやすいためです。\n"
        "  〔変更（推定）〕 1.1.(2)→1.1.(3) ID及びパスワード等の管理 — 共用も禁止しました。\n"
        "  〔削除（推定）〕 1.1.(3) ID及びパスワード等の管理 — 多要素認証の導入で不要になりました。\n"
        "（推定）: 総務省の公表資料で確かめられない、本カタログの整理による変更です。\n"
    )


def test_render_text_level_and_long_note(build):
    note = "あ" * 70
    new = _with(
        (4, clause("train.record", "1.2.(2)", RECORD, TRAIN, kind="modified", note=note)),
        (1, clause("pw.share", "1.1.(2)", "職員は、パスワードを他人に教えてはならない。",
                   kind="modified", note="読点")),
    )  # fmt: skip
    catalog = build({"2020-01": (OLD, []), "2021-01": (new, [])})
    text = render_text(diff_editions(catalog, "2020-01", "2021-01", section="1.2"))
    assert text == (
        "令和2年1月版 → 令和3年1月版（節 1.2）\n"
        "件数: 追加 0 / 削除 0 / 変更 1 / 項番変更 0 / 移動 0 / 分割 0 / 統合 0 / 字句修正 0\n"
        "実質的な変更（節ごと）:\n"
        "対策基準 1 人的セキュリティ\n"
        f"  〔変更（推定）〕 1.2.(2) 研修・訓練（推奨→義務） — {'あ' * 59}…\n"
        "（推定）: 総務省の公表資料で確かめられない、本カタログの整理による変更です。\n"
    )
    only_editorial = render_text(diff_editions(catalog, "2020-01", "2021-01", section="1.1"))
    assert only_editorial.splitlines()[-1] == "実質的な変更はありません。"
