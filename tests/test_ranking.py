"""The one ranking every output uses (issue #13): what a committee should act on first."""

from __future__ import annotations

import pytest

from gapcheck.catalog.loader import load_catalog
from gapcheck.gaps.audit import audit
from gapcheck.gaps.ranking import actionable, announces_list, rank_gaps, section_of, spread
from gapcheck.gaps.summary import summarize
from gapcheck.readers.formats import read_policy
from gapcheck.readers.policy import Policy, PolicyRow
from gapcheck.synth.sample import generate_policy, write_sample

CATALOG = load_catalog(None)
LATEST = CATALOG.latest

# the gaps of the hand-built policy below, each chosen for one rule of the ranking
DROPPED = (
    "basic.measures",  # a heading that announces its items: never an action
    "basic.def.local-confidentiality-levels",  # a definition: one line, not an action
    "ops.law.compliance",  # 8.5.(1) announces its list of laws: not an action either
    "ops.incident.plan-contents.initial-response",  # duty, incident: first
    "phys.server.power",  # duty, outage: with it
    "tech.dev.procurement.supply-chain",  # duty, no incident words: after those
    "ext.sns.owner",  # duty, but only for a body that posts on social media
    "human.parttime.consent",  # a recommendation
    "org.ciso.vice",  # a permission
)


@pytest.fixture(scope="module")
def report():
    rows = tuple(
        PolicyRow(sheet="本文", row=n + 2, number=c.number, heading=c.heading, text=c.text)
        for n, c in enumerate(c for c in LATEST if c.key not in DROPPED)
    )
    return audit(Policy("policy.xlsx", "0" * 64, "spreadsheet", rows), CATALOG)


def test_ranking_as_a_whole(report):
    assert {f.key for f in report.clauses if f.status.value == "missing"} == set(DROPPED)
    ranked = [(r.key, r.priority, r.why_ranked) for r in rank_gaps(report, CATALOG)]
    assert ranked == [
        ("phys.server.power", "高", "義務・規定がない・事故・漏えい・停止に直結・すべての団体に適用"),
        ("ops.incident.plan-contents.initial-response", "高",
         "義務・規定がない・事故・漏えい・停止に直結・すべての団体に適用"),
        ("tech.dev.procurement.supply-chain", "中", "義務・規定がない・すべての団体に適用"),
        ("ext.sns.owner", "中",
         "義務・規定がない・事故・漏えい・停止に直結・ソーシャルメディアで発信する場合のみ"),
        ("human.parttime.consent", "低", "推奨・規定がない・すべての団体に適用"),
        ("org.ciso.vice", "低", "任意・規定がない・すべての団体に適用"),
    ]  # fmt: skip


def test_headings_and_definitions_are_not_actions(report):
    summary = summarize(report, CATALOG)
    keys = [a.finding.key for a in summary.actions]
    assert not {
        "basic.measures",
        "ops.law.compliance",
        "basic.def.local-confidentiality-levels",
    } & {*keys}
    assert summary.definitions in summary.decisions
    assert "「自治体機密性」の1件の用語" in summary.definitions
    # every output takes its top from the same ranking
    assert [a.finding.key for a in summary.top_actions] == [
        r.key for r in spread(rank_gaps(report, CATALOG), 5)
    ]


@pytest.mark.parametrize(
    ("key", "heading_only", "is_action"),
    [
        ("basic.measures", True, False),
        ("basic.threats", True, False),
        ("ops.law.compliance", True, False),
        ("basic.def.network", False, False),
        ("basic.measures.physical", False, True),
        ("human.id.password-change", False, True),
    ],
)
def test_what_counts_as_an_action(key, heading_only, is_action):
    clause = LATEST.get(key)
    assert (announces_list(clause, LATEST), actionable(clause, LATEST)) == (heading_only, is_action)


def test_top_actions_spread_across_sections(tmp_path):
    """Two places at most per section while other sections have gaps; the first five of
    the terminal's ten are the report's five (the demo's policy)."""
    demo = generate_policy(CATALOG.edition("2020-12"), seed=7, tier="light")
    write_sample(demo, tmp_path / "p.xlsx", tmp_path / "t.json")
    ranked = rank_gaps(audit(read_policy(tmp_path / "p.xlsx"), CATALOG), CATALOG)

    def crowd(gaps):
        sections = [section_of(r.finding.clause) for r in gaps]
        return max(sections.count(s) for s in sections)

    assert crowd(ranked[:10]) > 2  # by score alone one section would take more places
    five, ten = spread(ranked, 5), spread(ranked, 10)
    assert (ten[:5], crowd(ten)) == (five, 2)
    assert [r.score for r in ten] == sorted((r.score for r in ten), reverse=True)
