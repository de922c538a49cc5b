"""The targets' vocabulary found in source texts (:class:`WordMatcher`): which clause's words,
heading or defined term a provision's text or caption holds, scored by how rare each word is.
The alignment (:mod:`gapcheck.align`) adds these scores to the text similarity."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from gapcheck.text.normalize import normalize

if TYPE_CHECKING:
    from gapcheck.align import TargetInfo

__all__ = ["SEEN_MAX", "TERMS_RE", "WordMatcher", "trie_pattern"]

# the terms of one provision defining several (「機密性、完全性及び可用性とは」)
TERMS_RE = re.compile(r"、|及び|並びに|又は|,")
# texts whose results an index remembers (a survey meets the same provision often): similarity
# rows in the alignment (≈1.6 KB each for a 400-wording index), word hits here
SEEN_MAX = 20_000


class WordMatcher:
    """Finds the targets' vocabulary in source texts with one regular expression and
    scores each target by the inverse-frequency weight of its words found."""

    def __init__(self, info: Sequence[TargetInfo], texts: Sequence[str]):
        words: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        defined: dict[str, list[int]] = {}
        for j, t in enumerate(info):
            own = {normalize(w) for w in (*t.words, t.heading) if len(normalize(w)) >= 2}
            for w in own:
                rows.append(words.setdefault(w, len(words)))
                cols.append(j)
            for d in t.defines:
                defined.setdefault(normalize(d), []).append(j)
        self.words = list(words)
        self.headings: dict[str, list[int]] = {}
        self.ancestors: dict[str, list[int]] = {}
        for j, t in enumerate(info):
            names = {normalize(n) for n in (t.heading, *t.words) if n}
            for name in names:
                self.headings.setdefault(name, []).append(j)
            for name in {normalize(n) for n in t.ancestors if n} - names:
                self.ancestors.setdefault(name, []).append(j)
        self.defined_terms = {k: sorted(set(v)) for k, v in defined.items()}
        n = max(len(info), 1)
        incidence = np.zeros((len(words), len(info)), dtype=np.float32)
        incidence[rows, cols] = 1.0
        # a word is as telling as it is rare, in the vocabulary and in the clauses' own text
        # (「職員」 is everywhere; 「管理区域」 is not)
        in_text = np.array([[sum(1 for t in texts if w in t)] for w in words], dtype=np.float32)
        df = incidence.sum(axis=1, keepdims=True) + in_text.reshape(-1, 1)
        idf = np.log1p(n / np.maximum(df, 1.0))
        weighted = incidence * idf
        norm = weighted.sum(axis=0, keepdims=True)
        top = float(idf.max()) if idf.size else 1.0
        self.matrix = weighted / np.maximum(norm, 1e-6) ** 0.5 / max(top, 1e-6) ** 0.5
        # one trie-shaped pattern: at each place the longest word, without trying every
        # word at every character (the plain alternation cost most of an audit's time)
        pattern = trie_pattern(self.words)
        self._re = re.compile(pattern) if pattern else None
        self._index = {w: k for k, w in enumerate(self.words)}
        self._seen: dict[str, frozenset[int]] = {}  # text → the words found in it

    def _hits(self, texts: Sequence[str]) -> list[frozenset[int]]:
        if self._re is None:
            return [frozenset() for _ in texts]
        index, seen = self._index, self._seen
        out = []
        for t in texts:
            hit = seen.get(t)
            if hit is None:
                hit = (
                    frozenset(index[m.group(0)] for m in self._re.finditer(t)) if t else frozenset()
                )
                if len(seen) > SEEN_MAX:
                    seen.clear()
                seen[t] = hit
            out.append(hit)
        return out

    def scores(
        self,
        texts: Sequence[str],
        captions: Sequence[str],
        caption_factors: Sequence[float],
        terms: Sequence[str],
        term_factor: float,
    ) -> np.ndarray:
        """Per source and target: the weight of the target's words found in the source's
        text, caption (times its factor) and defined term (times ``term_factor``)."""
        # a handful of words per row: a sparse product, not rows × every word
        data: list[float] = []
        cols: list[int] = []
        ptr = [0]
        rows = zip(
            self._hits(texts), self._hits(captions), caption_factors, self._hits(terms), strict=True
        )
        for own, cap, factor, term in rows:
            for k in sorted(own | cap | term):
                cols.append(k)
                data.append(
                    max(1.0 if k in own else 0.0, factor if k in cap else 0.0,
                        term_factor if k in term else 0.0)
                )  # fmt: skip
            ptr.append(len(cols))
        from scipy import sparse

        hits = sparse.csr_matrix(
            (np.array(data, dtype=np.float32), np.array(cols, dtype=np.int64), np.array(ptr)),
            shape=(len(texts), len(self.words)),
        )
        return np.asarray(hits @ self.matrix, dtype=np.float32)

    def named(self, captions: Sequence[str]) -> np.ndarray:
        """Per caption and target: one of the target's words (or its heading) is in it."""
        out = np.zeros((len(captions), self.matrix.shape[1]), dtype=bool)
        for r, hit in enumerate(self._hits(captions)):
            if hit:
                out[r] = self.matrix[sorted(hit)].any(axis=0)
        return out

    def headed(self, caption: str) -> tuple[list[int], list[int]]:
        """Targets whose own heading or one of whose words is exactly ``caption``
        (normalised), and targets lying under a heading named so."""
        if len(caption) < 2:
            return [], []
        return self.headings.get(caption, []), self.ancestors.get(caption, [])

    def defined(self, term: str) -> list[int]:
        """Targets defining ``term``: exactly, as the end of a longer name (「情報資産の機密性」
        defines 機密性) or with one character more (職員等), ignoring a parenthesised gloss."""
        t = normalize(re.sub(r"[（(][^（）()]*[）)]", "", term))
        if t in self.defined_terms:
            return self.defined_terms[t]
        several = TERMS_RE.split(t)
        if len(several) > 1:
            # 「機密性、完全性及び可用性とは」: one provision defining several terms
            return sorted({j for one in several if one for j in self.defined(one)})
        for name, targets in self.defined_terms.items():
            # a qualifier in front names the same thing (情報資産の機密性); a longer name
            # after it is another term (情報セキュリティ基本方針 is not 情報セキュリティ, #21)
            if len(name) >= 2 and (
                (t.endswith(name) and len(t) <= len(name) + 6)
                or (t.startswith(name) and len(t) <= len(name) + 1)
            ):
                return targets
        return []


def trie_pattern(words: Sequence[str]) -> str:
    """A regular expression matching any of ``words``, shaped as a trie: the same matches as
    the longest-first alternation, far fewer attempts per character."""
    trie: dict[str, dict] = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(trie)
