"""Synthetic municipal policies, with the answer key, for tests, the demo and benchmarks.

A body is imagined to have copied the 例文 of one guideline edition and edited it the way
real bodies do (docs/domain.md §4): 本市 becomes 本町, typography drifts (、→，, ＩＤ/ID, 強靱,
総括, ハードウエア), a few clauses are dropped, local provisions appear, wording changes,
chapters move, clauses are merged or split, and the result is kept as a spreadsheet or as
例規 (条・項・号) text. Every generated row carries the catalog keys it implements, so an
aligner can be scored against the truth. Nothing here is copied from a real policy
(docs/domain.md §6): the text is the catalog's own digest, transformed.

This module is the entry point (:func:`generate_policy`, :func:`write_sample`); the steps
live beside it, listed in :mod:`gapcheck.synth`.

>>> from gapcheck.catalog.loader import load_catalog
>>> sample = generate_policy(load_catalog().edition("2020-12"), seed=3, style="reiki")
>>> sample.rows[0].row
'第1条第1項'
"""

from __future__ import annotations

import functools
import json
import random
import unicodedata
from dataclasses import replace
from pathlib import Path

import yaml

from gapcheck.catalog.model import Edition
from gapcheck.synth.habits import BODIES, TIER_RATES, TIERS, draw_habits
from gapcheck.synth.render_reiki import render_reiki
from gapcheck.synth.render_sheet import column_letter, render_sheets
from gapcheck.synth.result import SamplePolicy, SampleRow, SampleSheet
from gapcheck.synth.skeleton import build_skeleton
from gapcheck.synth.transform import (
    add_locals,
    branch_added,
    merge,
    move_chapter,
    reword_units,
    split_units,
)

STYLES = ("spreadsheet", "reiki")

__all__ = [
    "BODIES",
    "STYLES",
    "TIERS",
    "SamplePolicy",
    "SampleRow",
    "SampleSheet",
    "generate_policy",
    "write_sample",
]


# --- the generator ------------------------------------------------------------------------


VOICES = ("digest", "municipal")


@functools.lru_cache(maxsize=1)
def municipal_voice() -> dict[str, tuple[str, str]]:
    """key → (caption, text) of the second voice (gapcheck/data/voice_municipal.yaml)."""
    import importlib.resources

    raw = yaml.safe_load(
        importlib.resources.files("gapcheck")
        .joinpath("data/voice_municipal.yaml")
        .read_text(encoding="utf-8")
    )
    return {item["key"]: (item.get("caption", ""), item["text"]) for item in raw}


def in_municipal_voice(edition: Edition) -> Edition:
    """``edition`` with each clause worded and captioned in the second voice, where it has
    one (clauses removed before the newest edition keep the digest's words)."""
    from gapcheck.catalog.loader import load_catalog

    voice = municipal_voice()
    latest = load_catalog().latest
    clauses = []
    for c in edition.clauses:
        now = latest.get(c.key)
        # the voice words the newest edition: a clause changed since keeps this edition's words
        if c.key in voice and now is not None and now.text == c.text:
            caption, text = voice[c.key]
            headings = (*c.headings[:-1], caption or c.heading) if c.headings else c.headings
            c = replace(c, text=text, headings=headings)
        clauses.append(c)
    return replace(edition, clauses=tuple(clauses))


def generate_policy(
    edition: Edition,
    *,
    seed: int = 0,
    tier: str = "light",
    style: str = "spreadsheet",
    body: str = "本町",
    name: str = "○○",
    voice: str = "digest",
) -> SamplePolicy:
    """A synthetic policy derived from ``edition``'s 例文, with the truth for every row.

    ``tier`` is ``light`` (substitutions, ~3% dropped, ~10% lightly reworded, 2–4 local
    provisions) or ``heavy`` (also chapters moved, ~8% dropped, merges, splits, ~30%
    reworded, 5–9 local provisions). ``style`` is ``spreadsheet`` or ``reiki``; ``body`` one
    of 本市 / 本町 / 本村 / 本区; ``name`` the place name in the title. The same arguments
    always give the same policy. ``voice`` is ``digest`` (our catalog's own sentences) or
    ``municipal``: a second, independent wording in 例規 style with its own captions, for
    clauses the newest edition still holds (issue #11).

    >>> from gapcheck.catalog.loader import load_catalog
    >>> sample = generate_policy(load_catalog().edition("2020-12"), seed=1)
    >>> sample.title
    '○○町情報セキュリティ対策基準'
    """
    if tier not in TIER_RATES:
        raise ValueError(f"tier '{tier}' は {' / '.join(TIERS)} のいずれかにしてください。")
    if style not in STYLES:
        raise ValueError(f"style '{style}' は {' / '.join(STYLES)} のいずれかにしてください。")
    if voice not in VOICES:
        raise ValueError(f"voice '{voice}' は {' / '.join(VOICES)} のいずれかにしてください。")
    if voice == "municipal":
        edition = in_municipal_voice(edition)
    if body not in BODIES:
        raise ValueError(f"body '{body}' は {' / '.join(BODIES)} のいずれかにしてください。")
    rng = random.Random(seed)
    spec = TIER_RATES[tier]
    habits = draw_habits(rng, body)
    clauses = list(edition.clauses)

    dropped = set(rng.sample([c.key for c in clauses], round(spec.drop * len(clauses))))
    kept = [c for c in clauses if c.key not in dropped]
    chapters = build_skeleton(kept, rng)

    if spec.split:
        split_units(chapters, spec.split, len(clauses), rng)
    if spec.merge:
        merge(chapters, spec.merge, len(clauses), rng)
    reword_units(chapters, spec.reword, tier == "heavy", rng)
    add_locals(chapters, rng.randint(*spec.locals), rng)
    for _ in range(spec.moves):
        move_chapter(chapters, rng)

    kind = BODIES[body]
    suffix = "情報セキュリティ対策基準"
    title = f"{name}{kind}{suffix}"
    branch_added(chapters, edition, rng)
    if style == "spreadsheet":
        sheets, rows = render_sheets(chapters, habits, body, title, name + kind, rng)
        sample_text = ""
    else:
        sample_text, rows = render_reiki(chapters, habits, body, title, edition, rng)
        sheets = []
    return SamplePolicy(
        version=edition.id,
        style=style,
        tier=tier,
        body=body,
        rows=tuple(rows),
        title=title,
        dropped=tuple(c.key for c in clauses if c.key in dropped),
        sheets=tuple(sheets),
        text=sample_text,
    )


# --- writing ------------------------------------------------------------------------------


def write_sample(sample: SamplePolicy, out: Path, truth: Path | None = None) -> None:
    """Write ``sample`` to ``out`` (.xlsx or UTF-8 .txt) and its truth JSON beside it.

    The truth goes to ``truth`` or, by default, ``out`` with ``.truth.json`` for a suffix.

    >>> write_sample(sample, Path("sample.xlsx"))  # doctest: +SKIP
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if sample.style == "spreadsheet":
        _write_xlsx(sample, out)
    else:
        out.write_text(sample.text, encoding="utf-8")
    truth = truth or out.with_name(out.stem + ".truth.json")
    truth.write_text(
        json.dumps(sample.truth(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _write_xlsx(sample: SamplePolicy, out: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    wb.remove(wb.worksheets[0])  # the empty sheet a new workbook starts with
    for sheet in sample.sheets:
        ws = wb.create_sheet(sheet.name[:31])
        for r, values in enumerate(sheet.cells, start=1):
            for c, value in enumerate(values, start=1):
                if value:
                    cell = ws.cell(row=r, column=c, value=value)
                    if value[0] in "=+-@":  # never let text run as a formula
                        cell.data_type = "s"
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        for r in range(1, sheet.header_row):
            ws.cell(row=r, column=1).font = Font(bold=r == 1, size=14 if r == 1 else 11)
        for cell in ws[sheet.header_row]:
            cell.font = Font(bold=True)
        for rng in sheet.merged:
            ws.merge_cells(rng)
            ws[rng.split(":")[0]].font = Font(bold=True)
        ws.freeze_panes = ws.cell(row=sheet.header_row + 1, column=1)
        columns = max(len(v) for v in sheet.cells)
        for c in range(columns):
            body = [v[c] for v in sheet.cells[sheet.header_row - 1 :] if len(v) > c]
            widest = max((_display_width(v) for v in body if len(v) < 40), default=8)
            has_long = any(len(v) >= 40 for v in body)
            ws.column_dimensions[column_letter(c)].width = (
                80 if has_long else min(max(widest + 2, 8), 40)
            )
    wb.save(out)
