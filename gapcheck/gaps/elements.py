"""Statuses argued from named elements, not from word distance (issue #21, docs/domain.md §8).

A clause the body has is 一部不足 only where a named, checkable element of it (who, what, how
often, which system) is absent from the body's matched provisions and the provisions around
them; 旧版のまま only where the body's provision holds an element an edition changed
(「機密性2以上」 where the edition says 「自治体機密性2以上」) or removed. A different wording of
the same content is 対応済み. The elements are data (``guideline_versions/elements.yaml``,
:class:`gapcheck.catalog.model.ClauseElements`), so an imported edition can add its own.

Where no element is on record, a near-copy of a wording (a body that copied the 例文, checked
against an imported edition) still shows what it lacks or keeps: the words that differ between
the wordings are named (:func:`wording_changes`, :func:`wording_gaps`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from gapcheck.catalog.model import Catalog, Clause, ClauseElements, Edition, Level, parent_key
from gapcheck.text.normalize import normalize

__all__ = [
    "ElementFinding",
    "check_elements",
    "check_level",
    "has_elements",
    "kept_until",
    "wording_changes",
    "wording_gaps",
]

ABSENT = "absent"
OLD = "old"
# At most this many words are named when wordings are compared (a list longer than that
# says "rewritten", not "this element").
_NAMED_WORDS = 2


@dataclass(frozen=True)
class ElementFinding:
    """One named reason for a 一部不足 or 旧版のまま status.

    ``kind`` is ``absent`` (the clause's ``element`` is not in the body's provisions) or
    ``old`` (the body holds ``element``, which ``edition`` replaced by ``new``, or removed
    when ``new`` is empty). ``estimate``: the change itself is the catalog's estimate.
    ``source``: ``catalog`` (elements.yaml) or ``wording`` (words of two wordings compared).
    """

    kind: str
    element: str
    new: str = ""
    edition: str = ""
    edition_label: str = ""
    estimate: bool = False
    source: str = "catalog"

    @property
    def text(self) -> str:
        """What the report prints: 「不足: 多要素認証」, 「旧版の要素: 機密性3 → 令和6年10月版から 自治体機密性3A…」."""
        mark = "（推定）" if self.estimate else ""
        if self.kind == ABSENT:
            return f"不足: {self.element}{mark}"
        if not self.element:
            return f"未反映: {self.edition_label}で加わった「{self.new}」{mark}"
        if not self.new:
            return f"旧版の要素: {self.element}（{self.edition_label}で削除）{mark}"
        return f"旧版の要素: {self.element} → {self.edition_label}から「{self.new}」{mark}"

    @property
    def sentence(self) -> str:
        """The same in a sentence for the summary (no final 。)."""
        mark = "（推定）" if self.estimate else ""
        if self.kind == ABSENT:
            return f"「{self.element}」に当たる定めが見当たりません{mark}"
        if not self.element:
            return f"{self.edition_label}で加わった「{self.new}」がありません{mark}"
        if not self.new:
            return f"{self.edition_label}で削除された「{self.element}」が残っています{mark}"
        return f"「{self.element}」のままで、{self.edition_label}からの「{self.new}」になっていません{mark}"

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "element": self.element,
            "new": self.new,
            "edition": self.edition,
            "estimate": self.estimate,
            "source": self.source,
            "text": self.text,
        }


@functools.lru_cache(maxsize=4)
def _compiled(catalog: Catalog) -> dict[str, ClauseElements]:
    """The catalog's elements with their spellings normalised once per catalog."""

    def norm(words: Sequence[str]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(n for n in (normalize(w) for w in words) if n))

    return {
        key: ClauseElements(
            require=tuple(replace(e, spellings=norm(e.spellings)) for e in ce.require),
            changed=tuple(
                replace(c, old_spellings=norm(c.old_spellings), new_spellings=norm(c.new_spellings))
                for c in ce.changed
            ),
        )
        for key, ce in catalog.elements.items()
    }


def kept_until(catalog: Catalog, findings: Sequence[ElementFinding]) -> str | None:
    """The newest edition whose content the body keeps, by its old elements: the edition
    before the earliest change they show (``None`` without one)."""
    changes = [f.edition for f in findings if f.kind == OLD and f.edition in catalog.ids]
    if not changes:
        return None
    return catalog.edition(min(changes, key=catalog.ids.index)).previous


def check_elements(
    catalog: Catalog, key: str, target: Edition, held: str, around: str | Callable[[], str]
) -> tuple[tuple[ElementFinding, ...], str | None]:
    """The named findings for clause ``key`` of ``target``, and the newest edition whose
    content an old element shows the body keeps (``None`` without one).

    ``held`` is the normalised text of the provisions matched to the clause, ``around`` the
    same plus their neighbours (or a function giving it, called only when needed): an old
    element must be in the provision itself, a required element may be anywhere around it.

    >>> from gapcheck import load_catalog
    >>> cat = load_catalog()
    >>> found, _ = check_elements(cat, "basic.scope.assets", cat.latest, "", "電磁的記録媒体と仕様書")
    >>> [f.text for f in found]
    ['不足: 印刷した文書']
    """
    entry = _compiled(catalog).get(key)
    # a duty the edition removed, kept in this clause's provision (フルチェック beside the
    # other duties of its parent): the removed clause's entry, for the clauses it stood among
    removed = _removed_beside(catalog, target.id).get(parent_key(key), ())
    if entry is None and not removed:
        return (), None
    ids = catalog.ids
    at = ids.index(target.id)
    out: list[ElementFinding] = []
    for c in (*(entry.changed if entry else ()), *(c for r in removed for c in r.changed)):
        pos = ids.index(c.edition)
        if pos > at or pos == 0 or any(w in held for w in c.new_spellings):
            continue
        if any(w in held for w in c.old_spellings):
            label = catalog.edition(c.edition).label
            out.append(ElementFinding(OLD, c.old, c.new, c.edition, label, c.estimate))
    for e in entry.require if entry else ():
        if e.since is not None and ids.index(e.since) > at:
            continue
        if any(w in held for w in e.spellings):
            continue
        if e.provision:
            out.append(ElementFinding(ABSENT, e.name, estimate=e.estimate))
            continue
        if callable(around):
            around = around()
        if not any(w in around for w in e.spellings):
            out.append(ElementFinding(ABSENT, e.name, estimate=e.estimate))
    return tuple(out), kept_until(catalog, out)


@functools.lru_cache(maxsize=16)
def _removed_beside(catalog: Catalog, target_id: str) -> dict[str, tuple[ClauseElements, ...]]:
    """Per parent key, the compiled entries of clauses removed by ``target_id`` (or
    before) that stood under that parent."""
    present = {c.key for c in catalog.edition(target_id)}
    out: dict[str, list[ClauseElements]] = {}
    for key, entry in _compiled(catalog).items():
        if key not in present and entry.changed:
            out.setdefault(parent_key(key), []).append(entry)
    return {k: tuple(v) for k, v in out.items()}


_DUTY_RE = re.compile(r"しなければならな|してはならな|(?<!努める)ものとする|させなければ")
_SOFT_RE = re.compile(r"望ましい|努め|努力")


@functools.lru_cache(maxsize=4)
def _hardened(catalog: Catalog) -> dict[str, tuple[str, bool]]:
    """Clauses an edition turned from a recommendation into a duty: key → (that edition,
    whether the record of the change is an estimate)."""
    out: dict[str, tuple[str, bool]] = {}
    level: dict[str, Level] = {}
    for ed in catalog.editions:
        for c in ed:
            before = level.get(c.key)
            if before is Level.RECOMMENDATION and c.level is Level.DUTY:
                out[c.key] = (ed.id, c.change is None or c.change.basis.estimate)
            level[c.key] = c.level
    return out


def check_level(
    catalog: Catalog, clause: Clause, target: Edition, held: str
) -> ElementFinding | None:
    """A provision that still only recommends (「努める」「望ましい」) what an edition made a duty
    (issue #21): the named change is the level itself.

    >>> from gapcheck import load_catalog
    >>> cat = load_catalog()
    >>> clause = cat.latest.get("asset.manage.transmission")
    >>> check_level(cat, clause, cat.latest, "機密性2以上の情報の送信には暗号化に努める。").text
    '旧版の要素: 努力義務（努める・望ましい） → 令和4年3月版から「義務（しなければならない）」（推定）'
    """
    change = _hardened(catalog).get(clause.key)
    if change is None or clause.level is not Level.DUTY:
        return None
    edition, estimate = change
    ids = catalog.ids
    if ids.index(edition) > ids.index(target.id):
        return None
    if not _SOFT_RE.search(held) or _DUTY_RE.search(held):
        return None
    label = catalog.edition(edition).label
    return ElementFinding(
        OLD, "努力義務（努める・望ましい）", "義務（しなければならない）", edition, label, estimate
    )


def has_elements(catalog: Catalog, key: str, target: Edition, text: str) -> bool:
    """Whether clause ``key`` has named elements (required by ``target``) and ``text``
    (normalised) holds every one of them: positive evidence that a provision covers it.

    >>> from gapcheck import load_catalog
    >>> cat = load_catalog()
    >>> has_elements(cat, "ops.law.compliance.copyright", cat.latest, "地方公務員法、著作権法")
    True
    """
    entry = _compiled(catalog).get(key)
    if entry is None:
        return False
    ids = catalog.ids
    at = ids.index(target.id)
    required = [e for e in entry.require if e.since is None or ids.index(e.since) <= at]
    return bool(required) and all(any(w in text for w in e.spellings) for e in required)


_PHRASE_RE = re.compile(r"[^、。,，]+")
_PHRASE_MAX = 32


def _phrases(text: str) -> list[str]:
    return [p.strip() for p in _PHRASE_RE.findall(text) if len(p.strip()) >= 2]


def _short(phrase: str) -> str:
    return phrase if len(phrase) <= _PHRASE_MAX else phrase[: _PHRASE_MAX - 1] + "…"


def _pieces(a: str, b: str) -> tuple[list[str], list[str]]:
    """The phrases (between 、 and 。) of ``a`` that ``b`` does not have, and of ``b`` that
    ``a`` does not have, in document order: what a revision removed and added, in words a
    person can read."""
    a_norm, b_norm = normalize(a), normalize(b)
    removed = [p for p in _phrases(a) if normalize(p) not in b_norm]
    added = [p for p in _phrases(b) if normalize(p) not in a_norm]
    return removed, added


def wording_changes(
    old: str, current: str, held: str, edition: str, label: str
) -> tuple[ElementFinding, ...]:
    """What a near-copy of an older wording keeps or lacks: the passages of ``old`` that
    ``current`` replaced and the row (``held``, normalised) still has, and the passages
    ``current`` added that the row lacks. Empty when no such passage is found.

    >>> [f.text for f in wording_changes("機密性2以上の情報", "自治体機密性2以上の情報", "機密性2以上の情報", "2024-10", "令和6年10月版")]
    ['未反映: 令和6年10月版で加わった「自治体機密性2以上の情報」']
    """
    removed, added = _pieces(old, current)
    kept = [_short(p) for p in removed if normalize(p) in held]
    lacking = [_short(p) for p in added if normalize(p) not in held]
    if not kept and not lacking:
        return ()
    return (
        ElementFinding(
            OLD,
            "」「".join(kept[:_NAMED_WORDS]),
            "」「".join(lacking[:_NAMED_WORDS]),
            edition,
            label,
            source="wording",
        ),
    )


def wording_gaps(current: str, held: str) -> tuple[ElementFinding, ...]:
    """The phrases of ``current`` a near-copy of it (``held``, normalised) leaves out.

    >>> [f.text for f in wording_gaps("年1回以上、監査を実施する。", "監査を実施する。")]
    ['不足: 年1回以上']
    """
    missing = [_short(p) for p in _phrases(current) if normalize(p) not in held]
    return tuple(ElementFinding(ABSENT, p, source="wording") for p in missing[:_NAMED_WORDS])
