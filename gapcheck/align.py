"""The alignment engine: which source texts correspond to which target texts.

One engine serves both jobs: a municipality's policy rows ↔ the guideline's clause wordings
(the audit) and one edition's clauses ↔ another's (diff and import). Targets are fitted once
(:class:`Index`); any number of source lists are aligned against them.

Method: normalised text, exact-text lookup first, then TF-IDF over character 2–3-grams with
cosine similarity, best target per source; then a merge pass (a source that also contains
nearly all of another target's bigrams — :meth:`Index.covers` — and is clearly longer covers
both) and a split pass (a short source wholly inside the target its neighbour matched —
:meth:`Index.is_piece`). :meth:`Index.align` lets many sources share a target (policy rows
repeat a clause); :class:`Matching` pairs one edition's clauses with the previous edition's,
where each target continues in one source unless it was split, with the same lookups, tests
and :class:`Settings`. Deterministic: ties resolve to the lower index.
"""

from __future__ import annotations

import enum
import functools
import operator
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gapcheck.text.normalize import normalize
from gapcheck.text.tfidf import CharTfidf
from gapcheck.wordmatch import SEEN_MAX, WordMatcher


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
    """Thresholds. The audit's are calibrated on the synthetic bodies of benchmarks/run.py;
    the edition ↔ edition ones (``link_*``, ``heading_floor``, ``place_*``) on the imports of
    benchmarks/import_voice.py and benchmarks/import_bench.py ``--table``."""

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
    prose_child: float = 0.8  # a 前文 against one item of a clause's list (issue #21)
    undefined_row: float = 0.85  # a row that defines no term against a definition clause
    item_caption_factor: float = 0.5  # a 号's caption (its article's) counts this much
    review_text: float = 0.35  # text similarity that makes an undefined term's row 要確認
    # One edition's clauses against the previous edition's (:class:`Matching`, the import,
    # issues #5 and #12; documented in README "gapcheck import-guideline"). On 2024-10 →
    # 2025-03 the clauses the catalog records as modified keep ≥ 0.6 with their predecessor,
    # while added clauses reach at most ~0.5 with their nearest neighbour; the band between
    # is where a person should look.
    link_sure: float = 0.60  # at or above: linked without asking
    link_maybe: float = 0.35  # [0.35, 0.60): linked (or added) provisionally, for review
    heading_floor: float = 0.20  # same number and heading: linked from here (reviewed)
    # Same place (number and the headings above it) with other wording (issue #12): the
    # second voice of 2025-03 scores 0.11–0.9 with its own predecessor; a free clause
    # elsewhere scoring more than place_rival times as much is more likely the predecessor.
    place_floor: float = 0.05
    place_rival: float = 2.0


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
    child: bool = False  # one item of another clause's list (4.(1) of 4 適用範囲)
    ancestors: tuple[str, ...] = ()  # the headings above its own (適用範囲 for 4.(1))


@dataclass(frozen=True)
class SourceInfo:
    """Context of one source row: its caption/heading and enclosing headings, and the
    term it defines when it is a definition."""

    label: str = ""
    term: str = ""
    part: str = ""  # the document the row evidently belongs to (title, chapter), if known
    item: bool = False  # a 号 or sub-item: detail, better matched by a child clause
    prose: bool = False  # prose before the provisions (前文): broad, better matched by a parent


# the words two texts may share (kanji and katakana runs, latin words)
TERM_RE = re.compile(r"[一-龥々ァ-ヴー]{2,}|[a-z0-9]{2,}")


@functools.lru_cache(maxsize=1 << 16)  # a survey meets the same provision in many bodies
def bigrams(text: str) -> frozenset[str]:
    """Character bigrams of ``text`` (pairs built in C: a survey takes millions)."""
    return frozenset(map(operator.add, text, text[1:]))


def containment(part: frozenset[str], whole: frozenset[str]) -> float:
    """Share of ``part``'s bigrams that occur in ``whole`` (1.0 for an empty part)."""
    return len(part & whole) / len(part) if part else 1.0


def ranked(scores: np.ndarray) -> np.ndarray:
    """Indices of ``scores`` from the highest, ties to the lower index."""
    return np.argsort(-scores, kind="stable")


@functools.lru_cache(maxsize=1 << 16)
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
        self._words = WordMatcher(self.info, self.texts) if self.info is not None else None
        self.groups = list(groups) if groups is not None else [str(i) for i in range(len(texts))]
        self.settings = settings or Settings()
        self._exact: dict[str, int] = {}
        for j, t in enumerate(self.texts):
            self._exact.setdefault(t, j)
        self._bigrams = [bigrams(t) for t in self.texts]
        # max_df=0.5 halves the sparse work on a real edition with identical results; on a
        # handful of texts it would discard the very words they share.
        self._tfidf = CharTfidf(self.texts, max_df=0.5 if len(self.texts) >= 50 else 1.0)
        # targets as columns, stored row-major once (a product with .T converts every time)
        self._columns = self._tfidf.matrix.T.tocsr()
        self._seen: dict[str, np.ndarray] = {}  # source text → its similarity row
        self._children = np.array([t.child for t in self.info or ()], dtype=bool)
        # the targets' context as arrays, once (each audit weighs every row against them)
        self._defines_any = np.array([bool(t.defines) for t in self.info or ()], dtype=bool)
        self._parts = np.array([t.part for t in self.info or ()], dtype=str)
        self._parents = np.array([t.parent for t in self.info or ()], dtype=bool)
        self._positions = np.array([t.position for t in self.info or ()], dtype=np.float32)

    def __len__(self) -> int:
        return len(self.texts)

    def bigrams_of(self, target: int) -> frozenset[str]:
        """Character bigrams of a normalised target text."""
        return self._bigrams[target]

    def exact(self, normalized: str) -> int | None:
        """The first target whose normalised text is exactly ``normalized``."""
        return self._exact.get(normalized)

    def covers(self, source_bigrams: frozenset[str], target: int) -> bool:
        """The source holds nearly all of the target's bigrams: it takes the target in (a
        merge, when it is paired with another target too)."""
        share = containment(self._bigrams[target], source_bigrams)
        return share >= self.settings.merge_containment

    def is_piece(self, source_bigrams: frozenset[str], target: int) -> bool:
        """Nearly all of the source's bigrams lie inside the target: a piece of it (a split,
        when another source continues the target too)."""
        share = containment(source_bigrams, self._bigrams[target])
        return share >= self.settings.split_containment

    def similarity(self, sources: Sequence[str]) -> np.ndarray:
        """Cosine similarity of normalised ``sources`` × targets (dense, float32).

        Rows already seen by this index are taken from a bounded cache: a survey meets the
        same reworded provision in many bodies (issue #21)."""
        out = np.zeros((len(sources), len(self.texts)), dtype=np.float32)
        cache = self._seen
        todo = [i for i, t in enumerate(sources) if t not in cache]
        if todo:
            fresh = list(dict.fromkeys(sources[i] for i in todo))
            rows = (self._tfidf.transform(fresh) @ self._columns).toarray()
            if len(cache) + len(fresh) > SEEN_MAX:
                cache.clear()
            for t, row in zip(fresh, rows, strict=True):
                cache[t] = row
        for i, t in enumerate(sources):
            out[i] = cache[t]
        return out

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
        norm = list(normalized) if normalized is not None else [normalize(s) for s in sources]
        # Most rows of a municipal policy are near-copies of some edition's clause: look
        # those up exactly and compute TF-IDF similarity only for the rest.
        exact = {i: j for i, t in enumerate(norm) if (j := self.exact(t)) is not None}
        sim = np.zeros((len(norm), len(self.texts)), dtype=np.float32)
        pending = [i for i in range(len(norm)) if i not in exact]
        if pending:
            sim[pending] = self.similarity([norm[i] for i in pending])
        for i, j in exact.items():
            sim[i, j] = 1.0
        src_bigrams = [bigrams(s) for s in norm]
        combined, term_hit, named = sim, None, None
        if self.info is not None and info is not None and len(self.texts):
            combined, term_hit, named = self._combined(sim, norm, info, set(exact))
        best = [
            self._primary(i, exact.get(i), combined, term_hit, references) for i in range(len(norm))
        ]
        primary = [p for p in best if p is not None]
        pairs = primary + self._merges(primary, sim, norm, src_bigrams)
        pairs += self._splits(best, sim, src_bigrams)
        # primary pair first, then merged targets; evidence only for the pairs kept
        ordered = sorted(pairs, key=lambda q: (q.source, q.method is Method.MERGE, q.target))
        return Alignment(
            similarity=sim,
            source_bigrams=tuple(src_bigrams),
            named=named,
            pairs=tuple(
                Pair(q.source, q.target, round(min(q.score, 1.0), 4), q.method,
                     shared_terms(self.texts[q.target], norm[q.source]), q.review)
                for q in ordered
            ),
        )  # fmt: skip

    def _primary(
        self,
        i: int,
        exact: int | None,
        combined: np.ndarray,
        term_hit: np.ndarray | None,
        references: Sequence[Sequence[int]] | None,
    ) -> Pair | None:
        """Source ``i``'s own target: its exact copy, the target it names when the text
        agrees, or its best scoring one (the defined term's, or 要確認 in the review band)."""
        cfg = self.settings
        if exact is not None:
            return Pair(i, exact, 1.0, Method.EXACT)
        if references is not None and references[i]:
            ref = max(references[i], key=lambda j: (combined[i, j], -j))
            if combined[i, ref] >= cfg.reference:
                return Pair(i, ref, float(combined[i, ref]), Method.REFERENCE)
        if not len(self.texts):
            return None
        accept = cfg.accept_combined if term_hit is not None else cfg.accept
        j = int(np.argmax(combined[i]))
        score = float(combined[i, j])
        if term_hit is not None and term_hit[i, j] and score >= accept:
            return Pair(i, j, score, Method.TERM)
        if score >= accept:
            return Pair(i, j, score, Method.SIMILARITY)
        if term_hit is not None and score >= cfg.review:
            return Pair(i, j, score, Method.SIMILARITY, review=True)
        return None

    def _merges(
        self,
        primary: Sequence[Pair],
        sim: np.ndarray,
        norm: Sequence[str],
        src_bigrams: Sequence[frozenset[str]],
    ) -> list[Pair]:
        """Merge pass: a source clearly longer than its target that also covers one of its
        next best targets (one row, several clauses); never a second target of a group."""
        cfg = self.settings
        out: list[Pair] = []
        for p in primary:
            i = p.source
            if p.method in (Method.EXACT, Method.TERM) or p.review:
                continue  # an exact copy of one clause covers no other
            first_len = max(len(self.texts[p.target]), 1)
            if len(norm[i]) < cfg.merge_length * first_len:
                continue
            taken = {self.groups[p.target]}
            for j in ranked(sim[i])[: cfg.candidates + 1]:
                j = int(j)
                if self.groups[j] in taken or sim[i, j] < cfg.accept / 2:
                    continue
                if self.covers(src_bigrams[i], j):
                    out.append(Pair(i, j, float(sim[i, j]), Method.MERGE))
                    taken.add(self.groups[j])
        return out

    def _splits(
        self, best: Sequence[Pair | None], sim: np.ndarray, src_bigrams: Sequence[frozenset[str]]
    ) -> list[Pair]:
        """Split pass: an unmatched source that is a piece of its neighbour's target (several
        rows, one clause)."""
        out: list[Pair] = []
        for i, p in enumerate(best):
            if p is not None:
                continue
            for n in (i - 1, i + 1):
                q = best[n] if 0 <= n < len(best) else None
                if q is None or q.review or q.method is Method.TERM:
                    continue
                if self.is_piece(src_bigrams[i], q.target):
                    out.append(Pair(i, q.target, float(sim[i, q.target]), Method.SPLIT))
                    break
        return out

    def _combined(
        self,
        sim: np.ndarray,
        norm: Sequence[str],
        info: Sequence[SourceInfo],
        exact: set[int],
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Text cosine + vocabulary hits + defined-term match, then the order prior; also
        which targets each row's caption names (one of their words is in it)."""
        assert self.info is not None and self._words is not None
        cfg = self.settings
        # a 号's caption is its article's: it says less about the 号 than the 号's own words
        # exact rows keep their exact pair whatever the words say: score only the rest
        rest = [i for i in range(len(norm)) if i not in exact]
        vocab = np.zeros_like(sim)
        named = np.zeros_like(sim, dtype=bool)
        if rest:
            captions = [normalize(info[i].label) for i in rest]
            named[rest] = self._words.named(captions)
            vocab[rest] = self._words.scores(
                [norm[i] for i in rest],
                captions,
                [cfg.item_caption_factor if info[i].item else cfg.label_factor for i in rest],
                [normalize(info[i].term) for i in rest],
                cfg.label_factor,
            )
        score = sim + cfg.vocabulary_weight * vocab
        term_hit = np.zeros_like(sim, dtype=bool)
        defines_any, parts, parents = self._defines_any, self._parts, self._parents
        live = np.ones(len(norm), dtype=bool)
        live[list(exact)] = False
        item = live & np.array([s.item for s in info], dtype=bool)
        defining_rows = live & np.array([bool(s.term) for s in info], dtype=bool)
        capped: list[int] = []
        for i in np.flatnonzero(live).tolist():
            s = info[i]
            caption = normalize(s.label.split(" ")[0]) if s.label else ""
            # the caption names the clause (its heading or a caption real texts use for it);
            # a 号 under the caption of a parent clause belongs to one of its children
            own, below = self._words.headed(caption)
            score[i, own] += cfg.caption_bonus
            if s.item:
                score[i, below] += cfg.caption_bonus
            if s.term:
                hits = self._words.defined(s.term)
                if hits:
                    term_hit[i, hits] = True
                else:
                    # a term the guideline does not define (「課等」): at most 要確認
                    capped.append(i)
        # the factors, row group by row group (a survey scores ~100,000 rows)
        factor = np.ones_like(score)
        factor[np.ix_(item, parents)] *= cfg.parent_item
        prose = live & np.array([s.prose for s in info], dtype=bool)
        factor[np.ix_(prose, self._children)] *= cfg.prose_child
        row_parts = np.array([s.part for s in info])
        for part in set(row_parts[live]) - {""}:
            # a clause of the other document (基本方針 vs 対策基準)
            other = (parts != part) & (parts != "")
            factor[np.ix_(live & (row_parts == part), other)] *= cfg.other_part
        # a provision that defines nothing is rarely a definition clause; a definition row
        # is about a term: clauses that define nothing rarely fit, and never confidently
        # (issue #21: 「電磁的記録媒体 …をいう」 claimed as a removed clause on floppy disks)
        factor[np.ix_(live & ~defining_rows, defines_any)] *= cfg.undefined_row
        factor[np.ix_(defining_rows, ~defines_any)] *= cfg.definition_penalty
        score *= factor
        score = self._order_prior(score + cfg.term_bonus * term_hit, exact)
        for i in np.flatnonzero(defining_rows).tolist():
            row = score[i]
            row[~defines_any] = np.minimum(row[~defines_any], cfg.accept_combined - 0.01)
        for i in capped:
            # a term the guideline does not define: 要確認 at most, and only when the
            # explanation itself reads like a clause; otherwise a local provision (「課等」)
            ceiling = cfg.accept_combined if sim[i].max() >= cfg.review_text else cfg.review
            score[i] = np.minimum(score[i], ceiling - 0.01)
        return score, term_hit, named

    def _order_prior(self, score: np.ndarray, exact: set[int]) -> np.ndarray:
        """Policies follow the guideline's order: a row between two confidently matched
        rows most likely matches a clause between theirs (a monotone alignment prior)."""
        assert self.info is not None
        cfg = self.settings
        if len(score) < 3:
            return score
        pos = self._positions
        best = score.argmax(axis=1)
        top = score[np.arange(len(score)), best]
        anchors = [i for i in range(len(score)) if i in exact or top[i] >= cfg.order_anchor]
        if len(anchors) < 2:
            return score
        # per row between two anchors: the positions between its anchors' clauses
        at = np.searchsorted(np.array(anchors), np.arange(len(score)))  # first anchor ≥ row
        rows = np.flatnonzero((at > 0) & (at < len(anchors)))
        rows = rows[~np.isin(rows, anchors)]
        prev = np.array(anchors)[at[rows] - 1]
        nxt = np.array(anchors)[at[rows]]
        a, b = pos[best[prev]], pos[best[nxt]]
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        keep = hi - lo <= 40  # the neighbours jump: no ordering to lean on
        rows, lo, hi = rows[keep], lo[keep], hi[keep]
        out = score.copy()
        window = (pos >= (lo - cfg.order_slack)[:, None]) & (pos <= (hi + cfg.order_slack)[:, None])
        out[rows] += cfg.order_bonus * window
        return out


@dataclass(frozen=True, eq=False)
class Alignment:
    """The pairs found, ordered by source then target, and the full similarity matrix
    (sources × targets) for callers that weigh alternatives (old vs new wordings)."""

    pairs: tuple[Pair, ...]
    similarity: np.ndarray
    source_bigrams: tuple[frozenset[str], ...] = ()  # of the normalised sources
    # sources × targets: the source's caption names the target (one of its words is in
    # it); None without context (TargetInfo/SourceInfo)
    named: np.ndarray | None = None

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


class Matching:
    """One edition's clauses (sources) paired with the previous edition's (the index's
    targets), pass by pass: each target continues in one source, except that a target split
    in pieces continues in each piece and a source may take in further targets (a merge).

    The caller's own passes (same number, same heading…) :meth:`claim` pairs first, the
    general ones follow — :meth:`exact_pass`, :meth:`best_pass`, :meth:`merge_pass` — each
    leaving alone the sources already paired or :meth:`settle`-d.

    >>> index = Index(["サーバは管理区域に置く。", "職員はパスワードを他人に教えてはならない。"])
    >>> m = Matching(index, ["職員は、パスワードを他人に教えてはならない。", "サーバは管理区域に置く。"])
    >>> [(p.source, p.target, p.method.value) for p in m.exact_pass() + m.best_pass()[0]]
    [(1, 0, 'exact'), (0, 1, 'similarity')]
    """

    def __init__(self, index: Index, sources: Sequence[str]):
        self.index = index
        self.sources = [normalize(s) for s in sources]
        self.similarity = index.similarity(self.sources)
        self._bigrams = [bigrams(s) for s in self.sources]
        self._targets: dict[int, list[int]] = {i: [] for i in range(len(self.sources))}
        self._sources: dict[int, list[int]] = {}
        self._settled: set[int] = set()

    def score(self, source: int, target: int) -> float:
        return float(self.similarity[source, target])

    def targets_of(self, source: int) -> tuple[int, ...]:
        """The targets the source continues, in the order claimed."""
        return tuple(self._targets[source])

    def is_free(self, target: int) -> bool:
        """No source continues the target yet."""
        return target not in self._sources

    def is_settled(self, source: int) -> bool:
        """The source is paired, or decided to continue nothing."""
        return source in self._settled

    def claim(self, source: int, target: int) -> None:
        """Pair ``source`` with ``target`` and settle the source."""
        self._targets[source].append(target)
        self._sources.setdefault(target, []).append(source)
        self._settled.add(source)

    def settle(self, source: int) -> None:
        """Decide that ``source`` continues nothing (new in its edition)."""
        self._settled.add(source)

    def rival(self, source: int, target: int) -> float:
        """The source's best similarity with a free target other than ``target``."""
        free = np.ones(len(self.index), dtype=bool)
        free[list(self._sources)] = False
        others = np.where(free, self.similarity[source], 0.0)
        others[target] = 0.0
        return float(others.max())

    def exact_pass(self) -> list[Pair]:
        """Unsettled sources whose text is exactly a free target's (renumbered, unchanged)."""
        out = []
        for i, text in enumerate(self.sources):
            j = self.index.exact(text)
            if not self.is_settled(i) and j is not None and self.is_free(j):
                self.claim(i, j)
                out.append(Pair(i, j, 1.0, Method.EXACT))
        return out

    def best_pass(self) -> tuple[list[Pair], list[int]]:
        """Each unsettled source, strongest first, with its most similar target from
        ``settings.link_maybe``: when free; else as a further piece of it (a split) when sure
        and inside it; else the next free target from ``link_maybe``. Pairs below
        ``settings.link_sure`` are marked ``review``. Returns the pairs and the sources left
        unpaired although close to a target (one already continued elsewhere)."""
        cfg = self.index.settings
        pairs: list[Pair] = []
        declined: list[int] = []
        rest = [i for i in range(len(self.sources)) if not self.is_settled(i)]
        rest.sort(key=lambda i: -float(self.similarity[i].max()))
        for i in rest:
            order = [int(j) for j in ranked(self.similarity[i])]
            best = order[0]
            score = self.score(i, best)
            if score < cfg.link_maybe:
                continue  # nothing close: new
            if self.is_free(best):
                pair = Pair(i, best, score, Method.SIMILARITY, review=score < cfg.link_sure)
            elif score >= cfg.link_sure and self.index.is_piece(self._bigrams[i], best):
                pair = Pair(i, best, score, Method.SPLIT)
            else:
                free = next(
                    (
                        j
                        for j in order[1:]
                        if self.is_free(j) and self.score(i, j) >= cfg.link_maybe
                    ),
                    None,
                )
                if free is None:
                    declined.append(i)
                    continue
                s = self.score(i, free)
                pair = Pair(i, free, s, Method.SIMILARITY, review=s < cfg.link_sure)
            self.claim(i, pair.target)
            pairs.append(pair)
        return pairs, declined

    def merge_pass(self) -> list[Pair]:
        """Each free target wholly inside a paired source, the most similar one from
        ``settings.link_maybe``: that source takes it in (a merge)."""
        cfg = self.index.settings
        out = []
        for j in range(len(self.index)):
            if not self.is_free(j):
                continue
            column = self.similarity[:, j]
            for i in ranked(column):
                i = int(i)
                if column[i] < cfg.link_maybe:
                    break
                if self._targets[i] and self.index.covers(self._bigrams[i], j):
                    self.claim(i, j)
                    out.append(Pair(i, j, float(column[i]), Method.MERGE))
                    break
        return out


__all__ = [
    "TERM_RE",
    "Alignment",
    "Index",
    "Matching",
    "Method",
    "Pair",
    "Settings",
    "SourceInfo",
    "TargetInfo",
    "bigrams",
    "containment",
    "ranked",
    "shared_terms",
]
