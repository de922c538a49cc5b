"""Import a published edition of the guideline (PDF, Word or text) as a catalog edition (issue #5).

A pipeline of stages, each usable alone:

1. :func:`gapcheck.importing.document.read_document` — the files as one stream of lines (PDF via
   pdfplumber with page headers/footers cropped and page numbers such as ``ⅱ- 12`` removed;
   .docx; text).
2. :func:`gapcheck.importing.guideline_parser.parse_guideline` — cover (label, 策定/改定 dates), TOC
   (to check headings), 第2編's 例文 as clauses with catalog numbers, 第3編's commentary.
3. :func:`gapcheck.importing.linking.link_to_base` — keys from the base edition through the alignment
   engine (:class:`gapcheck.align.Index`), with lineage and the links a person should confirm.
4. :func:`import_guideline` (here) — all of it, written as ``edition.yaml`` + ``clauses.yaml``
   into the user's catalog folder, validated by the catalog loader before it is moved in.

:func:`gapcheck.importing.table_check.check_table` compares a 新旧対照表 PDF with the computed diff.

Text is kept verbatim (the import runs on the user's own machine; docs/domain.md §6).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml
from platformdirs import user_data_dir

from gapcheck.catalog.loader import bundled_dir, load_catalog_from
from gapcheck.catalog.model import Catalog, Clause, Edition, Part, SourceKind
from gapcheck.catalog.yamlfile import EDITION_ID_RE, KEY_RE, read_yaml
from gapcheck.diff import diff_editions
from gapcheck.errors import CatalogError, GuidelineImportError, Hint, WarekiError
from gapcheck.importing.document import Progress, read_document
from gapcheck.importing.guideline_parser import Cover, clean_label, parse_guideline
from gapcheck.importing.linking import ADDED, DRAFT, Uncertain, link_to_base
from gapcheck.importing.table_check import TableCheck, check_table
from gapcheck.io import write_atomic
from gapcheck.text.normalize import normalize
from gapcheck.text.wareki import parse_wareki

REVIEW_FILE = "review.yaml"
COMMENTARY_FILE = "commentary.yaml"


def default_catalog_dir() -> Path:
    """The per-user folder that imported editions go to when ``--guidelines`` is not given:
    the platform's user data folder (platformdirs) + ``gapcheck/editions``.

    Linux: ``$XDG_DATA_HOME/gapcheck/editions`` (``~/.local/share/gapcheck/editions``);
    macOS: ``~/Library/Application Support/gapcheck/editions``; Windows:
    ``%APPDATA%\\gapcheck\\editions`` (roaming, so it follows the officer's account). Never
    inside the installed package.
    """
    return Path(user_data_dir("gapcheck", appauthor=False, roaming=True)) / "editions"


@dataclass(frozen=True)
class ImportResult:
    """What :func:`import_guideline` did; ``path`` is the edition folder written."""

    edition: Edition
    base: Edition | None
    path: Path
    pages: int
    counts: dict[str, int]
    uncertain: tuple[Uncertain, ...]
    warnings: tuple[str, ...]
    review_path: Path | None
    table: TableCheck | None = None
    replaced_bundled: bool = False


def import_guideline(
    files: Sequence[str | os.PathLike[str]],
    version: str,
    catalog_dir: str | os.PathLike[str] | None = None,
    label: str | None = None,
    date: str | None = None,
    base: str | None = None,
    replace_existing: bool = False,
    review: str | os.PathLike[str] | None = None,
    check_table_file: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import ``files`` (one edition, possibly in parts) as edition ``version`` into
    ``catalog_dir`` (default :func:`default_catalog_dir`), linked to ``base``.

    Nothing is written unless the whole edition validates with the catalog loader; the
    edition folder appears in one rename.

    Example::

        import_guideline(["本編.pdf"], "2026-03", "~/gapcheck-editions", base="2025-03")
    """
    root = Path(catalog_dir).expanduser() if catalog_dir is not None else default_catalog_dir()
    if not EDITION_ID_RE.match(version):
        raise GuidelineImportError(
            f"版の id '{version}' は YYYY-MM 形式にしてください（例: 2026-03）。"
        )
    if date is not None and not EDITION_ID_RE.match(date):
        raise GuidelineImportError(
            f"公表の月 '{date}' は YYYY-MM 形式にしてください（例: 2026-03）。"
        )
    target = root / version
    if target.exists() and not replace_existing:
        raise GuidelineImportError(
            f"版 {version} はすでに {target} にあります。", hint=Hint.REPLACE
        )
    forced = load_review(review) if review is not None else None
    catalog = _current_catalog(root, exclude=version)
    previous = _previous(catalog, version)
    if base is not None and base != previous:
        catalog.edition(base)  # an unknown id gets the usual message
        raise GuidelineImportError(
            f"対応付けに使う前の版には、カタログで {version} の直前にある版 {previous or '（なし）'} を"
            f"指定してください（指定: {base}）。版の系譜は直前の版との対応で記録します。"
        )
    base_ed = catalog.edition(previous) if previous else None

    doc = read_document(files, progress)
    parsed = parse_guideline(doc)
    warnings = list(parsed.warnings)
    label = _check_cover(parsed.cover, label, date, version, warnings)
    edition_date = date or parsed.cover.month_id or version

    taken = {c.key for ed in catalog.editions for c in ed} | {
        r.key for ed in catalog.editions for r in ed.removed
    }
    linked = link_to_base(parsed.clauses, base_ed, version, taken, forced)
    summary = _summary(label, base_ed, linked.counts)
    notes = [
        f"{DRAFT}{', '.join(Path(f).name for f in files)} から gapcheck import-guideline で取り込みました。"
        "条項の本文は原文のままです。plain と change.note の「（下書き）」は担当者が確認して書き直してください。"
    ]
    if parsed.cover.established or parsed.cover.revised:
        dates = " / ".join(
            f"{w}{what}"
            for w, what in ((parsed.cover.established, "策定"), (parsed.cover.revised, "改定"))
            if w
        )
        notes.append(f"表紙の日付: {dates}")
    meta: dict[str, Any] = {
        "id": version,
        "label": label,
        "date": edition_date,
        "previous": previous,
        "summary": summary,
        "notes": notes,
    }
    if previous is None:
        del meta["previous"]
    if linked.removed:
        meta["removed"] = [{"key": k, "note": n, "basis": "estimate"} for k, n in linked.removed]

    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".import-{version}-", dir=root))
    try:
        folder = staging / version
        write_atomic(folder / "edition.yaml", _edition_yaml(meta))
        write_atomic(folder / "clauses.yaml", _clauses_yaml(linked.clauses, label))
        review_path = None
        if linked.uncertain:
            write_atomic(folder / REVIEW_FILE, _review_yaml(version, base_ed, linked.uncertain))
            review_path = target / REVIEW_FILE
        if linked.commentary:
            write_atomic(
                folder / COMMENTARY_FILE,
                _dump([{"key": k, "commentary": v} for k, v in linked.commentary.items()]),
            )
        try:
            validated = load_catalog_from([bundled_dir(), root, staging])
        except CatalogError as exc:
            raise GuidelineImportError(
                f"取り込んだ版はカタログの検証に通らなかったため、書き込みませんでした: {exc}"
            ) from exc
        table = None
        if check_table_file is not None:
            result = diff_editions(validated, previous, version) if previous else None
            table = check_table(check_table_file, result)
        _move_into_place(folder, target, staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    edition = validated.edition(version)
    edition = replace(edition, path=str(target))
    return ImportResult(
        edition=edition,
        base=base_ed,
        path=target,
        pages=doc.pages,
        counts=linked.counts,
        uncertain=linked.uncertain,
        warnings=tuple(warnings),
        review_path=review_path,
        table=table,
        replaced_bundled=(bundled_dir() / version).is_dir(),
    )


def _current_catalog(root: Path, exclude: str) -> Catalog:
    """The catalog as it stands, without the user's copy of the edition being (re)imported."""
    roots = [bundled_dir()]
    if root.is_dir() and any(
        c.is_dir() and EDITION_ID_RE.match(c.name) and c.name != exclude for c in root.iterdir()
    ):
        view = Path(tempfile.mkdtemp(prefix=".view-"))
        try:
            for child in root.iterdir():
                if child.is_dir() and EDITION_ID_RE.match(child.name) and child.name != exclude:
                    _link_or_copy(child, view / child.name)
            if (root / "glossary.yaml").is_file():
                _link_or_copy(root / "glossary.yaml", view / "glossary.yaml")
            return load_catalog_from([*roots, view])
        finally:
            shutil.rmtree(view, ignore_errors=True)
    return load_catalog_from(roots)


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.symlink(src, dst, target_is_directory=src.is_dir())
    except OSError:  # Windows without the symlink privilege
        if src.is_dir():
            shutil.copytree(src, dst)
        else:
            shutil.copy2(src, dst)


def _previous(catalog: Catalog, version: str) -> str | None:
    older = [i for i in catalog.ids if i < version and i != version]
    newer = [i for i in catalog.ids if i > version]
    if newer and version not in catalog.ids:
        raise GuidelineImportError(
            f"版 {version} より新しい版（{', '.join(newer)}）がすでにあります。版は最新の後ろに"
            "加えるか、同じ id の版を置き換える形でしか取り込めません。"
        )
    return older[-1] if older else None


def _check_cover(
    cover: Cover, label: str | None, date: str | None, version: str, warnings: list[str]
) -> str:
    """Label and date against the cover: a contradiction is an error (the wrong file or a
    typo would otherwise enter the catalog); an id that differs from the cover's month is a
    warning (ids are the officer's choice)."""
    given = clean_label(label) if label else None
    if given and not given.endswith("版"):
        given += "版"
    if given and cover.label and normalize(given) != normalize(cover.label):
        raise GuidelineImportError(
            f"--label「{given}」が表紙の「{cover.label}」と一致しません。表紙どおりに指定するか、"
            "取り込むファイルが正しいか確認してください。"
        )
    final = given or cover.label
    if not final:
        raise GuidelineImportError(
            "表紙から版の名称（例: 令和8年3月版）を読み取れませんでした。--label で指定してください。"
        )
    cover_month = cover.month_id
    if date and cover_month and date != cover_month:
        raise GuidelineImportError(
            f"--date {date} が表紙の改定日（{cover.revised or cover.established}、{cover_month}）と一致しません。"
            "表紙どおりに指定するか、取り込むファイルが正しいか確認してください。"
        )
    try:
        label_month = parse_wareki(final.removesuffix("版")).month_id
    except WarekiError:
        label_month = None
    when = date or cover_month
    if label_month and when and label_month != when:
        warnings.append(f"版の名称「{final}」（{label_month}）と公表の月 {when} が一致しません。")
    if (cover_month or label_month) and version != (cover_month or label_month):
        warnings.append(f"版の id {version} が表紙の月 {cover_month or label_month} と異なります。")
    return final


def _summary(label: str, base: Edition | None, counts: dict[str, int]) -> str:
    parts = [f"{name} {counts[k]}" for k, name in _COUNT_NAMES if k != "unchanged" and counts[k]]
    against = f"{base.label}と比べて" if base else ""
    body = "、".join(parts) if parts else "変更なし"
    return f"{DRAFT}{label}を取り込みました（{against}{body}）。改定の内容と理由を担当者が書き直してください。"


_COUNT_NAMES = (
    ("unchanged", "変更なし"),
    ("added", "追加"),
    ("modified", "変更"),
    ("renumbered", "項番変更"),
    ("split", "分割"),
    ("merged", "統合"),
    ("removed", "削除"),
)


def _dump(data: Any) -> str:
    return yaml.safe_dump(
        data, allow_unicode=True, sort_keys=False, width=1000, default_flow_style=False
    )


def _edition_yaml(meta: dict[str, Any]) -> str:
    return f"# {meta['label']} — imported by gapcheck import-guideline (verbatim text)\n" + _dump(
        meta
    )


def _clauses_yaml(clauses: Sequence[Clause], label: str) -> str:
    blocks = []
    for c in clauses:
        item: dict[str, Any] = {
            "key": c.key,
            "number": c.number,
            "part": c.part.value,
            "headings": list(c.headings),
            "level": c.level.value,
            "needs_procedure": c.needs_procedure,
            # the clause itself is the guideline's own, read from the user's document; how
            # it links to the previous edition is gapcheck's inference (review.yaml)
            "basis": "source",
            "sources": [SourceKind.DOCUMENT.value],
            "text": c.text,
            "plain": c.plain,
        }
        if c.change is not None:
            change: dict[str, Any] = {"kind": c.change.kind.value, "basis": "estimate"}
            if c.change.note:
                change["note"] = c.change.note
            if c.change.sources:
                change["from"] = list(c.change.sources)
            if c.change.old_number is not None:
                change["old_number"] = c.change.old_number
            item["change"] = change
        blocks.append(_dump([item]))
    return f"# {label} — clauses in document order, imported verbatim\n" + "\n".join(blocks)


def _review_yaml(version: str, base: Edition | None, items: Sequence[Uncertain]) -> str:
    head = (
        "# 取り込みの確認リスト（gapcheck import-guideline）\n"
        "# 各項目の key を確かめてください: 前の版の条項キー（同じ条項の改定）か added（新しい条項）。\n"
        "# 書き換えたら、同じコマンドに --review このファイル --replace を付けて再実行します。\n"
    )
    data = {
        "edition": version,
        "base": base.id if base else None,
        "links": [
            {
                "part": u.part.value,
                "number": u.number,
                "heading": u.heading,
                "text": u.text if len(u.text) <= 120 else u.text[:120] + "…",
                "reason": u.reason,
                "candidates": [
                    {"key": c.key, "number": c.number, "score": c.score} for c in u.candidates
                ],
                "key": u.proposed,
            }
            for u in items
        ],
    }
    return head + _dump(data)


def load_review(path: str | os.PathLike[str]) -> dict[tuple[Part, str], str]:
    """The officer's decisions from a review file: (part, number) → base key or ``added``."""
    path = Path(path)
    try:
        raw = read_yaml(path)
    except CatalogError as exc:
        raise GuidelineImportError(f"確認ファイルを読めません: {exc}") from exc
    links = raw.get("links") if isinstance(raw, dict) else None
    if not isinstance(links, list):
        raise GuidelineImportError(f"{path}: 確認ファイルには links: の並びが必要です。")
    out: dict[tuple[Part, str], str] = {}
    for item in links:
        line = item.get("__line__") if isinstance(item, dict) else None
        try:
            part = Part(str(item["part"]))
            number, key = str(item["number"]), str(item["key"]).strip()
        except (KeyError, TypeError, ValueError):
            raise GuidelineImportError(
                f"{path}:{line}: 各項目に part（基本方針/対策基準）、number、key が必要です。"
            ) from None
        if key != ADDED and not KEY_RE.match(key):
            raise GuidelineImportError(
                f"{path}:{line}: key '{key}' は前の版の条項キーか added にしてください。"
            )
        out[(part, number)] = key
    return out


def _move_into_place(folder: Path, target: Path, staging: Path) -> None:
    """Swap the validated folder in with renames: the catalog holds the old edition or the
    new one, never a mix."""
    if target.exists():
        old = staging / ".previous"
        os.replace(target, old)
        try:
            os.replace(folder, target)
        except BaseException:
            os.replace(old, target)
            raise
    else:
        os.replace(folder, target)


# =============================================================================================
# the summary people read
# =============================================================================================


def render_import(result: ImportResult, default_folder: bool = False) -> str:
    """The Japanese summary ``gapcheck import-guideline`` prints."""
    ed, counts = result.edition, result.counts
    parts = {p: sum(c.part is p for c in ed) for p in Part}
    out = [
        f"取り込みました: {ed.label}（{ed.id}） {len(ed)} 条項"
        f"（基本方針 {parts[Part.BASIC]} / 対策基準 {parts[Part.STANDARDS]}）"
        + (f"、{result.pages} ページ" if result.pages else "")
    ]
    if result.base is not None:
        out.append(f"前の版: {result.base.label}（{result.base.id}）との対応")
        out.append(" / ".join(f"{name} {counts[key]}" for key, name in _COUNT_NAMES))
    if result.replaced_bundled:
        out.append(f"同梱の {ed.id}（要約の本文）の代わりに、この取り込んだ版が使われます。")
    if result.uncertain:
        out.append(f"\n確認が必要な対応付け: {len(result.uncertain)} 件")
        for u in result.uncertain:
            best = u.candidates[0] if u.candidates else None
            cand = f"{best.key}（{best.number}、類似度 {best.score:.2f}）" if best else "候補なし"
            decided = "追加" if u.proposed == ADDED else f"{u.proposed} に対応"
            out.append(
                f"  {u.part.value} {u.number} {u.heading}: {decided}／最も近い前の版: {cand}"
            )
        out.append(
            f"  {result.review_path} の key を確かめ、--review {result.review_path} --replace を"
            "付けて再実行すると反映されます。"
        )
    for w in result.warnings:
        out.append(f"注意: {w}")
    if result.table is not None:
        t = result.table
        out.append(
            f"\n新旧対照表との照合: {t.rows} 行のうち {t.matched} 行が差分と対応、食い違い {len(t.findings)} 件"
        )
        for f in t.findings:
            out.append(f"  [{f.kind}] {f.message}")
    out.append(f"\n書き出し先: {result.path}")
    out.append("plain（やさしい説明）と change.note の「（下書き）」を確認して書き直してください。")
    if default_folder:
        out.append(
            f"他のコマンドでこの版を使うには --guidelines {result.path.parent} を付けるか、"
            f"環境変数 GAPCHECK_GUIDELINES={result.path.parent} を設定してください。"
        )
    return "\n".join(out) + "\n"


__all__ = [
    "COMMENTARY_FILE",
    "REVIEW_FILE",
    "ImportResult",
    "default_catalog_dir",
    "import_guideline",
    "load_review",
    "render_import",
]
