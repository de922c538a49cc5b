"""The report speaks the body's own words (issue #13): a town's report says 町, 副町長."""

from __future__ import annotations

import re

import pytest

from gapcheck.catalog.loader import load_catalog
from gapcheck.gaps.audit import audit
from gapcheck.gaps.summary import localize, summarize
from gapcheck.readers.formats import read_policy
from gapcheck.synth.sample import generate_policy, write_sample

CATALOG = load_catalog(None)
CITY = re.compile(r"本市|市長|(?<![\u4e00-\u9fff])市(?=[がのはにでとへも]|全体)")


@pytest.mark.parametrize("body", ["本町", "本村"])
def test_every_sentence_of_a_town_report_uses_its_own_words(tmp_path, body):
    sample = generate_policy(CATALOG.edition("2020-12"), seed=3, body=body)
    write_sample(sample, tmp_path / "p.xlsx", tmp_path / "t.json")
    s = summarize(audit(read_policy(tmp_path / "p.xlsx"), CATALOG), CATALOG)
    assert s.body == body
    texts = [s.headline, s.lag_sentence, *s.decisions]
    for a in s.actions:
        texts += [a.what, a.why, a.affects_us, a.if_nothing, a.suggestion]
    texts += ["".join(sp.text for sp in e.proposed) for e in s.amendment]
    assert [t for t in texts if CITY.search(t)] == []
    assert any(body[1] in t for t in texts)


@pytest.mark.parametrize(
    ("body", "text", "expected"),
    [
        ("本町", "副市長をCISOとし、市全体の対策を市長に報告する。", "副町長をCISOとし、町全体の対策を町長に報告する。"),
        ("本県", "副市長をCISOとする。市が持つ情報", "副知事をCISOとする。県が持つ情報"),
        ("本区", "県と市町村、都市の連携。市の情報", "県と市町村、都市の連携。区の情報"),
        ("本市", "市の情報", "市の情報"),
    ],
)  # fmt: skip
def test_localize(body, text, expected):
    assert localize(text, body) == expected
