"""The catalog's side files: ``vocabulary.yaml``, ``conditions.yaml``, ``elements.yaml`` and
``glossary.yaml``, each read and checked against the editions it refers to."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gapcheck.catalog.model import ClauseElements, Edition, Element, ElementChange, Term
from gapcheck.catalog.yamlfile import EDITION_ID_RE, LINE, read_yaml, text_field
from gapcheck.errors import CatalogError

__all__ = [
    "check_glossary_used",
    "load_conditions",
    "load_elements",
    "load_glossary",
    "load_vocabulary",
]

# --- vocabulary --------------------------------------------------------------------------


def load_vocabulary(files: list[Path], editions: list[Edition]) -> dict[str, tuple[str, ...]]:
    """``key: [word, …]`` per clause; a later file adds to an earlier one's words."""
    keys = {c.key for ed in editions for c in ed}
    out: dict[str, tuple[str, ...]] = {}
    for path in files:
        raw = read_yaml(path)
        if raw is None:
            continue
        if not isinstance(raw, dict):
            raise CatalogError("語彙は「条項キー: [語, 語, …]」の形にしてください。", path)
        for key, words in raw.items():
            if key == LINE:
                continue
            if key not in keys:
                continue  # a word list for an edition this catalog does not hold
            words = _word_list(words, f"語彙 '{key}' ", path)
            out[key] = tuple(dict.fromkeys((*out.get(key, ()), *words)))
    return out


# --- conditions --------------------------------------------------------------------------


def load_conditions(files: list[Path]) -> dict[str, str]:
    """``key: 画面転送方式を採る場合`` for clauses that apply only when a feature is used."""
    out: dict[str, str] = {}
    for path in files:
        raw = read_yaml(path)
        if raw is None:
            continue
        if not isinstance(raw, dict):
            raise CatalogError("条件は「条項キー: 適用される場合」の形にしてください。", path)
        for key, condition in raw.items():
            if key == LINE:
                continue
            if not isinstance(condition, str) or not condition.strip() or len(condition) > 40:
                raise CatalogError(
                    f"条件 '{key}' は「…場合」の短い語句（40 字以内）にしてください。", path
                )
            out[str(key)] = condition.strip()
    return out


# --- elements ----------------------------------------------------------------------------


def load_elements(files: list[Path], editions: list[Edition]) -> dict[str, ClauseElements]:
    """``key: {require: [...], changed: [...]}``: the named elements statuses are argued
    from (issue #21). A later file replaces an earlier one's entry for the same key."""
    keys = {c.key for ed in editions for c in ed}
    ids = {ed.id for ed in editions}
    out: dict[str, ClauseElements] = {}
    for path in files:
        raw = read_yaml(path)
        if raw is None:
            continue
        if not isinstance(raw, dict):
            raise CatalogError(
                "要素は「条項キー: {require: [...], changed: [...]}」の形にしてください。", path
            )
        for key, entry in raw.items():
            if key == LINE:
                continue
            line = entry.get(LINE) if isinstance(entry, dict) else None
            if not isinstance(entry, dict) or not set(entry) - {LINE} <= {"require", "changed"}:
                raise CatalogError(
                    f"要素 '{key}' には require と changed だけを書いてください。", path, line
                )
            if key not in keys:
                continue  # elements of an edition this catalog does not hold
            require = tuple(
                _element(key, item, ids, path) for item in _items(entry, "require", key, path)
            )
            changed = tuple(
                _element_change(key, item, ids, path)
                for item in _items(entry, "changed", key, path)
            )
            out[str(key)] = ClauseElements(
                require=tuple(e for e in require if e is not None),
                changed=tuple(c for c in changed if c is not None),
            )
    return out


def _items(entry: dict[str, Any], name: str, key: str, path: Path) -> list[dict[str, Any]]:
    items = entry.get(name) or []
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise CatalogError(
            f"要素 '{key}' の {name} は項目の並び（- name: …）にしてください。", path
        )
    return items


_WORD_MAX = 30


def _word_list(value: Any, who: str, path: Path, line: int | None = None) -> tuple[str, ...]:
    """A list of words (vocabulary, element spellings): never sentences."""
    if not isinstance(value, list) or not all(isinstance(w, (str, int)) for w in value):
        raise CatalogError(f"{who}は語の並び（[語, 語]）にしてください。", path, line)
    words = tuple(str(w).strip() for w in value if str(w).strip())
    if any(len(w) > _WORD_MAX or "。" in w for w in words):
        raise CatalogError(
            f"{who}に文が含まれています。語（{_WORD_MAX} 字以内、句点なし）だけを書いてください。",
            path,
            line,
        )
    return words


def _spellings(
    item: dict[str, Any], name: str, key: str, path: Path, *, required: bool
) -> tuple[str, ...]:
    words = _word_list(item.get(name) or [], f"要素 '{key}' の {name} ", path, item.get(LINE))
    if required and not words:
        raise CatalogError(
            f"要素 '{key}' の {name} に語を一つ以上書いてください。", path, item.get(LINE)
        )
    return words


def _edition_ref(item: dict[str, Any], name: str, key: str, path: Path) -> str | None:
    value = item.get(name)
    if value is None:
        return None
    value = str(value)
    if not EDITION_ID_RE.match(value):
        raise CatalogError(
            f"要素 '{key}' の {name} は版の ID（例: 2024-10）にしてください。",
            path,
            item.get(LINE),
        )
    return value


def _element(key: str, item: dict[str, Any], ids: set[str], path: Path) -> Element | None:
    name = text_field(item, "name", path, required=True)
    since = _edition_ref(item, "since", key, path)
    if since is not None and since not in ids:
        return None  # required from an edition this catalog does not hold
    return Element(
        name=name,
        spellings=_spellings(item, "any", key, path, required=True),
        since=since,
        estimate=bool(item.get("estimate", False)),
        provision=_only_in(item, key, path),
    )


def _only_in(item: dict[str, Any], key: str, path: Path) -> bool:
    """``only_in: provision``: the element counts only in the matched provision itself."""
    value = item.get("only_in")
    if value is None:
        return False
    if value != "provision":
        raise CatalogError(
            f"要素 '{key}' の only_in に書けるのは provision だけです"
            "（その規定自体に書かれていることが必要な要素）。",
            path,
            item.get(LINE),
        )
    return True


def _element_change(
    key: str, item: dict[str, Any], ids: set[str], path: Path
) -> ElementChange | None:
    edition = _edition_ref(item, "in", key, path)
    if edition is None:
        raise CatalogError(
            f"要素 '{key}' の changed には in（変えた版の ID）が必要です。", path, item.get(LINE)
        )
    if edition not in ids:
        return None
    return ElementChange(
        edition=edition,
        old=text_field(item, "old", path, required=True),
        old_spellings=_spellings(item, "old_any", key, path, required=True),
        new=text_field(item, "new", path) or "",
        new_spellings=_spellings(item, "new_any", key, path, required=False),
        estimate=bool(item.get("estimate", False)),
    )


# --- glossary ----------------------------------------------------------------------------


def load_glossary(files: list[Path]) -> dict[str, tuple[Term, str]]:
    terms: dict[str, tuple[Term, str]] = {}
    for path in files:
        raw = read_yaml(path)
        if not isinstance(raw, list):
            raise CatalogError("用語集は - term: … / plain: … の並びにしてください。", path)
        for item in raw:
            if not isinstance(item, dict):
                raise CatalogError("用語集の各項目には term と plain が必要です。", path)
            term = text_field(item, "term", path, required=True)
            plain = text_field(item, "plain", path, required=True)
            aliases = tuple(str(a) for a in item.get("aliases") or [])
            terms[term] = (Term(term=term, plain=plain, aliases=aliases), f"{path}:{item[LINE]}")
    return terms


def check_glossary_used(glossary: dict[str, tuple[Term, str]], editions: list[Edition]) -> None:
    corpus = "\n".join(
        f"{c.part.value}\n{c.text}\n{c.plain}\n{' '.join(c.headings)}"
        for ed in editions
        for c in ed
    )
    for term, where in glossary.values():
        if not any(name in corpus for name in (term.term, *term.aliases)):
            path, line = where.rsplit(":", 1)
            raise CatalogError(
                f"用語 '{term.term}' はどの版の条項にも使われていません。用語集から外すか、"
                "aliases に条項中の表記を加えてください。",
                path,
                int(line),
            )
