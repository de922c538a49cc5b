"""Shared fixtures: tiny catalogs built in tmp_path."""

from __future__ import annotations

import copy
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

BASE_META: dict[str, Any] = {
    "2020-01": {
        "id": "2020-01",
        "label": "令和2年1月版",
        "date": "2020-01",
        "previous": None,
        "summary": "最初の版です。",
    },
    "2021-01": {
        "id": "2021-01",
        "label": "令和3年1月版",
        "date": "2021-01",
        "previous": "2020-01",
        "summary": "パスワードの規定を改めました。",
    },
}


def _clause(key: str, number: str, text: str, **extra: Any) -> dict[str, Any]:
    return {
        "key": key,
        "number": number,
        "part": "対策基準",
        "headings": ["人的セキュリティ", "ID及びパスワード等の管理"],
        "level": "duty",
        "needs_procedure": False,
        "text": text,
        "plain": f"{text}（説明）",
        **extra,
    }


BASE_CLAUSES: dict[str, list[dict[str, Any]]] = {
    "2020-01": [
        _clause("pw.length", "1.1.(1)", "職員はパスワードを十分な長さにしなければならない。"),
        _clause("pw.share", "1.1.(2)", "職員はパスワードを他人に教えてはならない。"),
        _clause("pw.paper", "1.1.(3)", "職員はパスワードを紙に書いてはならない。"),
    ],
    "2021-01": [
        _clause(
            "pw.mfa",
            "1.1.(1)",
            "重要なシステムでは多要素認証を使わなければならない。",
            change={
                "kind": "added",
                "note": "パスワードだけでは破られやすいためです。",
                "basis": "source",
                "sources": ["summary"],
            },
        ),
        _clause(
            "pw.length",
            "1.1.(2)",
            "職員はパスワードを十分な長さにしなければならない。",
            change={"kind": "renumbered", "old_number": "1.1.(1)"},
        ),
        _clause(
            "pw.share",
            "1.1.(3)",
            "職員はパスワードを誰にも教えず、共用してはならない。",
            change={"kind": "modified", "old_number": "1.1.(2)", "note": "共用も禁止しました。"},
        ),
    ],
}
BASE_REMOVED = [{"key": "pw.paper", "note": "多要素認証の導入で不要になりました。"}]
BASE_GLOSSARY = [{"term": "多要素認証", "plain": "種類の違う確認を組み合わせる方法です。"}]
# The named elements statuses are argued from (issue #21)
BASE_ELEMENTS: dict[str, Any] = {
    "pw.mfa": {"require": [{"name": "多要素認証", "any": ["多要素", "二要素"]}]},
    "pw.share": {
        "changed": [
            {"in": "2021-01", "old": "他人に教えない", "old_any": ["他人に教え"],
             "new": "誰とも共用しない", "new_any": ["共用"]},
        ]
    },
}  # fmt: skip


def write_yaml(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


CatalogFactory = Callable[..., Path]


@pytest.fixture
def make_catalog(tmp_path: Path) -> CatalogFactory:
    """Write a two-edition catalog; ``mutate(meta, clauses, glossary)`` may break it first."""

    def build(mutate: Callable[[dict, dict, list], None] | None = None) -> Path:
        meta = copy.deepcopy(BASE_META)
        meta["2021-01"]["removed"] = copy.deepcopy(BASE_REMOVED)
        clauses = copy.deepcopy(BASE_CLAUSES)
        glossary = copy.deepcopy(BASE_GLOSSARY)
        if mutate:
            mutate(meta, clauses, glossary)
        root = tmp_path / "catalog"
        for edition_id in meta:
            write_yaml(root / edition_id / "edition.yaml", meta[edition_id])
            write_yaml(root / edition_id / "clauses.yaml", clauses[edition_id])
        write_yaml(root / "glossary.yaml", glossary)
        write_yaml(root / "elements.yaml", BASE_ELEMENTS)
        return root

    return build


def pytest_configure(config: pytest.Config) -> None:
    """The catalog's disk cache in a folder of this test run (shared by its workers), never
    the user's own (gapcheck/catalog/cache.py)."""
    os.environ.setdefault("GAPCHECK_CACHE", tempfile.mkdtemp(prefix="gapcheck-test-cache-"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden files")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def golden_dir() -> Path:
    return Path(__file__).parent / "golden"
