"""What every page of ``gapcheck serve`` shares: the jinja2 environment, the messages, the
posted form with its checks, and :class:`PagesBase` (catalog, data folder, results, files).

The handlers of each feature are in :mod:`gapcheck.web.audit_pages`,
:mod:`gapcheck.web.edition_pages` and :mod:`gapcheck.web.survey_pages`.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from gapcheck.errors import GapcheckError
from gapcheck.importing.document import GUIDELINE_FORMATS
from gapcheck.readers.kinds import POLICY_FORMATS
from gapcheck.web.guard import CSRF_FIELD, REPORT_CSP, Keys, Refused, check_csrf
from gapcheck.web.jobs import Jobs, Store
from gapcheck.web.uploads import (
    UploadError,
    limited_receive,
    strip_folders,
    too_large_request,
)

# the heavy library (pandas, SciPy) is imported in the handlers and by the warm-up
# thread, so that importing this module stays quick
if TYPE_CHECKING:
    from gapcheck.catalog.model import Catalog


__all__ = [
    "AUDIT_FILES",
    "DATA_ENV",
    "DIFF_FILES",
    "ENCODINGS",
    "HTML",
    "NAV",
    "NOT_FOUND",
    "SURVEY_FILES",
    "UNEXPECTED",
    "WHAT_TO_DO",
    "XLSX",
    "PagesBase",
    "environment",
    "failure_message",
    "form_text",
    "has_file",
    "newest_full",
]

log = logging.getLogger("gapcheck.web")

DATA_ENV = "GAPCHECK_DATA_DIR"  # the user's data folder (tests, a second installation)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HTML = "text/html; charset=utf-8"
AUDIT_FILES = {"report.html": HTML, "report.xlsx": XLSX, "audit.json": "application/json"}
DIFF_FILES = {"diff.html": HTML, "diff.xlsx": XLSX}
SURVEY_FILES = {"survey.html": HTML, "survey.xlsx": XLSX, "clauses.csv": "text/csv; charset=utf-8"}
ENCODINGS = (
    ("", "自動で判定"),
    ("cp932", "Shift_JIS（cp932）"),
    ("utf-8", "UTF-8"),
    ("euc-jp", "EUC-JP"),
)
NAV = (
    ("audit", "監査", "/audit"),
    ("editions", "改定版", "/editions"),
    ("survey", "調査", "/survey"),
)
WHAT_TO_DO = "内容を確かめ、ファイルを選び直してもう一度お試しください。"
UNEXPECTED = (
    "予期しないエラーで処理を続けられませんでした（{kind}）。入力のファイルを確かめてもう一度"
    "お試しください。繰り返すときは、gapcheck serve を起動した画面の表示を担当者に伝えてください。"
)


NOT_FOUND = (
    "お探しの結果は見つかりません。サーバーを起動し直したか、時間が経って消去された可能性が"
    "あります。もう一度実行してください。"
)


# --- rendering ------------------------------------------------------------------------------


def environment() -> Environment:
    """The pages' jinja2 environment: templates inside the package, autoescape always on;
    every page sees the format registries (``policy_formats``, ``guideline_formats``: their
    ``accept()``, ``described()``, ``labels()``)."""
    env = Environment(
        loader=PackageLoader("gapcheck.web", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["policy_formats"] = POLICY_FORMATS
    env.globals["guideline_formats"] = GUIDELINE_FORMATS
    return env


def failure_message(exc: BaseException, folders: list[Path] | None = None) -> str:
    """What the page says when a library call could not continue: a :class:`GapcheckError`'s
    own message with its hint as this page's form field, never a command-line flag
    (:meth:`GapcheckError.for_web`), without our temporary folders."""
    if isinstance(exc, GapcheckError):
        return strip_folders(exc.for_web(), folders or [])
    log.error("unexpected error", exc_info=exc)
    return UNEXPECTED.format(kind=type(exc).__name__)


def has_file(value: object) -> bool:
    return isinstance(value, UploadFile) and bool(value.filename)


def form_text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def newest_full(catalog: Catalog) -> str:
    from gapcheck.catalog.model import Depth

    full = [e.id for e in catalog.editions if e.depth is Depth.FULL]
    return full[-1] if full else catalog.latest.id


# --- the shared part of the pages -------------------------------------------------------------


class PagesBase:
    """What the handlers share: the catalog source, the data folder, the results."""

    def __init__(self, guidelines: Path | None, data_dir: Path, keys: Keys):
        self.guidelines = guidelines
        self.data_dir = data_dir
        # where imported editions go: --guidelines, or the per-user folder the command uses
        self.editions_root = guidelines if guidelines is not None else data_dir / "editions"
        self.db = data_dir / "survey.sqlite"
        self.keys = keys
        self.store = Store()
        self.jobs = Jobs()
        self.env = environment()
        self.survey_jobs: int | None = None  # as the command: all CPUs

    # --- shared helpers

    def catalog_dir(self) -> Path | None:
        """The editions folder the catalog is loaded with (``load_catalog(extra)``): the one
        imports write to, so that an edition imported on the editions page is used at once
        (the command needs ``--guidelines`` for it)."""
        if self.guidelines is None and not self.editions_root.is_dir():
            return None
        return self.editions_root

    def catalog(self) -> Catalog:
        """The bundled catalog with the user's editions folder."""
        from gapcheck import load_catalog

        return load_catalog(self.catalog_dir())

    def render(self, template: str, status: int = 200, **data: Any) -> HTMLResponse:
        page = self.env.get_template(template).render(
            csrf=self.keys.csrf, csrf_field=CSRF_FIELD, nav=NAV, **data
        )
        return HTMLResponse(page, status_code=status)

    def error_page(self, status: int, title: str, message: str) -> HTMLResponse:
        return self.render("error.j2", status=status, title=title, message=message, active="")

    async def form(self, request: Request, max_bytes: int, max_files: int) -> FormData:
        """The posted form, at most ``max_bytes`` and ``max_files`` files, with its CSRF
        token checked."""
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > max_bytes:
            raise UploadError(too_large_request(max_bytes), 413)
        limited = Request(request.scope, limited_receive(request.receive, max_bytes))
        try:
            form = await limited.form(max_files=max_files, max_fields=100 + max_files)
        except MultiPartException as exc:
            raise UploadError(f"送信された内容を読めません（{exc.message}）。{WHAT_TO_DO}") from exc
        try:
            check_csrf(self.keys, form)
        except Refused:
            await form.close()
            raise
        return form

    # --- home and files

    async def home(self, request: Request) -> Response:
        return RedirectResponse("/audit", status_code=303)

    async def file(self, request: Request) -> Response:
        result = self.store.get(request.path_params["rid"])
        name = request.path_params["name"]
        if result is None or name not in result.files:
            return self.error_page(404, "見つかりません", NOT_FOUND)
        path = result.folder / name
        inline = name.endswith(".html") and request.query_params.get("download") != "1"
        response = FileResponse(
            path,
            media_type=result.files[name],
            filename=name,
            content_disposition_type="inline" if inline else "attachment",
        )
        if name.endswith(".html"):
            response.headers["content-security-policy"] = REPORT_CSP
        return response

    # --- lifetime

    def warm_up(self) -> None:
        """Audit a one-row policy and write its reports once, so that the first real audit
        does not pay for importing the library, loading the catalog and building the
        edition's index (≈ 6 s, against ≈ 1 s for an audit after it)."""
        folder = None
        try:
            from gapcheck import audit, write_audit_reports
            from gapcheck.readers.policy import Policy, PolicyRow

            catalog = self.catalog()
            row = PolicyRow(
                "warm-up", 2, "1", "パスワード", "職員はパスワードを他人に教えてはならない。"
            )
            report = audit(Policy("warm-up.xlsx", "0" * 64, "spreadsheet", (row,)), catalog)
            folder = self.store.folder("warm-up-")
            write_audit_reports(report, catalog, folder)
        except Exception:  # the pages will show any error where it matters
            log.debug("warm-up failed", exc_info=True)
        finally:
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)

    def close(self) -> None:
        self.jobs.close()
        self.store.close()
