"""The alignment engine: which source texts correspond to which target texts.

One engine serves both jobs: a municipality's policy rows ↔ the guideline's clause wordings
(the audit) and one edition's clauses ↔ another's (diff and import). Targets are fitted once
(:class:`Index`); any number of source lists are aligned against them.

Method (measured in TECH-NOTES.md): normalised text, exact-text lookup first, then TF-IDF over
character 2–3-grams with cosine similarity, best target per source; then a merge pass (a
source that also contains nearly all of another target's bigrams and is clearly longer covers
both) and a split pass (a short source wholly inside the target its neighbour matched).
Deterministic: ties resolve to the lower target index.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from gapcheck.normalize import normalize


class Method(enum.Enum):
    """Why a source was paired with a target."""

    REFERENCE = "reference"  # the source named the target explicitly, and the text agrees
    EXACT = "exact"  # identical after normalisation
    SIMILARITY = "similarity"  # best TF-IDF match
    MERGE = "merge"  # the source also covers this target (one row, several clauses)
    SPLIT = "split"  # a short source continuing its neighbour's target (several rows, one clause)


@dataclass(frozen=True)
class Pair:
    """One correspondence with its score (0–1 cosine, 1.0 for exact) and evidence."""

    source: int
    target: int
    score: float
    method: Method
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class Settings:
    """Thresholds, calibrated on the synthetic benchmark (benchmarks/align_bench.py)."""

    accept: float = 0.30  # below: the source matches nothing (a local provision)
    reference: float = 0.20  # an explicit reference is trusted down to this similarity
    merge_containment: float = 0.80  # share of a second target's bigrams found in the source
    merge_length: float = 1.3  # …and the source is this much longer than the first target
    split_containment: float = (
        0.80  # share of a short source's bigrams inside the neighbour's target
    )
    candidates: int = 5  # targets examined per source in the merge pass


TERM_RE = re.compile(r"[一-龥々ァ-ヴー]{2,}|[a-z0-9]{2,}")


def bigrams(text: str) -> frozenset[str]:
    return frozenset(text[i : i + 2] for i in range(len(text) - 1))


def containment(part: frozenset[str], whole: frozenset[str]) -> float:
    """Share of ``part``'s bigrams that occur in ``whole`` (1.0 for an empty part)."""
    return len(part & whole) / len(part) if part else 1.0


def shared_terms(a: str, b: str, limit: int = 5) -> tuple[str, ...]:
    """Kanji/katakana/latin words of ``a`` that also occur in ``b``, longest first."""
    terms = {t for t in TERM_RE.findall(a) if t in b}
    return tuple(sorted(terms, key=lambda t: (-len(t), t))[:limit])


class Index:
    """Target texts prepared for alignment; build once, reuse for every source list.

    ``groups`` marks targets that are alternatives of one another (the wordings of one clause
    across editions): the merge pass never adds a second target of a group already paired.

    >>> index = Index(["職員はパスワードを他人に教えてはならない。", "サーバは管理区域に置く。"])
    >>> [(p.source, p.target, p.method.value) for p in index.align(["職員は、パスワードを人に教えない。"]).pairs]
    [(0, 0, 'similarity')]
    """

    def __init__(
        self,
        texts: Sequence[str],
        groups: Sequence[str] | None = None,
        settings: Settings | None = None,
    ):
        self.texts = [normalize(t) for t in texts]
        self.groups = list(groups) if groups is not None else [str(i) for i in range(len(texts))]
        self.settings = settings or Settings()
        self._exact: dict[str, int] = {}
        for j, t in enumerate(self.texts):
            self._exact.setdefault(t, j)
        self._bigrams = [bigrams(t) for t in self.texts]
        # max_df=0.5 halves the sparse work on a real edition with identical results
        # (TECH-NOTES); on a handful of texts it would discard the very words they share.
        self._vectorizer = TfidfVectorizer(
            analyzer="char",
            ngram_range=(2, 3),
            sublinear_tf=True,
            max_df=0.5 if len(self.texts) >= 50 else 1.0,
            dtype=np.float32,
        )
        self._matrix = self._vectorizer.fit_transform(self.texts)

    def __len__(self) -> int:
        return len(self.texts)

    def bigrams_of(self, target: int) -> frozenset[str]:
        """Character bigrams of a normalised target text."""
        return self._bigrams[target]

    def similarity(self, sources: Sequence[str]) -> np.ndarray:
        """Cosine similarity of normalised ``sources`` × targets (dense, float32)."""
        if not sources:
            return np.zeros((0, len(self.texts)), dtype=np.float32)
        x = self._vectorizer.transform(sources)
        return (x @ self._matrix.T).toarray()

    def align(
        self,
        sources: Sequence[str],
        references: Sequence[Sequence[int]] | None = None,
        *,
        normalized: Sequence[str] | None = None,
    ) -> Alignment:
        """Pair each source with its target(s).

        ``references`` gives, per source, the targets it explicitly names (possibly none);
        one of them is taken when its similarity reaches ``settings.reference``.
        ``normalized`` may pass the sources already normalised (the caller needs them too).
        """
        cfg = self.settings
        norm = list(normalized) if normalized is not None else [normalize(s) for s in sources]
        # Most rows of a municipal policy are near-copies of some edition's clause: look
        # those up exactly and compute TF-IDF similarity only for the rest (TECH-NOTES).
        exact = {i: self._exact[t] for i, t in enumerate(norm) if t in self._exact}
        sim = np.zeros((len(norm), len(self.texts)), dtype=np.float32)
        pending = [i for i in range(len(norm)) if i not in exact]
        if pending:
            sim[pending] = self.similarity([norm[i] for i in pending])
        for i, j in exact.items():
            sim[i, j] = 1.0
        src_bigrams = [bigrams(s) for s in norm]
        best: list[Pair | None] = []
        for i in range(len(norm)):
            pair = None
            if i in exact:
                pair = Pair(i, exact[i], 1.0, Method.EXACT)
            elif references is not None and references[i]:
                ref = max(references[i], key=lambda j: (sim[i, j], -j))
                if sim[i, ref] >= cfg.reference:
                    pair = Pair(i, ref, float(sim[i, ref]), Method.REFERENCE)
            if pair is None and len(self.texts):
                j = int(np.argmax(sim[i]))
                if sim[i, j] >= cfg.accept:
                    pair = Pair(i, j, float(sim[i, j]), Method.SIMILARITY)
            best.append(pair)

        pairs: list[Pair] = [p for p in best if p is not None]
        # merge pass: one source covering further targets
        for p in list(pairs):
            i = p.source
            if p.method is Method.EXACT:
                continue  # an exact copy of one clause covers no other
            first_len = max(len(self.texts[p.target]), 1)
            if len(norm[i]) < cfg.merge_length * first_len:
                continue
            taken = {self.groups[p.target]}
            for j in np.argsort(-sim[i], kind="stable")[: cfg.candidates + 1]:
                j = int(j)
                if self.groups[j] in taken or sim[i, j] < cfg.accept / 2:
                    continue
                if containment(self._bigrams[j], src_bigrams[i]) >= cfg.merge_containment:
                    pairs.append(Pair(i, j, float(sim[i, j]), Method.MERGE))
                    taken.add(self.groups[j])
        # split pass: an unmatched short source inside its neighbour's target
        for i, p in enumerate(best):
            if p is not None:
                continue
            for n in (i - 1, i + 1):
                if 0 <= n < len(best) and best[n] is not None:
                    j = best[n].target  # type: ignore[union-attr]
                    if containment(src_bigrams[i], self._bigrams[j]) >= cfg.split_containment:
                        pairs.append(Pair(i, j, float(sim[i, j]), Method.SPLIT))
                        break
        # primary pair first, then merged targets; evidence only for the pairs kept
        ordered = sorted(pairs, key=lambda q: (q.source, q.method is Method.MERGE, q.target))
        return Alignment(
            similarity=sim,
            pairs=tuple(
                Pair(q.source, q.target, round(q.score, 4), q.method,
                     shared_terms(self.texts[q.target], norm[q.source]))
                for q in ordered
            ),
        )  # fmt: skip


@dataclass(frozen=True, eq=False)
class Alignment:
    """The pairs found, ordered by source then target, and the full similarity matrix
    (sources × targets) for callers that weigh alternatives (old vs new wordings)."""

    pairs: tuple[Pair, ...]
    similarity: np.ndarray

    def by_source(self) -> dict[int, list[Pair]]:
        out: dict[int, list[Pair]] = {}
        for p in self.pairs:
            out.setdefault(p.source, []).append(p)
        return out

    def by_target(self) -> dict[int, list[Pair]]:
        out: dict[int, list[Pair]] = {}
        for p in self.pairs:
            out.setdefault(p.target, []).append(p)
        return out
