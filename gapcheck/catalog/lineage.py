"""Lineage: how keys continue from one edition to the next, one helper for every reader.

The diff walks the editions between two it compares; the audit walks the whole catalog to
find which clauses of its target continue a key that was split or merged away.
"""

from __future__ import annotations

from typing import NamedTuple

from gapcheck.catalog.model import ChangeKind, Edition


class History(NamedTuple):
    editions: tuple[str, ...]
    note: str
    estimate: bool


class Lineage:
    """Split / merge links and change records of a run of editions: the diff's (OLD, NEW],
    or the whole catalog for the audit's successors."""

    def __init__(self, between: tuple[Edition, ...]):
        self.between = between
        self.forward: dict[str, set[str]] = {}
        self.backward: dict[str, set[str]] = {}
        self.created: dict[str, ChangeKind] = {}
        for ed in between:
            for c in ed:
                if c.change is None:
                    continue
                if c.change.sources:
                    self.created[c.key] = c.change.kind
                for s in c.change.sources:
                    self.forward.setdefault(s, set()).add(c.key)
                    self.backward.setdefault(c.key, set()).add(s)

    def _walk(self, key: str, links: dict[str, set[str]]) -> set[str]:
        out: set[str] = set()
        todo = [key]
        while todo:
            for nxt in links.get(todo.pop(), ()):
                if nxt not in out:
                    out.add(nxt)
                    todo.append(nxt)
        return out

    def recorded(self, key: str, kind: ChangeKind) -> bool:
        """Whether an edition in (OLD, NEW] records a change of ``kind`` for ``key``."""
        return any(
            (c := ed.get(key)) is not None and c.change is not None and c.change.kind is kind
            for ed in self.between
        )

    def descendants(self, key: str) -> set[str]:
        return self._walk(key, self.forward)

    def ancestors(self, key: str) -> set[str]:
        return self._walk(key, self.backward)

    def successors(self, key: str, target: Edition) -> set[str]:
        """The keys of ``target`` that continue ``key`` (through splits and merges)."""
        return {k for k in self.descendants(key) if k in target}

    def history(self, keys: set[str], numbering: bool = False) -> History:
        """Editions in which any of ``keys`` changed, their notes joined with " / ", and
        whether any of those change records is our estimate.

        Renumbering counts only when ``numbering`` is set.
        """
        editions: list[str] = []
        notes: list[str] = []
        estimate = False
        for ed in self.between:
            hit = False
            for c in ed:
                if c.key in keys and c.change is not None:
                    if c.change.kind is ChangeKind.RENUMBERED and not numbering:
                        continue
                    hit = True
                    notes.append(c.change.note)
                    estimate |= c.change.basis.estimate
            for r in ed.removed:
                if r.key in keys:
                    hit = True
                    notes.append(r.note)
                    estimate |= r.basis.estimate
            if hit:
                editions.append(ed.id)
        return History(tuple(editions), " / ".join(dict.fromkeys(n for n in notes if n)), estimate)


__all__ = [
    "History",
    "Lineage",
]
