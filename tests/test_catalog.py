"""The catalog loader: the bundled editions, lineage, and one broken catalog per rule."""

from __future__ import annotations

import dataclasses

import pytest

from gapcheck.catalog.loader import load_catalog, load_catalog_from
from gapcheck.catalog.model import ChangeKind, Depth, Level, Part
from gapcheck.errors import CatalogError, UnknownVersionError

from .conftest import write_yaml

BUNDLED = [
    "2006-09", "2010-11", "2015-03", "2018-09", "2020-12", "2022-03", "2023-03", "2024-10", "2025-03",
]  # fmt: skip
FULL = BUNDLED[2:]  # the editions held clause by clause (2006-09 and 2010-11 are outlines)


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def test_bundled_editions(catalog):
    assert catalog.ids == BUNDLED
    assert [e.previous for e in catalog.editions] == [None, *BUNDLED[:-1]]
    assert catalog.latest.label == "令和7年3月版"
    assert len(catalog.latest) >= 250


@pytest.mark.parametrize("edition_id", FULL[1:])
def test_each_edition_adds_or_changes_at_least_15_clauses(catalog, edition_id):
    edition = catalog.edition(edition_id)
    assert len(edition.changed()) >= 15


def test_latest_covers_every_part_and_section(catalog):
    latest = catalog.latest
    basic_items = sorted({c.section for c in latest.in_section("基本方針")}, key=int)
    assert basic_items == [str(n) for n in range(1, 11)]
    sections = {c.section.split(".")[0] for c in latest.in_section("対策基準")}
    assert sections == {str(n) for n in range(1, 11)}
    # the subsections docs/domain.md §3 lists
    subsections = {c.section for c in latest.in_section("対策基準") if "." in c.section}
    for expected in ["5.1", "5.4", "6.4", "7.6", "8.6", "9.4", "10.3"]:
        assert expected in subsections
    assert any(c.number.endswith("①") for c in latest)


@pytest.mark.parametrize(
    ("term", "first", "within"),
    [
        ("マイナンバー利用事務系", "2018-09", ""),
        ("βモデル", "2020-12", ""),
        ("テレワーク", "2020-12", ""),
        ("特定通信", "2020-12", ""),
        ("ガバメントクラウド", "2023-03", ""),
        ("α'モデル", "2024-10", ""),
        ("3A", "2024-10", ""),
        # 画面転送 served internet isolation since 2018; in the My Number segment it is new
        ("画面転送", "2025-03", "マイナンバー利用事務系"),
        ("無線LAN", "2025-03", "マイナンバー利用事務系"),
    ],
)
def test_topics_appear_in_the_edition_domain_md_says(catalog, term, first, within):
    """docs/domain.md §2: what each edition introduced (and that earlier ones lack it)."""
    appears = [
        e.id
        for e in catalog.editions
        if any(term in c.text and within in " ".join(c.headings) for c in e)
    ]
    assert appears[0] == first
    assert appears == FULL[FULL.index(first) :]


def test_strong_interconnection_section_inserted_in_2018_renumbers_later_ones(catalog):
    def title(edition_id: str, section: str) -> str:
        return catalog.edition(edition_id).in_section(section)[0].headings[0]

    assert title("2015-03", "4") == "物理的セキュリティ"
    assert title("2018-09", "4") == "情報システム全体の強靭性の向上"
    assert title("2018-09", "5") == "物理的セキュリティ"
    renumbered = [c for c in catalog.edition("2018-09") if c.change and c.change.old_number]
    assert len(renumbered) > 100


def test_cloud_split_by_confidentiality_in_2022(catalog):
    titles = {c.headings[1] for c in catalog.edition("2022-03").in_section("9")}
    assert any("機密性2以上の情報を取り扱う場合" in t for t in titles)
    assert any("機密性2以上の情報を取り扱わない場合" in t for t in titles)


def test_lineage_is_exercised_across_history(catalog):
    kinds = {c.change.kind for e in catalog.editions[1:] for c in e if c.change is not None}
    assert {ChangeKind.ADDED, ChangeKind.MODIFIED, ChangeKind.RENUMBERED} <= kinds
    assert {ChangeKind.SPLIT, ChangeKind.MERGED} <= kinds
    assert any(e.removed for e in catalog.editions)


@pytest.mark.parametrize("index", range(1, len(BUNDLED)))
def test_lineage_consistent_between_consecutive_editions(catalog, index):
    prev, cur = catalog.editions[index - 1], catalog.editions[index]
    prev_keys = {c.key for c in prev}
    cur_keys = {c.key for c in cur}
    sources = {s for c in cur if c.change for s in c.change.sources}
    # every key that ends is accounted for, exactly once
    assert prev_keys - cur_keys == {r.key for r in cur.removed} | sources
    assert not {r.key for r in cur.removed} & sources
    for clause in cur:
        old = prev.get(clause.key)
        if old is None and clause.change is None:
            assert prev.depth is Depth.OUTLINE  # below the depth held for the older edition
        elif old is None:
            assert clause.change.kind in {ChangeKind.ADDED, ChangeKind.SPLIT, ChangeKind.MERGED}
        elif old.number != clause.number:
            assert clause.change.old_number == old.number
        if old is not None and (old.text, old.level) != (clause.text, clause.level):
            assert clause.change.kind is ChangeKind.MODIFIED
            assert clause.change.note


def test_keys_never_reused_after_they_end(catalog):
    ended: set[str] = set()
    for edition in catalog.editions:
        assert not ended & {c.key for c in edition}
        ended |= {r.key for r in edition.removed}
        ended |= {s for c in edition if c.change for s in c.change.sources}


def test_levels_match_the_modal_verb(catalog):
    endings = {
        Level.DUTY: ("なければならない。", "てはならない。", "ならない。"),
        Level.RECOMMENDATION: ("望ましい。",),
        Level.PERMISSION: ("できる。",),
    }
    wrong = [
        (e.id, c.key) for e in catalog.editions for c in e if not c.text.endswith(endings[c.level])
    ]
    assert wrong == []


def test_glossary_has_the_terms_executives_need(catalog):
    terms = {t.term for t in catalog.glossary}
    assert len(terms) >= 30
    for term in [
        "三層の対策",
        "LGWAN",
        "特定通信",
        "無害化",
        "ガバメントクラウド",
        "ISMAP",
        "CSIRT",
        "CISO",
        "機密性2以上",
        "画面転送",
        "実施手順",
        "ランサムウェア",
        "例外措置",
    ]:
        assert term in terms


def test_parts(catalog):
    assert {c.part for c in catalog.latest} == {Part.BASIC, Part.STANDARDS}


def test_unknown_version_names_the_known_ones(catalog):
    with pytest.raises(UnknownVersionError) as info:
        catalog.edition("2019-01")
    assert str(info.value) == (
        "版 '2019-01' はカタログにありません。利用できる版: "
        + ", ".join(BUNDLED)
        + "（`gapcheck versions` で一覧を表示できます）"
    )


def test_between_gives_the_editions_after_old_up_to_new(catalog):
    assert [e.id for e in catalog.between("2018-09", "2022-03")] == ["2020-12", "2022-03"]


# --- the small hand-built catalog ------------------------------------------------------


def test_small_catalog_loads(make_catalog):
    catalog = load_catalog_from([make_catalog()])
    assert catalog.ids == ["2020-01", "2021-01"]
    assert [
        (c.key, c.number, c.change.kind.value if c.change else None) for c in catalog.latest
    ] == [
        ("pw.mfa", "1.1.(1)", "added"),
        ("pw.length", "1.1.(2)", "renumbered"),
        ("pw.share", "1.1.(3)", "modified"),
    ]
    assert catalog.latest.removed[0].key == "pw.paper"


def _set(edition: str, index: int, **fields):
    def mutate(meta, clauses, glossary):
        clauses[edition][index].update(fields)

    return mutate


def _dup_key(meta, clauses, glossary):
    clauses["2020-01"][1]["key"] = "pw.length"


def _reuse_removed(meta, clauses, glossary):
    meta["2022-01"] = {
        "id": "2022-01",
        "label": "令和4年1月版",
        "previous": "2021-01",
        "summary": "再利用の例です。",
    }
    clauses["2022-01"] = [dict(c, change=None) for c in clauses["2021-01"]]
    for c in clauses["2022-01"]:
        c.pop("change")
    clauses["2022-01"].append(
        dict(
            clauses["2020-01"][2],
            number="1.1.(4)",
            change={"kind": "added", "note": "戻しました。"},
        )
    )


def _unknown_from(meta, clauses, glossary):
    clauses["2021-01"][0]["change"] = {"kind": "split", "from": ["pw.nothing"], "note": "分割"}


def _missing_removal(meta, clauses, glossary):
    del meta["2021-01"]["removed"]


def _unused_term(meta, clauses, glossary):
    glossary.append({"term": "ゼロトラスト", "plain": "何も信用しない考え方です。"})


def _no_note(meta, clauses, glossary):
    clauses["2021-01"][2]["change"].pop("note")


def _renumbered_but_changed(meta, clauses, glossary):
    clauses["2021-01"][1]["text"] = "職員はパスワードを長くしなければならない。"


def _no_old_number(meta, clauses, glossary):
    del clauses["2021-01"][1]["change"]


def _wrong_previous(meta, clauses, glossary):
    meta["2021-01"]["previous"] = "2019-01"


def _id_mismatch(meta, clauses, glossary):
    meta["2021-01"]["id"] = "2021-02"


def _meta(edition: str, **fields):
    def mutate(meta, clauses, glossary):
        meta[edition].update(fields)

    return mutate


def _from_number(meta, clauses, glossary):
    clauses["2021-01"][2]["change"]["from"] = 5  # a shape no field check names


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            _dup_key,
            "2020-01/clauses.yaml:11: 条項キー 'pw.length' が重複しています（最初は 1 行目）。"
            "キーは版の中で一意にしてください。",
        ),
        (
            _set("2020-01", 2, number="1.1.(3"),
            "2020-01/clauses.yaml:21: 条項 'pw.paper' の項番 "
            "'1.1.(3' の形式が正しくありません（例: 6.4.(1)①, 2.(3), 1）。",
        ),
        (
            _set("2020-01", 1, text="  "),
            "2020-01/clauses.yaml:11: 条項 'pw.share' の text が空です。",
        ),
        (
            _set("2020-01", 1, level="must"),
            "2020-01/clauses.yaml:11: 条項 'pw.share' の level 'must' は"
            " duty / recommendation / permission のいずれかにしてください。",
        ),
        (
            _set("2020-01", 1, number="1.1.(5)"),
            "2020-01/clauses.yaml:21: 条項 'pw.paper'（1.1.(3)）が"
            "文書の順序になっていません（直前は 1.1.(5)）。項番の順に並べてください。",
        ),
        (
            _unknown_from,
            "2021-01/clauses.yaml:1: 条項 'pw.mfa'（1.1.(1)）の change.from 'pw.nothing' "
            "は前の版 2020-01 にない条項キーです。",
        ),
        (
            _missing_removal,
            "2021-01/edition.yaml: 前の版 2020-01 の条項 'pw.paper'（1.1.(3)）がこの版に"
            "ありません。edition.yaml の removed に理由付きで書くか、分割・統合先の change.from に含めてください。",
        ),
        (
            _reuse_removed,
            "2022-01/clauses.yaml:31: 条項キー 'pw.paper' は 2021-01 で削除・統合・分割された"
            "キーです。再利用せず新しいキーを付けてください。",
        ),
        (
            _unused_term,
            "glossary.yaml:3: 用語 'ゼロトラスト' はどの版の条項にも使われていません。用語集から"
            "外すか、aliases に条項中の表記を加えてください。",
        ),
        (
            _no_note,
            "2021-01/clauses.yaml:41: 条項 'pw.share' の change.note（改定の理由）が空です。",
        ),
        (
            _renumbered_but_changed,
            "2021-01/clauses.yaml:17: 条項 'pw.length'（1.1.(2)）は renumbered"
            " ですが内容も変わっています。kind: modified にしてください。",
        ),
        (
            _no_old_number,
            "2021-01/clauses.yaml:17: 条項 'pw.length'（1.1.(2)）は前の版 2020-01 では"
            " 1.1.(1) でした。change に old_number: '1.1.(1)' を書いてください（番号だけの変更なら"
            " kind: renumbered）。",
        ),
        (
            _wrong_previous,
            "2021-01/edition.yaml: previous は直前の版 '2020-01' にしてください"
            "（現在: '2019-01'）。",
        ),
        (
            _id_mismatch,
            "2021-01/edition.yaml:1: id '2021-02' がフォルダ名 '2021-01' と一致しません。",
        ),
        (
            _meta("2021-01", drivers=5),
            "2021-01/edition.yaml:1: drivers は「- 」で始まる行の並び（文の一覧）にしてください。",
        ),
        (
            _meta("2020-01", notes={"注": "値"}),
            "2020-01/edition.yaml:1: notes は「- 」で始まる行の並び（文の一覧）にしてください。",
        ),
        (
            _meta("2021-01", removed=3),
            "2021-01/edition.yaml:1: removed は「- key: …」で始まる項目の並びにしてください。",
        ),
        (
            _set("2020-01", 1, text=["一", "二"]),
            "2020-01/clauses.yaml:11: 条項 'pw.share' の text は一つの文にしてください"
            "（「- 」の並びや「名前: 値」の形にはできません）。",
        ),
        (
            _from_number,
            "2021-01: 想定と違う形の値があります（文の所に数や一覧、一覧の所に文など）。"
            "直前に書き換えた項目を、同じファイルのほかの項目と同じ形に直してください。",
        ),
    ],
)
def test_broken_catalog_is_reported_with_file_and_line(make_catalog, mutate, message):
    root = make_catalog(mutate)
    with pytest.raises(CatalogError) as info:
        load_catalog_from([root])
    assert str(info.value) == f"{root}/{message}"


def test_yaml_syntax_error_names_the_line(make_catalog):
    root = make_catalog()
    path = root / "2020-01" / "clauses.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "- key: [oops\n", encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        load_catalog_from([root])
    assert str(info.value).startswith(f"{path}:32: YAML の書式が正しくありません")


def test_date_the_calendar_lacks_names_the_line(make_catalog):
    root = make_catalog()
    path = root / "2021-01" / "edition.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "published: 2021-02-30\n", encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        load_catalog_from([root])
    lines = path.read_text(encoding="utf-8").count("\n")
    assert str(info.value) == (
        f"{path}:{lines}: YAML の書式が正しくありません（日付 2021-02-30 は暦にありません）。"
    )


def test_user_folder_adds_and_replaces_editions(tmp_path, monkeypatch):
    """A user's folder with a 2026-03 edition on top of the bundled catalog."""
    bundled_latest = load_catalog().latest
    user = tmp_path / "user"
    write_yaml(
        user / "2026-03" / "edition.yaml",
        {
            "id": "2026-03",
            "label": "令和8年3月版",
            "previous": "2025-03",
            "summary": "利用者が取り込んだ版です。",
        },
    )
    fields = ["key", "number", "part", "headings", "level", "needs_procedure", "text", "plain"]
    write_yaml(
        user / "2026-03" / "clauses.yaml",
        [{f: c.to_dict()[f] for f in fields} for c in bundled_latest],
    )
    catalog = load_catalog(user)
    assert catalog.ids == [*BUNDLED, "2026-03"]
    assert [c.key for c in catalog.latest] == [c.key for c in bundled_latest]
    assert catalog.latest.changed() == ()
    monkeypatch.setenv("GAPCHECK_GUIDELINES", str(user))
    assert load_catalog().latest.id == "2026-03"
    # the same id in the user's folder replaces the bundled edition
    (user / "2026-03").rename(user / "2025-03")
    write_yaml(
        user / "2025-03" / "edition.yaml",
        {
            "id": "2025-03",
            "label": "令和7年3月版（原文）",
            "previous": "2024-10",
            "summary": "原文から取り込んだ版です。",
        },
    )
    clauses = [{f: c.to_dict()[f] for f in fields} for c in bundled_latest]
    for raw, c in zip(clauses, bundled_latest, strict=True):
        if c.change is not None:
            raw["change"] = {
                "kind": c.change.kind.value,
                "note": c.change.note or "再現",
                "from": list(c.change.sources),
            }
            if c.change.old_number:
                raw["change"]["old_number"] = c.change.old_number
    write_yaml(user / "2025-03" / "clauses.yaml", clauses)
    replaced = load_catalog(user)
    assert replaced.ids == BUNDLED
    assert replaced.latest.label == "令和7年3月版（原文）"


def test_missing_user_folder(tmp_path):
    with pytest.raises(CatalogError) as info:
        load_catalog(tmp_path / "nowhere")
    assert str(info.value) == (
        f"{tmp_path / 'nowhere'}: 版のフォルダが見つかりません。--guidelines には各版のフォルダ"
        "（YYYY-MM）を含むフォルダを指定してください。"
    )


def test_replaced_edition_answers_for_its_own_clauses():
    """A ``dataclasses.replace`` copy holding fewer clauses no longer finds the dropped keys
    (the key index once was a dict shared between copies)."""
    full = load_catalog().latest
    first = full.clauses[0]
    copy = dataclasses.replace(full, clauses=full.clauses[1:])
    assert (first.key in full, first.key in copy, copy.get(first.key)) == (True, False, None)
