"""The catalog's data model: editions of the guideline as clauses with stable keys.

Everything here is immutable; the loader (:mod:`gapcheck.catalog.loader`) builds it and checks it.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Iterator
from dataclasses import dataclass, field

from gapcheck.errors import UnknownVersionError
from gapcheck.text.numbering import ClauseNumber


class Part(enum.Enum):
    """The two policy layers the 例文 (第2編) contains."""

    BASIC = "基本方針"
    STANDARDS = "対策基準"


class Level(enum.Enum):
    """Obligation level, read from the modal verb (docs/domain.md §3)."""

    DUTY = "duty"  # 〜しなければならない
    RECOMMENDATION = "recommendation"  # 〜することが望ましい
    PERMISSION = "permission"  # 〜することができる

    @property
    def label(self) -> str:
        return _LEVEL_LABELS[self]

    @property
    def rank(self) -> int:
        """Higher is stronger; a rise between editions is itself a change worth flagging."""
        return {Level.PERMISSION: 1, Level.RECOMMENDATION: 2, Level.DUTY: 3}[self]


_LEVEL_LABELS = {
    Level.DUTY: "義務（しなければならない）",
    Level.RECOMMENDATION: "推奨（望ましい）",
    Level.PERMISSION: "任意（できる）",
}


class ChangeKind(enum.Enum):
    """How a clause came to be as it is in an edition, relative to the previous one."""

    ADDED = "added"
    MODIFIED = "modified"
    RENUMBERED = "renumbered"
    MOVED = "moved"
    SPLIT = "split"
    MERGED = "merged"
    REMOVED = "removed"

    @property
    def label(self) -> str:
        return _CHANGE_LABELS[self]


_CHANGE_LABELS = {
    ChangeKind.ADDED: "追加",
    ChangeKind.MODIFIED: "変更",
    ChangeKind.RENUMBERED: "項番変更",
    ChangeKind.MOVED: "移動",
    ChangeKind.SPLIT: "分割",
    ChangeKind.MERGED: "統合",
    ChangeKind.REMOVED: "削除",
}

# Kinds a clause's ``change`` may carry in a catalog file; removals are listed in edition.yaml.
CLAUSE_CHANGE_KINDS = frozenset(ChangeKind) - {ChangeKind.REMOVED}
# Kinds that create a new key.
NEW_KEY_KINDS = frozenset({ChangeKind.ADDED, ChangeKind.SPLIT, ChangeKind.MERGED})


class SourceKind(enum.Enum):
    """Kinds of public record a catalog fact rests on (guideline_versions/README.md)."""

    SUMMARY = "summary"  # 総務省's own revision summary (改定の概要, 報道資料)
    REIKI = "reiki"  # municipal 例規 that copy the 例文's numbering and headings
    PRESS = "press"  # press and trade coverage of the revision
    DOCUMENT = "document"  # the guideline itself, imported on the user's machine

    @property
    def label(self) -> str:
        return _SOURCE_LABELS[self]


_SOURCE_LABELS = {
    SourceKind.SUMMARY: "総務省の改定概要",
    SourceKind.REIKI: "ガイドラインの例文を写した団体の例規",
    SourceKind.PRESS: "改定の報道",
    SourceKind.DOCUMENT: "ガイドライン本文（取り込み）",
}


@dataclass(frozen=True)
class Basis:
    """Where a catalog entry stands: on public sources (``sources``) or, with none, on our
    own arrangement where the public record is silent (an estimate, shown 「（推定）」)."""

    sources: tuple[SourceKind, ...] = ()

    @property
    def estimate(self) -> bool:
        return not self.sources

    @property
    def label(self) -> str:
        """「推定」 or 「出典: 総務省の改定概要、…」."""
        if self.estimate:
            return "推定"
        return "出典: " + "、".join(s.label for s in self.sources)

    @property
    def mark(self) -> str:
        """What follows an estimated statement in a report: 「（推定）」, else nothing."""
        return "（推定）" if self.estimate else ""

    def to_dict(self) -> dict[str, object]:
        return {
            "basis": "estimate" if self.estimate else "source",
            "sources": [s.value for s in self.sources],
        }


ESTIMATE = Basis()


@dataclass(frozen=True)
class Change:
    """What an edition did to a clause.

    ``sources`` are the previous edition's keys a split or merged clause came from;
    ``old_number`` is the number the clause had in the previous edition, when it changed;
    ``basis`` says whether the change itself is on record or our estimate.
    """

    kind: ChangeKind
    note: str = ""
    sources: tuple[str, ...] = ()
    old_number: str | None = None
    basis: Basis = ESTIMATE


@dataclass(frozen=True)
class Clause:
    """One requirement of one edition.

    ``text`` is our own digest of the requirement (or the verbatim text of an imported
    edition); ``plain`` explains it to an executive; ``headings`` run from the section
    title down to the clause's own heading.
    """

    key: str
    number: str
    part: Part
    headings: tuple[str, ...]
    text: str
    level: Level
    needs_procedure: bool
    plain: str
    change: Change | None = None
    source: str = ""  # "file:line" it was read from, for messages
    basis: Basis = ESTIMATE  # is this clause (its place, number, heading) on record?

    @property
    def section(self) -> str:
        """Section path such as ``6.4`` (or ``2`` for a 基本方針 item)."""
        return ClauseNumber.parse(self.number).section_path

    @property
    def heading(self) -> str:
        return self.headings[-1] if self.headings else ""

    @property
    def display_number(self) -> str:
        """The number with the part, as people cite it: ``対策基準 6.4.(1)①``."""
        return f"{self.part.value} {self.number}"

    def to_dict(self) -> dict[str, object]:
        """The clause as JSON-ready data (the ``gapcheck clauses --json`` contract)."""
        return {
            "key": self.key,
            "number": self.number,
            "part": self.part.value,
            "section": self.section,
            "heading": self.heading,
            "headings": list(self.headings),
            "text": self.text,
            "level": self.level.value,
            "needs_procedure": self.needs_procedure,
            "plain": self.plain,
            **self.basis.to_dict(),
            "change": None
            if self.change is None
            else {
                "kind": self.change.kind.value,
                "note": self.change.note,
                "from": list(self.change.sources),
                "old_number": self.change.old_number,
                **self.change.basis.to_dict(),
            },
        }


@dataclass(frozen=True)
class Removal:
    """A key that an edition dropped without a successor."""

    key: str
    note: str
    basis: Basis = ESTIMATE


class Depth(enum.Enum):
    """How much of an edition the catalog holds.

    ``full``: every item of the 例文, as far as our digest goes. ``outline``: only what the
    public record shows of an old edition (sections and the items its revision named); a key
    the next edition holds and this one lacks has no recorded history before it.
    """

    FULL = "full"
    OUTLINE = "outline"


@dataclass(frozen=True)
class Topic:
    """Words an edition introduced (issue #21): a text holding them follows this edition or a
    later one. ``pattern`` is a regular expression on normalised text (docs/domain.md §7),
    matched sentence by sentence; ``what`` says in plain words what was found."""

    pattern: str
    what: str
    exclude: str = ""  # a sentence matching this does not count (「約款による外部サービス」)


@dataclass(frozen=True)
class Layout:
    """A 目次 layout this edition was the last to use (issue #21): an entry matching
    ``entry`` (and not ``exclude``) whose nearest higher entry matches ``parent`` → the text
    follows this edition or an earlier one."""

    entry: str
    parent: str
    what: str
    exclude: str = ""


@dataclass(frozen=True)
class Edition:
    """One edition of the guideline, its clauses in document order."""

    id: str  # "2025-03"
    label: str  # "令和7年3月版"
    date: str  # "2025-03" (the guideline is cited by month; see edition notes)
    previous: str | None
    summary: str  # plain words: what changed and why
    clauses: tuple[Clause, ...]
    removed: tuple[Removal, ...] = ()
    notes: tuple[str, ...] = ()  # uncertain facts and how we decided
    path: str = ""  # folder it was loaded from
    published: str | None = None  # exact day when on record: "2025-03-28"
    ordinal: int | None = None  # 総務省's own count: 平成30年9月版 is the 第6版
    drivers: tuple[str, ...] = ()  # what the revision answered (政府統一基準の改定, 三層の対策…)
    public_comment: str | None = None  # the public-comment period, where known
    depth: Depth = Depth.FULL
    # what dates a policy text (edition.yaml ``dating``): words this edition introduced, and
    # 目次 layouts it was the last to use (issue #21; the evidence module reads them)
    topics: tuple[Topic, ...] = ()
    layouts: tuple[Layout, ...] = ()

    @functools.cached_property
    def _by_key(self) -> dict[str, Clause]:
        # per instance: a dataclasses.replace copy builds its own from its own clauses
        return {c.key: c for c in self.clauses}

    def __iter__(self) -> Iterator[Clause]:
        return iter(self.clauses)

    def __len__(self) -> int:
        return len(self.clauses)

    def __contains__(self, key: object) -> bool:
        return key in self._by_key

    def get(self, key: str) -> Clause | None:
        return self._by_key.get(key)

    def in_section(self, section: str) -> tuple[Clause, ...]:
        """Clauses whose section path is ``section`` or below it (``6`` holds ``6.4``).

        ``基本方針`` or ``対策基準`` select a whole part.
        """
        for part in Part:
            if section == part.value:
                return tuple(c for c in self.clauses if c.part is part)
        return tuple(
            c
            for c in self.clauses
            if c.part is Part.STANDARDS
            and (c.section == section or c.section.startswith(section + "."))
        )

    def to_dict(self) -> dict[str, object]:
        """Summary as JSON-ready data (the ``gapcheck versions --json`` contract)."""
        return {
            "id": self.id,
            "label": self.label,
            "date": self.date,
            "previous": self.previous,
            "published": self.published,
            "ordinal": self.ordinal,
            "depth": self.depth.value,
            "drivers": list(self.drivers),
            "public_comment": self.public_comment,
            "clauses": len(self.clauses),
            "changed": len(self.changed()),
            "removed": len(self.removed),
            "estimated_clauses": self.estimated_clauses(),
            "estimated_changes": self.estimated_changes(),
            "summary": self.summary,
        }

    def estimated_clauses(self) -> int:
        """Clauses whose place, number and heading are our estimate, not on record."""
        return sum(1 for c in self.clauses if c.basis.estimate)

    def estimated_changes(self) -> int:
        """Of the changes :meth:`changed` counts and the removals, those that are our
        estimates (a renumbering alone is counted in neither)."""
        return sum(1 for c in self.changed() if c.change and c.change.basis.estimate) + sum(
            1 for r in self.removed if r.basis.estimate
        )

    @property
    def cited_label(self) -> str:
        """The label with 総務省's ordinal when on record: 「平成30年9月版（第6版）」."""
        return f"{self.label}（第{self.ordinal}版）" if self.ordinal else self.label

    def changed(self) -> tuple[Clause, ...]:
        """Clauses this edition added or changed (renumbering alone excluded)."""
        return tuple(
            c for c in self.clauses if c.change and c.change.kind is not ChangeKind.RENUMBERED
        )


@dataclass(frozen=True)
class Term:
    """A glossary entry: a term executives stumble on, in one plain line."""

    term: str
    plain: str
    aliases: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {"term": self.term, "plain": self.plain, "aliases": list(self.aliases)}


def parent_key(key: str) -> str:
    """The key of the clause whose list ``key`` is one item of: ``basic.threats`` for
    ``basic.threats.disaster`` (keys name their place: docs in guideline_versions/README.md).

    >>> parent_key("basic.threats.disaster")
    'basic.threats'
    """
    return key.rsplit(".", 1)[0]


@dataclass(frozen=True)
class Element:
    """A named, checkable part of a clause (who, what, how often, which system), issue #21.

    A clause the body has is 一部不足 only when one of its elements is absent from the
    body's provisions: ``name`` is what the report prints, ``spellings`` the words any of
    which shows it is there (matched on normalised text), ``since`` the first edition that
    requires it (``None``: every edition holding the clause); ``estimate``: the public
    record names the edition's addition but not the clause it went into; ``provision``:
    the element is how the provision itself does its duty (多要素認証 of a remote-access
    rule), so it counts only in the matched provision, not in the provisions around it.
    """

    name: str
    spellings: tuple[str, ...]
    since: str | None = None
    estimate: bool = False  # where the element sits in the clause is our estimate
    provision: bool = False  # must be in the matched provision itself


@dataclass(frozen=True)
class ElementChange:
    """An element an edition changed (issue #21): a body whose provision still holds ``old``
    (one of ``old_spellings``) and none of ``new_spellings`` keeps the wording from before
    ``edition``. ``new`` is empty for a removed duty."""

    edition: str
    old: str
    old_spellings: tuple[str, ...]
    new: str = ""
    new_spellings: tuple[str, ...] = ()
    estimate: bool = False


@dataclass(frozen=True)
class ClauseElements:
    """What a status may be argued from, for one clause key (``elements.yaml``)."""

    require: tuple[Element, ...] = ()
    changed: tuple[ElementChange, ...] = ()


@dataclass(frozen=True, eq=False)
class Catalog:
    """All editions known (bundled plus the user's), oldest first, and the glossary.

    Compared and hashed by identity, so derived indexes can be cached per catalog.
    """

    editions: tuple[Edition, ...]
    glossary: tuple[Term, ...] = ()
    # Per clause key, the words real policies use for that clause (captions, role names,
    # objects, old names): words, never sentences. Used by the alignment (issue #11).
    vocabulary: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Per clause key, when the clause applies only to a body using a feature (画面転送方式を
    # 採る場合): such a gap ranks below one every body must close (issue #13).
    conditions: dict[str, str] = field(default_factory=dict)
    # Per clause key, the named elements a status is argued from (issue #21).
    elements: dict[str, ClauseElements] = field(default_factory=dict)

    @property
    def ids(self) -> list[str]:
        return [e.id for e in self.editions]

    @property
    def latest(self) -> Edition:
        return self.editions[-1]

    def edition(self, version: str | Edition) -> Edition:
        """The edition ``version`` (``"2025-03"``); ``"latest"`` is the newest. An
        :class:`Edition` is accepted too and returned as this catalog holds it, so a caller
        resolves an id once and passes the edition on.

        Raises :class:`UnknownVersionError` naming the editions that exist.
        """
        if isinstance(version, Edition):
            version = version.id
        if version == "latest":
            return self.latest
        for e in self.editions:
            if e.id == version:
                return e
        raise UnknownVersionError(version, self.ids)

    def between(self, old: str | Edition, new: str | Edition) -> tuple[Edition, ...]:
        """Editions after ``old`` up to and including ``new``."""
        ids = self.ids
        lo, hi = ids.index(self.edition(old).id), ids.index(self.edition(new).id)
        return self.editions[lo + 1 : hi + 1]


__all__ = [
    "CLAUSE_CHANGE_KINDS",
    "ESTIMATE",
    "NEW_KEY_KINDS",
    "Basis",
    "Catalog",
    "Change",
    "ChangeKind",
    "Clause",
    "ClauseElements",
    "Depth",
    "Edition",
    "Element",
    "ElementChange",
    "Layout",
    "Level",
    "Part",
    "Removal",
    "SourceKind",
    "Term",
    "Topic",
    "parent_key",
]
