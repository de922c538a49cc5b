"""Rewording one provision's text as a body's drafter would, keeping it grammatical.

Synonyms, 〜なければならない → 〜ものとする, a condition or two listed nouns reordered, a
proviso added, a parenthetical or trailing sentence dropped: light tiers apply one, heavy
tiers two or three.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

_GODAN = dict(zip("わらかがさたまば", "うるくぐすつむぶ", strict=True))
# Plain swaps a body's drafter makes; every entry keeps the sentence grammatical.
_SYNONYMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("必要に応じて", ("必要に応じ",)),
    ("速やかに", ("遅滞なく", "直ちに")),
    ("場合には、", ("ときは、",)),
    ("場合は、", ("ときは、",)),
    ("電磁的記録媒体", ("外部記録媒体", "記録媒体")),
    ("定期的に", ("年1回以上", "随時")),
    ("外部委託事業者", ("委託事業者", "受託者")),
    ("許可", ("承認",)),
    ("することが望ましい", ("するよう努めるものとする", "するよう努めなければならない")),
    ("行う", ("実施する",)),
    ("確認し", ("点検し",)),
    ("又は", ("若しくは",)),
    ("手順", ("マニュアル",)),
    ("情報セキュリティインシデント", ("セキュリティ事故", "インシデント")),
    ("職員等", ("職員",)),
    ("講じ", ("とら",)),  # 講じなければ → とらなければ
)
_PROVISOS = (
    "ただし、CISOが特に認めた場合は、この限りでない。",
    "ただし、災害その他やむを得ない事情があるときは、この限りでない。",
    "ただし、本市が別に定める場合を除く。",
    "ただし、軽微なものについては、口頭で行うことができる。",
    "この場合において、統括情報セキュリティ責任者は、その内容を記録しなければならない。",
)
_OPEN, _CLOSE = "（(「", "）)」"


def split_sentences(text: str) -> list[str]:
    """Split at 。 outside brackets: 「情報(印刷した文書を含む。)並びに」 is one sentence."""
    out: list[str] = []
    depth = start = 0
    for i, ch in enumerate(text):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(depth - 1, 0)
        elif ch == "。" and depth == 0:
            out.append(text[start : i + 1])
            start = i + 1
    if start < len(text):
        out.append(text[start:])
    return out or [text]


def _monoshitosuru(text: str, rng: random.Random) -> str:
    """〜なければならない → 〜ものとする, conjugating the verb (守らなければ → 守る)."""

    def sub(m: re.Match[str]) -> str:
        kana = m.group(1)
        stem = kana + "る" if kana not in _GODAN else _GODAN[kana]
        return stem + "ものとする"

    if "しなければならない" in text:
        return text.replace("しなければならない", "するものとする", 1)
    return re.sub(
        r"([えけげせぜてでねべめれじちみわらかがさたまば])なければならない", sub, text, count=1
    )


def _synonym(text: str, rng: random.Random) -> str:
    options = [(old, new) for old, new in _SYNONYMS if old in text]
    if not options or rng.random() < 0.25:
        changed = _monoshitosuru(text, rng)
        if changed != text:
            return changed
    if not options:
        return text
    old, new = rng.choice(options)
    return text.replace(old, rng.choice(new), 1)


_COND = re.compile(r"^([^、。]{2,30}?)は、([^。]{4,60}?(?:場合|とき))(?:には|は)?、(.+)$", re.S)
# two nouns of a list such as 「機密性、完全性及び可用性」 (no particles inside)
_LIST = re.compile(
    r"([^、。（）「」をはがにでとのへもや]{2,10})、([^、。（）「」をはがにでとのへもや]{2,10})及び"
)


def _reorder(text: str, rng: random.Random) -> str:
    """Move a condition before the subject, or swap two listed nouns."""
    first, *rest = split_sentences(text)
    m = _COND.match(first)
    if m:
        subject, cond, tail = m.groups()
        return f"{cond}は、{subject}は、{tail}" + "".join(rest)
    m = _LIST.search(text)
    if m:
        return text[: m.start()] + f"{m.group(2)}、{m.group(1)}及び" + text[m.end() :]
    if len(rest) == 1 and not rest[0].startswith(("ただし", "この場合")):
        return rest[0] + first
    return _synonym(text, rng)


def _proviso(text: str, rng: random.Random) -> str:
    return text + rng.choice(_PROVISOS)


def _shorten(text: str, rng: random.Random) -> str:
    """Drop parentheticals, a trailing sentence or a stray 等."""
    shorter = re.sub(r"（[^（）]{1,30}）|\([^()]{1,30}\)", "", text)
    if shorter != text:
        return shorter
    parts = split_sentences(text)
    if len(parts) > 1:
        return "".join(parts[:-1])
    return re.sub(r"等(?=[のをにがは])", "", text, count=1)


_LIGHT_OPS: tuple[Callable[[str, random.Random], str], ...] = (_synonym, _reorder, _proviso)
_HEAVY_OPS: tuple[Callable[[str, random.Random], str], ...] = (
    _synonym,
    _synonym,
    _reorder,
    _shorten,
    _proviso,
)


def reword(text: str, heavy: bool, rng: random.Random) -> str:
    if not heavy:
        return rng.choice(_LIGHT_OPS)(text, rng)
    for op in rng.sample(_HEAVY_OPS, rng.randint(2, 3)):
        text = op(text, rng)
    return text


__all__ = [
    "reword",
    "split_sentences",
]
