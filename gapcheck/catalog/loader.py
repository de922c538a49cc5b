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
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from gapcheck.catalog.cache import cached_catalog
from gapcheck.catalog.model import (
    CLAUSE_CHANGE_KINDS,
    ESTIMATE,
    NEW_KEY_KINDS,
    Basis,
    Catalog,
    Change,
    ChangeKind,
    Clause,
    ClauseElements,
    Depth,
    Edition,
    Element,
    ElementChange,
    Layout,
    Level,
    Part,
    Removal,
    SourceKind,
    Term,
    Topic,
)
from gapcheck.errors import CatalogError, GapcheckError, Hint
from gapcheck.io import read_bytes_capped
from gapcheck.text.numbering import ClauseNumber, is_valid

ENV_VAR = "GAPCHECK_GUIDELINES"
EDITION_ID_RE = re.compile(r"^(19|20)\d\d-(0[1-9]|1[0-2])$")
KEY_RE = re.compile(r"^[a-z][a-z0-9]*(?:[.-][a-z0-9]+)*$")
_LINE = "__line__"

try:  # the C parser is ~5x faster; line marks work the same
    _BaseLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _BaseLoader = yaml.SafeLoader


class _LineLoader(_BaseLoader):
    """Safe loader that records each mapping's 1-based line under ``__line__``."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping = super().construct_mapping(node, deep=deep)
        mapping[_LINE] = node.start_mark.line + 1
        return mapping


def bundled_dir() -> Path:
    """The folder of the catalog shipped inside the package."""
    return Path(str(importlib.resources.files("gapcheck._editions")))


MAX_YAML_BYTES = 20_000_000  # the whole bundled catalog is under 2 MB


def read_yaml(path: Path) -> Any:
    """Parse one catalog file, turning syntax errors into a message with the line.

    Only a regular file of at most 20 MB is read (``/dev/zero`` or a FIFO is refused before
    it is opened). Anchors and aliases are allowed (PyYAML writes them for repeated lists) but
    what they expand to is counted first: an alias bomb would turn a few KB into gigabytes.
    """
    path = Path(path)
    try:
        data = read_bytes_capped(path, MAX_YAML_BYTES, "YAML ファイル")
    except FileNotFoundError as exc:
        raise CatalogError("ファイルがありません。", path=path) from exc
    except GapcheckError as exc:
        raise CatalogError(str(exc).removeprefix(f"{path}: "), path=path) from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CatalogError("UTF-8 で保存してください。", path=path) from exc
    try:
        if "&" in text:  # an alias needs an anchor; without one it is a syntax error below
            _check_expansion(text, path)
        return yaml.load(text, Loader=_LineLoader)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise CatalogError(f"YAML の書式が正しくありません（{exc.problem}）。", path, line) from exc
    except yaml.YAMLError as exc:
        raise CatalogError(f"YAML の書式が正しくありません（{exc}）。", path=path) from exc
    except RecursionError as exc:
        raise CatalogError("YAML の入れ子が深すぎます。", path=path) from exc


MAX_YAML_NODES = 2_000_000  # the whole bundled catalog expands to well under 200,000 nodes


def _check_expansion(text: str, path: Path) -> None:
    """Refuse a document whose aliases expand beyond :data:`MAX_YAML_NODES` nodes. The node
    graph is composed once (an alias is a shared node, nothing is copied) and sizes are
    counted per node, so a bomb is found in time linear in the text."""
    root = yaml.compose(text, Loader=_BaseLoader)
    sizes: dict[int, int] = {}

    def size(node: yaml.Node) -> int:
        known = sizes.get(id(node))
        if known is not None:
            return known
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(child) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        sizes[id(node)] = min(total, MAX_YAML_NODES + 1)
        return sizes[id(node)]

    if root is not None and size(root) > MAX_YAML_NODES:
        raise CatalogError(
            f"YAML のエイリアス（*）を展開すると上限（{MAX_YAML_NODES:,} 要素）を超えます。"
            "エイリアスを使わず、必要な内容をそのまま書いてください。",
            path,
        )


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
    editions = [load_edition(edition_dirs[i]) for i in sorted(edition_dirs)]
    check_lineage(editions)
    glossary = _load_glossary(glossary_files)
    _check_glossary_used(glossary, editions)
    return Catalog(
        editions=tuple(editions),
        glossary=tuple(t for t, _ in glossary.values()),
        vocabulary=_load_vocabulary(vocabulary_files, editions),
        conditions=_load_conditions(condition_files),
        elements=_load_elements(element_files, editions),
    )


# --- one edition -------------------------------------------------------------------------


def load_edition(folder: Path) -> Edition:
    """Read ``folder/edition.yaml`` and ``folder/clauses.yaml`` and check them alone."""
    meta_path = folder / "edition.yaml"
    meta = read_yaml(meta_path)
    if not isinstance(meta, dict):
        raise CatalogError(
            "版の情報（id, label, date, previous, summary）を書いてください。", meta_path
        )
    line = meta.get(_LINE)
    edition_id = _str(meta, "id", meta_path, required=True)
    if edition_id != folder.name:
        raise CatalogError(
            f"id '{edition_id}' がフォルダ名 '{folder.name}' と一致しません。", meta_path, line
        )
    previous = meta.get("previous")
    if previous is not None and not (isinstance(previous, str) and EDITION_ID_RE.match(previous)):
        raise CatalogError(
            f"previous '{previous}' は YYYY-MM 形式の版 id にしてください。", meta_path, line
        )
    removed = []
    for entry in meta.get("removed") or []:
        if not isinstance(entry, dict) or not entry.get("key") or not entry.get("note"):
            raise CatalogError(
                "removed の各項目には key と note（削除の理由）が必要です。",
                meta_path,
                entry.get(_LINE, line) if isinstance(entry, dict) else line,
            )
        removed.append(
            Removal(
                key=str(entry["key"]),
                note=str(entry["note"]).strip(),
                basis=_basis(entry, f"removed の '{entry['key']}'", meta_path, entry.get(_LINE)),
            )
        )

    clauses_path = folder / "clauses.yaml"
    raw = read_yaml(clauses_path)
    if not isinstance(raw, list) or not raw:
        raise CatalogError("条項の一覧（- key: … の並び）が空です。", clauses_path)
    clauses = [_clause(item, clauses_path) for item in raw]
    _check_edition(clauses, clauses_path)
    published = meta.get("published")
    if published is not None:
        published = str(published)  # YAML reads 2025-03-28 as a date
        if not re.fullmatch(rf"{edition_id}-(0[1-9]|[12]\d|3[01])", published):
            raise CatalogError(
                f"published '{published}' は {edition_id}-DD の形（公表日）にしてください。",
                meta_path,
                line,
            )
    ordinal = meta.get("ordinal")
    if ordinal is not None and (not isinstance(ordinal, int) or ordinal < 1):
        raise CatalogError(
            f"ordinal '{ordinal}' は第何版かを表す正の整数にしてください。", meta_path, line
        )
    try:
        depth = Depth(meta.get("depth") or "full")
    except ValueError:
        raise CatalogError(
            f"depth '{meta.get('depth')}' は full か outline にしてください。", meta_path, line
        ) from None
    return Edition(
        id=edition_id,
        label=_str(meta, "label", meta_path, required=True),
        date=str(meta.get("date") or edition_id),
        previous=previous,
        summary=_str(meta, "summary", meta_path, required=True),
        clauses=tuple(clauses),
        removed=tuple(removed),
        notes=tuple(str(n).strip() for n in meta.get("notes") or []),
        path=str(folder),
        published=published,
        ordinal=ordinal,
        drivers=tuple(str(d).strip() for d in meta.get("drivers") or []),
        public_comment=_str(meta, "public_comment", meta_path) or None,
        depth=depth,
        **_dating(meta.get("dating"), meta_path, line),
    )


def _pattern(item: dict[str, Any], name: str, path: Path, *, required: bool = True) -> str:
    value = item.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise CatalogError(f"dating の項目に {name} が必要です。", path, item.get(_LINE))
        return ""
    try:
        re.compile(str(value))
    except re.error as exc:
        raise CatalogError(
            f"dating の {name} '{value}' は正規表現として読めません（{exc}）。",
            path,
            item.get(_LINE),
        ) from None
    return str(value)


def _dating(raw: Any, path: Path, line: int | None) -> dict[str, Any]:
    """``dating: {topics: [{pattern, what}], layouts: [{entry, parent, what, exclude}]}``."""
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not set(raw) - {_LINE} <= {"topics", "layouts"}:
        raise CatalogError("dating には topics と layouts だけを書いてください。", path, line)
    topics, layouts = raw.get("topics") or [], raw.get("layouts") or []
    if not all(isinstance(t, dict) for t in [*topics, *layouts]):
        raise CatalogError(
            "dating の各項目は pattern: … / what: … の形にしてください。", path, line
        )
    return {
        "topics": tuple(
            Topic(
                pattern=_pattern(t, "pattern", path),
                what=_str(t, "what", path, required=True),
                exclude=_pattern(t, "exclude", path, required=False),
            )
            for t in topics
        ),
        "layouts": tuple(
            Layout(
                entry=_pattern(t, "entry", path),
                parent=_pattern(t, "parent", path),
                what=_str(t, "what", path, required=True),
                exclude=_pattern(t, "exclude", path, required=False),
            )
            for t in layouts
        ),
    }


def _basis(item: dict[str, Any], who: str, path: Path, line: int | None) -> Basis:
    """``basis: estimate``, or ``basis: source`` with ``sources: [summary, reiki, …]``.

    A missing basis is read as an estimate: the conservative claim (the bundled catalog
    states every basis explicitly; a test checks it)."""
    raw = item.get("basis")
    kinds = " / ".join(k.value for k in SourceKind)
    if raw is None or raw == "estimate":
        if item.get("sources"):
            raise CatalogError(
                f"{who}は basis: estimate なので sources は書けません（出典があるなら basis: source）。",
                path,
                line,
            )
        return ESTIMATE
    if raw != "source":
        raise CatalogError(
            f"{who}の basis '{raw}' は source（公的な資料に基づく）か estimate（推定）にしてください。",
            path,
            line,
        )
    sources = item.get("sources") or []
    if isinstance(sources, str):
        sources = [sources]
    try:
        parsed = tuple(SourceKind(s) for s in sources)
    except ValueError:
        parsed = ()
    if not parsed:
        raise CatalogError(
            f"{who}は basis: source なので、sources に資料の種類（{kinds}）を書いてください。",
            path,
            line,
        )
    return Basis(tuple(dict.fromkeys(parsed)))


def _str(mapping: dict[str, Any], name: str, path: Path, required: bool = False) -> str:
    value = mapping.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            key = mapping.get("key")
            who = f"条項 '{key}' の " if key else ""
            raise CatalogError(f"{who}{name} が空です。", path, mapping.get(_LINE))
        return ""
    return str(value).strip()


def _clause(item: Any, path: Path) -> Clause:
    if not isinstance(item, dict):
        raise CatalogError("各条項は key: … で始まる項目にしてください。", path)
    line = item[_LINE]
    key = _str(item, "key", path, required=True)
    if not KEY_RE.match(key):
        raise CatalogError(
            f"キー '{key}' は英小文字・数字・ピリオド・ハイフンで書いてください（例: human.id.password）。",
            path,
            line,
        )
    number = _str(item, "number", path, required=True)
    if not is_valid(number):
        raise CatalogError(
            f"条項 '{key}' の項番 '{number}' の形式が正しくありません（例: 6.4.(1)①, 2.(3), 1）。",
            path,
            line,
        )
    part_text = _str(item, "part", path, required=True)
    try:
        part = Part(part_text)
    except ValueError:
        raise CatalogError(
            f"条項 '{key}' の part '{part_text}' は 基本方針 か 対策基準 にしてください。",
            path,
            line,
        ) from None
    level_text = _str(item, "level", path, required=True)
    try:
        level = Level(level_text)
    except ValueError:
        raise CatalogError(
            f"条項 '{key}' の level '{level_text}' は duty / recommendation / permission の"
            "いずれかにしてください。",
            path,
            line,
        ) from None
    headings = item.get("headings") or []
    if not isinstance(headings, list) or not all(isinstance(h, str) and h for h in headings):
        raise CatalogError(f"条項 '{key}' の headings は見出しの並びにしてください。", path, line)
    needs = item.get("needs_procedure", False)
    if not isinstance(needs, bool):
        raise CatalogError(
            f"条項 '{key}' の needs_procedure は true か false にしてください。", path, line
        )
    return Clause(
        key=key,
        number=number,
        part=part,
        headings=tuple(headings),
        text=_str(item, "text", path, required=True),
        level=level,
        needs_procedure=needs,
        plain=_str(item, "plain", path, required=True),
        change=_change(item.get("change"), key, path, line),
        source=f"{path}:{line}",
        basis=_basis(item, f"条項 '{key}' ", path, line),
    )


def _change(raw: Any, key: str, path: Path, line: int) -> Change | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise CatalogError(
            f"条項 '{key}' の change は kind: と note: を持つ項目にしてください。", path, line
        )
    line = raw.get(_LINE, line)
    try:
        kind = ChangeKind(raw.get("kind"))
    except ValueError:
        kind = None
    if kind not in CLAUSE_CHANGE_KINDS:
        allowed = " / ".join(k.value for k in ChangeKind if k in CLAUSE_CHANGE_KINDS)
        raise CatalogError(
            f"条項 '{key}' の change.kind '{raw.get('kind')}' は {allowed} のいずれかにしてください"
            "（削除は edition.yaml の removed に書きます）。",
            path,
            line,
        )
    sources = raw.get("from") or []
    if isinstance(sources, str):
        sources = [sources]
    if kind in (ChangeKind.SPLIT, ChangeKind.MERGED) and not sources:
        raise CatalogError(
            f"条項 '{key}' は {kind.value} なので、元の条項キーを from: に書いてください。",
            path,
            line,
        )
    note = str(raw.get("note") or "").strip()
    if kind is not ChangeKind.RENUMBERED and not note:
        raise CatalogError(f"条項 '{key}' の change.note（改定の理由）が空です。", path, line)
    old = raw.get("old_number")
    return Change(
        kind=kind,
        note=note,
        sources=tuple(str(s) for s in sources),
        old_number=str(old) if old is not None else None,
        basis=_basis(
            {"basis": raw.get("basis"), "sources": raw.get("sources")},
            f"条項 '{key}' の change ",
            path,
            line,
        ),
    )


def _check_edition(clauses: list[Clause], path: Path) -> None:
    seen: dict[str, Clause] = {}
    numbers: dict[tuple[Part, str], Clause] = {}
    previous: Clause | None = None
    for clause in clauses:
        line = _line(clause)
        if clause.key in seen:
            raise CatalogError(
                f"条項キー '{clause.key}' が重複しています（最初は {_line(seen[clause.key])} 行目）。"
                "キーは版の中で一意にしてください。",
                path,
                line,
            )
        seen[clause.key] = clause
        slot = (clause.part, clause.number)
        if slot in numbers:
            raise CatalogError(
                f"項番 {clause.part.value} {clause.number} が重複しています"
                f"（'{numbers[slot].key}' と '{clause.key}'）。",
                path,
                line,
            )
        numbers[slot] = clause
        if previous is not None and _order(clause) <= _order(previous):
            raise CatalogError(
                f"条項 '{clause.key}'（{clause.number}）が文書の順序になっていません"
                f"（直前は {previous.number}）。項番の順に並べてください。",
                path,
                line,
            )
        previous = clause


def _order(clause: Clause) -> tuple[int, ClauseNumber]:
    return (list(Part).index(clause.part), ClauseNumber.parse(clause.number))


def _line(clause: Clause) -> int:
    return int(clause.source.rsplit(":", 1)[1])


# --- across editions ---------------------------------------------------------------------


def check_lineage(editions: list[Edition]) -> None:
    """Check that every key's history is explicit from one edition to the next.

    A key that disappears must be listed in ``removed`` or be the ``from`` of a split or
    merge; a new key must say how it came (added / split / merged); a removed key is never
    reused; a renumbering records the old number; the change kinds agree with the texts.
    """
    retired: dict[str, str] = {}  # key -> edition that retired it
    prev: Edition | None = None
    for ed in editions:
        meta = Path(ed.path) / "edition.yaml"
        clauses_path = Path(ed.path) / "clauses.yaml"
        expected_prev = prev.id if prev else None
        if prev is not None and ed.previous != expected_prev:
            raise CatalogError(
                f"previous は直前の版 '{expected_prev}' にしてください（現在: '{ed.previous}'）。",
                meta,
            )
        for clause in ed:
            if clause.key in retired:
                raise CatalogError(
                    f"条項キー '{clause.key}' は {retired[clause.key]} で削除・統合・分割された"
                    "キーです。再利用せず新しいキーを付けてください。",
                    clauses_path,
                    _line(clause),
                )
        if prev is None:
            for clause in ed:
                if clause.change and clause.change.kind is not ChangeKind.ADDED:
                    raise CatalogError(
                        f"最初の版の条項 '{clause.key}' に付けられる change は added だけです。",
                        clauses_path,
                        _line(clause),
                    )
            if ed.removed:
                raise CatalogError("最初の版には removed を書けません。", meta)
            prev = ed
            continue
        ended: dict[str, str] = {}
        for clause in ed:
            _check_clause_lineage(clause, prev, ed, clauses_path, ended)
        for removal in ed.removed:
            if removal.key not in prev:
                raise CatalogError(
                    f"removed の '{removal.key}' は前の版 {prev.id} にない条項キーです。", meta
                )
            if removal.key in ed:
                raise CatalogError(f"removed の '{removal.key}' はこの版にもまだあります。", meta)
            ended[removal.key] = "removed"
        for clause in prev:
            if clause.key not in ed and clause.key not in ended:
                raise CatalogError(
                    f"前の版 {prev.id} の条項 '{clause.key}'（{clause.number}）がこの版にありません。"
                    "edition.yaml の removed に理由付きで書くか、分割・統合先の change.from に"
                    "含めてください。",
                    meta,
                )
        for key in ended:
            retired[key] = ed.id
        prev = ed


def _check_clause_lineage(
    clause: Clause, prev: Edition, ed: Edition, path: Path, ended: dict[str, str]
) -> None:
    line = _line(clause)
    change = clause.change
    old = prev.get(clause.key)
    where = f"条項 '{clause.key}'（{clause.number}）"
    if old is None:
        if change is None and prev.depth is Depth.OUTLINE:
            return  # below the depth recorded for the older edition: no history before this
        if change is None or change.kind not in NEW_KEY_KINDS:
            raise CatalogError(
                f"{where}は前の版 {prev.id} にない新しいキーです。change.kind を added / split /"
                " merged のいずれかにしてください。",
                path,
                line,
            )
    elif change is not None and change.kind in NEW_KEY_KINDS:
        raise CatalogError(
            f"{where}は前の版 {prev.id} にもあるので change.kind '{change.kind.value}' は使えません。",
            path,
            line,
        )
    if change is not None:
        for source in change.sources:
            if source not in prev:
                raise CatalogError(
                    f"{where}の change.from '{source}' は前の版 {prev.id} にない条項キーです。",
                    path,
                    line,
                )
            if source in ed:
                raise CatalogError(
                    f"{where}の change.from '{source}' はこの版にも残っています。分割・統合の元の"
                    "キーはこの版で終わらせてください。",
                    path,
                    line,
                )
            ended[source] = change.kind.value
    if old is None:
        return
    if old.number != clause.number:
        if change is None or change.old_number != old.number:
            raise CatalogError(
                f"{where}は前の版 {prev.id} では {old.number} でした。change に"
                f" old_number: '{old.number}' を書いてください（番号だけの変更なら kind: renumbered）。",
                path,
                line,
            )
    elif change is not None and change.old_number is not None:
        raise CatalogError(
            f"{where}の番号は前の版から変わっていないので old_number は不要です。", path, line
        )
    same_content = old.text == clause.text and old.level == clause.level
    if change is None and not same_content:
        raise CatalogError(
            f"{where}の内容が前の版 {prev.id} から変わっています。change に kind: modified と"
            " note（改定の理由）を書いてください。",
            path,
            line,
        )
    if change is not None and change.kind is ChangeKind.RENUMBERED and not same_content:
        raise CatalogError(
            f"{where}は renumbered ですが内容も変わっています。kind: modified にしてください。",
            path,
            line,
        )
    if change is not None and change.kind is ChangeKind.MODIFIED and same_content:
        raise CatalogError(
            f"{where}は modified ですが本文も level も前の版 {prev.id} と同じです。", path, line
        )


# --- vocabulary --------------------------------------------------------------------------


def _load_vocabulary(files: list[Path], editions: list[Edition]) -> dict[str, tuple[str, ...]]:
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
            if key == _LINE:
                continue
            if key not in keys:
                continue  # a word list for an edition this catalog does not hold
            words = _word_list(words, f"語彙 '{key}' ", path)
            out[key] = tuple(dict.fromkeys((*out.get(key, ()), *words)))
    return out


# --- conditions --------------------------------------------------------------------------


def _load_conditions(files: list[Path]) -> dict[str, str]:
    """``key: 画面転送方式を採る場合`` for clauses that apply only when a feature is used."""
    out: dict[str, str] = {}
    for path in files:
        raw = read_yaml(path)
        if raw is None:
            continue
        if not isinstance(raw, dict):
            raise CatalogError("条件は「条項キー: 適用される場合」の形にしてください。", path)
        for key, condition in raw.items():
            if key == _LINE:
                continue
            if not isinstance(condition, str) or not condition.strip() or len(condition) > 40:
                raise CatalogError(
                    f"条件 '{key}' は「…場合」の短い語句（40 字以内）にしてください。", path
                )
            out[str(key)] = condition.strip()
    return out


# --- elements ----------------------------------------------------------------------------


def _load_elements(files: list[Path], editions: list[Edition]) -> dict[str, ClauseElements]:
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
            if key == _LINE:
                continue
            line = entry.get(_LINE) if isinstance(entry, dict) else None
            if not isinstance(entry, dict) or not set(entry) - {_LINE} <= {"require", "changed"}:
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
    words = _word_list(item.get(name) or [], f"要素 '{key}' の {name} ", path, item.get(_LINE))
    if required and not words:
        raise CatalogError(
            f"要素 '{key}' の {name} に語を一つ以上書いてください。", path, item.get(_LINE)
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
            item.get(_LINE),
        )
    return value


def _element(key: str, item: dict[str, Any], ids: set[str], path: Path) -> Element | None:
    name = _str(item, "name", path, required=True)
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
            item.get(_LINE),
        )
    return True


def _element_change(
    key: str, item: dict[str, Any], ids: set[str], path: Path
) -> ElementChange | None:
    edition = _edition_ref(item, "in", key, path)
    if edition is None:
        raise CatalogError(
            f"要素 '{key}' の changed には in（変えた版の ID）が必要です。", path, item.get(_LINE)
        )
    if edition not in ids:
        return None
    return ElementChange(
        edition=edition,
        old=_str(item, "old", path, required=True),
        old_spellings=_spellings(item, "old_any", key, path, required=True),
        new=_str(item, "new", path) or "",
        new_spellings=_spellings(item, "new_any", key, path, required=False),
        estimate=bool(item.get("estimate", False)),
    )


# --- glossary ----------------------------------------------------------------------------


def _load_glossary(files: list[Path]) -> dict[str, tuple[Term, str]]:
    terms: dict[str, tuple[Term, str]] = {}
    for path in files:
        raw = read_yaml(path)
        if not isinstance(raw, list):
            raise CatalogError("用語集は - term: … / plain: … の並びにしてください。", path)
        for item in raw:
            if not isinstance(item, dict):
                raise CatalogError("用語集の各項目には term と plain が必要です。", path)
            term = _str(item, "term", path, required=True)
            plain = _str(item, "plain", path, required=True)
            aliases = tuple(str(a) for a in item.get("aliases") or [])
            terms[term] = (Term(term=term, plain=plain, aliases=aliases), f"{path}:{item[_LINE]}")
    return terms


def _check_glossary_used(glossary: dict[str, tuple[Term, str]], editions: list[Edition]) -> None:
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
