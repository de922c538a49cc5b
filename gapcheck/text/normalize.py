"""Text normalisation for matching, and numbering prefixes.

Matching compares meaning-bearing characters only: NFKC (full/half width), one spelling per
variant (強靭/強靱/強じん, 統括/総括, 本市/本町/本村, 市長/町長, 、/，/,, ハードウェア/ハードウエア,
okurigana), no spaces: docs/domain.md §7. Numbering is detected on the raw text *before*
NFKC, which folds ① into 1 and ⅱ into ii.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Dashes, tildes and minus signs that NFKC leaves distinct, mapped by hand: jaconv.normalize
# corrupts tildes.
_CHAR_TABLE = str.maketrans(
    {
        "―": "-", "‐": "-", "‑": "-", "–": "-", "—": "-", "−": "-", "ー": "ー",
        "〜": "~", "～": "~",
        ",": "、", "，": "、", "､": "、",
        ".": ".", "．": ".", "｡": "。",
        "「": "「", "『": "「", "』": "」",
    }
)  # fmt: skip

# (pattern, replacement) applied after NFKC, longest first where they overlap.
_VARIANTS: tuple[tuple[str, str], ...] = (
    ("強靱", "強靭"), ("強じん", "強靭"),
    ("総括情報セキュリティ", "統括情報セキュリティ"),
    ("ハードウエア", "ハードウェア"), ("ソフトウエア", "ソフトウェア"),
    ("ミドルウエア", "ミドルウェア"),
    ("取り扱", "取扱"),
    ("申し込", "申込"), ("届け出", "届出"), ("受け付", "受付"),
    ("もつて", "もって"), ("あつて", "あって"), ("よつて", "よって"),
    ("行なう", "行う"), ("行なわ", "行わ"),
    ("出来る", "できる"), ("但し", "ただし"),
    ("電子メール", "メール"), ("Eメール", "メール"),
)  # fmt: skip
_VARIANT_RE = re.compile("|".join(re.escape(a) for a, _ in _VARIANTS))
_VARIANT_MAP = dict(_VARIANTS)

# The body's own name and its head: 本市/本町/本村/本区, 副市長/副町長…, 市長/町長….
_BODY_RE = re.compile(r"本(?:町|村|区|県|都|道|府)(?![内外])")
_HEAD_RE = re.compile(r"(副?)(?:町|村|区)長")
_SPACE_RE = re.compile(r"\s+")


@functools.lru_cache(maxsize=1 << 15)  # captions, headings and rows repeat across policies
def normalize(text: str) -> str:
    """The matching form of ``text``: width-, variant- and space-insensitive.

    >>> normalize("本町の副町長は、ＩＤを強靱に取り扱う。")
    '本市の副市長は、idを強靭に取扱う。'
    """
    out = _pass(text)
    # Removing spaces or case-folding can leave a sequence that NFKC composes further
    # (『O¯』 → 'O' + combining macron → 'ō'); repeat until stable so the result is idempotent.
    for _ in range(3):
        again = _pass(out)
        if again == out:
            break
        out = again
    return out


def _pass(text: str) -> str:
    out = unicodedata.normalize("NFKC", text).translate(_CHAR_TABLE)
    out = _SPACE_RE.sub("", out)
    out = _VARIANT_RE.sub(lambda m: _VARIANT_MAP[m.group(0)], out)
    out = _BODY_RE.sub("本市", out)
    out = _HEAD_RE.sub(lambda m: f"{m.group(1)}市長", out)
    return out.casefold()


# --- numbering -------------------------------------------------------------------------

_KANJI_DIGITS = {"〇": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
                 "八": 8, "九": 9}  # fmt: skip
_NUM = r"[0-9０-９]+|[一二三四五六七八九十百〇]+"
_PREFIX_RES = (
    re.compile(rf"^第(?:{_NUM})条(?:の(?:{_NUM}))*(?:第(?:{_NUM})項)?(?:第(?:{_NUM})号)?"),
    re.compile(rf"^第(?:{_NUM})[章節款](?:の(?:{_NUM}))?"),
    re.compile(r"^[0-9０-９]+(?:[―\-－‐.．][0-9０-９]+)*[.．]?(?:\s*[（(][0-9０-９]+[）)])?"),
    re.compile(r"^[（(](?:[0-9０-９]+|[ア-ン]|[一二三四五六七八九十]+)[）)]"),
    re.compile(r"^[①-⑳㉑-㉟㊱-㊿]"),
    re.compile(r"^[ア-ン](?=[\s　])"),
    re.compile(r"^[ⅰ-ⅿⅠ-Ⅻ]+[.．]?"),
)


def split_number(raw: str) -> tuple[str, str]:
    """Split a leading numbering prefix off raw text: ``("(1)", "職員は…")``.

    Detection runs on the raw text, so ① and （１） are recognised before NFKC folds them.

    >>> split_number("（１）　職員は、…")
    ('（１）', '職員は、…')
    >>> split_number("第23条の2　CISOは、…")
    ('第23条の2', 'CISOは、…')
    """
    text = raw.lstrip()
    for pattern in _PREFIX_RES:
        m = pattern.match(text)
        if m and m.end() < len(text):
            return m.group(0).strip(), text[m.end() :].lstrip(" 　\t.．、")
    return "", text


def kanji_to_int(text: str) -> int:
    """Kanji or (full-width) arabic numerals to int: ``二十三`` → 23, ``１２`` → 12.

    >>> kanji_to_int("百二")
    102
    """
    text = unicodedata.normalize("NFKC", text)
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch in _KANJI_DIGITS:
            current = current * 10 + _KANJI_DIGITS[ch] if current else _KANJI_DIGITS[ch]
        elif ch in "十百千":
            unit = {"十": 10, "百": 100, "千": 1000}[ch]
            total += (current or 1) * unit
            current = 0
        else:
            raise ValueError(f"not a numeral: {text!r}")
    return total + current


__all__ = [
    "kanji_to_int",
    "normalize",
    "split_number",
]
