"""The status vocabulary: where a clause stands (:class:`Status`), what a row of the body's
policy corresponds to (:class:`RowStatus`), and everything a report says or shows about each,
defined once (issues #15, #22). Every consumer asks :data:`STATUS_INFO`; adding a status is one
entry here plus its tests (tests/test_status_kinds.py proves the outputs follow)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

__all__ = [
    "DONE_STATUSES",
    "GAP_STATUSES",
    "OPEN_STATUSES",
    "ROW_STATUS_INFO",
    "STATUS_INFO",
    "RowStatus",
    "Status",
    "StatusInfo",
    "status_css",
]


class Status(enum.Enum):
    """Where a clause of the target edition stands in the body's policy.

    Everything a report says or shows about a status is in :data:`STATUS_INFO`, one entry
    per status: adding a status is that entry plus its tests (issue #15).
    """

    COVERED = "covered"
    OUTDATED = "outdated"
    PARTIAL = "partial"
    MISSING = "missing"
    REVIEW = "review"
    NOT_APPLICABLE = "not-applicable"
    UNREAD = "unread"

    @property
    def info(self) -> StatusInfo:
        return STATUS_INFO[self]

    @property
    def title(self) -> str:
        return STATUS_INFO[self].title

    @property
    def explanation(self) -> str:
        return STATUS_INFO[self].explanation


class RowStatus(enum.Enum):
    """What a row of the body's policy corresponds to."""

    MATCHED = "matched"
    REVIEW = "review"
    OBSOLETE = "obsolete"
    LOCAL = "local"

    @property
    def title(self) -> str:
        return ROW_STATUS_INFO[self][0]

    @property
    def explanation(self) -> str:
        return ROW_STATUS_INFO[self][1]


@dataclass(frozen=True)
class StatusInfo:
    """Everything about one status that a person reads or sees.

    ``title`` and ``explanation`` name it; ``action`` is the short suggestion of the clause
    list, ``advice`` the sentence of the executive summary, ``affects`` how it places the body
    (``{body}``, ``{follows}`` filled in); ``fill`` is the cell and row background, ``colour``
    the chart bar; ``code`` the one letter the survey archive stores (fixed once released);
    ``gap``, ``settled`` and ``done`` place it in the counts, the printed list and the survey's
    coverage; a gap's ``weight`` and ``behind`` rank it (gaps/ranking.py).
    """

    title: str
    explanation: str
    action: str
    advice: str
    affects: str
    fill: str  # "E2EFDA"
    colour: str  # "70AD47"
    code: str  # "C"
    gap: bool  # the body has work to do on the clause (未対応・旧版のまま・一部不足)
    settled: bool  # nothing left to do or decide: the printed list leaves the row out
    done: bool = False  # the body needs nothing here (対応済み, 対象外): counts as covered
    held: bool = False  # a provision confidently holds the clause: evidence of the edition
    weight: float = 0.0  # (a gap) how far behind it leaves the body, for the ranking
    behind: str = ""  # (a gap) the ranking's reason word: 「規定がない」


STATUS_INFO: dict[Status, StatusInfo] = {
    Status.COVERED: StatusInfo(
        title="対応済み",
        explanation="最新版の内容がポリシーに反映されています。",
        action="",
        advice="",
        affects="",
        fill="E2EFDA",
        colour="70AD47",
        code="C",
        gap=False,
        settled=True,
        done=True,
        held=True,
    ),
    Status.OUTDATED: StatusInfo(
        title="旧版のまま",
        explanation="対応する規定はありますが、以前の版の書きぶりのままで、その後の改定が反映されていません。",
        action="最新版の内容に改正",
        advice="規定を最新版の内容に改めてください。",
        affects="{body}のポリシーには規定がありますが、{follows}の内容のままです。",
        fill="FFF2CC",
        colour="FFC000",
        code="O",
        gap=True,
        settled=False,
        weight=1.5,
        behind="旧版のまま",
        held=True,
    ),
    Status.PARTIAL: StatusInfo(
        title="一部不足",
        explanation="対応する規定はありますが、最新版が求める内容の一部が見当たりません。",
        action="不足する内容を追記",
        advice="不足している内容を規定に加えてください。",
        affects="{body}のポリシーには規定がありますが、求められる内容の一部が欠けています。",
        fill="FCE4D6",
        colour="F4B084",
        code="P",
        gap=True,
        settled=False,
        weight=1.0,
        behind="一部不足",
        held=True,
    ),
    Status.MISSING: StatusInfo(
        title="未対応",
        explanation="対応する規定が見当たりません。新しく定める必要があるかを検討してください。",
        action="新たに規定するか、対象外の理由を記録",
        advice="新しい規定を設けるか、対象外とする理由を記録してください。",
        affects="{body}のポリシーには、これに当たる規定がありません。",
        fill="F8CBAD",
        colour="C00000",
        code="M",
        gap=True,
        settled=False,
        weight=2.0,
        behind="規定がない",
    ),
    Status.REVIEW: StatusInfo(
        title="要確認",
        explanation="対応しそうな規定はありますが、確かとは言えません。示した規定を読んで、対応しているか判断してください。",
        action="示した規定を読み、対応しているか判断",
        advice="示した規定を読み、対応しているか判断してください。",
        affects="{body}のポリシーに対応しそうな規定がありますが、確かとは言えません。",
        fill="DDEBF7",
        colour="5B9BD5",
        code="R",
        gap=False,
        settled=False,
    ),
    Status.NOT_APPLICABLE: StatusInfo(
        title="対象外",
        explanation="担当者が理由を付けて対象外と判断した条項です。",
        action="",
        advice="",
        affects="",
        fill="EDEDED",
        colour="A6A6A6",
        code="N",
        gap=False,
        settled=True,
        done=True,
    ),
    Status.UNREAD: StatusInfo(
        title="未照合",
        explanation="入力した文書にこの条項に当たる部分が含まれていない（抜粋で途中までしかない、"
        "基本方針だけ等）ため、規定の有無を判断していません。",
        action="全文を入力して点検し直す",
        advice="ポリシーの全文（基本方針と対策基準）を入力して点検し直してください。",
        affects="{body}の入力した文書にはこの条項に当たる部分が含まれていないため、判断していません。",
        fill="F2F2F2",
        colour="BFBFBF",
        code="U",
        gap=False,
        settled=True,
    ),
}


GAP_STATUSES = tuple(s for s in Status if STATUS_INFO[s].gap)
# the statuses a person still has to act on or decide: the printed list shows these
OPEN_STATUSES = tuple(s for s in Status if not STATUS_INFO[s].settled)
# the statuses that count as covered (the survey's coverage share)
DONE_STATUSES = tuple(s for s in Status if STATUS_INFO[s].done)


ROW_STATUS_INFO: dict[RowStatus, tuple[str, str]] = {
    RowStatus.MATCHED: ("対応あり", "ガイドラインの条項に対応する規定です。"),
    RowStatus.REVIEW: (
        "要確認",
        "ガイドラインの条項に対応する可能性がありますが、確かとは言えません。示した条項と読み比べてください。",
    ),
    RowStatus.OBSOLETE: (
        "廃止条項",
        "ガイドラインでは既に削除された条項に基づく規定です。残すかどうかを検討してください。",
    ),
    RowStatus.LOCAL: (
        "独自規定",
        "ガイドラインに対応する条項が見つからなかった規定です（団体独自の規定か、"
        "ガイドラインと大きく異なる書き方の規定です）。",
    ),
}


def status_css() -> str:
    """The ``.s-<status>`` background classes of the HTML reports, from :data:`STATUS_INFO`."""
    return " ".join(
        f".s-{s.value} {{ background: #{i.fill.lower()}; }}" for s, i in STATUS_INFO.items()
    )
