"""The body that copies the 例文: how much it edits (the tiers), and its habits of typography.

A tier says how far the body strays from the 例文; :class:`Habits` are the typography and
layout one body keeps throughout, drawn once per seed; :func:`localize` applies the body's
name, titles and typography to one text (docs/domain.md §4).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

TIERS = ("light", "heavy")
# The body's self-reference and the head of the body (市長 → 町長, 副市長 → 副町長).
BODIES = {"本市": "市", "本町": "町", "本村": "村", "本区": "区"}

__all__ = ["BODIES", "TIERS"]


# --- the tiers and the body's habits ------------------------------------------------------


@dataclass(frozen=True)
class _Tier:
    drop: float  # share of the edition's clauses left out
    merge: float  # share of clauses merged with the next one into one row
    split: float  # share of clauses split into two rows
    reword: float  # share of rows reworded
    locals: tuple[int, int]  # how many local provisions (inclusive range)
    moves: int  # chapters moved elsewhere


TIER_RATES = {
    "light": _Tier(drop=0.03, merge=0.0, split=0.0, reword=0.10, locals=(2, 4), moves=0),
    "heavy": _Tier(drop=0.08, merge=0.06, split=0.05, reword=0.30, locals=(5, 9), moves=2),
}


@dataclass(frozen=True)
class Habits:
    """Typography and layout one body keeps throughout (drawn once per seed)."""

    comma: str  # "、" or "，" (some regions write ，)
    width: str  # "full" (ＩＤ, （１）), "half" (ID, (1)) or "asis"
    kyojin: str  # 強靭 / 強靱 / 強じん
    tokatsu: str  # 統括 / 総括
    ware: str  # ウェア / ウエア
    toriatsukai: str  # 取り扱い / 取扱い
    long_vowel: bool  # サーバー, コンピューター
    numbering: str  # spreadsheet: "article" (第N条第k項), "hyphen" (2―4―1), "guideline" (5.1.(1))
    header: tuple[str, str, str, str]
    title_rows: int  # 1..3 rows above the header
    two_sheets: bool  # 基本方針 and 対策基準 on separate sheets
    ref_column: bool  # a ガイドライン項番 column
    spacers: bool  # blank row before each chapter
    toc: bool  # 例規: a 目次


_HEADERS = (("条番号", "見出し", "本文", "備考"), ("項番", "項目", "規定内容", "備考"))


def draw_habits(rng: random.Random, body: str) -> Habits:
    return Habits(
        comma="，" if rng.random() < (0.35 if body != "本市" else 0.15) else "、",
        width=rng.choice(("full", "half", "asis", "asis")),
        kyojin=rng.choice(("強靭", "強靱", "強じん")),
        tokatsu="総括" if rng.random() < 0.25 else "統括",
        ware="ウエア" if rng.random() < 0.3 else "ウェア",
        toriatsukai=rng.choice(("取り扱い", "取扱い")),
        long_vowel=rng.random() < 0.3,
        numbering=rng.choice(("article", "article", "hyphen", "guideline")),
        header=rng.choice(_HEADERS),
        title_rows=rng.randint(1, 3),
        two_sheets=rng.random() < 0.4,
        ref_column=rng.random() < 0.3,
        spacers=rng.random() < 0.5,
        toc=rng.random() < 0.5,
    )


# --- substitutions and typography ---------------------------------------------------------

_FULL = {
    c: chr(ord(c) + 0xFEE0)
    for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz()"
}
_HALF = {v: k for k, v in _FULL.items()}


def to_full(text: str) -> str:
    return "".join(_FULL.get(c, c) for c in text)


def _to_half(text: str) -> str:
    return "".join(_HALF.get(c, c) for c in text)


def localize(text: str, body: str, habits: Habits, reiki: bool) -> str:
    """The body's name, titles and typography (docs/domain.md §4) applied to one text."""
    suffix = BODIES[body]
    text = text.replace("本市", body).replace("市長", f"{suffix}長")
    if reiki:
        text = text.replace("本基本方針", "この訓令").replace("本対策基準", "この訓令")
    text = text.replace("強靭", habits.kyojin).replace("統括", habits.tokatsu)
    text = text.replace("ウェア", habits.ware)
    other = "取扱い" if habits.toriatsukai == "取り扱い" else "取り扱い"
    text = text.replace(other, habits.toriatsukai)
    if habits.long_vowel:
        text = re.sub(r"(サーバ|コンピュータ|ルータ|ユーザ)(?!ー)", r"\1ー", text)
    if habits.width == "full":
        text = to_full(text)
    elif habits.width == "half":
        text = _to_half(text)
    return text.replace("、", habits.comma)
