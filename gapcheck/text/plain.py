"""Plain-language rules for what executives read (issue 6, docs/domain.md §5).

Checked on the generated summary: sentences short on average, numbers carry units, clause
numbers never appear without their heading. (Glossary terms explained at first use are
checked on the rendered page, where the footnotes are.)
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MAX_AVERAGE_SENTENCE = 50
_SENTENCE_END = re.compile(r"(?<=[。！？])|\n")
# A clause number as printed: 4.(1)⑦, 6.4.(2), 2.(13) …
_CLAUSE_NUMBER = re.compile(r"\d+(?:\.\d+)*\.\([0-9]+\)[①-⑳㉑-㉟]?")
_UNITS = "件年月日版条項号行%％人名回個歳"
_NUMBER = re.compile(r"(?<![0-9.])\d+(?:\.\d+)?(?![0-9.])")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def average_sentence_length(texts: Iterable[str]) -> float:
    all_sentences = [s for t in texts for s in sentences(t)]
    return sum(len(s) for s in all_sentences) / len(all_sentences) if all_sentences else 0.0


def problems(texts: Iterable[str]) -> list[str]:
    """What breaks the rules, one message each (empty when the text is plain)."""
    texts = list(texts)
    out = []
    avg = average_sentence_length(texts)
    if avg > MAX_AVERAGE_SENTENCE:
        out.append(f"一文の平均が{avg:.0f}字です（{MAX_AVERAGE_SENTENCE}字以内に）")
    for text in texts:
        for m in _CLAUSE_NUMBER.finditer(text):
            if not text[m.end() :].startswith("（"):
                out.append(f"見出しのない項番: {m.group(0)}（{text[:30]}…）")
        masked = _CLAUSE_NUMBER.sub("§", text)
        for m in _NUMBER.finditer(masked):
            after = masked[m.end() : m.end() + 1]
            before = masked[max(0, m.start() - 2) : m.start()]
            if after and after in _UNITS:
                continue
            if before.endswith(("令和", "平成", "機密性", "第")) or after in ("A", "B", "C"):
                continue
            out.append(f"単位のない数: {m.group(0)}（{text[:30]}…）")
    return out


__all__ = [
    "MAX_AVERAGE_SENTENCE",
    "average_sentence_length",
    "problems",
    "sentences",
]
