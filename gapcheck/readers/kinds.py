"""The policy formats, each one small class registered once in :data:`POLICY_FORMATS` (issue #22).

A format says what it is called (``name``, the Japanese ``display``), which extensions it goes
by, how its content is recognised (:meth:`PolicyFormat.detect`), what it refuses under its own
extension (:meth:`PolicyFormat.refuse`) and how it is read (:meth:`PolicyFormat.read`).
:func:`~gapcheck.readers.formats.read_policy` reads a file with the format
:meth:`PolicyFormats.choose` picks; the command's help, the web page's file input, the
messages naming the formats and (through a test) the README all list :data:`POLICY_FORMATS`.
A new format is a class here and one ``POLICY_FORMATS.register(...)`` line.

How a file is matched (the rules :mod:`~gapcheck.readers.sniff` always applied):

1. the content decides between the binary formats (a workbook, a Word document, a PDF),
   whatever the extension: an .xls that is really .xlsx is read as a workbook;
2. the format the extension names may refuse content that is not its own, with a message
   saying how to fix the file (a Word document or text named .xlsx);
3. text is read by the text format its extension names, unless that format lets the content
   decide (plain text: an HTML page or Excel's tab-separated 「Unicode テキスト」 saved as .txt),
   otherwise by the first text format, in :attr:`~PolicyFormat.rank` order, that recognises it.
"""

from __future__ import annotations

from abc import abstractmethod
from functools import cached_property
from hashlib import sha256
from pathlib import Path
from typing import ClassVar

from gapcheck.errors import PolicyFormatError
from gapcheck.readers.policy import Policy
from gapcheck.readers.registry import FileFormat, Registry
from gapcheck.readers.sheets import Sheet, delimited_sheet, sheet_policy, sniff_delimiter
from gapcheck.readers.sniff import container_kind, decode, not_excel
from gapcheck.readers.texts import (
    docx_lines,
    html_lines,
    is_html,
    not_docx,
    pdf_lines,
    reiki_policy,
)
from gapcheck.readers.workbooks import read_workbook

__all__ = ["POLICY_FORMATS", "PolicyFormat", "PolicyFormats", "Probe"]


class Probe:
    """A policy file as the formats see it: its bytes, what holds them, and the options.

    ``container`` is ``zip``, ``ole``, ``pdf``, ``text`` or ``binary``
    (:func:`~gapcheck.readers.sniff.container_kind`, which refuses zip bombs, encrypted files and
    .doc on the way); ``text`` is decoded on first use (UTF-16 with a BOM, ``encoding``, or
    UTF-8 then cp932), so a binary format never pays for it.
    """

    def __init__(
        self,
        path: Path,
        data: bytes,
        *,
        sheet: str | None,
        encoding: str | None,
        max_rows: int,
        max_inflated_mb: int,
    ) -> None:
        self.path = path
        self.data = data
        self.ext = path.suffix.lower()
        self.sheet = sheet
        self.encoding = encoding
        self.max_rows = max_rows
        self.digest = sha256(data).hexdigest()
        self.container, self.zip_names = container_kind(path, data, max_inflated_mb)
        self.memo: dict[str, object] = {}  # what a format's detection found, for its reading

    @property
    def is_text(self) -> bool:
        return self.container == "text"

    @cached_property
    def text(self) -> str:
        return decode(self.path, self.data, self.encoding)


class PolicyFormat(FileFormat):
    """One format a policy may come in.

    ``text`` formats are offered decoded text only, and the extension decides between them
    unless ``extension_decides`` is off; ``rank`` orders detection (lower first, equal ranks
    in registration order) so that a costly or catch-all detection comes last.
    """

    text: ClassVar[bool] = False
    extension_decides: ClassVar[bool] = True
    rank: ClassVar[int] = 0

    @abstractmethod
    def detect(self, probe: Probe) -> bool:
        """Whether the content is this format (a text format is asked about text only)."""

    def refuse(self, probe: Probe, found: PolicyFormat | None) -> PolicyFormatError | None:
        """The error for a file named like this format whose content is ``found`` (``None``:
        text, or bytes no binary format recognised); ``None`` reads it as what it is."""
        return None

    @abstractmethod
    def read(self, probe: Probe) -> Policy:
        """The policy in the file."""


class PolicyFormats(Registry[PolicyFormat]):
    """The policy formats, and the choice of one for a file."""

    def choose(self, probe: Probe) -> PolicyFormat:
        """The format to read ``probe`` with, or a :class:`PolicyFormatError` saying why none."""
        ranked = sorted(self, key=lambda f: f.rank)  # stable: registration order within a rank
        claimed = self.for_extension(probe.ext)
        found = next((f for f in ranked if not f.text and f.detect(probe)), None)
        if claimed is not None and claimed is not found:
            refusal = claimed.refuse(probe, found)
            if refusal is not None:
                raise refusal
        if found is not None:
            return found
        if not probe.is_text:
            raise _unsupported(probe.path)
        if claimed is not None and claimed.text and claimed.extension_decides:
            return claimed
        found = next((f for f in ranked if f.text and f.detect(probe)), None)
        if found is None:
            raise _unsupported(probe.path)
        return found


def _unsupported(path: Path) -> PolicyFormatError:
    return PolicyFormatError(
        f"{path}: 対応していない形式です。{POLICY_FORMATS.suggested()} の"
        "いずれかで保存してください。"
    )


# --- the formats, in the order they are listed --------------------------------------------


class Spreadsheet(PolicyFormat):
    """An Excel workbook (zip or Office 97-2003), read with python-calamine: one row per table
    row with text (:mod:`gapcheck.readers.workbooks`)."""

    name = "excel"
    extensions = (".xlsx", ".xlsm", ".xls", ".xlsb")
    suggested = (".xlsx", ".xlsm", ".xls")
    display = "Excel"

    def detect(self, probe: Probe) -> bool:
        if probe.container == "ole":
            return True
        return any(n.startswith("xl/workbook.") for n in probe.zip_names)

    def refuse(self, probe: Probe, found: PolicyFormat | None) -> PolicyFormatError | None:
        if isinstance(found, WordDocument):
            return PolicyFormatError(
                f"{probe.path}: このファイルは Excel ファイルとして読めません。中身は Word 文書です。"
                "拡張子を .docx に変えるか、Excel で表を作り直してください。"
            )
        if found is not None:
            return None  # a PDF under any name is read as a PDF (issue #21)
        if probe.is_text:
            return PolicyFormatError(
                f"{probe.path}: このファイルは Excel ファイルとして読めません。中身はテキストです。"
                "CSV なら拡張子を .csv に、例規の本文なら .txt に変えてください。"
            )
        return not_excel(probe.path)

    def read(self, probe: Probe) -> Policy:
        return read_workbook(probe.path, probe.data, probe.digest, probe.sheet, probe.max_rows)


class Delimited(PolicyFormat):
    """CSV, or tab-separated text (Excel's 「Unicode テキスト」, also when saved as .txt and it
    has a header row): one row per table row with text (:mod:`gapcheck.readers.sheets`)."""

    name = "csv"
    extensions = (".csv", ".tsv")
    display = "CSV"
    text = True
    rank = 1  # the whole text is parsed to find a header row: after the cheap checks

    def detect(self, probe: Probe) -> bool:
        return sniff_delimiter(probe.text) == "\t" and self._table(probe).header is not None

    def read(self, probe: Probe) -> Policy:
        return sheet_policy(probe.path, probe.digest, self._table(probe), "")

    def _table(self, probe: Probe) -> Sheet:
        table = probe.memo.get("table")
        if not isinstance(table, Sheet):  # parsed once, for detection and reading
            table = probe.memo["table"] = delimited_sheet(probe.path, probe.text, probe.max_rows)
        return table


class PlainText(PolicyFormat):
    """例規 text: one row per 項 with its own text and per 号 (:mod:`gapcheck.readers.reiki`).
    Any text no other format recognises; a .txt may also be an HTML page or a table."""

    name = "text"
    extensions = (".txt",)
    display = "例規の本文のテキスト"
    text = True
    extension_decides = False
    rank = 9  # any text: the last resort

    def detect(self, probe: Probe) -> bool:
        return True

    def read(self, probe: Probe) -> Policy:
        return reiki_policy(probe.path, probe.digest, probe.text.splitlines(), probe.max_rows)


class Html(PolicyFormat):
    """An HTML page of 例規 text (a 例規集's page saved from the browser): its visible text."""

    name = "html"
    extensions = (".html", ".htm", ".xhtml")
    display = "HTML"
    text = True

    def detect(self, probe: Probe) -> bool:
        return is_html(probe.text)

    def read(self, probe: Probe) -> Policy:
        return reiki_policy(probe.path, probe.digest, html_lines(probe.text), probe.max_rows)


class WordDocument(PolicyFormat):
    """A Word document (.docx) of 例規 text: its paragraphs and table cells in order."""

    name = "docx"
    extensions = (".docx",)
    display = "Word"

    def detect(self, probe: Probe) -> bool:
        return "word/document.xml" in probe.zip_names

    def refuse(self, probe: Probe, found: PolicyFormat | None) -> PolicyFormatError | None:
        # a zip of something else is "not supported"; a workbook or PDF is read as what it is
        if found is None and probe.container != "zip":
            return not_docx(probe.path)
        return None

    def read(self, probe: Probe) -> Policy:
        lines, warnings = docx_lines(probe.path, probe.data)
        return reiki_policy(probe.path, probe.digest, lines, probe.max_rows, warnings)


class PdfDocument(PolicyFormat):
    """A PDF of 例規 text with a text layer, read like the guideline's pages (issue #21); a
    scanned, image-only PDF is refused (there is no OCR)."""

    name = "pdf"
    extensions = (".pdf",)
    display = "PDF"

    def detect(self, probe: Probe) -> bool:
        return probe.container == "pdf"

    def read(self, probe: Probe) -> Policy:
        lines = pdf_lines(probe.path, probe.data)
        return reiki_policy(probe.path, probe.digest, lines, probe.max_rows)


POLICY_FORMATS = PolicyFormats()
for _format in (Spreadsheet(), Delimited(), PlainText(), Html(), WordDocument(), PdfDocument()):
    POLICY_FORMATS.register(_format)
