"""Load and validate the guideline catalog.

Layout (see ``guideline_versions/README.md``)::

    guideline_versions/
      glossary.yaml
      2025-03/edition.yaml    # id, label, date, previous, summary, notes, removed
      2025-03/clauses.yaml    # clauses in document order

The catalog in use is the bundled one overlaid by a user folder of the same layout
(``--guidelines DIR`` or ``GAPCHECK_GUIDELINES``): its editions are added to, or replace,
the bundled ones. Every problem is reported as a :class:`CatalogError` naming file and line.
"""

from __future__ import annotations

import functools
import importlib.resources
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from gapcheck.catalog.cache import cached_catalog
from gapcheck.catalog.editions import check_lineage, load_edition
from gapcheck.catalog.model import Catalog
from gapcheck.catalog.sidefiles import (
    check_glossary_used,
    load_conditions,
    load_elements,
    load_glossary,
    load_vocabulary,
)
from gapcheck.catalog.yamlfile import EDITION_ID_RE
from gapcheck.errors import CatalogError, Hint

__all__ = ["ENV_VAR", "bundled_dir", "load_cached", "load_catalog", "load_catalog_from"]

ENV_VAR = "GAPCHECK_GUIDELINES"


def bundled_dir() -> Path:
    """The folder of the catalog shipped inside the package."""
    return Path(str(importlib.resources.files("gapcheck._editions")))


def load_catalog(extra: str | os.PathLike[str] | None = None) -> Catalog:
    """Load the bundled catalog, overlaid by ``extra`` (or ``$GAPCHECK_GUIDELINES``).

    >>> catalog = load_catalog()
    >>> catalog.latest.id
    '2025-03'
    """
    if extra is None:
        extra = os.environ.get(ENV_VAR) or None
    folder = str(Path(extra).resolve()) if extra else None
    return load_cached(folder, _signature(folder))


def _signature(folder: str | None) -> tuple[tuple[str, int, int], ...]:
    """What the user's folder holds now, so that an edited folder is read again."""
    if folder is None or not Path(folder).is_dir():
        return ()
    return tuple(
        (str(p), p.stat().st_mtime_ns, p.stat().st_size)
        for p in sorted(Path(folder).rglob("*.yaml"))
    )


@functools.lru_cache(maxsize=8)
def load_cached(extra: str | None, signature: tuple[tuple[str, int, int], ...]) -> Catalog:
    roots = [bundled_dir()]
    if extra:
        root = Path(extra)
        if not root.is_dir():
            raise CatalogError("版のフォルダが見つかりません。", path=root, hint=Hint.GUIDELINES)
        roots.append(root)
    return cached_catalog(roots, lambda: load_catalog_from(roots))


def load_catalog_from(roots: Iterable[Path]) -> Catalog:
    """Load and validate the catalog made of ``roots``, later roots overriding earlier ones."""
    edition_dirs: dict[str, Path] = {}
    glossary_files: list[Path] = []
    vocabulary_files: list[Path] = []
    condition_files: list[Path] = []
    element_files: list[Path] = []
    for root in roots:
        for child in sorted(root.iterdir()):
            if child.is_dir() and EDITION_ID_RE.match(child.name):
                edition_dirs[child.name] = child
        if (root / "glossary.yaml").is_file():
            glossary_files.append(root / "glossary.yaml")
        if (root / "vocabulary.yaml").is_file():
            vocabulary_files.append(root / "vocabulary.yaml")
        if (root / "conditions.yaml").is_file():
            condition_files.append(root / "conditions.yaml")
        if (root / "elements.yaml").is_file():
            element_files.append(root / "elements.yaml")
    if not edition_dirs:
        raise CatalogError("版が一つもありません（YYYY-MM という名前のフォルダが必要です）。")
    editions = [_guarded(load_edition, edition_dirs[i]) for i in sorted(edition_dirs)]
    check_lineage(editions)
    glossary = _guarded(load_glossary, glossary_files)
    check_glossary_used(glossary, editions)
    return Catalog(
        editions=tuple(editions),
        glossary=tuple(t for t, _ in glossary.values()),
        vocabulary=_guarded(load_vocabulary, vocabulary_files, editions),
        conditions=_guarded(load_conditions, condition_files),
        elements=_guarded(load_elements, element_files, editions),
    )


_T = TypeVar("_T")


def _guarded(load: Callable[..., _T], where: Path | list[Path], *args: Any) -> _T:
    """``load(where, *args)`` with a value of an unexpected shape that the field checks did
    not anticipate (a number where a list belongs, a list where a text belongs) reported as a
    CatalogError naming the file, never a traceback: a user's folder given through
    ``GAPCHECK_GUIDELINES`` or ``--guidelines`` must not break every command."""
    try:
        return load(where, *args)
    except CatalogError:
        raise
    except (TypeError, ValueError, AttributeError, KeyError, IndexError) as exc:
        files = [where] if isinstance(where, Path) else where
        one = files[0] if len(files) == 1 else None
        names = "" if one else "、".join(str(f) for f in files) + " に"
        raise CatalogError(
            f"{names}想定と違う形の値があります（文の所に数や一覧、一覧の所に文など）。"
            "直前に書き換えた項目を、同じファイルのほかの項目と同じ形に直してください。",
            path=one,
        ) from exc
