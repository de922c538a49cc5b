"""例規 text from a file: the lines of plain text, an HTML page or a Word document.

:func:`html_lines` and :func:`docx_lines` give the visible text one line per block;
:func:`reiki_policy` hands the lines to :func:`~gapcheck.readers.reiki.parse_reiki`, which
finds the provisions; :func:`pdf_lines` reads a PDF with a text layer (issue #21).
"""

from __future__ import annotations

import io
import re
import tempfile
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path

from gapcheck.errors import PolicyFormatError
from gapcheck.readers.policy import Policy
from gapcheck.readers.reiki import parse_reiki
from gapcheck.readers.sheets import too_many
from gapcheck.readers.wordxml import block_lines, word_text


def is_html(text: str) -> bool:
    head = text.lstrip()[:512].lower()
    return head.startswith(("<!doctype html", "<html"))


class _HTMLText(HTMLParser):
    """Visible text, one line per block; script/style (and the <title>) dropped."""

    SKIP = frozenset({"script", "style", "title", "template", "noscript"})
    BLOCK = frozenset(
        "address article aside blockquote br caption dd div dl dt figcaption footer form h1 h2"
        " h3 h4 h5 h6 header hr li main nav ol p pre section table tbody td tfoot th thead tr"
        " ul".split()
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skip += 1
        elif tag in self.BLOCK:
            self.parts.append("\n")
            if tag == "pre":
                self.pre += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skip = max(self.skip - 1, 0)
        elif tag in self.BLOCK:
            self.parts.append("\n")
            if tag == "pre":
                self.pre = max(self.pre - 1, 0)

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if not self.pre:
            # Source line breaks are not text breaks; in Japanese they join with nothing.
            data = re.sub(r"[ \t\r\n\f]*[\r\n][ \t\r\n\f]*", "", data)
            data = re.sub(r"[ \t\f]+", " ", data)
        self.parts.append(data)


def html_lines(text: str) -> list[str]:
    parser = _HTMLText()
    parser.feed(text)
    parser.close()
    return "".join(parser.parts).splitlines()


def docx_lines(path: Path, data: bytes) -> tuple[list[str], list[str]]:
    """The lines of a Word document with every tracked change accepted (text in content
    controls, fields and text boxes included), and warnings for what cannot be read as text."""
    import docx  # python-docx

    try:
        text = word_text(docx.Document(io.BytesIO(data)))
    except Exception as exc:
        raise not_docx(path) from exc
    warnings = []
    if text.objects:
        warnings.append(
            f"{path}: 文書に埋め込まれたオブジェクト（表計算の表や数式など {text.objects} 個）は"
            "文字として読めないため、照合に含めていません。その中に規定があれば、"
            "Word の本文に文字として貼り付けてから指定してください。"
        )
    return list(block_lines(text.blocks)), warnings


def not_docx(path: Path) -> PolicyFormatError:
    return PolicyFormatError(
        f"{path}: このファイルは Word 文書（.docx）として読めません。"
        "Word で開いて .docx 形式で保存し直してください。"
    )


# A policy PDF is a few dozen pages; past this many it is not a policy (or a hostile file).
MAX_PDF_PAGES = 600


def pdf_lines(path: Path, data: bytes) -> list[str]:
    """The text lines of a policy PDF with a text layer, wrapped lines joined (issue #21).

    The guideline import's page reading does the work (page numbers and running headers
    cropped, dot-leader 目次 lines kept as such). It reads from a private copy of exactly the
    bytes hashed, so the digest is of what was parsed. An image-only PDF is refused: there is
    no OCR.
    """
    from gapcheck.errors import GuidelineParseError
    from gapcheck.importing.document import read_document

    with tempfile.TemporaryDirectory(prefix="gapcheck-pdf-") as tmp:
        copy = Path(tmp) / "policy.pdf"
        copy.write_bytes(data)
        try:
            document = read_document([copy], max_pages=MAX_PDF_PAGES)
        except GuidelineParseError as exc:  # the import's messages, about this file
            message = str(exc).replace(str(copy), str(path))
            message = message.replace("取り込んでください", "指定してください")
            raise PolicyFormatError(message) from exc
    out: list[str] = []
    joined = ""
    for line in document.lines:
        joined += line.text
        if not line.wrapped:
            out.append(joined)
            joined = ""
    if joined:
        out.append(joined)
    return out


def reiki_policy(
    path: Path,
    digest: str,
    lines: Iterable[str],
    max_rows: int,
    warnings: Iterable[str] = (),
) -> Policy:
    parsed = parse_reiki(lines, max_rows=max_rows)
    if len(parsed.rows) > max_rows:
        raise too_many(path, "条文の項・号の数", max_rows)
    if not parsed.rows and not parsed.toc:
        raise PolicyFormatError(
            f"{path}: 規定（「第1条　…」や「1　目的」「(1)　…」で始まる行）が見つかりません。"
            "例規の本文を指定するか、表なら「本文」などの列名を持つ見出し行を付けた CSV か Excel に"
            "してください。"
        )
    return Policy(
        path=str(path),
        sha256=digest,
        kind="reiki",
        rows=parsed.rows,
        title=parsed.title,
        enacted=parsed.enacted,
        revised=parsed.revised,
        toc=parsed.toc,
        warnings=(*warnings, *parsed.warnings),
    )


__all__ = [
    "MAX_PDF_PAGES",
    "docx_lines",
    "html_lines",
    "is_html",
    "not_docx",
    "pdf_lines",
    "reiki_policy",
]
