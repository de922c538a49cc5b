"""Word text a reader sees with every change accepted (issue #26): tracked changes, content
controls, fields, smart tags and text boxes are read, not dropped — for the audit's 例規 and
for the guideline import alike."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml

from gapcheck.importing.document import read_document
from gapcheck.readers.formats import read_policy
from gapcheck.readers.wordxml import WordParagraph, WordTable, block_lines, word_text

NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:o="urn:schemas-microsoft-com:office:office"'
)


def _r(text: str) -> str:
    return f"<w:r><w:t xml:space='preserve'>{text}</w:t></w:r>"


def _p(inner: str, ppr: str = "") -> str:
    return f"<w:p {NS}>{ppr}{inner}</w:p>"


def _box(text: str) -> str:
    """A text box as Word 2010+ writes it: the drawing and a VML fallback with the same text."""
    content = f"<w:txbxContent>{_p(_r(text))}</w:txbxContent>"
    return (
        "<w:r><mc:AlternateContent>"
        f"<mc:Choice Requires='wps'><w:drawing><wps:txbx>{content}</wps:txbx></w:drawing>"
        "</mc:Choice>"
        f"<mc:Fallback><w:pict><v:textbox>{content}</v:textbox></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r>"
    )


# one case per construct: the body's XML blocks → the lines read
CASES: list[tuple[str, list[str], list[str]]] = [
    ("plain", [_p(_r("第1条　目的を定める。"))], ["第1条　目的を定める。"]),
    (
        "insertion-kept-deletion-dropped",
        [
            _p(
                _r("第2条　職員は")
                + "<w:ins w:id='1' w:author='a'>"
                + _r("多要素認証を用いて")
                + "</w:ins>"
                + "<w:del w:id='2' w:author='a'><w:r><w:delText>パスワードで</w:delText></w:r>"
                "</w:del>" + _r("ログインする。")
            )
        ],
        ["第2条　職員は多要素認証を用いてログインする。"],
    ),
    (
        "inserted-paragraph-inside-ins-block",
        [
            _p(_r("第3条　一")),
            f"<w:ins {NS} w:id='3' w:author='a'>" + _p(_r("第4条　新しい条")) + "</w:ins>",
        ],
        ["第3条　一", "第4条　新しい条"],
    ),
    (
        "block-content-control",
        [
            f"<w:sdt {NS}><w:sdtPr/><w:sdtContent>"
            + _p(_r("第5条　管理者を置く。"))
            + _p(_r("第6条　記録を残す。"))
            + "</w:sdtContent></w:sdt>"
        ],
        ["第5条　管理者を置く。", "第6条　記録を残す。"],
    ),
    (
        "inline-control-smart-tag-simple-field",
        [
            _p(
                _r("第7条　")
                + "<w:sdt><w:sdtContent>"
                + _r("情報システム課")
                + "</w:sdtContent></w:sdt>"
                + "<w:smartTag w:uri='u' w:element='place'>"
                + _r("本庁舎")
                + "</w:smartTag>"
                + "<w:fldSimple w:instr=' PAGE '>"
                + _r("に")
                + "</w:fldSimple>"
                + "<w:hyperlink>"
                + _r("置く。")
                + "</w:hyperlink>"
            )
        ],
        ["第7条　情報システム課本庁舎に置く。"],
    ),
    (
        "complex-field-code-dropped-result-kept",
        [
            _p(
                _r("第8条　別表")
                + "<w:r><w:fldChar w:fldCharType='begin'/></w:r>"
                + "<w:r><w:instrText> REF 表1 \\h </w:instrText></w:r>"
                + "<w:r><w:fldChar w:fldCharType='separate'/></w:r>"
                + _r("第1")
                + "<w:r><w:fldChar w:fldCharType='end'/></w:r>"
                + _r("による。")
            )
        ],
        ["第8条　別表第1による。"],
    ),
    (
        "text-box-once-after-its-paragraph",
        [_p(_r("第9条　図のとおり。") + _box("（図）ネットワークの分離")), _p(_r("第10条"))],
        ["第9条　図のとおり。", "（図）ネットワークの分離", "第10条"],
    ),
    (
        "deleted-paragraph-mark-joins-next",
        [
            _p(
                _r("第11条　職員は"), "<w:pPr><w:rPr><w:del w:id='4' w:author='a'/></w:rPr></w:pPr>"
            ),
            _p(_r("研修を受ける。")),
        ],
        ["第11条　職員は研修を受ける。"],
    ),
    (
        "moved-text-once-where-it-went",
        [
            _p("<w:moveFrom w:id='5' w:author='a'>" + _r("第12条　移す。") + "</w:moveFrom>"),
            _p("<w:moveTo w:id='6' w:author='a'>" + _r("第12条　移す。") + "</w:moveTo>"),
        ],
        ["", "第12条　移す。"],
    ),
    (
        "breaks-tabs-and-page-breaks",
        [
            _p(
                _r("第13条") + "<w:r><w:tab/><w:t>一</w:t><w:br/><w:t>二</w:t>"
                "<w:br w:type='page'/><w:t>三</w:t></w:r>"
            )
        ],
        ["第13条\t一", "二三"],
    ),
]


def _document(path: Path, blocks: list[str]) -> Path:
    document = docx.Document()
    body = document.element.body
    sect = body[-1]  # keep the section properties last
    for xml in blocks:
        sect.addprevious(parse_xml(xml))
    document.save(str(path))
    return path


@pytest.mark.parametrize(("name", "blocks", "lines"), CASES, ids=[c[0] for c in CASES])
def test_lines_with_changes_accepted(
    tmp_path: Path, name: str, blocks: list[str], lines: list[str]
):
    text = word_text(docx.Document(str(_document(tmp_path / f"{name}.docx", blocks))))
    assert list(block_lines(text.blocks)) == lines
    assert text.objects == 0


def test_table_rows_deleted_and_merged_cells(tmp_path: Path) -> None:
    def cell(text: str, merge: str = "") -> str:
        return f"<w:tc><w:tcPr>{merge}</w:tcPr>{_p(_r(text))}</w:tc>"

    restart, cont = "<w:vMerge w:val='restart'/>", "<w:vMerge/>"
    table = (
        f"<w:tbl {NS}><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid>"
        f"<w:tr>{cell('区分', restart)}{cell('一')}</w:tr>"
        f"<w:tr>{cell('', cont)}{cell('二')}</w:tr>"
        f"<w:tr><w:trPr><w:del w:id='7' w:author='a'/></w:trPr>{cell('削除')}{cell('行')}</w:tr>"
        "</w:tbl>"
    )
    text = word_text(docx.Document(str(_document(tmp_path / "t.docx", [table]))))
    assert text.blocks[:1] == [
        WordTable(
            (
                ((WordParagraph("区分"),), (WordParagraph("一"),)),
                ((WordParagraph("二"),),),
            )
        )
    ]


ARTICLES = [f"第{n}条　第{n}の規定を守る。" for n in range(1, 11)]


def _tracked_policy(path: Path) -> Path:
    """A 例規 whose last six articles were added with 変更履歴 on, two of them in a content
    control, and whose 第2条 wording was changed in place."""
    blocks = [_p(_r("○霧ヶ丘町情報セキュリティ規程"))]
    for n, line in enumerate(ARTICLES, start=1):
        if n == 2:
            blocks.append(
                _p(
                    _r("第2条　第2の規定を")
                    + "<w:del w:id='8' w:author='a'><w:r><w:delText>なるべく</w:delText></w:r>"
                    "</w:del>" + _r("守る。")
                )
            )
        elif n <= 4:
            blocks.append(_p(_r(line)))
        elif n <= 8:
            blocks.append(f"<w:ins {NS} w:id='{n + 10}' w:author='a'>" + _p(_r(line)) + "</w:ins>")
        else:
            blocks.append(
                f"<w:sdt {NS}><w:sdtContent>"
                + _p("<w:ins w:id='30' w:author='a'>" + _r(line) + "</w:ins>")
                + "</w:sdtContent></w:sdt>"
            )
    return _document(path, blocks)


def test_audit_reads_every_tracked_article(tmp_path: Path) -> None:
    policy = read_policy(_tracked_policy(tmp_path / "規程.docx"))
    assert [(row.where, row.text) for row in policy.rows] == [
        (f"第{n}条第1項", f"第{n}の規定を守る。") for n in range(1, 11)
    ]
    assert policy.warnings == ()


def test_import_reads_tracked_text(tmp_path: Path) -> None:
    document = read_document([_tracked_policy(tmp_path / "guideline.docx")])
    texts = [line.text for line in document.lines]
    assert texts == ["○霧ヶ丘町情報セキュリティ規程", *ARTICLES]


def test_embedded_object_is_named_in_a_warning(tmp_path: Path) -> None:
    blocks = [
        _p(_r("第1条　目的を定める。")),
        _p("<w:r><w:object><v:shape/></w:object></w:r>"),
    ]
    path = _document(tmp_path / "obj.docx", blocks)
    policy = read_policy(path)
    assert [row.where for row in policy.rows] == ["第1条第1項"]
    assert policy.warnings == (
        f"{path}: 文書に埋め込まれたオブジェクト（表計算の表や数式など 1 個）は文字として読めないため、"
        "照合に含めていません。その中に規定があれば、Word の本文に文字として貼り付けてから指定してください。",
    )
