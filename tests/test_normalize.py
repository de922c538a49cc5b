from __future__ import annotations

import pytest

from gapcheck.text.normalize import kanji_to_int, normalize, split_number


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ＩＤ及びパスワード", "ID及びパスワード"),
        ("（１）職員は", "(1)職員は"),
        ("強靱性の向上", "強靭性の向上"),
        ("強じん性の向上", "強靭性の向上"),
        ("総括情報セキュリティ責任者", "統括情報セキュリティ責任者"),
        ("本町は、", "本市は、"),
        ("本村は，", "本市は、"),
        ("副町長をもつて充てる", "副市長をもって充てる"),
        ("町長の承認", "市長の承認"),
        ("ハードウエア及びソフトウエア", "ハードウェア及びソフトウェア"),
        ("情報を取り扱う", "情報を取扱う"),
        ("2―4―1", "2-4-1"),
        ("午前9時〜午後5時", "午前9時~午後5時"),
        ("職員　は 、", "職員は、"),
        ("ｶﾀｶﾅ", "カタカナ"),
    ],
)
def test_variants_normalise_alike(a, b):
    assert normalize(a) == normalize(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("本町内の施設", "本市内の施設"),  # 本町内 is a place name use, not the body
        ("機密性2", "機密性3"),
        ("しなければならない", "することが望ましい"),
    ],
)
def test_different_things_stay_different(a, b):
    assert normalize(a) != normalize(b)


@pytest.mark.parametrize("text", ["ＩＤ", "本町は、強靱な", "（１）①ア", "2―4―1 〜 ～"])
def test_idempotent(text):
    assert normalize(normalize(text)) == normalize(text)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("（１）　職員は、…", ("（１）", "職員は、…")),
        ("(1) 職員は", ("(1)", "職員は")),
        ("①　サーバは", ("①", "サーバは")),
        ("㉑ 記録は", ("㉑", "記録は")),
        ("第12条　CISOは", ("第12条", "CISOは")),
        ("第23条の2　CISOは", ("第23条の2", "CISOは")),
        ("第十二条　CISOは", ("第十二条", "CISOは")),
        ("5.1.(1) サーバは", ("5.1.(1)", "サーバは")),
        ("５．１　サーバ等", ("５．１", "サーバ等")),
        ("2―4―1　職員は", ("2―4―1", "職員は")),
        ("ア　職員は", ("ア", "職員は")),
        ("(ア) 職員は", ("(ア)", "職員は")),
        ("第3章の2 強靭性", ("第3章の2", "強靭性")),
        ("職員は、(1)に従う", ("", "職員は、(1)に従う")),
        ("アクセス制御", ("", "アクセス制御")),
    ],
)
def test_split_number(raw, expected):
    assert split_number(raw) == expected


@pytest.mark.parametrize(
    ("text", "value"),
    [("一", 1), ("十", 10), ("十二", 12), ("二十三", 23), ("百二", 102), ("１２", 12), ("7", 7)],
)
def test_kanji_to_int(text, value):
    assert kanji_to_int(text) == value
