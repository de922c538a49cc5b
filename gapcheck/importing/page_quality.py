"""What one page of a guideline PDF holds: its text, nothing (blank), a picture (image), or a
broken text layer (garbled) — judged on the text that matters (issue #12)."""

from __future__ import annotations

import re

__all__ = [
    "CID_RE",
    "GARBLED_SHARE",
    "JA_RE",
    "LEADER_CHARS",
    "MIN_JUDGED",
    "PAGE_NO_RE",
    "page_verdict",
]

# page numbers such as 「ⅱ-10」, kana and kanji, and fonts without a Unicode map: as the
# document reader sees them
PAGE_NO_RE = re.compile(r"[ⅰ-ⅿ]{1,4}\s*[-‐－−–—]\s*[0-9０-９]{1,4}")
JA_RE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
CID_RE = re.compile(r"\(cid:\d+\)")

# --- what a page holds -----------------------------------------------------------------------
#
# Readability is judged on the text that matters (issue #12): dot leaders of a 目次
# (「目的 ........ ⅱ-10」, 「…」「・」「‥」「．」), page numbers, digits, punctuation and ruling
# characters are left out before a page is judged, so that a 目次, a table of figures or a
# page with little text is never mistaken for a garbled one. What remains is judged:
#
# - ``blank``: fewer than MIN_JUDGED letters (blank pages, figure pages, separator pages);
#   nothing to judge, nothing said — unless images cover most of it (``image``: a scanned page
#   or a figure drawn as a picture; said in a warning, since text may be missing);
# - ``garbled``: at least GARBLED_SHARE of the letters are signs of a broken text layer —
#   ``(cid:N)`` (a font without a Unicode map), U+FFFD, private-use characters, accented Latin
#   and half-width kana (mojibake), kanji outside JIS level 1 (another font's codes read as
#   Unicode: real guideline text has < 1 % of them, mojibake such as 「縺繧繝」 ≥ 30 %) — or
#   a page of at least 40 letters of which less than half are kana, kanji or ASCII;
# - ``text`` otherwise.
#
# Garbled and image pages are left out of the stream and reported with their page numbers
# (gapcheck.importing.guideline_parser decides whether the 例文 lost too much to go on).

MIN_JUDGED = 10
GARBLED_SHARE = 0.20
# dot leaders of a 目次 (「目的 ........ ⅱ-10」), in every form the guideline's PDFs use; the
# parser's 目次 rule uses the same set
LEADER_CHARS = ".．・…‥·‧∙⋯︙･"
_LEADER_RE = re.compile(rf"(?:[{LEADER_CHARS}]\s*){{3,}}")
_HALF_KANA_RE = re.compile(r"[\uff61-\uff9f]")
_LATIN_EXT_RE = re.compile(r"[\u00c0-\u024f]")
_BROKEN_RE = re.compile(r"[\ufffd\ue000-\uf8ff]")
_KANJI_RE = re.compile(r"[\u3400-\u9fff]")
_ASCII_ALPHA_RE = re.compile(r"[A-Za-zＡ-Ｚａ-ｚ]")


def _rare_kanji(ch: str) -> bool:
    """Outside JIS X 0208 level 1 (Shift_JIS lead byte ≥ 0x98), or not in cp932 at all."""
    try:
        return ch.encode("cp932")[0] >= 0x98
    except UnicodeEncodeError:
        return True


def page_verdict(text: str, image_share: float = 0.0) -> str:
    """``text``, ``blank``, ``image`` or ``garbled`` for the text of one page.

    >>> page_verdict(" ".join(f"{k}. 組織体制 {'.' * 60} ⅱ-{k}" for k in range(1, 9)))
    'text'
    >>> page_verdict("(cid:12)(cid:40)(cid:7)(cid:9)(cid:33)(cid:12)(cid:40)(cid:7)(cid:9)(cid:33)")
    'garbled'
    """
    cid = len(CID_RE.findall(text))
    text = PAGE_NO_RE.sub("", _LEADER_RE.sub("", CID_RE.sub("", text)))
    broken = len(_BROKEN_RE.findall(text))
    letters = [ch for ch in text if ch.isalpha()]
    n = len(letters) + cid + broken
    if n < MIN_JUDGED:
        return "image" if image_share >= 0.5 else "blank"
    body = "".join(letters)
    japanese = len(JA_RE.findall(body))
    ascii_alpha = len(_ASCII_ALPHA_RE.findall(body))
    rare = sum(_rare_kanji(ch) for ch in _KANJI_RE.findall(body))
    junk = cid + broken + rare + len(_HALF_KANA_RE.findall(body)) + len(_LATIN_EXT_RE.findall(body))
    if junk >= GARBLED_SHARE * n:
        return "garbled"
    if n >= 40 and japanese + ascii_alpha < 0.5 * n:
        return "garbled"
    return "text"
