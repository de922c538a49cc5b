"""The status of a clause is chosen from its evidence alone (issues #21, #22): a table of
evidence and the status it supports, and no more."""

from __future__ import annotations

import pytest

from gapcheck.gaps.classify import ClauseEvidence, classify
from gapcheck.gaps.elements import ElementFinding
from gapcheck.gaps.status import Status

OLD = ElementFinding(kind="old", element="機密性2以上", new="自治体機密性2以上", edition="2024-10")
ABSENT = ElementFinding(kind="absent", element="多要素認証")


@pytest.mark.parametrize(
    ("evidence", "status"),
    [
        (ClauseEvidence(matched=False), Status.MISSING),
        (ClauseEvidence(matched=True), Status.COVERED),  # other words, same content
        (ClauseEvidence(matched=True, copy=True), Status.COVERED),
        (ClauseEvidence(matched=True, old=(OLD,)), Status.OUTDATED),
        (ClauseEvidence(matched=True, absent=(ABSENT,)), Status.PARTIAL),
        # an old element outweighs an absent one: the body kept an older rule
        (ClauseEvidence(matched=True, old=(OLD,), absent=(ABSENT,)), Status.OUTDATED),
        # only 要確認 provisions: a person decides, whatever the elements say
        (ClauseEvidence(matched=True, asked=True), Status.REVIEW),
        (ClauseEvidence(matched=True, asked=True, old=(OLD,)), Status.REVIEW),
        (ClauseEvidence(matched=True, asked=True, absent=(ABSENT,)), Status.REVIEW),
        # a copy of the present wording holds every element by construction
        (ClauseEvidence(matched=True, copy=True, asked=True), Status.COVERED),
    ],
)
def test_classify(evidence: ClauseEvidence, status: Status) -> None:
    assert classify(evidence) is status
