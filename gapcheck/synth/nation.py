"""A synthetic nation for the survey's demos, tests and benchmark (issue 7).

:func:`generate_nation` imagines Japan's bodies: the 47 real prefectures, and municipalities
in the real numbers per prefecture and type (792 市, 23 区, 743 町, 183 村:
:data:`gapcheck.survey.bodies.MUNICIPALITY_COUNTS`), scaled to ``count``. Municipal names are
invented, codes are real-looking (prefecture + 201… for 市, 101… for 特別区, 301… for 町村)
with correct check digits, populations are drawn per type. Each body's policy is a
:func:`gapcheck.synth.sample.generate_policy` of an edition drawn from a distribution skewed to
older editions for small 町村 (and a little newer each later ``year``), as a spreadsheet or
例規 text; a few files are broken on purpose. Nothing is real policy text (docs/domain.md §6).

Layout written by :func:`write_nation`::

    OUT/bodies.csv                          the master (団体コード, 都道府県, 団体名, 区分, 人口)
    OUT/policies/01_北海道/011002_…市.xlsx   one file per body (the survey's input folder)
    OUT/truth/011002.json                   the generator's answer (edition, style, tier)
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import random
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from gapcheck.catalog.model import Catalog, Depth
from gapcheck.io import csv_safe, write_atomic
from gapcheck.survey.bodies import KINDS, MUNICIPALITY_COUNTS, check_digit
from gapcheck.synth.sample import SamplePolicy, SampleSheet, generate_policy, write_sample

__all__ = ["NATION_SIZE", "NationBody", "generate_nation", "write_nation"]

NATION_SIZE = 1788
BASE_YEAR = 2025  # the distribution below describes this year's nation
# Approximate prefectural populations (令和2年国勢調査, rounded to thousands), code order.
_PREF_POPULATION = (
    5225, 1238, 1211, 2302, 960, 1068, 1833, 2867, 1933, 1939, 7345, 6284, 14048, 9237, 2201,
    1035, 1133, 767, 810, 2048, 1979, 3633, 7542, 1770, 1414, 2578, 8838, 5465, 1324, 923, 553,
    671, 1888, 2800, 1342, 720, 950, 1335, 692, 5135, 811, 1312, 1738, 1124, 1070, 1588, 1467,
)  # fmt: skip
# Median population and spread (log-normal) per body type.
_POPULATION = {"市": (70_000, 0.9), "区": (300_000, 0.6), "町": (12_000, 0.8), "村": (3_000, 0.8)}
# How modern each type's policies are: weight of edition i ∝ exp(tilt · i / (n−1)).
_TILT = {"都道府県": 2.2, "市": 0.6, "区": 1.0, "町": -0.8, "村": -1.4}
_LARGE_CITY = 200_000  # 市 and 区 at least this large lean as modern as prefectures
_CATCH_UP = 0.3  # chance per year after BASE_YEAR that a body moves one edition on
_FIRST = "北東西南中上下大小高新本古長若"
_SECOND = "川山田野原沢浜津島岡崎井谷森松宮橋瀬坂尾"
_BROKEN = ("not-excel", "empty", "no-header", "no-articles")


@dataclass(frozen=True)
class NationBody:
    """One body of the synthetic nation and the policy it keeps."""

    code: str
    prefecture: str
    name: str
    kind: str
    population: int
    edition: str  # the edition its policy follows ("" for a broken file)
    style: str  # spreadsheet / reiki
    tier: str
    seed: int
    file: str  # relative to OUT/policies
    broken: str = ""  # one of _BROKEN, or ""


def _slots(count: int, rng: random.Random) -> list[tuple[int, str]]:
    """(prefecture index, kind) for ``count`` bodies in the real national proportions."""
    full: list[tuple[int, str]] = []
    for p, (_, shi, ku, cho, son) in enumerate(MUNICIPALITY_COUNTS):
        full.append((p, "都道府県"))
        full += [(p, "市")] * shi + [(p, "区")] * ku + [(p, "町")] * cho + [(p, "村")] * son
    if count <= len(full):
        # a stratified draw: every kind keeps its share (largest remainder)
        by_kind = {k: [s for s in full if s[1] == k] for k in KINDS}
        quota = {k: count * len(v) / len(full) for k, v in by_kind.items()}
        take = {k: math.floor(q) for k, q in quota.items()}
        for k in sorted(quota, key=lambda k: take[k] - quota[k])[: count - sum(take.values())]:
            take[k] += 1
        chosen = [s for k in KINDS for s in rng.sample(by_kind[k], take[k])]
    else:
        municipal = [s for s in full if s[1] != "都道府県"]
        chosen = full + [rng.choice(municipal) for _ in range(count - len(full))]
    return sorted(chosen, key=lambda s: (s[0], KINDS.index(s[1])))


def _edition_index(kind: str, population: int, n: int, rng: random.Random) -> int:
    tilt = _TILT[kind]
    if kind in ("市", "区") and population >= _LARGE_CITY:
        tilt = _TILT["都道府県"] - 0.4
    weights = [math.exp(tilt * i / max(n - 1, 1)) for i in range(n)]
    return rng.choices(range(n), weights)[0]


def generate_nation(
    catalog: Catalog, count: int = NATION_SIZE, year: int = BASE_YEAR, seed: int = 0
) -> list[NationBody]:
    """The bodies of a synthetic nation of ``count`` bodies in survey ``year``.

    The same ``seed`` gives the same bodies every year; a later ``year`` only moves some
    bodies to newer editions (their files change, the others stay byte-identical), so two
    years of the same nation show a trend.

    >>> from gapcheck.catalog.loader import load_catalog
    >>> nation = generate_nation(load_catalog(), count=60, seed=1)
    >>> len(nation), sorted({b.kind for b in nation})
    (60, ['区', '市', '村', '町', '都道府県'])
    """
    if count < 1:
        raise ValueError("count は1以上にしてください。")
    rng = random.Random(seed)
    # editions published by the survey year (at least the oldest), held clause by clause: an
    # outline edition (平成22年11月版) has too little to write a whole policy from
    full = [e for e in catalog.editions if e.depth is Depth.FULL] or list(catalog.editions)
    ids = [e.id for e in full if int(e.date[:4]) <= year] or [full[0].id]
    slots = _slots(count, rng)
    used_codes: set[str] = set()
    next_number: dict[tuple[int, str], int] = {}
    used_names: dict[int, set[str]] = {}
    out: list[NationBody] = []
    broken_at = set(rng.sample(range(len(slots)), min(len(slots) // 300 + 2, len(slots) // 4)))
    for n, (p, kind) in enumerate(slots):
        prefecture = MUNICIPALITY_COUNTS[p][0]
        body_rng = random.Random(f"{seed}-{n}")
        if kind == "都道府県":
            number, name, population = 0, prefecture, _PREF_POPULATION[p] * 1000
        else:
            start = {"市": 201, "区": 101}.get(kind, 301)
            number = next_number.get((p, "町村" if kind in "町村" else kind), start)
            number += body_rng.randint(1, 3) if kind in "町村" and number > start else 0
            code5 = f"{p + 1:02d}{number:03d}"
            while f"{code5}{check_digit(code5)}" in used_codes or number > 999:
                number = 101 + body_rng.randrange(899)
                code5 = f"{p + 1:02d}{number:03d}"
            next_number[(p, "町村" if kind in "町村" else kind)] = number + 1
            name = _name(body_rng, kind, used_names.setdefault(p, set()))
            median, spread = _POPULATION[kind]
            population = int(max(150, round(median * math.exp(body_rng.gauss(0, spread)), -1)))
        code5 = f"{p + 1:02d}{number:03d}"
        code = code5 + check_digit(code5)
        used_codes.add(code)
        index = _edition_index(kind, population, len(ids), body_rng)
        style = "spreadsheet" if body_rng.random() < 0.55 else "reiki"
        tier = "heavy" if body_rng.random() < 0.35 else "light"
        policy_seed = body_rng.randrange(1 << 30)
        named_only = kind != "都道府県" and body_rng.random() < 0.01
        # Later years: some bodies catch up one edition (drawn apart, so that the bodies
        # that do not move keep byte-identical files).
        catch_up = random.Random(f"{seed}-{n}-catch-up")
        for _ in range(max(0, year - BASE_YEAR)):
            if catch_up.random() < _CATCH_UP:
                index = min(index + 1, len(ids) - 1)
        broken = _BROKEN[len(out) % len(_BROKEN)] if n in broken_at else ""
        ext = ".xlsx" if style == "spreadsheet" or broken == "not-excel" else ".txt"
        if broken == "no-header":
            ext = ".csv"
        # A few files carry no code, only the body's name (the master identifies them).
        stem = f"{prefecture}{name}_対策基準" if named_only else f"{code}_{name}"
        out.append(
            NationBody(
                code=code,
                prefecture=prefecture,
                name=name,
                kind=kind,
                population=population,
                edition="" if broken else ids[index],
                style=style,
                tier=tier,
                seed=policy_seed,
                file=f"{p + 1:02d}_{prefecture}/{stem}{ext}",
                broken=broken,
            )
        )
    return out


def _name(rng: random.Random, kind: str, used: set[str]) -> str:
    for _ in range(1000):
        name = rng.choice(_FIRST) + rng.choice(_SECOND) + kind
        if name not in used:
            used.add(name)
            return name
    name = rng.choice(_FIRST) + rng.choice(_SECOND) + rng.choice(_SECOND) + kind
    used.add(name)
    return name


def master_csv(bodies: list[NationBody]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["団体コード", "都道府県", "団体名", "区分", "人口"])
    for b in bodies:
        writer.writerow([csv_safe(v) for v in (b.code, b.prefecture, b.name, b.kind, b.population)])
    return buf.getvalue()


def write_nation(
    catalog: Catalog,
    out: str | os.PathLike[str],
    count: int = NATION_SIZE,
    year: int = BASE_YEAR,
    seed: int = 0,
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[NationBody]:
    """Write the nation to ``out`` (see the module docstring for the layout).

    A body whose file would be byte-identical to what is there is not rewritten, so a
    survey's archive recognises it as unchanged.
    """
    out = Path(out)
    bodies = generate_nation(catalog, count, year, seed)
    write_atomic(out / "bodies.csv", master_csv(bodies))
    if not jobs:
        from gapcheck.survey.workers import available_cpus  # the container's CPUs, not the host's

        jobs = available_cpus()
    size = max(1, math.ceil(len(bodies) / (jobs * 8)))
    chunks = [bodies[i : i + size] for i in range(0, len(bodies), size)]
    done = 0
    if jobs <= 1:
        for chunk in chunks:
            _write_chunk(catalog, out, chunk)
            done += len(chunk)
            if progress:
                progress(done, len(bodies))
    else:
        with ProcessPoolExecutor(jobs) as pool:
            for written in pool.map(
                _write_chunk, [catalog] * len(chunks), [out] * len(chunks), chunks
            ):
                done += written
                if progress:
                    progress(done, len(bodies))
    return bodies


def _write_chunk(catalog: Catalog, out: Path, bodies: list[NationBody]) -> int:
    for b in bodies:
        _write_body(catalog, out, b)
    return len(bodies)


def _write_body(catalog: Catalog, out: Path, b: NationBody) -> None:
    path = out / "policies" / b.file
    truth = out / "truth" / f"{b.code}.json"
    meta = dict(b.__dict__)
    if b.broken:
        data = {
            "not-excel": "これは Excel ファイルではありません。\n".encode(),
            "empty": b"",
            "no-header": "令和7年度,一覧\n1,2\n".encode(),
            "no-articles": "情報セキュリティ対策について\n担当者に確認中です。\n".encode(),
        }[b.broken]
        if not path.exists() or path.read_bytes() != data:
            write_atomic(path, data)
        write_atomic(truth, json.dumps(meta, ensure_ascii=False) + "\n")
        return
    marker = out / "truth" / f"{b.code}.json"
    if path.exists() and marker.exists():
        try:
            if json.loads(marker.read_text(encoding="utf-8")) == meta:
                return  # unchanged since the last write: keep the file (and its mtime)
        except (OSError, json.JSONDecodeError):
            pass
    body_word = {"市": "本市", "区": "本区", "町": "本町", "村": "本村"}.get(b.kind, "本市")
    stem = b.name[:-1] if b.kind != "都道府県" else b.name[:-1] or b.name
    sample = generate_policy(
        catalog.edition(b.edition),
        seed=b.seed,
        tier=b.tier,
        style=b.style,
        body=body_word,
        name=stem,
    )
    if b.kind == "都道府県":
        sample = _prefectural(sample, stem + "市", b.name)
    path.parent.mkdir(parents=True, exist_ok=True)
    truth.parent.mkdir(parents=True, exist_ok=True)
    scratch = out / "truth" / f".{b.code}.rows.json"
    write_sample(sample, path, scratch)
    scratch.unlink(missing_ok=True)
    write_atomic(truth, json.dumps(meta, ensure_ascii=False) + "\n")


def _prefectural(sample: SamplePolicy, city_title: str, prefecture: str) -> SamplePolicy:
    """A prefecture's wording: 本県/本都/本道/本府, 知事 and 副知事 for 市長 and 副市長."""
    self_word = {"都": "本都", "道": "本道", "府": "本府"}.get(prefecture[-1], "本県")

    def fix(text: str) -> str:
        text = text.replace(city_title, prefecture)
        return text.replace("本市", self_word).replace("副市長", "副知事").replace("市長", "知事")

    sheets = tuple(
        SampleSheet(s.name, tuple(tuple(fix(c) for c in row) for row in s.cells), s.merged, s.header_row)
        for s in sample.sheets
    )  # fmt: skip
    return replace(sample, title=fix(sample.title), text=fix(sample.text), sheets=sheets)
