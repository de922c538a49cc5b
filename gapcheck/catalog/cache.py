"""The loaded catalog and what is built from it, kept on disk between commands (issue #21).

Reading nine editions of YAML and fitting the wording index take ≈0.5 s of every command; a
pickle of both loads in ≈0.05 s. The file is named by a SHA-256 of everything it depends on —
the Python version, gapcheck's own source files, the catalog folders and every catalog file's
bytes — so an edited catalog, a user's new edition or a new gapcheck version is never served
stale: it is simply another file. A damaged or unreadable cache is ignored and rebuilt; a cache folder that
cannot be written leaves the command as fast as before, no slower.

The folder is the platform's user cache (``~/.cache/gapcheck`` on Linux); ``GAPCHECK_CACHE``
names another folder, or ``off`` turns the cache off. Like any cache of Python objects it
trusts that folder as much as the user's own files.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import sys
import tempfile
import weakref
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from gapcheck.catalog.model import Catalog

__all__ = ["CACHE_ENV", "cached_catalog", "extra", "remember"]

CACHE_ENV = "GAPCHECK_CACHE"
_EXTRAS: weakref.WeakKeyDictionary[Catalog, dict[str, Any]] = weakref.WeakKeyDictionary()
_FILES: weakref.WeakKeyDictionary[Catalog, Path] = weakref.WeakKeyDictionary()
_PACKAGE = Path(__file__).resolve().parent.parent
_MAX_BYTES = 20_000_000  # the loader's own limit for one catalog file


def _folder() -> Path | None:
    setting = os.environ.get(CACHE_ENV, "")
    if setting.lower() in ("off", "0", "no", "false"):
        return None
    if setting:
        return Path(setting)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("gapcheck", appauthor=False))


def _digest(roots: Iterable[Path]) -> str:
    h = hashlib.sha256(sys.version.encode())
    for path in sorted(_PACKAGE.rglob("*.py")):
        h.update(str(path.relative_to(_PACKAGE)).encode() + b"\0" + path.read_bytes())
    for root in roots:
        # the folder itself too: a catalog names its files (Edition.path, clause sources)
        h.update(str(Path(root).resolve()).encode() + b"\0")
        for path in sorted(Path(root).rglob("*.yaml")):
            # only regular files of a sane size are read here (a /dev/zero or a FIFO in a
            # user's folder is the loader's to refuse with a message): else no cache
            st = path.stat()
            if not stat.S_ISREG(st.st_mode) or st.st_size > _MAX_BYTES:
                raise OSError(f"{path}: not a regular catalog file")
            h.update(f"{path.relative_to(root)}".encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def _save(path: Path, catalog: Catalog, extras: dict[str, Any]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".catalog-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump((catalog, extras), fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except OSError:
        pass  # a read-only or full cache folder: the next command builds again


def cached_catalog(roots: list[Path], build: Callable[[], Catalog]) -> Catalog:
    """The catalog of ``roots`` from the disk cache, or ``build()`` and cache it.

    Errors in the catalog are raised by ``build`` as ever: only a catalog that loaded is
    cached, and a changed file means another cache file, so it is read (and checked) again.
    """
    folder = _folder()
    if folder is None:
        return build()
    try:
        path = folder / f"catalog-{_digest(roots)[:32]}.pickle"
    except OSError:
        return build()
    if path.is_file():
        try:
            with path.open("rb") as fh:
                catalog, extras = pickle.load(fh)
            if isinstance(catalog, Catalog) and isinstance(extras, dict):
                _EXTRAS[catalog], _FILES[catalog] = extras, path
                return catalog
        except Exception:
            pass
    catalog = build()
    _EXTRAS[catalog], _FILES[catalog] = {}, path
    _save(path, catalog, {})
    return catalog


def extra(catalog: Catalog, name: str) -> Any:
    """What was built from ``catalog`` and cached under ``name`` (``None`` if nothing)."""
    return _EXTRAS.get(catalog, {}).get(name)


def remember(catalog: Catalog, name: str, value: Any) -> None:
    """Keep ``value`` with ``catalog`` in its cache file (for the next command)."""
    extras = _EXTRAS.setdefault(catalog, {})
    extras[name] = value
    path = _FILES.get(catalog)
    if path is not None:
        _save(path, catalog, extras)
