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

import bisect
import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gapcheck.text.normalize import normalize


class Method(enum.Enum):
    """Why a source was paired with a target."""

    REFERENCE = "reference"  # the source named the target explicitly, and the text agrees
    EXACT = "exact"  # identical after normalisation
    TERM = "term"  # a definition of the very term the target defines
    SIMILARITY = "similarity"  # best combined score (text, vocabulary, context, order)
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
    review: bool = False  # in the 要確認 band: plausible, to be confirmed by a person


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
    # With context (TargetInfo/SourceInfo, issue #11): the combined score adds vocabulary
    # hits and a defined-term match to the text cosine; a monotone order prior nudges
    # uncertain rows towards the clauses between their confidently matched neighbours.
    review: float = 0.22  # combined score from which a pair is shown as 要確認
    accept_combined: float = 0.36  # combined score from which a pair is accepted
    vocabulary_weight: float = 0.35
    label_factor: float = 2.0  # a word found in the caption/heading counts this much more
    term_bonus: float = 0.6  # the row defines exactly the term the clause defines
    definition_penalty: float = 0.55  # a definition row against a clause that defines nothing
    order_bonus: float = 0.06  # a candidate lying between the neighbouring anchors
    order_anchor: float = 0.55  # combined score that makes a row an anchor
    order_slack: float = 3.0  # positions of slack around the anchors' window
    other_part: float = 0.6  # a clause of the other document (基本方針 vs 対策基準)
    caption_bonus: float = 0.15  # the row's caption is exactly the clause's heading
    parent_item: float = 0.8  # a 号 against a clause whose children hold the detail
    undefined_row: float = 0.85  # a row that defines no term against a definition clause
    item_caption_factor: float = 0.5  # a 号's caption (its article's) counts this much
    review_text: float = 0.35  # text similarity that makes an undefined term's row 要確認


@dataclass(frozen=True)
class TargetInfo:
    """What survives a change of wording, for one target: its heading, its vocabulary
    (words real texts use for it), the terms it defines (definitions only), its place
    in document order."""

    heading: str = ""
    words: tuple[str, ...] = ()
    defines: tuple[str, ...] = ()
    position: float = 0.0
    part: str = ""  # the document it belongs to (基本方針 / 対策基準)
    parent: bool = False  # a clause whose children carry the detail (4 適用範囲 → 4.(1), 4.(2))
    ancestors: tuple[str, ...] = ()  # the headings above its own (適用範囲 for 4.(1))


@dataclass(frozen=True)
class SourceInfo:
    """Context of one source row: its caption/heading and enclosing headings, and the
    term it defines when it is a definition."""

    label: str = ""
    term: str = ""
    part: str = ""  # the document the row evidently belongs to (title, chapter), if known
    item: bool = False  # a 号 or sub-item: detail, better matched by a child clause


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
        info: Sequence[TargetInfo] | None = None,
    ):
        self.texts = [normalize(t) for t in texts]
        self.info = list(info) if info is not None else None
        self._words = _WordMatcher(self.info, self.texts) if self.info is not None else None
        self.groups = list(groups) if groups is not None else [str(i) for i in range(len(texts))]
        self.settings = settings or Settings()
        self._exact: dict[str, int] = {}
        for j, t in enumerate(self.texts):
            self._exact.setdefault(t, j)
        self._bigrams = [bigrams(t) for t in self.texts]
        # max_df=0.5 halves the sparse work on a real edition with identical results
        # (TECH-NOTES); on a handful of texts it would discard the very words they share.
        # scikit-learn loads in ~0.8 s: only when an index is built, so `gapcheck --help`
        # and commands that never align stay quick
        from sklearn.feature_extraction.text import TfidfVectorizer

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
        info: Sequence[SourceInfo] | None = None,
    ) -> Alignment:
        """Pair each source with its target(s).

        ``references`` gives, per source, the targets it explicitly names (possibly none);
        one of them is taken when its similarity reaches ``settings.reference``.
        ``normalized`` may pass the sources already normalised (the caller needs them too).
        ``info`` gives each source's context; with the index's :class:`TargetInfo` it turns
        on the combined score, the defined-term match, the order prior and the 要確認 band.
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
        combined, term_hit = sim, None
        if self.info is not None and info is not None and len(self.texts):
            combined, term_hit = self._combined(sim, norm, info, set(exact))
        accept = cfg.accept_combined if term_hit is not None else cfg.accept
        best: list[Pair | None] = []
        for i in range(len(norm)):
            pair = None
            if i in exact:
                pair = Pair(i, exact[i], 1.0, Method.EXACT)
            elif references is not None and references[i]:
                ref = max(references[i], key=lambda j: (combined[i, j], -j))
                if combined[i, ref] >= cfg.reference:
                    pair = Pair(i, ref, float(combined[i, ref]), Method.REFERENCE)
            if pair is None and len(self.texts):
                j = int(np.argmax(combined[i]))
                score = float(combined[i, j])
                if term_hit is not None and term_hit[i, j] and score >= accept:
                    pair = Pair(i, j, score, Method.TERM)
                elif score >= accept:
                    pair = Pair(i, j, score, Method.SIMILARITY)
                elif term_hit is not None and score >= cfg.review:
                    pair = Pair(i, j, score, Method.SIMILARITY, review=True)
            best.append(pair)

        pairs: list[Pair] = [p for p in best if p is not None]
        # merge pass: one source covering further targets
        for p in list(pairs):
            i = p.source
            if p.method in (Method.EXACT, Method.TERM) or p.review:
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
                q = best[n] if 0 <= n < len(best) else None
                if q is not None and not q.review and q.method is not Method.TERM:
                    j = q.target
                    if containment(src_bigrams[i], self._bigrams[j]) >= cfg.split_containment:
                        pairs.append(Pair(i, j, float(sim[i, j]), Method.SPLIT))
                        break
        # primary pair first, then merged targets; evidence only for the pairs kept
        ordered = sorted(pairs, key=lambda q: (q.source, q.method is Method.MERGE, q.target))
        return Alignment(
            similarity=sim,
            source_bigrams=tuple(src_bigrams),
            pairs=tuple(
                Pair(q.source, q.target, round(min(q.score, 1.0), 4), q.method,
                     shared_terms(self.texts[q.target], norm[q.source]), q.review)
                for q in ordered
            ),
        )  # fmt: skip

    def _combined(
        self,
        sim: np.ndarray,
        norm: Sequence[str],
        info: Sequence[SourceInfo],
        exact: set[int],
    ) -> tuple[np.ndarray, np.ndarray]:
        """Text cosine + vocabulary hits + defined-term match, then the order prior."""
        assert self.info is not None and self._words is not None
        cfg = self.settings
        # a 号's caption is its article's: it says less about the 号 than the 号's own words
        # exact rows keep their exact pair whatever the words say: score only the rest
        rest = [i for i in range(len(norm)) if i not in exact]
        vocab = np.zeros_like(sim)
        if rest:
            vocab[rest] = self._words.scores(
                [norm[i] for i in rest],
                [normalize(info[i].label) for i in rest],
                [cfg.item_caption_factor if info[i].item else cfg.label_factor for i in rest],
                [normalize(info[i].term) for i in rest],
                cfg.label_factor,
            )
        score = sim + cfg.vocabulary_weight * vocab
        term_hit = np.zeros_like(sim, dtype=bool)
        defines_any = np.array([bool(t.defines) for t in self.info])
        parts = np.array([t.part for t in self.info])
        parents = np.array([t.parent for t in self.info])
        capped: list[int] = []
        for i, s in enumerate(info):
            if i in exact:
                continue
            caption = normalize(s.label.split(" ")[0]) if s.label else ""
            # the caption names the clause (its heading or a caption real texts use for it);
            # a 号 under the caption of a parent clause belongs to one of its children
            own, below = self._words.headed(caption)
            score[i, own] += cfg.caption_bonus
            if s.item:
                score[i, below] += cfg.caption_bonus
                score[i, parents] *= cfg.parent_item
            if s.part:
                score[i, (parts != s.part) & (parts != "")] *= cfg.other_part
            if not s.term:
                # a provision that defines nothing is rarely a definition clause
                score[i, defines_any] *= cfg.undefined_row
                continue
            hits = self._words.defined(s.term)
            if hits:
                term_hit[i, hits] = True
            # a definition row is about a term: clauses that define nothing rarely fit
            score[i, ~defines_any] *= cfg.definition_penalty
            if not hits:
                # a term the guideline does not define (「課等」): at most 要確認
                capped.append(i)
        score = self._order_prior(score + cfg.term_bonus * term_hit, exact)
        for i in capped:
            # a term the guideline does not define: 要確認 at most, and only when the
            # explanation itself reads like a clause; otherwise a local provision (「課等」)
            ceiling = cfg.accept_combined if sim[i].max() >= cfg.review_text else cfg.review
            score[i] = np.minimum(score[i], ceiling - 0.01)
        return score, term_hit

    def _order_prior(self, score: np.ndarray, exact: set[int]) -> np.ndarray:
        """Policies follow the guideline's order: a row between two confidently matched
        rows most likely matches a clause between theirs (a monotone alignment prior)."""
        assert self.info is not None
        cfg = self.settings
        if len(score) < 3:
            return score
        pos = np.array([t.position for t in self.info], dtype=np.float32)
        best = score.argmax(axis=1)
        top = score[np.arange(len(score)), best]
        anchors = [i for i in range(len(score)) if i in exact or top[i] >= cfg.order_anchor]
        if len(anchors) < 2:
            return score
        out = score.copy()
        anchored = set(anchors)
        for i in range(len(score)):
            k = bisect.bisect_left(anchors, i)  # the first anchor after row i
            if i in anchored or k == 0 or k == len(anchors):
                continue
            prev, nxt = anchors[k - 1], anchors[k]
            lo, hi = sorted((pos[best[prev]], pos[best[nxt]]))
            if hi - lo > 40:  # the neighbours jump: no ordering to lean on
                continue
            window = (pos >= lo - cfg.order_slack) & (pos <= hi + cfg.order_slack)
            out[i, window] += cfg.order_bonus
        return out


class _WordMatcher:
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
        pattern = _trie_pattern(self.words)
        self._re = re.compile(pattern) if pattern else None
        self._index = {w: k for k, w in enumerate(self.words)}

    def _hits(self, texts: Sequence[str]) -> list[set[int]]:
        if self._re is None:
            return [set() for _ in texts]
        index = self._index
        return [{index[m.group(0)] for m in self._re.finditer(t)} if t else set() for t in texts]

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

    def headed(self, caption: str) -> tuple[list[int], list[int]]:
        """Targets whose own heading or one of whose words is exactly ``caption``
        (normalised), and targets lying under a heading named so."""
        if len(caption) < 2:
            return [], []
        return self.headings.get(caption, []), self.ancestors.get(caption, [])

    def defined(self, term: str) -> list[int]:
        """Targets defining ``term``: exactly, or as the end of a longer name
        (「情報資産の機密性」 defines 機密性), ignoring a parenthesised gloss."""
        t = normalize(re.sub(r"[（(][^（）()]*[）)]", "", term))
        if t in self.defined_terms:
            return self.defined_terms[t]
        for name, targets in self.defined_terms.items():
            if (
                len(name) >= 2
                and (t.endswith(name) or t.startswith(name))
                and len(t) <= len(name) + 6
            ):
                return targets
        return []


@dataclass(frozen=True, eq=False)
class Alignment:
    """The pairs found, ordered by source then target, and the full similarity matrix
    (sources × targets) for callers that weigh alternatives (old vs new wordings)."""

    pairs: tuple[Pair, ...]
    similarity: np.ndarray
    source_bigrams: tuple[frozenset[str], ...] = ()  # of the normalised sources

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


def _trie_pattern(words: Sequence[str]) -> str:
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
