"""Every distinct wording of every clause in the catalog, indexed once for alignment: what a
body's text is compared with, and which editions each wording stood in."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace

from gapcheck.align import Index, TargetInfo
from gapcheck.catalog import cache as catalog_cache
from gapcheck.catalog.lineage import Lineage
from gapcheck.catalog.model import NEW_KEY_KINDS, Catalog, Clause, Edition, parent_key

__all__ = [
    "Wording",
    "WordingIndex",
    "cached_successors",
    "is_definition",
    "successors",
    "wording_index",
]


@dataclass(frozen=True)
class Wording:
    """One wording of one clause and the editions (first..last) in which it stood."""

    key: str
    text: str
    first: str
    last: str


@dataclass(frozen=True, eq=False)
class WordingIndex:
    """Every distinct wording in the catalog, fitted once for alignment."""

    catalog: Catalog
    wordings: tuple[Wording, ...]
    index: Index
    by_key: dict[str, tuple[int, ...]]
    added_in: dict[str, str]  # key -> the edition that added it, when that is on record
    ended_in: dict[str, str]  # key -> first edition without it (absent: still present)
    positions: dict[str, int]  # edition id -> its place in the catalog
    # edition id -> key -> index of its wording then, filled on first use (an audit asks
    # for every clause, a survey 1,788 times)
    _current: dict[str, dict[str, int]] = field(default_factory=dict, repr=False)

    def current(self, key: str, edition_id: str) -> int:
        """Index of the wording of ``key`` that stood in ``edition_id``."""
        standing = self._current.get(edition_id)
        if standing is None:
            pos = self.positions
            at = pos[edition_id]
            standing = {
                self.wordings[j].key: j
                for j in range(len(self.wordings))
                if pos[self.wordings[j].first] <= at <= pos[self.wordings[j].last]
            }
            self._current[edition_id] = standing
        return standing[key]


@functools.lru_cache(maxsize=4)
def wording_index(catalog: Catalog) -> WordingIndex:
    """The catalog's wordings, indexed once per catalog (never per row or per policy), and
    kept with the catalog's disk cache for the next command (gapcheck.catalog.cache)."""
    kept = catalog_cache.extra(catalog, "wording_index")
    if isinstance(kept, WordingIndex) and kept.catalog is catalog:
        return kept
    built = _wording_index(catalog)
    catalog_cache.remember(catalog, "wording_index", built)
    return built


def _wording_index(catalog: Catalog) -> WordingIndex:
    open_: dict[str, Wording] = {}
    done: list[Wording] = []
    added_in: dict[str, str] = {}
    ended_in: dict[str, str] = {}
    seen: set[str] = set()
    for ed in catalog.editions:
        present = set()
        for c in ed:
            present.add(c.key)
            if c.key not in seen:
                seen.add(c.key)
                # only a recorded addition dates a text: a key first held by the oldest
                # edition, or by the edition after an outline one, may be older than that
                if c.change and c.change.kind in NEW_KEY_KINDS and not c.change.basis.estimate:
                    added_in[c.key] = ed.id
            w = open_.get(c.key)
            if w is not None and w.text == c.text:
                open_[c.key] = replace(w, last=ed.id)
            else:
                if w is not None:
                    done.append(w)
                open_[c.key] = Wording(c.key, c.text, ed.id, ed.id)
        for key in [k for k in open_ if k not in present]:
            done.append(open_.pop(key))
            ended_in[key] = ed.id
    done.extend(open_.values())
    wordings = tuple(sorted(done, key=lambda w: (w.key, w.first)))
    by_key: dict[str, list[int]] = {}
    for i, w in enumerate(wordings):
        by_key.setdefault(w.key, []).append(i)
    clauses = {c.key: c for ed in catalog.editions for c in ed}  # each key as last seen
    positions = _positions(catalog)
    parents = {parent_key(k) for k in clauses}
    info = [
        replace(
            _target_info(clauses[w.key], catalog, positions),
            parent=w.key in parents,
            child=parent_key(w.key) in clauses,
        )
        for w in wordings
    ]
    index = Index([w.text for w in wordings], groups=[w.key for w in wordings], info=info)
    return WordingIndex(
        catalog=catalog,
        wordings=wordings,
        index=index,
        by_key={k: tuple(v) for k, v in by_key.items()},
        added_in=added_in,
        ended_in=ended_in,
        positions={e: n for n, e in enumerate(catalog.ids)},
    )


def _positions(catalog: Catalog) -> dict[str, float]:
    """Each key's place in document order: its index in the newest edition holding it; a
    removed key sits just after the clause it followed when it was last present."""
    out: dict[str, float] = {}
    for ed in reversed(catalog.editions):
        previous = -1.0
        for c in ed:
            if c.key not in out:
                out[c.key] = previous + 0.5
            previous = out[c.key]
    return out


def is_definition(clause: Clause) -> bool:
    """A clause that defines a term (基本方針 2 定義, 対策基準 1 用語説明)."""
    return len(clause.headings) >= 2 and any(w in clause.headings[-2] for w in ("定義", "用語"))


def _target_info(clause: Clause, catalog: Catalog, positions: dict[str, float]) -> TargetInfo:
    words = catalog.vocabulary.get(clause.key, ())
    heading = clause.heading
    defines: tuple[str, ...] = ()
    if is_definition(clause):
        # the defined term and its spellings (情報システム, 電算システム), not related words
        defines = (heading, *(w for w in words if heading in w or w in heading
                              or (len(w) >= 3 and w[-2:] == heading[-2:])))  # fmt: skip
    return TargetInfo(
        heading=heading,
        words=words,
        defines=defines,
        position=positions[clause.key],
        part=clause.part.value,
        ancestors=clause.headings[:-1],
    )


@functools.lru_cache(maxsize=16)
def cached_successors(catalog: Catalog, edition_id: str) -> dict[str, frozenset[str]]:
    """:func:`successors`, once per catalog and edition (a survey audits 1,788 policies)."""
    return successors(catalog, catalog.edition(edition_id))


def successors(catalog: Catalog, target: Edition) -> dict[str, frozenset[str]]:
    """For keys that were split or merged away, the keys of ``target`` that continue them."""
    lineage = Lineage(catalog.editions)
    return {k: frozenset(lineage.successors(k, target)) for k in lineage.forward}
