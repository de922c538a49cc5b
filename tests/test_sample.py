"""The synthetic policy generator: determinism, the truth, and both file formats."""

from __future__ import annotations

import collections
import difflib
import json
import re
import unicodedata

import pytest
from openpyxl import load_workbook

from gapcheck.catalog.loader import load_catalog
from gapcheck.synth.sample import SamplePolicy, generate_policy, write_sample
from gapcheck.text.normalize import normalize as lib_normalize

VERSION = "2020-12"
TIERS_STYLES = [(t, s) for t in ("light", "heavy") for s in ("spreadsheet", "reiki")]
REF_RE = re.compile(r"^第\d+条(?:の\d+)?第\d+項(?:第\d+号)?$")


@pytest.fixture(scope="module")
def edition():
    return load_catalog().edition(VERSION)


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def keys_in_rows(sample: SamplePolicy) -> set[str]:
    return {key for row in sample.rows for key in row.truth}


def test_same_seed_same_policy(edition):
    for tier, style in TIERS_STYLES:
        first = generate_policy(edition, seed=7, tier=tier, style=style)
        again = generate_policy(edition, seed=7, tier=tier, style=style)
        assert first == again


def test_different_seed_different_policy(edition):
    for tier, style in TIERS_STYLES:
        a = generate_policy(edition, seed=1, tier=tier, style=style)
        b = generate_policy(edition, seed=2, tier=tier, style=style)
        assert a.rows != b.rows
        assert a.dropped != b.dropped


def test_global_random_state_untouched(edition):
    import random

    random.seed(99)
    expected = random.random()
    random.seed(99)
    generate_policy(edition, seed=3, tier="heavy")
    assert random.random() == expected


@pytest.mark.parametrize(("tier", "style"), TIERS_STYLES)
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_truth_is_consistent(edition, tier, style, seed):
    sample = generate_policy(edition, seed=seed, tier=tier, style=style)
    all_keys = {c.key for c in edition.clauses}
    present = keys_in_rows(sample)
    dropped = set(sample.dropped)
    assert present | dropped == all_keys
    assert not present & dropped
    assert len(sample.dropped) == round({"light": 0.03, "heavy": 0.08}[tier] * len(edition))
    locals_ = [row for row in sample.rows if row.is_local]
    assert locals_, "every sample has provisions of the body's own"
    assert all(row.truth == () and row.text for row in locals_)
    low, high = {"light": (2, 4), "heavy": (5, 9)}[tier]
    extra = 1 if style == "reiki" else 0  # the closing 委任 article
    assert low <= len(locals_) - extra <= high
    assert all(row.text.strip() for row in sample.rows)


@pytest.mark.parametrize("version", [e.id for e in load_catalog().editions])
def test_every_edition_generates(version):
    edition = load_catalog().edition(version)
    for tier, style in TIERS_STYLES:
        sample = generate_policy(edition, seed=5, tier=tier, style=style)
        assert sample.version == version
        assert keys_in_rows(sample) | set(sample.dropped) == {c.key for c in edition}


def test_heavy_merges_and_splits(edition):
    heavy = generate_policy(edition, seed=4, tier="heavy", style="spreadsheet")
    merged = [row for row in heavy.rows if len(row.truth) > 1]
    counts = collections.Counter(key for row in heavy.rows for key in row.truth)
    split = [key for key, n in counts.items() if n > 1]
    assert len(merged) == round(0.06 * len(edition))
    assert len(split) >= round(0.05 * len(edition)) - 2
    light = generate_policy(edition, seed=4, tier="light", style="spreadsheet")
    assert all(len(row.truth) <= 1 for row in light.rows)
    assert max(collections.Counter(k for row in light.rows for k in row.truth).values()) == 1


def first_sections(sample: SamplePolicy, edition) -> list[int]:
    order: list[int] = []
    for row in sample.rows:
        for key in row.truth:
            clause = edition.get(key)
            section = int(clause.number.split(".")[0])
            if clause.part.value == "対策基準" and section not in order:
                order.append(section)
    return order


def test_heavy_moves_chapters_light_keeps_order(edition):
    light = generate_policy(edition, seed=0, tier="light", style="reiki")
    assert first_sections(light, edition) == sorted(first_sections(light, edition))
    moved = [
        s
        for s in range(6)
        if first_sections(generate_policy(edition, seed=s, tier="heavy"), edition)
        != list(range(1, 11))
    ]
    assert len(moved) >= 4


def normalize(text: str) -> str:
    """The library's own normaliser (width, variants, 本町/本市 …), plus the two habits of the
    generator that the library does not fold: a 例規 sample calls itself この訓令 where the
    digest says 本対策基準, and writes the long vowel of サーバー/コンピューター."""
    text = lib_normalize(text.replace("この訓令", "本対策基準"))
    return re.sub(r"(サーバ|コンピュータ|ルータ|ユーザ)ー", r"\1", text)


@pytest.mark.parametrize("style", ["spreadsheet", "reiki"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_light_texts_stay_close(edition, style, seed):
    sample = generate_policy(edition, seed=seed, tier="light", style=style)
    ratios = []
    for row in sample.rows:
        if row.is_local:
            continue
        original = "".join(edition.get(k).text for k in row.truth)
        ratios.append(
            difflib.SequenceMatcher(None, normalize(row.text), normalize(original)).ratio()
        )
    assert sum(r > 0.6 for r in ratios) >= 0.9 * len(ratios)
    changed = sum(r < 0.999 for r in ratios)
    assert changed >= 0.05 * len(ratios), "about a tenth of the rows are reworded"


def test_heavy_rewords_more_than_light(edition):
    def changed(tier: str) -> int:
        sample = generate_policy(edition, seed=8, tier=tier, style="reiki")
        originals = {c.key: normalize(c.text) for c in edition}
        return sum(
            1
            for row in sample.rows
            if len(row.truth) == 1 and normalize(row.text) != originals[row.truth[0]]
        )

    assert changed("heavy") > 2 * changed("light")


@pytest.mark.parametrize(
    ("body", "head"), [("本町", "町長"), ("本村", "村長"), ("本区", "区長"), ("本市", "市長")]
)
def test_body_substitutions(edition, body, head):
    sample = generate_policy(edition, seed=0, body=body, style="reiki")
    text = "\n".join(row.text for row in sample.rows)
    assert body in text
    assert f"副{head}" in text
    assert sample.title.startswith("○○" + body[1])
    if body != "本市":
        assert "本市" not in text
        assert "副市長" not in text


def test_typography_varies_by_seed(edition):
    texts = [
        "\n".join(r.heading + r.text for r in generate_policy(edition, seed=s).rows)
        for s in range(12)
    ]
    assert any("，" in t for t in texts) and any("、" in t for t in texts)
    assert any("ＣＩＳＯ" in t for t in texts) and any("CISO" in t for t in texts)
    for variant in ("強靭", "強靱", "強じん", "総括", "ハードウエア"):
        assert any(variant in t for t in texts), variant


def test_bad_arguments(edition):
    with pytest.raises(ValueError, match="tier"):
        generate_policy(edition, tier="medium")
    with pytest.raises(ValueError, match="style"):
        generate_policy(edition, style="pdf")
    with pytest.raises(ValueError, match="body"):
        generate_policy(edition, body="本県")


# --- spreadsheet ---------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("tier", ["light", "heavy"])
def test_spreadsheet_round_trip(edition, tmp_path, seed, tier):
    sample = generate_policy(edition, seed=seed, tier=tier, style="spreadsheet")
    out = tmp_path / "policy.xlsx"
    write_sample(sample, out)
    wb = load_workbook(out)
    assert wb.sheetnames == [s.name for s in sample.sheets]
    for sheet in sample.sheets:
        ws = wb[sheet.name]
        header = [c.value for c in ws[sheet.header_row]]
        assert header[:3] in (["条番号", "見出し", "本文"], ["項番", "項目", "規定内容"])
        assert header[-1] == "備考"
        assert 2 <= sheet.header_row <= 4
        assert "情報セキュリティ" in ws.cell(1, 1).value
        assert ws.cell(1, 1).value.endswith("新旧対照用一覧")
        assert ws.freeze_panes == f"A{sheet.header_row + 1}"
        assert ws.cell(sheet.header_row, 1).font.bold
        chapter_rows = {int(r.min_row) for r in ws.merged_cells.ranges}
        assert len(chapter_rows) >= 1
        for r in ws.merged_cells.ranges:
            assert (r.min_col, r.max_col) == (1, len(header))
            assert re.search(r"章|基本方針|^\S+\.", ws.cell(r.min_row, 1).value)
            assert ws.cell(r.min_row, 3).value is None
    for row in sample.rows:
        ws = wb[row.sheet]
        assert ws.cell(row.row, 3).value == row.text
        assert (ws.cell(row.row, 1).value or "") == row.number
        assert (ws.cell(row.row, 2).value or "") == row.heading
    # every row with text is in the truth, and nothing else
    provision_rows = {
        (ws.title, r)
        for ws in wb.worksheets
        for r in range(1, ws.max_row + 1)
        if ws.cell(r, 3).value and r > dict((s.name, s.header_row) for s in sample.sheets)[ws.title]
    }
    assert provision_rows == {(row.sheet, row.row) for row in sample.rows}
    truth = json.loads((tmp_path / "policy.truth.json").read_text(encoding="utf-8"))
    assert truth["version"] == VERSION and truth["style"] == "spreadsheet"
    assert truth["tier"] == tier and truth["body"] == "本町"
    assert truth["dropped"] == list(sample.dropped)
    assert truth["rows"] == [
        {"sheet": r.sheet, "row": r.row, "clauses": list(r.truth)} for r in sample.rows
    ]


def test_spreadsheet_layouts_vary(edition):
    samples = [generate_policy(edition, seed=s) for s in range(12)]
    assert {len(s.sheets) for s in samples} == {1, 2}
    assert {s.sheets[0].header_row for s in samples} == {2, 3, 4}
    numbers = {row.number for s in samples for row in s.rows}
    assert any(re.fullmatch(r"第\d+条第\d+項", n) for n in numbers)
    assert any("\u2015" in n for n in numbers)  # 2―4―1
    assert any(re.fullmatch(r"\d+\.\d+\.\(\d+\).*", n) for n in numbers)
    assert any(re.search(r"第\d+条の\d+", n) for n in numbers)  # 枝番
    blank = [s for s in samples if any(not any(row) for row in s.sheets[-1].cells)]
    assert blank, "some bodies leave spacer rows"


def test_guideline_reference_column(edition, tmp_path):
    sample = next(
        s
        for s in (generate_policy(edition, seed=n) for n in range(30))
        if "ガイドライン項番" in s.sheets[-1].cells[s.sheets[-1].header_row - 1]
    )
    out = tmp_path / "ref.xlsx"
    write_sample(sample, out)
    wb = load_workbook(out)
    right = blank = 0
    guideline_rows = [row for row in sample.rows if row.truth]
    for row in guideline_rows:
        value = wb[row.sheet].cell(row.row, 4).value
        if value is None:
            blank += 1
        elif nfkc(value) == nfkc(edition.get(row.truth[0]).number):
            right += 1
    assert right >= 0.8 * len(guideline_rows)
    assert 0 < blank < 0.2 * len(guideline_rows)


# --- 例規 text -----------------------------------------------------------------------------

_ARTICLE = re.compile(r"^(第\d+条(?:の\d+)?)　(.+)$")
_PARAGRAPH = re.compile(r"^([２-９]|[１-９][０-９])　(.+)$")
_ITEM = re.compile(r"^\((\d+)\)　(.+)$")


def read_reiki(text: str) -> dict[str, str]:
    """A minimal reader: article references and texts, as gapcheck's reader must give them."""
    refs: dict[str, str] = {}
    article = None
    paragraph = 0
    for line in text.splitlines():
        if line.startswith("附　則"):
            break
        if m := _ARTICLE.match(line):
            article, paragraph = m.group(1), 1
            refs[f"{article}第1項"] = m.group(2)
        elif article and (m := _PARAGRAPH.match(line)):
            paragraph = int(unicodedata.normalize("NFKC", m.group(1)))
            refs[f"{article}第{paragraph}項"] = m.group(2)
        elif article and (m := _ITEM.match(line)):
            refs[f"{article}第{paragraph}項第{m.group(1)}号"] = m.group(2)
    return refs


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("tier", ["light", "heavy"])
def test_reiki_text_and_references(edition, tmp_path, seed, tier):
    sample = generate_policy(edition, seed=seed, tier=tier, style="reiki", body="本村")
    out = tmp_path / "policy.txt"
    write_sample(sample, out)
    text = out.read_text(encoding="utf-8")
    assert text == sample.text
    lines = text.splitlines()
    assert lines[0] == sample.title == "○○村情報セキュリティ対策基準"
    assert "第1章　総則" in lines
    assert any(re.fullmatch(r"第\d+章　物理的セキュリティ", line) for line in lines)
    assert any(re.fullmatch(r"（[^（）]+）", line) for line in lines)  # 見出し
    assert any(re.match(r"第\d+条の\d+　", line) for line in lines)  # 枝番
    assert any(
        re.fullmatch(r"\((平|令)\d+訓令\d+(・(平|令)\d+訓令\d+)?・(一部改正|追加)\)", line)
        for line in lines
    )
    tail = lines[lines.index("附　則") :]
    assert re.fullmatch(r"この訓令は、(平成|令和)\S+日から施行する。", tail[1].replace("，", "、"))
    assert any(line.startswith("附　則（") for line in tail)
    # references: one per paragraph and per 号, always with 第k項, unique
    assert all(REF_RE.match(row.row) for row in sample.rows)
    assert all(row.sheet == "" for row in sample.rows)
    assert len({row.row for row in sample.rows}) == len(sample.rows)
    assert read_reiki(text) == {row.row: row.text for row in sample.rows}
    truth = json.loads((tmp_path / "policy.truth.json").read_text(encoding="utf-8"))
    assert truth["style"] == "reiki" and truth["body"] == "本村"
    assert [r["row"] for r in truth["rows"]] == [row.row for row in sample.rows]


def test_reiki_items_and_paragraphs(edition):
    sample = generate_policy(edition, seed=0, style="reiki")
    refs = [row.row for row in sample.rows]
    assert "第1条第1項" in refs
    assert any(re.fullmatch(r"第\d+条第[2-9]項", r) for r in refs)
    assert any(re.fullmatch(r"第\d+条第1項第\d+号", r) for r in refs)
    items = [row for row in sample.rows if row.row.endswith("号")]
    assert all(row.number.startswith("(") for row in items)


def test_write_sample_explicit_truth_path(edition, tmp_path):
    sample = generate_policy(edition, seed=1, style="reiki")
    write_sample(sample, tmp_path / "out" / "p.txt", truth=tmp_path / "answer.json")
    assert (tmp_path / "out" / "p.txt").is_file()
    assert json.loads((tmp_path / "answer.json").read_text(encoding="utf-8")) == sample.truth()
