"""The draft 新旧対照表（改正案）: one table per document, new items where the body's own
structure needs them (issue #13)."""

from __future__ import annotations

from gapcheck.catalog.loader import load_catalog
from gapcheck.gaps.audit import audit
from gapcheck.gaps.summary import amendment_documents, summarize
from gapcheck.readers.policy import Policy, PolicyRow

CATALOG = load_catalog(None)
LATEST = CATALOG.latest


def _reiki(keys: list[str], title: str) -> Policy:
    """A 例規 in articles: 基本方針 n → 第n条, its items → 号 of 第n条第1項."""
    rows = []
    for key in keys:
        c = LATEST.get(key)
        head, _, item = c.number.partition(".")
        ref = f"第{head}条第1項" + (f"第{item.strip('()')}号" if item else "")
        rows.append(PolicyRow(sheet="", row=len(rows) + 1, number=ref, heading=c.headings[0],
                              text=c.text))  # fmt: skip
    return Policy("方針.txt", "0" * 64, "reiki", tuple(rows), title=title)


def test_a_missing_definition_is_a_new_item_of_the_definitions_article():
    basic = [c.key for c in LATEST if c.part.value == "基本方針"]
    kept = [
        k for k in basic if k not in ("basic.def.local-confidentiality-levels", "basic.measures")
    ]
    s = summarize(audit(_reiki(kept, "○○町情報セキュリティ基本方針"), CATALOG), CATALOG)
    # (the 対策基準 this file does not contain is drafted in a table of its own)
    basic_doc = dict(amendment_documents(s.amendment))["基本方針"]
    new = [(e.document, e.label, e.note) for e in basic_doc if e.kind == "new"]
    assert new == [
        (
            "基本方針",
            "第2条第1項第13号（新設）",
            "基本方針 2.(13)（定義・自治体機密性）を新たに規定",
        ),
    ]  # the heading 基本方針 6 (「次に掲げる対策を講じる」) is not drafted as an article


def test_one_table_per_document(tmp_path):
    rows = []
    for c in LATEST:
        if c.key in ("basic.purpose", "human.id.password-change"):
            continue  # one gap in each document
        rows.append(PolicyRow(sheet=c.part.value, row=len(rows) + 2, number=c.number,
                              heading=c.heading, text=c.text))  # fmt: skip
    policy = Policy("policy.xlsx", "0" * 64, "spreadsheet", tuple(rows))
    s = summarize(audit(policy, CATALOG), CATALOG)
    docs = amendment_documents(s.amendment)
    assert [(d, [e.note for e in es if e.kind == "new"]) for d, es in docs] == [
        ("基本方針", ["基本方針 1（目的）を新たに規定"]),
        (
            "対策基準",
            ["対策基準 6.4.(3)③（パスワードの取扱い・パスワードの変更）を新たに規定"],
        ),
    ]
