"""The survey master: check digits, codes in file names, the master CSV."""

from __future__ import annotations

import pytest

from gapcheck.survey.bodies import (
    Body,
    MasterError,
    check_digit,
    code_from_filename,
    kind_from_name,
    load_master,
    size_band,
    valid_code,
)


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("131016", "千代田区"),
        ("011002", "札幌市"),
        ("010006", "北海道"),
        ("472018", "那覇市"),
        ("130001", "東京都"),
        ("216046", "白川村"),
    ],
)
def test_real_codes_have_their_check_digit(code, name):
    assert check_digit(code[:5]) == code[5]
    assert valid_code(code)
    assert load_master()[code].name == name


@pytest.mark.parametrize("code", ["131017", "13101", "1310160", "48000x", "990003", "000000", ""])
def test_invalid_codes(code):
    assert not valid_code(code)


def test_check_digit_wants_five_digits():
    with pytest.raises(ValueError, match="数字5桁"):
        check_digit("1310")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("131016_千代田区_対策基準.xlsx", "131016"),
        ("131016.txt", "131016"),
        ("131016-policy.csv", "131016"),
        ("13101_千代田区.xlsx", "131016"),  # 5 digits: completed with the check digit
        ("472018那覇市.txt", "472018"),
        ("131017_千代田区.xlsx", None),  # wrong check digit
        ("202503_対策基準.xlsx", None),  # a date, not a code
        ("1310160_x.xlsx", None),  # seven digits
        ("99100_x.xlsx", None),  # no prefecture 99
        ("千代田区_131016.xlsx", None),  # the code must come first
        ("対策基準.xlsx", None),
    ],
)
def test_code_from_filename(name, expected):
    assert code_from_filename(name) == expected


@pytest.mark.parametrize(
    ("name", "prefecture", "kind"),
    [("千代田区", "東京都", "区"), ("札幌市", "北海道", "市"), ("ニセコ町", "北海道", "町"),
     ("檜原村", "東京都", "村"), ("大阪府", "大阪府", "都道府県"), ("北海道", "", "都道府県"),
     ("某組合", "", "")],
)  # fmt: skip
def test_kind_from_name(name, prefecture, kind):
    assert kind_from_name(name, prefecture) == kind


@pytest.mark.parametrize(
    ("population", "band"),
    [(None, "人口不明"), (170, "1万人未満"), (10_000, "1万〜5万人"), (199_999, "5万〜20万人"),
     (200_000, "20万〜100万人"), (3_777_000, "100万人以上")],
)  # fmt: skip
def test_size_band(population, band):
    assert size_band(population) == band


def test_bundled_master_holds_the_47_prefectures():
    master = load_master()
    prefectures = [b for b in master.values() if b.kind == "都道府県"]
    assert len(prefectures) == 47
    assert all(valid_code(code) for code in master)
    assert master["131016"] == Body("131016", "東京都", "千代田区", "区", 67000)


def test_master_accepts_cp932_five_digit_codes_and_blanks(tmp_path):
    path = tmp_path / "bodies.csv"
    path.write_bytes(
        "団体コード,都道府県,団体名,区分,人口\n13101,東京都,千代田区,,\n".encode("cp932")
    )
    assert load_master(path) == {"131016": Body("131016", "東京都", "千代田区", "区", None)}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("団体コード,団体名\n131016,千代田区\n", "1行目に列 都道府県 がありません"),
        ("団体コード,都道府県,団体名,区分,人口\n131017,東京都,千代田区,区,1\n", "2行目の団体コード '131017' が正しくありません"),
        ("団体コード,都道府県,団体名,区分,人口\n131016,東京都,千代田区,区,1\n131016,東京都,千代田区,区,1\n",
         "3行目の団体コード 131016 は前の行と重複"),
        ("団体コード,都道府県,団体名,区分,人口\n131016,東京都,千代田区,郡,1\n", "2行目の区分 '郡'"),
        ("団体コード,都道府県,団体名,区分,人口\n131016,東京都,千代田区,区,約6万\n", "2行目の人口 '約6万'"),
        ("団体コード,都道府県,団体名,区分,人口\n", "団体が1件もありません"),
    ],
)  # fmt: skip
def test_master_errors_name_file_and_row(tmp_path, content, message):
    path = tmp_path / "bodies.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(MasterError) as info:
        load_master(path)
    assert str(info.value).startswith(f"{path}: ")
    assert message in str(info.value)


def test_missing_master(tmp_path):
    with pytest.raises(MasterError, match="見つかりません"):
        load_master(tmp_path / "none.csv")
