"""How one line of 例規 text is recognised: the patterns of chapters, articles (条), 項, 号,
the guideline's own numbering, 目次, 附則, amendment notes and dates, and small helpers on
one line (枝番, titles, amendment years, run-on lines cut into provisions)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from gapcheck.text.normalize import kanji_to_int

__all__ = [
    "AMEND_LINE_RE",
    "AMEND_RE",
    "ARTICLE_RE",
    "BARE_ARTICLE_RE",
    "BARE_DATE_RE",
    "BARE_NUMBER_RE",
    "BODY_TITLE_RE",
    "BOILERPLATE_RE",
    "CAPTION_RE",
    "CHAPTER_RE",
    "CIRCLED_RE",
    "DAI_RE",
    "DATE_LINE_RE",
    "DEFINITION_CONTEXT",
    "DEFINITION_LEAD",
    "DOTTED_RE",
    "HEADS",
    "HISTORY_RE",
    "INSTRUMENT_RE",
    "INSTRUMENT_TITLE_RE",
    "ITEM_RE",
    "JO_RE",
    "LEADER_RE",
    "LEAD_IN_RE",
    "NUMBER_LINE_RE",
    "NUMBER_RE",
    "PARAGRAPH_RE",
    "PAREN_RE",
    "RUN_IN_RE",
    "SP",
    "SUBITEM_RE",
    "SUPPLEMENT_RE",
    "TOC_ENTRY_MAX",
    "TOC_ENTRY_RE",
    "TOC_MARK_RE",
    "amendment_years",
    "branch",
    "is_title",
    "nfkc",
    "unrun",
]

SP = r"[ \t\u3000]"
_N = r"[0-9０-９]+|[〇一二三四五六七八九十百]+"
CHAPTER_RE = re.compile(rf"^第({_N})(編|章|節|款)((?:の(?:{_N}))*)(?:{SP}*(.*))?$")
ARTICLE_RE = re.compile(rf"^第({_N})条((?:の(?:{_N}))*){SP}*(.*)$")
CAPTION_RE = re.compile(r"^[（(]([^（）()]{2,40})[）)]$")
PARAGRAPH_RE = re.compile(rf"^([0-9０-９]+){SP}+(.*)$")
# a line that opens by citing an item (「①の規定にかかわらず」) continues the text: not a label
_CITING = r"(?!の|に|及び|又は|から|まで|を|により|による|で定め)"
ITEM_RE = re.compile(
    rf"^(?:[（(]([0-9０-９]+)[）)]{_CITING}|([一二三四五六七八九十]+){SP}){SP}*(.*)$"
)
SUBITEM_RE = re.compile(rf"^(?:[（(][ア-ンｱ-ﾝ][）)]|[ア-ンｱ-ﾝ](?:{SP}|$))")
# 番号型 labels (the guideline's numbering without 条)
DAI_RE = re.compile(
    rf"^第([0-9０-９]+|[一二三四五六七八九十]+)(?![0-9０-９条章節款編項号])(?:{SP}+|$)(.*)$"
)
DOTTED_RE = re.compile(rf"^([0-9０-９]+(?:[.．―\-－][0-9０-９]+)+)[.．]?(?:{SP}+|$)(.*)$")
NUMBER_RE = re.compile(rf"^([0-9０-９]+)(?:[.．](?![0-9０-９]){SP}*|{SP}+|$)(.*)$")
PAREN_RE = re.compile(rf"^[（(]([0-9０-９]+)[）)]{_CITING}{SP}*(.*)$")
CIRCLED_RE = re.compile(rf"^([①-⑳㉑-㉟㊱-㊿]){_CITING}{SP}*(.*)$")
JO_RE = re.compile(rf"^(序|前文)(?:{SP}+(.*))?$")
AMEND_RE = re.compile(
    r"[（(](?:明治|大正|昭和|平成|令和|[明大昭平令])[0-9０-９元一二三四五六七八九十]"
    r"[^（）()]*?(?:改正|追加|削除|全改|繰上|繰下|旧|一部)[^（）()]*[）)]"
)
# 「(改正(平27訓令第7号・教委訓令第6号))」: a whole line recording amendments
AMEND_LINE_RE = re.compile(r"^[（(]\s*(?:改正|一部改正|全部改正|追加|削除)")
_ERA_YEAR_RE = re.compile(
    r"(明治|大正|昭和|平成|令和|(?<![訓政省府法])[明大昭平令])\s*([0-9０-９]{1,2}|元)"
)
_ERA_START = {"明": 1867, "大": 1911, "昭": 1925, "平": 1988, "令": 2018}
SUPPLEMENT_RE = re.compile(rf"^[附付]{SP}*則(?:{SP}|[（(]|$)")
HISTORY_RE = re.compile(
    r"^[・•●○◯\-\s]*(?:(?:明治|大正|昭和|平成|令和)[^。]{1,16}日)"
    r"[\s　]*(?:制定|改正|一部改正|全部改正|全面改正|施行|策定|改定)?[\s　]*$"
)
DATE_LINE_RE = re.compile(r"^[（(]?(?:明治|大正|昭和|平成|令和)[^。、]{1,14}日[^。、]{0,24}[）)]?$")
NUMBER_LINE_RE = re.compile(
    r"^[/／]?(?:[^\s。、]{0,12}(?:訓令|告示|規則|規程|条例|要綱)(?:甲|乙)?第[0-9０-９一二三四五六七八九十百]+号[/／・]?)+$"
)
# an article line whose 「第」「条」 a 例規集 export lost: 「1 この規程は…」 under 「(目的)」
BARE_ARTICLE_RE = re.compile(rf"^([0-9０-９]{{1,3}}){SP}*([^0-9０-９.．、。,）)\s].*)$")
# a date whose 「年」「月」「日」 were lost with it: 「平成18321」
BARE_DATE_RE = re.compile(r"(?:明治|大正|昭和|平成|令和)[0-9０-９]{4,6}(?![0-9０-９年])")
DEFINITION_CONTEXT = ("定義", "用語")
# words by which a 項 announces the 号 below it (「次の各号に掲げる」「次のとおり」「以下の」)
LEAD_IN_RE = re.compile(r"次の|次に|以下の|下記|各号|用語|とおり|掲げる|[:：]$")
DEFINITION_LEAD = re.compile(r"用語の(?:意義|定義|意味)|用語は|次の各号に掲げる用語")
_TITLE_MAX = 30
HEADS = ("jo", "dai", "dotted", "number")  # 番号型 labels at the top of the outline
RUN_IN_RE = re.compile(r"^([^\s　。、,（）()]{2,15})(?:　|\s{2,})(.+)$")
BOILERPLATE_RE = re.compile(
    r"^(?:更新日|掲載日|ページID|ページの先頭|ここから|本文へ|メニュー|ホーム|トップ|改正$|印刷)"
)
INSTRUMENT_RE = re.compile(r"方針|基準|規程|規則|要綱|要領|ポリシー|訓令")
# an instrument's own title (「南川市情報セキュリティ対策基準」), not a heading inside one
INSTRUMENT_TITLE_RE = re.compile(
    r"情報セキュリティ.{0,12}(?:方針|基準|規程|規則|要綱|要領|ポリシー)$"
)
# an instrument's title that names its body (「霧ヶ丘町情報セキュリティ基本方針」), not a heading such as
# 「情報セキュリティの取組の方針」 inside a page
BODY_TITLE_RE = re.compile(r"^\S{1,8}?[都道府県市区町村]\S{0,8}?情報セキュリティ")
LEADER_RE = re.compile(
    r"(?:[…‥]{2,}|[・･]{3,}|[.．]{4,}|[-－—―]{4,})[\s　]*[0-9０-９ⅰ-ⅿ\-－]*[\s　]*$"
)
# 「目次」 as 例規集 pages print it: alone, spaced, or in brackets (<目次>, 【目次】)
TOC_MARK_RE = re.compile(r"^[<＜〈【\[［(（]?目[ 　]?次[>＞〉】\]］)）]?$")
# a numbered 目次 entry in the guideline's numbering: 「1 目的」「1目的」「(1)ネットワーク」「第3 適用範囲」「序 …」
TOC_ENTRY_RE = re.compile(
    r"^(?:第?[0-9０-９]+(?:[.．][0-9０-９]+)*[.．]?|[（(][0-9０-９]+[）)]|[①-⑳]|序)[ 　]*[^\s0-9０-９.．]"
)
TOC_ENTRY_MAX = 40
BARE_NUMBER_RE = re.compile(
    r"^(?:[0-9０-９]{1,2}[.．]?|[（(][0-9０-９]{1,2}[）)]|第[0-9０-９]{1,2})$"
)


def branch(suffix: str) -> str:
    """``の二`` / ``の２`` → ``の2`` (枝番, possibly several)."""
    return "".join(f"の{kanji_to_int(n)}" for n in re.findall(_N, suffix))


def is_title(text: str) -> bool:
    """A heading or a defined term rather than a sentence: short, no 。 and no 、."""
    t = text.strip()
    return bool(t) and len(t) <= _TITLE_MAX and not re.search(r"[。、,]", t)


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace(" ", "")


def amendment_years(note: str) -> list[str]:
    """Years named in an amendment note: 「(平18訓令5・一部改正)」 → ``["2006"]``."""
    out = []
    for era, year in _ERA_YEAR_RE.findall(note):
        n = 1 if year == "元" else int(unicodedata.normalize("NFKC", year))
        out.append(str(_ERA_START[era[0]] + n))
    return out


_RUN_SPLIT_RE = re.compile(
    rf"(?<=[。）)]){SP}*(?=第[0-9０-９一二三四五六七八九十]+条|[（(][0-9０-９]+[）)]|[0-9０-９]{{1,2}}{SP})"
    rf"|{SP}+(?=[（(][0-9０-９]+[）)]{SP}?\S|第[0-9０-９]+条{SP})"
)


def unrun(lines: Iterable[str]) -> Iterable[str]:
    """Lines as provisions: a very long line (a PDF's whole text on one line) is cut before
    each 第N条, (N) or N that follows a full stop."""
    for line in lines:
        if len(line) > 400:
            yield from _RUN_SPLIT_RE.split(line)
        else:
            yield line
