"""The survey master: Japan's local bodies and their 全国地方公共団体コード (issue 7).

A body is identified by its 6-digit code: five digits (2 for the prefecture, 3 for the
body) and a check digit. The codes in the bundled sample master
(``gapcheck/data/bodies_sample.csv``: the 47 prefectures and a few dozen well-known
municipalities) are taken from 総務省「全国地方公共団体コード」; the population column is an
approximate figure (令和2年国勢調査, rounded) for grouping by size only, blank where unknown.
The national structure in :data:`MUNICIPALITY_COUNTS` (how many 市/区/町/村 each prefecture
has: 792 / 23 / 743 / 183) comes from the same list; the synthetic nation uses it.

>>> check_digit("13101")
'6'
>>> code_from_filename("131016_千代田区_対策基準.xlsx")
'131016'
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from importlib import resources
from os import PathLike
from pathlib import Path

from gapcheck.errors import MasterError
from gapcheck.io import decode_text

__all__ = [
    "KINDS",
    "MUNICIPALITY_COUNTS",
    "PREFECTURES",
    "SIZE_BANDS",
    "Body",
    "check_digit",
    "code_from_filename",
    "kind_from_name",
    "load_master",
    "size_band",
    "valid_code",
]

KINDS = ("都道府県", "市", "区", "町", "村")
COLUMNS = ("団体コード", "都道府県", "団体名", "区分", "人口")
_WEIGHTS = (6, 5, 4, 3, 2)

# (prefecture, 市, 特別区, 町, 村) in code order, from 総務省「全国地方公共団体コード」.
MUNICIPALITY_COUNTS: tuple[tuple[str, int, int, int, int], ...] = (
    ("北海道", 35, 0, 129, 15), ("青森県", 10, 0, 22, 8), ("岩手県", 14, 0, 15, 4),
    ("宮城県", 14, 0, 20, 1), ("秋田県", 13, 0, 9, 3), ("山形県", 13, 0, 19, 3),
    ("福島県", 13, 0, 31, 15), ("茨城県", 32, 0, 10, 2), ("栃木県", 14, 0, 11, 0),
    ("群馬県", 12, 0, 15, 8), ("埼玉県", 40, 0, 22, 1), ("千葉県", 37, 0, 16, 1),
    ("東京都", 26, 23, 5, 8), ("神奈川県", 19, 0, 13, 1), ("新潟県", 20, 0, 6, 4),
    ("富山県", 10, 0, 4, 1), ("石川県", 11, 0, 8, 0), ("福井県", 9, 0, 8, 0),
    ("山梨県", 13, 0, 8, 6), ("長野県", 19, 0, 23, 35), ("岐阜県", 21, 0, 19, 2),
    ("静岡県", 23, 0, 12, 0), ("愛知県", 38, 0, 14, 2), ("三重県", 14, 0, 15, 0),
    ("滋賀県", 13, 0, 6, 0), ("京都府", 15, 0, 10, 1), ("大阪府", 33, 0, 9, 1),
    ("兵庫県", 29, 0, 12, 0), ("奈良県", 12, 0, 15, 12), ("和歌山県", 9, 0, 20, 1),
    ("鳥取県", 4, 0, 14, 1), ("島根県", 8, 0, 10, 1), ("岡山県", 15, 0, 10, 2),
    ("広島県", 14, 0, 9, 0), ("山口県", 13, 0, 6, 0), ("徳島県", 8, 0, 15, 1),
    ("香川県", 8, 0, 9, 0), ("愛媛県", 11, 0, 9, 0), ("高知県", 11, 0, 17, 6),
    ("福岡県", 29, 0, 29, 2), ("佐賀県", 10, 0, 10, 0), ("長崎県", 13, 0, 8, 0),
    ("熊本県", 14, 0, 23, 8), ("大分県", 14, 0, 3, 1), ("宮崎県", 9, 0, 14, 3),
    ("鹿児島県", 19, 0, 20, 4), ("沖縄県", 11, 0, 11, 19),
)  # fmt: skip
PREFECTURES: tuple[str, ...] = tuple(p for p, *_ in MUNICIPALITY_COUNTS)

# Population bands for the 規模別 table (upper bounds exclusive).
SIZE_BANDS: tuple[tuple[str, int | None], ...] = (
    ("1万人未満", 10_000),
    ("1万〜5万人", 50_000),
    ("5万〜20万人", 200_000),
    ("20万〜100万人", 1_000_000),
    ("100万人以上", None),
)
UNKNOWN_SIZE = "人口不明"


@dataclass(frozen=True)
class Body:
    """One local body of the master."""

    code: str  # 6 digits with the check digit, e.g. "131016"
    prefecture: str  # 東京都
    name: str  # 千代田区 (a prefecture's name is the prefecture itself)
    kind: str  # one of KINDS
    population: int | None = None

    @property
    def full_name(self) -> str:
        """東京都千代田区 / 北海道 (a prefecture is not repeated)."""
        return self.name if self.kind == "都道府県" else f"{self.prefecture}{self.name}"


def check_digit(code5: str) -> str:
    """The check digit of a 5-digit code: weights 6,5,4,3,2; last digit of 11 − (sum mod 11).

    >>> check_digit("01100"), check_digit("47201")
    ('2', '8')
    """
    if not re.fullmatch(r"[0-9]{5}", code5):
        raise ValueError(f"団体コードの先頭5桁は数字5桁にしてください: '{code5}'")
    total = sum(int(d) * w for d, w in zip(code5, _WEIGHTS, strict=True))
    return str((11 - total % 11) % 10)


def valid_code(code: str) -> bool:
    """A 6-digit code of prefecture 01–47 whose last digit is the right check digit.

    >>> valid_code("131016"), valid_code("131017"), valid_code("991003")
    (True, False, False)
    """
    if not re.fullmatch(r"[0-9]{6}", code):
        return False
    return 1 <= int(code[:2]) <= 47 and check_digit(code[:5]) == code[5]


_SIX = re.compile(r"^([0-9]{6})(?![0-9])")
_FIVE = re.compile(r"^([0-9]{5})(?![0-9])")


def code_from_filename(name: str | PathLike[str]) -> str | None:
    """The 6-digit code a file name starts with, or ``None``.

    Decision (documented in the README): a name must *start* with the code, followed by
    a non-digit or nothing (``131016_千代田区.xlsx``, ``131016.txt``). Six digits count only
    when the check digit is right, so a date such as ``202503_…`` is not mistaken for a
    body. The 5-digit form without check digit (e-Stat and many spreadsheets use it,
    ``13101_千代田区.xlsx``) is accepted too and completed with its check digit; a prefix
    outside 01–47 is never a code.

    >>> code_from_filename("13101_千代田区.xlsx"), code_from_filename("131017_x.xlsx")
    ('131016', None)
    """
    stem = Path(name).name
    if m := _SIX.match(stem):
        return m.group(1) if valid_code(m.group(1)) else None
    if m := _FIVE.match(stem):
        code = m.group(1) + check_digit(m.group(1))
        return code if valid_code(code) else None
    return None


def kind_from_name(name: str, prefecture: str = "") -> str:
    """都道府県/市/区/町/村 from the name's suffix (the prefecture itself is 都道府県).

    >>> kind_from_name("千代田区"), kind_from_name("北海道", "北海道")
    ('区', '都道府県')
    """
    if name == prefecture or name in PREFECTURES:
        return "都道府県"
    return name[-1] if name and name[-1] in "市区町村" else ""


def size_band(population: int | None) -> str:
    """The population band label (``人口不明`` when unknown).

    >>> size_band(9_999), size_band(10_000), size_band(None)
    ('1万人未満', '1万〜5万人', '人口不明')
    """
    if population is None:
        return UNKNOWN_SIZE
    for label, upper in SIZE_BANDS:
        if upper is None or population < upper:
            return label
    return UNKNOWN_SIZE  # pragma: no cover


def bundled_master() -> Path:
    """The sample master shipped with gapcheck."""
    return Path(str(resources.files("gapcheck") / "data" / "bodies_sample.csv"))


def load_master(path: str | PathLike[str] | None = None) -> dict[str, Body]:
    """The master CSV (団体コード, 都道府県, 団体名, 区分, 人口) as ``{code: Body}``.

    ``None`` loads the bundled sample. UTF-8 (with or without BOM) or cp932. A 5-digit
    code is completed with its check digit; 区分 may be left blank (taken from the name's
    suffix); 人口 may be blank. Every problem names the file and the row.

    >>> load_master()["131016"].name
    '千代田区'
    """
    p = Path(path) if path is not None else bundled_master()
    try:
        data = p.read_bytes()
    except FileNotFoundError as exc:
        raise MasterError(
            f"{p}: 団体の一覧（マスタ）が見つかりません。パスを確認してください。"
        ) from exc
    except IsADirectoryError as exc:
        raise MasterError(
            f"{p}: フォルダです。団体の一覧の CSV ファイルを指定してください。"
        ) from exc
    text = decode_text(data)
    if text is None:
        raise MasterError(f"{p}: 文字コードを判別できません。UTF-8 で保存し直してください。")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader, [])]
    missing = [c for c in COLUMNS[:3] if c not in header]
    if missing:
        raise MasterError(
            f"{p}: 1行目に列 {', '.join(missing)} がありません。"
            f"見出し行を「{','.join(COLUMNS)}」にしてください。"
        )
    col = {name: header.index(name) for name in COLUMNS if name in header}
    bodies: dict[str, Body] = {}
    lines: dict[str, int] = {}
    problems: list[str] = []
    for line, record in enumerate(reader, start=2):
        if not any(v.strip() for v in record):
            continue

        def value(name: str, record: list[str] = record) -> str:
            i = col.get(name)
            return record[i].strip() if i is not None and i < len(record) else ""

        raw = value("団体コード")
        code = raw + check_digit(raw) if re.fullmatch(r"[0-9]{5}", raw) else raw
        if not valid_code(code):
            problems.append(
                f"{line}行目の団体コード '{_clip(raw)}' が正しくありません"
                "（6桁で、最後の1桁が検査数字。例: 131016 千代田区）。"
            )
            continue
        if code in bodies:
            problems.append(
                f"{line}行目の団体コード {code} は前の行と重複しています（{lines[code]}行目）。"
                "どちらかの行を削除してください。"
            )
            continue
        prefecture, name = value("都道府県"), value("団体名")
        if not prefecture or not name:
            problems.append(f"{line}行目の都道府県か団体名が空です。")
            continue
        problem = _prefecture_problem(prefecture, code)
        if problem:
            problems.append(f"{line}行目の{problem}")
            continue
        kind = value("区分") or kind_from_name(name, prefecture)
        if kind not in KINDS:
            problems.append(
                f"{line}行目の区分 '{_clip(kind)}' は {' / '.join(KINDS)} のいずれかにしてください。"
            )
            continue
        pop_text = value("人口").replace(",", "")
        if pop_text and not pop_text.isdigit():
            problems.append(
                f"{line}行目の人口 '{_clip(value('人口'))}' は数字で書いてください（不明なら空欄）。"
            )
            continue
        lines[code] = line
        bodies[code] = Body(code, prefecture, name, kind, int(pop_text) if pop_text else None)
    if problems:
        shown = problems[:MAX_PROBLEMS]
        more = len(problems) - len(shown)
        tail = f"\n（ほかに {more} 件）" if more else ""
        raise MasterError(
            f"{p}: "
            + "\n".join(shown)
            + tail
            + "\n団体の一覧を直してから、もう一度実行してください。"
        )
    if not bodies:
        raise MasterError(f"{p}: 団体が1件もありません。")
    return bodies


MAX_PROBLEMS = 20  # problems listed at once (the rest counted)


def _clip(text: str, limit: int = 40) -> str:
    """A user's cell quoted in a message, cut short (a 1 MB cell must not become the message)."""
    return text if len(text) <= limit else f"{text[:limit]}…"


def _prefecture_problem(prefecture: str, code: str) -> str:
    """Why a row's 都道府県 is wrong ("" when right): one of the 47, and the code's own.

    >>> _prefecture_problem("青森", "022012")
    "都道府県 '青森' は47都道府県の名前ではありません。「青森県」のように正式な名前で書いてください。"
    >>> _prefecture_problem("岩手県", "022012")
    "都道府県 '岩手県' が団体コード 022012 の都道府県（青森県）と合いません。どちらかを直してください。"
    """
    own = PREFECTURES[int(code[:2]) - 1]
    if prefecture not in PREFECTURES:
        close = [q for q in PREFECTURES if q.startswith(prefecture) or prefecture.startswith(q)]
        hint = close[0] if len(close) == 1 else own
        return (
            f"都道府県 '{_clip(prefecture)}' は47都道府県の名前ではありません。"
            f"「{hint}」のように正式な名前で書いてください。"
        )
    if prefecture != own:
        return (
            f"都道府県 '{prefecture}' が団体コード {code} の都道府県（{own}）と合いません。"
            "どちらかを直してください。"
        )
    return ""
