"""One edition's files (``edition.yaml``, ``clauses.yaml``) checked alone, and the lineage
of keys checked across editions."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from gapcheck.catalog.model import (
    CLAUSE_CHANGE_KINDS,
    NEW_KEY_KINDS,
    Change,
    ChangeKind,
    Clause,
    Depth,
    Edition,
    Layout,
    Level,
    Part,
    Removal,
    Topic,
)
from gapcheck.catalog.yamlfile import (
    EDITION_ID_RE,
    KEY_RE,
    LINE,
    read_basis,
    read_yaml,
    text_field,
    text_list,
)
from gapcheck.errors import CatalogError
from gapcheck.text.numbering import ClauseNumber, is_valid

__all__ = ["check_lineage", "load_edition"]


def load_edition(folder: Path) -> Edition:
    """Read ``folder/edition.yaml`` and ``folder/clauses.yaml`` and check them alone."""
    meta_path = folder / "edition.yaml"
    meta = read_yaml(meta_path)
    if not isinstance(meta, dict):
        raise CatalogError(
            "版の情報（id, label, date, previous, summary）を書いてください。", meta_path
        )
    line = meta.get(LINE)
    edition_id = text_field(meta, "id", meta_path, required=True)
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
    entries = meta.get("removed") or []
    if not isinstance(entries, list):
        raise CatalogError(
            "removed は「- key: …」で始まる項目の並びにしてください。", meta_path, line
        )
    for entry in entries:
        if not isinstance(entry, dict) or not entry.get("key") or not entry.get("note"):
            raise CatalogError(
                "removed の各項目には key と note（削除の理由）が必要です。",
                meta_path,
                entry.get(LINE, line) if isinstance(entry, dict) else line,
            )
        removed.append(
            Removal(
                key=str(entry["key"]),
                note=str(entry["note"]).strip(),
                basis=read_basis(entry, f"removed の '{entry['key']}'", meta_path, entry.get(LINE)),
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
        label=text_field(meta, "label", meta_path, required=True),
        date=str(meta.get("date") or edition_id),
        previous=previous,
        summary=text_field(meta, "summary", meta_path, required=True),
        clauses=tuple(clauses),
        removed=tuple(removed),
        notes=text_list(meta, "notes", meta_path),
        path=str(folder),
        published=published,
        ordinal=ordinal,
        drivers=text_list(meta, "drivers", meta_path),
        public_comment=text_field(meta, "public_comment", meta_path) or None,
        depth=depth,
        **_dating(meta.get("dating"), meta_path, line),
    )


def _pattern(item: dict[str, Any], name: str, path: Path, *, required: bool = True) -> str:
    value = item.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise CatalogError(f"dating の項目に {name} が必要です。", path, item.get(LINE))
        return ""
    try:
        re.compile(str(value))
    except re.error as exc:
        raise CatalogError(
            f"dating の {name} '{value}' は正規表現として読めません（{exc}）。",
            path,
            item.get(LINE),
        ) from None
    return str(value)


def _dating(raw: Any, path: Path, line: int | None) -> dict[str, Any]:
    """``dating: {topics: [{pattern, what}], layouts: [{entry, parent, what, exclude}]}``."""
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not set(raw) - {LINE} <= {"topics", "layouts"}:
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
                what=text_field(t, "what", path, required=True),
                exclude=_pattern(t, "exclude", path, required=False),
            )
            for t in topics
        ),
        "layouts": tuple(
            Layout(
                entry=_pattern(t, "entry", path),
                parent=_pattern(t, "parent", path),
                what=text_field(t, "what", path, required=True),
                exclude=_pattern(t, "exclude", path, required=False),
            )
            for t in layouts
        ),
    }


def _clause(item: Any, path: Path) -> Clause:
    if not isinstance(item, dict):
        raise CatalogError("各条項は key: … で始まる項目にしてください。", path)
    line = item[LINE]
    key = text_field(item, "key", path, required=True)
    if not KEY_RE.match(key):
        raise CatalogError(
            f"キー '{key}' は英小文字・数字・ピリオド・ハイフンで書いてください（例: human.id.password）。",
            path,
            line,
        )
    number = text_field(item, "number", path, required=True)
    if not is_valid(number):
        raise CatalogError(
            f"条項 '{key}' の項番 '{number}' の形式が正しくありません（例: 6.4.(1)①, 2.(3), 1）。",
            path,
            line,
        )
    part_text = text_field(item, "part", path, required=True)
    try:
        part = Part(part_text)
    except ValueError:
        raise CatalogError(
            f"条項 '{key}' の part '{part_text}' は 基本方針 か 対策基準 にしてください。",
            path,
            line,
        ) from None
    level_text = text_field(item, "level", path, required=True)
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
        text=text_field(item, "text", path, required=True),
        level=level,
        needs_procedure=needs,
        plain=text_field(item, "plain", path, required=True),
        change=_change(item.get("change"), key, path, line),
        source=f"{path}:{line}",
        basis=read_basis(item, f"条項 '{key}' ", path, line),
    )


def _change(raw: Any, key: str, path: Path, line: int) -> Change | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise CatalogError(
            f"条項 '{key}' の change は kind: と note: を持つ項目にしてください。", path, line
        )
    line = raw.get(LINE, line)
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
        basis=read_basis(
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
