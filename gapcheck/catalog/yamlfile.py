"""Reading one catalog YAML file safely, and the fields every catalog file shares.

:func:`read_yaml` records each mapping's line under :data:`LINE` so that every
:class:`CatalogError` can name file and line; :func:`text_field` and :func:`read_basis` read
the fields common to editions, clauses and side files.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from gapcheck.catalog.model import ESTIMATE, Basis, SourceKind
from gapcheck.errors import CatalogError, GapcheckError
from gapcheck.io import read_bytes_capped

__all__ = [
    "EDITION_ID_RE",
    "KEY_RE",
    "LINE",
    "MAX_YAML_BYTES",
    "MAX_YAML_NODES",
    "read_basis",
    "read_yaml",
    "text_field",
    "text_list",
]

EDITION_ID_RE = re.compile(r"^(19|20)\d\d-(0[1-9]|1[0-2])$")
KEY_RE = re.compile(r"^[a-z][a-z0-9]*(?:[.-][a-z0-9]+)*$")
LINE = "__line__"

try:  # the C parser is ~5x faster; line marks work the same
    _BaseLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _BaseLoader = yaml.SafeLoader


class _LineLoader(_BaseLoader):
    """Safe loader that records each mapping's 1-based line under ``__line__``."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping = super().construct_mapping(node, deep=deep)
        mapping[LINE] = node.start_mark.line + 1
        return mapping

    def construct_checked_timestamp(self, node: yaml.ScalarNode) -> Any:
        """A date the calendar lacks (``2025-02-30``) as a marked error, not a ValueError."""
        try:
            return self.construct_yaml_timestamp(node)
        except (ValueError, OverflowError):
            raise yaml.constructor.ConstructorError(
                None, None, f"日付 {node.value} は暦にありません", node.start_mark
            ) from None


_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _LineLoader.construct_checked_timestamp)


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


def read_basis(item: dict[str, Any], who: str, path: Path, line: int | None) -> Basis:
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


def text_list(mapping: dict[str, Any], name: str, path: Path) -> tuple[str, ...]:
    """A list of short texts (``notes``, ``drivers``); one text alone is a list of one."""
    value = mapping.get(name)
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str | int | float) for v in value):
        key = mapping.get("key")
        who = f"条項 '{key}' の " if key else ""
        raise CatalogError(
            f"{who}{name} は「- 」で始まる行の並び（文の一覧）にしてください。",
            path,
            mapping.get(LINE),
        )
    return tuple(text for text in (str(v).strip() for v in value) if text)


def text_field(mapping: dict[str, Any], name: str, path: Path, required: bool = False) -> str:
    value = mapping.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            key = mapping.get("key")
            who = f"条項 '{key}' の " if key else ""
            raise CatalogError(f"{who}{name} が空です。", path, mapping.get(LINE))
        return ""
    if isinstance(value, list | dict):
        key = mapping.get("key")
        who = f"条項 '{key}' の " if key else ""
        raise CatalogError(
            f"{who}{name} は一つの文にしてください（「- 」の並びや「名前: 値」の形にはできません）。",
            path,
            mapping.get(LINE),
        )
    return str(value).strip()
