from __future__ import annotations

import pytest

from gapcheck.text.numbering import ClauseNumber, circled, is_valid


@pytest.mark.parametrize(
    ("text", "parsed", "section"),
    [
        ("1", ClauseNumber(1), "1"),
        ("2.(3)", ClauseNumber(2, 0, 3), "2"),
        ("6.4", ClauseNumber(6, 4), "6.4"),
        ("6.4.(1)", ClauseNumber(6, 4, 1), "6.4"),
        ("6.4.(1)①", ClauseNumber(6, 4, 1, 1), "6.4"),
        ("4.(1)⑳", ClauseNumber(4, 0, 1, 20), "4"),
        ("4.(1)㉑", ClauseNumber(4, 0, 1, 21), "4"),
        ("10.3.(12)㊿", ClauseNumber(10, 3, 12, 50), "10.3"),
    ],
)
def test_parse_and_round_trip(text, parsed, section):
    number = ClauseNumber.parse(text)
    assert number == parsed
    assert str(number) == text
    assert number.section_path == section


@pytest.mark.parametrize(
    "text", ["", "0", "6.", "6.4.(1", "6.4.1", "6.4.(0)", "(1)", "6.4.①", "６.４", "6.4.(1)①②"]
)
def test_malformed(text):
    assert not is_valid(text)
    with pytest.raises(ValueError):
        ClauseNumber.parse(text)


def test_document_order():
    numbers = ["1", "2.(1)", "2.(1)①", "2.(2)", "4.(1)②", "5.1.(1)", "5.10.(1)", "10.1.(1)"]
    assert sorted(numbers, key=ClauseNumber.parse) == numbers


def test_circled_bounds():
    assert circled(1) == "①"
    assert circled(50) == "㊿"
    with pytest.raises(ValueError):
        circled(51)
