"""Japanese era dates (和暦) as the guideline's covers print them (issue #5).

``令和7年3月``, ``令和元年``, ``平成30年9月25日``, ``R7.3``, ``H30.9``, kanji numerals
(``令和七年三月``), full-width digits and the one-character era signs (``㋿``, ``㍻``).
Impossible dates are rejected: 令和 began on 2019-05-01, so ``令和元年4月`` never existed,
nor did ``平成31年5月`` (docs/domain.md §2).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from gapcheck.errors import WarekiError
from gapcheck.text.normalize import kanji_to_int


@dataclass(frozen=True)
class Era:
    name: str
    letter: str  # the abbreviation used in "R7.3"
    first: dt.date  # first day of the era
    last: dt.date | None  # last day, None for the current era


ERAS: tuple[Era, ...] = (
    Era("明治", "M", dt.date(1868, 1, 25), dt.date(1912, 7, 29)),
    Era("大正", "T", dt.date(1912, 7, 30), dt.date(1926, 12, 24)),
    Era("昭和", "S", dt.date(1926, 12, 25), dt.date(1989, 1, 7)),
    Era("平成", "H", dt.date(1989, 1, 8), dt.date(2019, 4, 30)),
    Era("令和", "R", dt.date(2019, 5, 1), None),
)
_BY_NAME = {e.name: e for e in ERAS} | {e.letter: e for e in ERAS}
# The square era signs; NFKC expands ㍻ but not ㋿ on every Python, so map them ourselves.
_SIGNS = {"㋿": "令和", "㍻": "平成", "㍼": "昭和", "㍽": "大正", "㍾": "明治"}

_NUM = r"(?:[0-9]{1,2}|[一二三四五六七八九十]{1,3}|元)"
_KANJI_RE = re.compile(
    rf"(?P<era>明治|大正|昭和|平成|令和)\s*(?P<year>{_NUM})\s*年"
    rf"(?:\s*(?P<month>{_NUM})\s*月(?:\s*(?P<day>{_NUM})\s*日)?)?"
)
_LETTER_RE = re.compile(
    r"(?<![A-Za-z])(?P<era>[MTSHR])\s*(?P<year>[0-9]{1,2})"
    r"(?:[./](?P<month>[0-9]{1,2})(?:[./](?P<day>[0-9]{1,2}))?)?(?![0-9A-Za-z])"
)


@dataclass(frozen=True)
class Wareki:
    """A parsed era date; ``month`` and ``day`` are None when not given.

    >>> w = parse_wareki("令和7年3月")
    >>> w.year, w.month, w.month_id
    (2025, 3, '2025-03')
    """

    era: str  # "令和"
    era_year: int  # 1 for 元年
    month: int | None = None
    day: int | None = None

    @property
    def year(self) -> int:
        return _BY_NAME[self.era].first.year + self.era_year - 1

    @property
    def month_id(self) -> str:
        """``YYYY-MM`` (the catalog's edition id and date form); needs a month."""
        if self.month is None:
            raise WarekiError(f"{self} には月がありません。")
        return f"{self.year:04d}-{self.month:02d}"

    def date(self) -> dt.date | None:
        """The Gregorian date, when the day is known."""
        if self.month is None or self.day is None:
            return None
        return dt.date(self.year, self.month, self.day)

    def __str__(self) -> str:
        out = f"{self.era}{'元' if self.era_year == 1 else self.era_year}年"
        if self.month is not None:
            out += f"{self.month}月"
            if self.day is not None:
                out += f"{self.day}日"
        return out


def _prepare(text: str) -> str:
    for sign, name in _SIGNS.items():
        text = text.replace(sign, name)
    return unicodedata.normalize("NFKC", text)


def _number(token: str | None) -> int | None:
    if token is None:
        return None
    return 1 if token == "元" else kanji_to_int(token)


def _build(era_name: str, year: str, month: str | None, day: str | None, raw: str) -> Wareki:
    era = _BY_NAME[era_name]
    w = Wareki(era.name, _number(year) or 0, _number(month), _number(day))
    _check(w, era, raw)
    return w


def _check(w: Wareki, era: Era, raw: str) -> None:
    """Reject dates outside the era or the calendar: the cover must name a real day."""
    if w.era_year < 1:
        raise WarekiError(f"「{raw}」の年が正しくありません。")
    y = w.year
    if w.month is not None and not 1 <= w.month <= 12:
        raise WarekiError(f"「{raw}」の月が正しくありません。")
    if w.day is not None:
        try:
            first = last = dt.date(y, w.month or 1, w.day)
        except ValueError:
            raise WarekiError(f"「{raw}」は存在しない日付です。") from None
    elif w.month is not None:
        first = dt.date(y, w.month, 1)
        last = (dt.date(y + (w.month == 12), w.month % 12 + 1, 1)) - dt.timedelta(days=1)
    else:
        first, last = dt.date(y, 1, 1), dt.date(y, 12, 31)
    end = era.last or dt.date.max
    if last < era.first or first > end:
        span = f"{era.first:%Y-%m-%d}〜" + (f"{era.last:%Y-%m-%d}" if era.last else "")
        raise WarekiError(f"「{raw}」は{era.name}の期間（{span}）にない日付です。")


def parse_wareki(text: str) -> Wareki:
    """Parse one 和暦 date that makes up ``text`` (surrounding spaces allowed).

    >>> str(parse_wareki("Ｈ３０．９"))
    '平成30年9月'
    >>> parse_wareki("令和元年4月")
    Traceback (most recent call last):
    ...
    gapcheck.errors.WarekiError: 「令和元年4月」は令和の期間（2019-05-01〜）にない日付です。
    """
    raw = text.strip()
    prepared = _prepare(raw)
    for pattern in (_KANJI_RE, _LETTER_RE):
        m = pattern.fullmatch(prepared)
        if m:
            return _build(m["era"], m["year"], m["month"], m["day"], raw)
    raise WarekiError(f"「{raw}」は和暦の日付として読めません（例: 令和7年3月、R7.3）。")


def find_wareki(text: str) -> Iterator[tuple[str, Wareki]]:
    """Every valid kanji-era date in ``text`` (``R7.3`` forms are too ambiguous in prose),
    with the matched text; impossible dates are skipped.

    >>> [str(w) for _, w in find_wareki("平成15年3月18日策定　令和6年10月2日改定")]
    ['平成15年3月18日', '令和6年10月2日']
    """
    for m in _KANJI_RE.finditer(_prepare(text)):
        try:
            yield m.group(0), _build(m["era"], m["year"], m["month"], m["day"], m.group(0))
        except WarekiError:
            continue


__all__ = [
    "ERAS",
    "Era",
    "Wareki",
    "find_wareki",
    "parse_wareki",
]
