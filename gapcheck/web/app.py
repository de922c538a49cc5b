"""The pages of ``gapcheck serve``: audit, editions, survey (issue #16).

Each handler does what the matching command does, through the same library calls
(:mod:`gapcheck.cli`: ``audit``, ``versions``, ``diff``, ``import-guideline``, ``survey``), and
shows the library's Japanese messages when it cannot continue. Uploads go to a private
temporary folder removed after the request; results stay in the server's private folder
until downloaded or the server stops (:mod:`gapcheck.web.jobs`).

::

    from gapcheck.web.app import create_app
    app = create_app(token="…")  # then any ASGI server, on 127.0.0.1 only
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import os
import re
import shutil
import threading
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from jinja2 import Environment, PackageLoader, StrictUndefined
from platformdirs import user_data_dir
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from gapcheck.errors import GapcheckError
from gapcheck.importing.document import GUIDELINE_FORMATS
from gapcheck.io import ensure_writable_dir, os_errors_as_messages
from gapcheck.readers.kinds import POLICY_FORMATS
from gapcheck.web.guard import CSRF_FIELD, REPORT_CSP, Guard, Keys, Refused, check_csrf, new_token
from gapcheck.web.jobs import Job, Jobs, Result, Store, SurveyOrder, survey_in_child
from gapcheck.web.uploads import (
    MAX_SURVEY_FILES,
    MAX_SURVEY_MB,
    MB,
    UploadError,
    extract_zip,
    limited_receive,
    safe_name,
    safe_relpath,
    save_upload,
    strip_folders,
    too_large_request,
)

# the heavy library (pandas, SciPy) is imported in the handlers and by the warm-up
# thread, so that importing this module stays quick
if TYPE_CHECKING:
    from gapcheck.catalog.model import Catalog

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


def _has_file(value: object) -> bool:
    return isinstance(value, UploadFile) and bool(value.filename)


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _newest_full(catalog: Catalog) -> str:
    from gapcheck.catalog.model import Depth

    full = [e.id for e in catalog.editions if e.depth is Depth.FULL]
    return full[-1] if full else catalog.latest.id


def _edition_rows(catalog: Catalog, user_root: Path) -> list[dict[str, Any]]:
    """The editions as ``gapcheck versions`` lists them, newest first."""
    rows = []
    for e in reversed(catalog.editions):
        rows.append(
            {
                "id": e.id,
                "label": e.cited_label,
                "published": e.published or e.date,
                "clauses": len(e),
                "outline": e.depth.value == "outline",
                "estimated": e.estimated_clauses(),
                "changed": len(e.changed()),
                "removed": len(e.removed),
                "estimated_changes": e.estimated_changes(),
                "summary": e.summary,
                "imported": bool(e.path) and _inside(Path(e.path), user_root),
            }
        )
    return rows


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError):
        return False
    return True


# --- the application ------------------------------------------------------------------------


class Pages:
    """The handlers and what they share: the catalog source, the data folder, the results."""

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

    # --- audit

    def audit_form(self, status: int = 200, error: str = "", **chosen: str) -> HTMLResponse:
        catalog = self.catalog()
        return self.render(
            "audit.j2",
            status=status,
            title="監査",
            active="audit",
            error=error,
            editions=list(reversed(catalog.editions)),
            chosen=chosen.get("edition") or _newest_full(catalog),
            encodings=ENCODINGS,
            chosen_encoding=chosen.get("encoding", ""),
            sheet=chosen.get("sheet", ""),
        )

    async def audit_page(self, request: Request) -> Response:
        return self.audit_form()

    async def audit_run(self, request: Request) -> Response:
        from gapcheck.readers.formats import MAX_FILE_MB

        tmp = self.store.folder("upload-")
        chosen: dict[str, str] = {}
        try:
            form = await self.form(request, (2 * MAX_FILE_MB + 1) * MB, max_files=2)
            try:
                chosen = {k: _text(form, k) for k in ("edition", "sheet", "encoding")}
                if chosen["encoding"] not in dict(ENCODINGS):
                    raise UploadError("文字コードは一覧から選んでください。")
                policy = form.get("policy")
                if not _has_file(policy):
                    raise UploadError(
                        f"ポリシーのファイルを選んでください（{POLICY_FORMATS.names()}）。"
                    )
                assert isinstance(policy, UploadFile)
                name = safe_name(policy.filename, "policy")
                policy_path = await save_upload(policy, tmp / "policy" / name, MAX_FILE_MB, name)
                previous = form.get("previous")
                previous_path = None
                if _has_file(previous):
                    assert isinstance(previous, UploadFile)
                    prev_name = safe_name(previous.filename, "report.xlsx")
                    previous_path = await save_upload(
                        previous, tmp / "previous" / prev_name, MAX_FILE_MB, prev_name
                    )
            finally:
                await form.close()
            result = await run_in_threadpool(self._audit, policy_path, name, previous_path, chosen)
        except GapcheckError as exc:
            status = exc.status if isinstance(exc, UploadError) else 400
            message = failure_message(exc, [tmp / "policy", tmp / "previous", tmp])
            return self.audit_form(status, message, **chosen)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return RedirectResponse(f"/audit/{result.id}", status_code=303)

    def _audit(
        self, policy_path: Path, name: str, previous: Path | None, chosen: dict[str, str]
    ) -> Result:
        """``gapcheck audit POLICY --edition … --previous … --out …`` (cli.audit_command)."""
        from gapcheck import Status, render_audit_text, run_audit, write_audit_reports
        from gapcheck.gaps.status import RowStatus
        from gapcheck.render.audit_page import audit_page

        catalog = self.catalog()
        report = run_audit(
            policy_path,
            catalog,
            target=chosen.get("edition") or "latest",
            sheet=chosen.get("sheet") or None,
            encoding=chosen.get("encoding") or None,
            previous=previous,
        )
        # the reports name the file as the person chose it, not our temporary copy
        report = replace(report, policy=replace(report.policy, path=name))
        folder = self.store.folder("audit-")
        write_audit_reports(report, catalog, folder)
        text = render_audit_text(report, catalog)
        info = {
            "policy": name,
            "sheet": report.policy.sheet,
            "target": f"{report.target.label}（{report.target.id}）",
            "follows": audit_page(report, catalog).follows_line,
            "counts": [(s.value, s.title, report.counts[s.value]) for s in Status],
            "rows": [(r.value, r.title, report.row_counts[r.value]) for r in RowStatus],
            "clauses": len(report.clauses),
            "text": text,
        }
        return self.store.add("audit", folder, AUDIT_FILES, info)

    async def audit_result(self, request: Request) -> Response:
        result = self.store.get(request.path_params["rid"], "audit")
        if result is None:
            return self.error_page(404, "見つかりません", NOT_FOUND)
        return self.render(
            "audit_result.j2", title="監査の結果", active="audit", result=result, info=result.info
        )

    # --- editions

    def editions_form(self, status: int = 200, **data: Any) -> HTMLResponse:
        catalog = self.catalog()
        ids = [e.id for e in catalog.editions]
        data.setdefault("diff_error", "")
        data.setdefault("import_error", "")
        data.setdefault("old", ids[-2] if len(ids) > 1 else ids[0])
        data.setdefault("new", ids[-1])
        data.setdefault("section", "")
        return self.render(
            "editions.j2",
            status=status,
            title="改定版",
            active="editions",
            rows=_edition_rows(catalog, self.editions_root),
            editions=list(reversed(catalog.editions)),
            latest=catalog.latest,
            editions_root=str(self.editions_root),
            **data,
        )

    async def editions_page(self, request: Request) -> Response:
        return self.editions_form()

    async def diff(self, request: Request) -> Response:
        q = request.query_params
        old, new, section = q.get("old", ""), q.get("new", ""), q.get("section", "").strip()
        if not old or not new:
            return self.editions_form(400, diff_error="比べる二つの版を選んでください。")
        try:
            result = await run_in_threadpool(self._diff, old, new, section or None)
        except GapcheckError as exc:
            return self.editions_form(
                400, diff_error=failure_message(exc), old=old, new=new, section=section
            )
        return self.render(
            "diff_result.j2", title="新旧対照表", active="editions", result=result, info=result.info
        )

    def _diff(self, old: str, new: str, section: str | None) -> Result:
        """``gapcheck diff OLD NEW --section … --out …`` (cli.diff_command)."""
        from gapcheck import diff_editions
        from gapcheck.pipeline import write_diff_reports

        catalog = self.catalog()
        result = diff_editions(catalog, old, new, section=section)
        folder = self.store.folder("diff-")
        write_diff_reports(result, catalog, folder)
        o, n = catalog.edition(old), catalog.edition(new)
        info = {
            "old": f"{o.label}（{o.id}）",
            "new": f"{n.label}（{n.id}）",
            "section": section or "",
        }
        return self.store.add("diff", folder, DIFF_FILES, info)

    async def import_run(self, request: Request) -> Response:
        from gapcheck.readers.formats import MAX_FILE_MB

        pending = self.store.folder("import-")  # kept: a correction imports the files again
        params: dict[str, Any] = {}
        try:
            form = await self.form(request, (8 * MAX_FILE_MB + 1) * MB, max_files=8)
            try:
                params = {
                    "version": _text(form, "edition_id"),
                    "label": _text(form, "label") or None,
                    "date": _text(form, "date") or None,
                    "replace": form.get("replace") == "1",
                }
                uploads = [f for f in form.getlist("files") if _has_file(f)]
                if not uploads:
                    raise UploadError(
                        f"取り込むガイドラインのファイル（{GUIDELINE_FORMATS.names()}）を選んでください。"
                    )
                files = []
                for i, upload in enumerate(uploads):
                    assert isinstance(upload, UploadFile)
                    name = safe_name(upload.filename, f"part{i + 1}.pdf")
                    dest = pending / "files" / name
                    if dest.exists():
                        dest = pending / "files" / f"{i + 1}_{name}"
                    files.append(await save_upload(upload, dest, MAX_FILE_MB, name))
                params["files"] = files
                table = form.get("check_table")
                params["check_table"] = None
                if _has_file(table):
                    assert isinstance(table, UploadFile)
                    name = safe_name(table.filename, "table.pdf")
                    params["check_table"] = await save_upload(
                        table, pending / "table" / name, MAX_FILE_MB, name
                    )
            finally:
                await form.close()
            imported = await run_in_threadpool(self._import, params, None)
        except GapcheckError as exc:
            shutil.rmtree(pending, ignore_errors=True)
            status = exc.status if isinstance(exc, UploadError) else 400
            message = failure_message(exc, [pending / "files", pending / "table", pending])
            return self.editions_form(status, import_error=message, form_import=params)
        except BaseException:
            shutil.rmtree(pending, ignore_errors=True)
            raise
        result = self.store.add(
            "import", pending, {}, {"params": params, "result": imported, "applied": False}
        )
        return RedirectResponse(f"/editions/import/{result.id}", status_code=303)

    def _import(self, params: dict[str, Any], review: Path | None) -> Any:
        """``gapcheck import-guideline FILES --edition … [--review … --replace]``
        (cli.import_guideline_command), into the same folder the command writes to."""
        from gapcheck.importing.importer import import_guideline

        with os_errors_as_messages():
            return import_guideline(
                params["files"],
                params["version"],
                catalog_dir=self.editions_root,
                label=params["label"],
                date=params["date"],
                replace_existing=params["replace"] or review is not None,
                review=review,
                check_table_file=params["check_table"],
            )

    async def import_result(self, request: Request) -> Response:
        pending = self.store.get(request.path_params["rid"], "import")
        if pending is None:
            return self.error_page(404, "見つかりません", NOT_FOUND)
        return self._import_page(pending)

    def _import_page(self, pending: Result, status: int = 200, error: str = "") -> HTMLResponse:
        from gapcheck.importing.importer import render_import
        from gapcheck.importing.linking import ADDED

        imported = pending.info["result"]
        return self.render(
            "import_result.j2",
            status=status,
            title="取り込みの結果",
            active="editions",
            result=pending,
            imported=imported,
            added=ADDED,
            applied=pending.info["applied"],
            error=error,
            text=render_import(imported, False),
            parts={p: sum(c.part is p for c in imported.edition) for p in _parts()},
        )

    async def import_review(self, request: Request) -> Response:
        """The officer's corrections to the review list, imported again (``--review
        review.yaml --replace``)."""
        from gapcheck.importing.linking import ADDED

        pending = self.store.get(request.path_params["rid"], "import")
        if pending is None:
            return self.error_page(404, "見つかりません", NOT_FOUND)
        form = await self.form(request, MB, max_files=0)
        imported = pending.info["result"]
        links = []
        for i, u in enumerate(imported.uncertain):
            key = _text(form, f"key-{i}")
            allowed = {c.key for c in u.candidates} | {ADDED, u.proposed}
            if key not in allowed:
                return self._import_page(
                    pending, 400, f"{u.number} {u.heading} の対応付けは一覧から選んでください。"
                )
            links.append({"part": u.part.value, "number": u.number, "key": key})
        review = pending.folder / f"review-{len(os.listdir(pending.folder))}.yaml"
        review.write_text(
            yaml.safe_dump(
                {"edition": imported.edition.id, "links": links},
                allow_unicode=True,
                sort_keys=False,
            ),
            encoding="utf-8",
        )
        try:
            again = await run_in_threadpool(self._import, pending.info["params"], review)
        except GapcheckError as exc:
            message = failure_message(exc, [pending.folder / "files", pending.folder])
            return self._import_page(pending, 400, message)
        self.store.update(pending.id, {**pending.info, "result": again, "applied": True})
        return RedirectResponse(f"/editions/import/{pending.id}", status_code=303)

    # --- survey

    def survey_form(self, status: int = 200, error: str = "", **chosen: Any) -> HTMLResponse:
        catalog = self.catalog()
        return self.render(
            "survey.j2",
            status=status,
            title="調査",
            active="survey",
            error=error,
            editions=list(reversed(catalog.editions)),
            chosen=chosen.get("edition") or _newest_full(catalog),
            year=chosen.get("year") or datetime.date.today().year,
            db=str(self.db),
        )

    async def survey_page(self, request: Request) -> Response:
        return self.survey_form()

    async def survey_run(self, request: Request) -> Response:
        from gapcheck.readers.formats import MAX_FILE_MB

        if self.jobs.busy():  # before the upload is read: it may be large
            return self.survey_form(409, BUSY)
        tmp = self.store.folder("survey-in-")
        chosen: dict[str, Any] = {}
        started = False
        try:
            form = await self.form(
                request, (MAX_SURVEY_MB + MAX_FILE_MB) * MB, MAX_SURVEY_FILES + 2
            )
            try:
                chosen = {
                    "edition": _text(form, "edition") or "latest",
                    "year": _text(form, "year"),
                }
                year = _year(chosen["year"])
                policies = tmp / "policies"
                policies.mkdir(mode=0o700)
                folder = [f for f in form.getlist("folder") if _has_file(f)]
                archive = form.get("archive")
                if folder and _has_file(archive):
                    raise UploadError("フォルダか ZIP ファイルのどちらか一方を選んでください。")
                if not folder and not _has_file(archive):
                    raise UploadError(
                        "ポリシーのファイルを集めたフォルダか、それを圧縮した ZIP ファイルを選んでください。"
                    )
                for upload in folder:
                    assert isinstance(upload, UploadFile)
                    rel = safe_relpath(upload.filename or "", strip_top=True)
                    if rel is None:  # hidden files (.DS_Store), as the survey ignores them
                        continue
                    await save_upload(upload, policies.joinpath(*rel.parts), MAX_FILE_MB, str(rel))
                if _has_file(archive):
                    assert isinstance(archive, UploadFile)
                    name = safe_name(archive.filename, "policies.zip")
                    saved = await save_upload(archive, tmp / "zip" / name, MAX_SURVEY_MB, name)
                    await run_in_threadpool(extract_zip, saved, policies)
                    saved.unlink()
                master = form.get("master")
                master_path = None
                if _has_file(master):
                    assert isinstance(master, UploadFile)
                    name = safe_name(master.filename, "bodies.csv")
                    master_path = await save_upload(
                        master, tmp / "master" / name, MAX_FILE_MB, name
                    )
            finally:
                await form.close()
            catalog = self.catalog()
            catalog.edition(chosen["edition"])  # an unknown edition fails before the work
            ensure_writable_dir(self.data_dir)
            folders = [policies, tmp / "master", tmp]
            order = SurveyOrder(
                policies=policies,
                master=master_path,
                target=chosen["edition"],
                year=year,
                db=self.db,
                catalog_dir=self.catalog_dir(),
                out=self.store.folder("survey-"),
                jobs=self.survey_jobs,
            )
            job = Job(
                lambda job: self._survey(order, job),
                cleanup=lambda: shutil.rmtree(tmp, ignore_errors=True),
                describe=lambda exc: failure_message(exc, folders),
            )
            if self.jobs.start(job) is None:
                shutil.rmtree(order.out, ignore_errors=True)
                raise UploadError(BUSY, status=409)
            started = True
        except GapcheckError as exc:
            status = exc.status if isinstance(exc, UploadError) else 400
            folders = [tmp / "policies", tmp / "zip", tmp / "master", tmp]
            return self.survey_form(status, failure_message(exc, folders), **chosen)
        finally:
            if not started:
                shutil.rmtree(tmp, ignore_errors=True)
        return RedirectResponse(f"/survey/{job.id}", status_code=303)

    def _survey(self, order: SurveyOrder, job: Job) -> str:
        """``gapcheck survey POLICIES --master … --edition … --year … --db DATA/survey.sqlite``
        (cli.survey_command) in a process of its own; the archive stays in the user's data
        folder for next year's trend."""
        try:
            info = survey_in_child(order, job)
        except BaseException:
            shutil.rmtree(order.out, ignore_errors=True)
            raise
        return self.store.add("survey", order.out, SURVEY_FILES, info).id

    async def survey_job(self, request: Request) -> Response:
        job = self.jobs.get(request.path_params["jid"])
        if job is None:
            return self.error_page(404, "見つかりません", NOT_FOUND)
        status = job.status
        if status.state == "done" and status.result_id is not None:
            result = self.store.get(status.result_id, "survey")
            if result is None:
                return self.error_page(404, "見つかりません", NOT_FOUND)
            return self.render(
                "survey_result.j2",
                title="調査の結果",
                active="survey",
                result=result,
                info=result.info,
            )
        return self.render(
            "survey_job.j2",
            status=400 if status.state == "failed" else 200,
            title="調査の進み具合",
            active="survey",
            job=status,
        )

    async def survey_status(self, request: Request) -> Response:
        job = self.jobs.get(request.path_params["jid"])
        if job is None:
            return JSONResponse({"state": "missing"}, status_code=404)
        return JSONResponse(job.status.to_dict())

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


BUSY = "別の調査を実行中です。終わってからもう一度お試しください。"
NOT_FOUND = (
    "お探しの結果は見つかりません。サーバーを起動し直したか、時間が経って消去された可能性が"
    "あります。もう一度実行してください。"
)


def _parts() -> tuple[Any, ...]:
    from gapcheck.catalog.model import Part

    return tuple(Part)


def _year(text: str) -> int | None:
    if not text:
        return None
    if not re.fullmatch(r"\d{4}", text) or not 1990 <= int(text) <= 2100:
        raise UploadError("調査の年は 4 桁の西暦で入力してください（例: 2026）。")
    return int(text)


def create_app(
    guidelines: Path | None = None,
    data_dir: Path | None = None,
    token: str | None = None,
    *,
    warm_up: bool = True,
) -> Starlette:
    """The web application.

    ``guidelines``: the editions folder (``--guidelines``); ``data_dir``: the user's data
    folder holding the survey archive and, without ``guidelines``, imported editions
    (default ``$GAPCHECK_DATA_DIR`` or the platform's user data folder for gapcheck);
    ``token``: the per-start secret (default: a new random one, in ``app.state.token``);
    ``warm_up``: audit a one-row policy in the background at startup (tests turn it off).

    >>> app = create_app(token="t" * 32)
    >>> app.state.token == "t" * 32
    True
    """
    if data_dir is None:
        env = os.environ.get(DATA_ENV)
        data_dir = (
            Path(env) if env else Path(user_data_dir("gapcheck", appauthor=False, roaming=True))
        )
    keys = Keys(token or new_token())
    pages = Pages(Path(guidelines) if guidelines is not None else None, Path(data_dir), keys)

    async def refused(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Refused)
        return pages.error_page(exc.status, exc.title, exc.message)

    async def upload_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, GapcheckError)
        status = exc.status if isinstance(exc, UploadError) else 400
        return pages.error_page(status, "受け付けられません", failure_message(exc))

    async def not_found(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 404
        if status == 405:
            return pages.error_page(
                405, "この操作はできません", "ページのボタンから操作してください。"
            )
        return pages.error_page(status, "見つかりません", NOT_FOUND)

    async def server_error(request: Request, exc: Exception) -> Response:
        return pages.error_page(500, "エラーが起きました", failure_message(exc))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if warm_up:
            threading.Thread(target=pages.warm_up, name="gapcheck-warm-up", daemon=True).start()
        try:
            yield
        finally:
            pages.close()

    static = Path(__file__).with_name("static")
    rid = "{rid:str}"
    routes = [
        Route("/", pages.home),
        Route("/audit", pages.audit_page, methods=["GET"]),
        Route("/audit", pages.audit_run, methods=["POST"]),
        Route(f"/audit/{rid}", pages.audit_result, methods=["GET"]),
        Route(f"/files/{rid}/{{name:str}}", pages.file, methods=["GET"]),
        Route("/editions", pages.editions_page, methods=["GET"]),
        Route("/editions/diff", pages.diff, methods=["GET"]),
        Route("/editions/import", pages.import_run, methods=["POST"]),
        Route(f"/editions/import/{rid}", pages.import_result, methods=["GET"]),
        Route(f"/editions/import/{rid}", pages.import_review, methods=["POST"]),
        Route("/survey", pages.survey_page, methods=["GET"]),
        Route("/survey", pages.survey_run, methods=["POST"]),
        Route("/survey/{jid:str}", pages.survey_job, methods=["GET"]),
        Route("/survey/{jid:str}/status", pages.survey_status, methods=["GET"]),
        Mount("/static", StaticFiles(directory=static), name="static"),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(Guard, keys=keys, page=pages.error_page)],
        exception_handlers={
            Refused: refused,
            GapcheckError: upload_error,
            404: not_found,
            405: not_found,
            Exception: server_error,
        },
        lifespan=lifespan,
    )
    app.state.token = keys.token
    app.state.pages = pages
    return app
