"""Reviewers' decisions: read from last year's audit JSON and carried forward onto this
year's findings (要再確認 where the clause changed since; never drop what a reviewer wrote)."""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, replace
from pathlib import Path

from gapcheck.catalog.model import Catalog, Clause, Edition
from gapcheck.errors import GapcheckError, PolicyFormatError, quote
from gapcheck.gaps.report import ClauseFinding
from gapcheck.gaps.status import Status
from gapcheck.io import read_bytes_capped

__all__ = [
    "DECISIONS",
    "MAX_PREVIOUS_BYTES",
    "Decision",
    "carry_decisions",
    "json_dump",
    "read_decisions",
]


DECISIONS = ("対応済", "改定予定", "対象外", "要検討")


@dataclass(frozen=True)
class Decision:
    """A reviewer's decision on a clause, as recorded in last year's report."""

    key: str
    decision: str  # one of DECISIONS
    reason: str = ""
    owner: str = ""
    due: str = ""
    target: str = ""  # the edition the decision was made against
    number: str = ""  # the clause number then, for listing orphaned decisions

    def to_dict(self) -> dict[str, str]:
        return {
            "key": self.key,
            "decision": self.decision,
            "reason": self.reason,
            "owner": self.owner,
            "due": self.due,
            "target": self.target,
            "number": self.number,
        }


# The workbook's clause list and its reviewer columns (written by render/report_xlsx.py, read
# back next year): renaming any of these breaks reading last year's decisions.
LIST_SHEET = "対応一覧"
INFO_SHEET = "情報"
REVIEW_HEADERS = ("判断", "理由", "担当", "期限")
KEY_HEADER = "条項キー（変更しないでください）"
MAX_PREVIOUS_BYTES = 50_000_000  # an audit.json of a 20,000-row policy is a few MB


_DECISION_FIELDS = ("decision", "reason", "owner", "due", "target")


def read_decisions(path: str | os.PathLike[str]) -> tuple[Decision, ...]:
    """Reviewer decisions from last year's report: the workbook (``.xlsx``/``.xlsm``, also
    after Excel or LibreOffice re-saved it) or the audit JSON (``gapcheck audit --json``)."""
    if Path(path).suffix.lower() in (".xlsx", ".xlsm"):
        return _from_workbook(Path(path))
    return _from_json(Path(path))


def _from_json(path: Path) -> tuple[Decision, ...]:
    """Reviewer decisions from last year's audit JSON (``gapcheck audit --json`` output).

    Clauses carry ``"decision": {"decision": "対象外", "reason": …, "owner": …, "due": …}``.
    Only a regular file is read, with a size cap; every entry's shape is checked and a wrong
    one is named (``clauses`` の N 件目), quoting at most 80 characters of it.
    """
    path = Path(path)
    hint = "`gapcheck audit --json` で出力した JSON を指定してください。"
    try:
        raw_bytes = read_bytes_capped(path, MAX_PREVIOUS_BYTES, "前回の結果ファイル")
    except FileNotFoundError as exc:
        raise PolicyFormatError(f"{path}: 前回の結果ファイルが見つかりません。") from exc
    except GapcheckError as exc:
        raise PolicyFormatError(str(exc)) from exc
    try:
        data = json.loads(raw_bytes.decode("utf-8-sig"))
    except ValueError as exc:  # also a number of more than 4,300 digits (int's limit)
        raise PolicyFormatError(f"{path}: 前回の結果として読めません。{hint}") from exc
    except RecursionError as exc:
        raise PolicyFormatError(
            f"{path}: 前回の結果として読めません（JSON の入れ子が深すぎます）。{hint}"
        ) from exc
    if not isinstance(data, dict) or not isinstance(data.get("clauses"), list):
        raise PolicyFormatError(
            f"{path}: 前回の結果に clauses がありません。`gapcheck audit --json` の出力を指定してください。"
        )
    target = _plain(data.get("target"))
    if target is None:
        raise PolicyFormatError(
            f"{path}: target は文字列にしてください（{quote(json_dump(data.get('target')))}）。{hint}"
        )
    out = []
    for n, item in enumerate(data["clauses"], 1):
        where = f"{path}: clauses の {n} 件目"
        if not isinstance(item, dict):
            raise PolicyFormatError(
                f"{where}がオブジェクト（{{…}}）ではありません（{quote(json_dump(item))}）。{hint}"
            )
        raw = item.get("decision")
        if not raw:
            continue
        if not isinstance(raw, dict):
            raise PolicyFormatError(
                f"{where}の decision はオブジェクト"
                f'（{{"decision": "対象外", "reason": …}}）にしてください'
                f"（{quote(json_dump(raw))}）。"
            )
        fields: dict[str, str] = {}
        for name in _DECISION_FIELDS:
            value = _plain(raw.get(name))
            if value is None:
                raise PolicyFormatError(
                    f"{where}の decision.{name} は文字列にしてください（{quote(json_dump(raw.get(name)))}）。"
                )
            fields[name] = value
        key, number = _plain(item.get("key")), _plain(item.get("number"))
        if key is None or number is None:
            raise PolicyFormatError(f"{where}の key・number は文字列にしてください。{hint}")
        decision = fields["decision"].strip()
        if not decision:
            continue
        if decision not in DECISIONS:
            raise PolicyFormatError(
                f"{where}（{quote(number)}）の判断 '{quote(decision)}' は"
                f" {' / '.join(DECISIONS)} のいずれかにしてください。"
            )
        out.append(
            Decision(
                key=key,
                decision=decision,
                reason=fields["reason"],
                owner=fields["owner"],
                due=fields["due"],
                target=fields["target"] or target,
                number=number,
            )
        )
    return tuple(out)


def _plain(value: object) -> str | None:
    """A JSON scalar as text (``None`` → ``""``); ``None`` for a list or an object."""
    if value is None:
        return ""
    if isinstance(value, (str, int, float, bool)):
        return str(value)
    return None


def json_dump(value: object) -> str:
    """``value`` as short JSON for an error line (the caller cuts it with ``quote``)."""
    try:
        return json.dumps(value, ensure_ascii=False)[:200]
    except (ValueError, RecursionError):
        return repr(type(value).__name__)


def carry_decisions(
    findings: list[ClauseFinding],
    decisions: tuple[Decision, ...],
    catalog: Catalog,
    edition: Edition,
    succ: dict[str, frozenset[str]],
) -> tuple[list[ClauseFinding], tuple[Decision, ...]]:
    """Attach last year's decisions; flag 要再確認 where the clause changed since; list the
    decisions whose clause no longer exists (never drop what a reviewer wrote)."""
    if not decisions:
        return findings, ()
    by_key = {f.key: n for n, f in enumerate(findings)}
    orphans: list[Decision] = []
    out = list(findings)
    for d in decisions:
        keys = [d.key] if d.key in by_key else sorted(succ.get(d.key, ()))
        if not keys:
            orphans.append(d)
            continue
        for key in keys:
            n = by_key[key]
            f = out[n]
            then = _clause_at(catalog, d.target, d.key)
            changed = key != d.key or then is None or then.text != f.clause.text
            status = f.status
            if d.decision == "対象外" and d.reason and not changed:
                status = Status.NOT_APPLICABLE
            out[n] = replace(f, decision=d, recheck=changed, status=status)
    return out, tuple(orphans)


def _clause_at(catalog: Catalog, edition_id: str, key: str) -> Clause | None:
    try:
        return catalog.edition(edition_id).get(key)
    except LookupError:
        return None


MAX_PREVIOUS_XLSX_BYTES = 100_000_000


def _from_workbook(path: Path) -> tuple[Decision, ...]:
    """Reviewer decisions from the clause list of last year's workbook."""
    import pandas as pd  # only when a workbook is read back

    try:  # a regular file of bounded size only: never /dev/zero, a FIFO or a folder
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            raise PolicyFormatError(
                f"{path}: 通常のファイルではありません（フォルダ・デバイス・名前付きパイプなど）。"
                "gapcheck が書き出した報告書（.xlsx）を指定してください。"
            )
    except FileNotFoundError as exc:
        raise PolicyFormatError(f"{path}: 前回の結果ファイルが見つかりません。") from exc
    if st.st_size > MAX_PREVIOUS_XLSX_BYTES:
        raise PolicyFormatError(
            f"{path}: 前回の報告書として大きすぎます（上限 {MAX_PREVIOUS_XLSX_BYTES // 1_000_000} MB）。"
            "gapcheck が書き出した報告書（.xlsx）を指定してください。"
        )
    try:
        book = pd.ExcelFile(path, engine="calamine")
        if LIST_SHEET not in book.sheet_names:
            raise PolicyFormatError(
                f"{path}: シート「{LIST_SHEET}」がありません。gapcheck が書き出した報告書（.xlsx）を指定してください。"
            )
        frame = pd.read_excel(book, sheet_name=LIST_SHEET, dtype=str, header=0).fillna("")
        info = pd.read_excel(book, sheet_name=INFO_SHEET, dtype=str, header=0).fillna("")
    except PolicyFormatError:
        raise
    except Exception as exc:
        raise PolicyFormatError(
            f"{path}: 前回の報告書として読めません（{exc.__class__.__name__}）。"
        ) from exc
    missing = [h for h in (*REVIEW_HEADERS, KEY_HEADER) if h not in frame.columns]
    if missing:
        raise PolicyFormatError(
            f"{path}: シート「{LIST_SHEET}」に列 {', '.join(missing)} がありません。列名は変えずに保存してください。"
        )
    target = ""
    for _, item in info.iterrows():
        if str(item.iloc[0]) == "照合先の版":
            target = str(item.iloc[1])
    out = []
    for n, (_, item) in enumerate(frame.iterrows()):
        decision = str(item["判断"]).strip()
        if not decision:
            continue
        if decision not in DECISIONS:
            raise PolicyFormatError(
                f"{path}: シート「{LIST_SHEET}」の {n + 2} 行目の判断 '{quote(decision)}' は"
                f" {' / '.join(DECISIONS)} のいずれかにしてください。"
            )
        out.append(
            Decision(
                key=str(item[KEY_HEADER]).strip(),
                decision=decision,
                reason=str(item["理由"]).strip(),
                owner=str(item["担当"]).strip(),
                due=str(item["期限"]).strip(),
                target=target,
                number=str(item["項番"]).strip(),
            )
        )
    return tuple(out)
