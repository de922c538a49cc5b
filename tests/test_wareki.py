"""Japanese era dates on guideline covers (gapcheck.text.wareki, issue #5)."""

from __future__ import annotations

import pytest

from gapcheck.errors import WarekiError
from gapcheck.text.wareki import find_wareki, parse_wareki


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("令和7年3月", (2025, 3, None)),
        ("令和元年", (2019, None, None)),
        ("令和元年5月", (2019, 5, None)),
        ("令和元年5月1日", (2019, 5, 1)),
        ("平成30年9月25日", (2018, 9, 25)),
        ("平成31年4月30日", (2019, 4, 30)),
        ("平成元年1月", (1989, 1, None)),
        ("昭和64年1月7日", (1989, 1, 7)),
        ("R7.3", (2025, 3, None)),
        ("H30.9", (2018, 9, None)),
        ("R7.3.28", (2025, 3, 28)),
        ("Ｒ７．３", (2025, 3, None)),
        ("令和七年三月", (2025, 3, None)),
        ("平成二十七年三月三十一日", (2015, 3, 31)),
        ("令和６年１０月", (2024, 10, None)),
        ("令和 6 年 10 月", (2024, 10, None)),
        ("㋿7年3月", (2025, 3, None)),
        ("㍻30年9月", (2018, 9, None)),
    ],
)
def test_parse_wareki(text, expected):
    w = parse_wareki(text)
    assert (w.year, w.month, w.day) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("令和元年4月", "「令和元年4月」は令和の期間（2019-05-01〜）にない日付です。"),
        ("平成31年5月", "「平成31年5月」は平成の期間（1989-01-08〜2019-04-30）にない日付です。"),
        ("平成32年", "「平成32年」は平成の期間（1989-01-08〜2019-04-30）にない日付です。"),
        ("昭和64年2月", "「昭和64年2月」は昭和の期間（1926-12-25〜1989-01-07）にない日付です。"),
        ("令和7年2月30日", "「令和7年2月30日」は存在しない日付です。"),
        ("令和7年13月", "「令和7年13月」の月が正しくありません。"),
        ("R0.3", "「R0.3」の年が正しくありません。"),
        ("2025年3月", "「2025年3月」は和暦の日付として読めません（例: 令和7年3月、R7.3）。"),
        ("", "「」は和暦の日付として読めません（例: 令和7年3月、R7.3）。"),
    ],
)
def test_parse_wareki_rejects(text, message):
    with pytest.raises(WarekiError) as exc:
        parse_wareki(text)
    assert str(exc.value) == message


@pytest.mark.parametrize(
    ("w", "month_id", "text"),
    [
        (parse_wareki("令和7年3月"), "2025-03", "令和7年3月"),
        (parse_wareki("R1.5.1"), "2019-05", "令和元年5月1日"),
    ],
)
def test_month_id_and_str(w, month_id, text):
    assert (w.month_id, str(w)) == (month_id, text)


def test_month_id_needs_month():
    with pytest.raises(WarekiError):
        _ = parse_wareki("令和元年").month_id


def test_find_wareki_skips_impossible_dates():
    found = [str(w) for _, w in find_wareki("平成15年3月18日 策定 令和元年4月 令和6年10月2日 改定")]
    assert found == ["平成15年3月18日", "令和6年10月2日"]
