"""The survey page of ``gapcheck serve``: the form, the run in a process of its own
(``gapcheck survey``), its progress and its result."""

from __future__ import annotations

import datetime
import re
import shutil
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from gapcheck.errors import GapcheckError
from gapcheck.io import ensure_writable_dir
from gapcheck.web.jobs import Job, SurveyOrder, survey_in_child
from gapcheck.web.pages import (
    NOT_FOUND,
    SURVEY_FILES,
    PagesBase,
    failure_message,
    form_text,
    has_file,
    newest_full,
)
from gapcheck.web.uploads import (
    MAX_SURVEY_FILES,
    MAX_SURVEY_MB,
    MB,
    UploadError,
    extract_zip,
    safe_name,
    safe_relpath,
    save_upload,
)

__all__ = ["BUSY", "SurveyPages"]

BUSY = "別の調査を実行中です。終わってからもう一度お試しください。"


def _year(text: str) -> int | None:
    if not text:
        return None
    if not re.fullmatch(r"\d{4}", text) or not 1990 <= int(text) <= 2100:
        raise UploadError("調査の年は 4 桁の西暦で入力してください（例: 2026）。")
    return int(text)


class SurveyPages(PagesBase):
    """The survey handlers."""

    def survey_form(self, status: int = 200, error: str = "", **chosen: Any) -> HTMLResponse:
        catalog = self.catalog()
        return self.render(
            "survey.j2",
            status=status,
            title="調査",
            active="survey",
            error=error,
            editions=list(reversed(catalog.editions)),
            chosen=chosen.get("edition") or newest_full(catalog),
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
                    "edition": form_text(form, "edition") or "latest",
                    "year": form_text(form, "year"),
                }
                year = _year(chosen["year"])
                policies = tmp / "policies"
                policies.mkdir(mode=0o700)
                folder = [f for f in form.getlist("folder") if has_file(f)]
                archive = form.get("archive")
                if folder and has_file(archive):
                    raise UploadError("フォルダか ZIP ファイルのどちらか一方を選んでください。")
                if not folder and not has_file(archive):
                    raise UploadError(
                        "ポリシーのファイルを集めたフォルダか、それを圧縮した ZIP ファイルを選んでください。"
                    )
                for upload in folder:
                    assert isinstance(upload, UploadFile)
                    rel = safe_relpath(upload.filename or "", strip_top=True)
                    if rel is None:  # hidden files (.DS_Store), as the survey ignores them
                        continue
                    await save_upload(upload, policies.joinpath(*rel.parts), MAX_FILE_MB, str(rel))
                if has_file(archive):
                    assert isinstance(archive, UploadFile)
                    name = safe_name(archive.filename, "policies.zip")
                    saved = await save_upload(archive, tmp / "zip" / name, MAX_SURVEY_MB, name)
                    await run_in_threadpool(extract_zip, saved, policies)
                    saved.unlink()
                master = form.get("master")
                master_path = None
                if has_file(master):
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
