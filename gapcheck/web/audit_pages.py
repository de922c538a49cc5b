"""The audit page of ``gapcheck serve``: the form, the run (``gapcheck audit``) and its result."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from gapcheck.errors import GapcheckError, UploadError
from gapcheck.readers.kinds import POLICY_FORMATS
from gapcheck.web.jobs import Result
from gapcheck.web.pages import (
    AUDIT_FILES,
    ENCODINGS,
    NOT_FOUND,
    PagesBase,
    failure_message,
    form_text,
    has_file,
    newest_full,
)
from gapcheck.web.uploads import MB, safe_name, save_upload

__all__ = ["AuditPages"]


class AuditPages(PagesBase):
    """The audit handlers."""

    def audit_form(self, status: int = 200, error: str = "", **chosen: str) -> HTMLResponse:
        catalog = self.catalog()
        return self.render(
            "audit.j2",
            status=status,
            title="監査",
            active="audit",
            error=error,
            editions=list(reversed(catalog.editions)),
            chosen=chosen.get("edition") or newest_full(catalog),
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
                chosen = {k: form_text(form, k) for k in ("edition", "sheet", "encoding")}
                if chosen["encoding"] not in dict(ENCODINGS):
                    raise UploadError("文字コードは一覧から選んでください。")
                policy = form.get("policy")
                if not has_file(policy):
                    raise UploadError(
                        f"ポリシーのファイルを選んでください（{POLICY_FORMATS.names()}）。"
                    )
                assert isinstance(policy, UploadFile)
                name = safe_name(policy.filename, "policy")
                policy_path = await save_upload(policy, tmp / "policy" / name, MAX_FILE_MB, name)
                previous = form.get("previous")
                previous_path = None
                if has_file(previous):
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
        from gapcheck import run_audit, write_audit_reports
        from gapcheck.gaps.status import RowStatus
        from gapcheck.render.audit_page import audit_page
        from gapcheck.render.audit_text import audit_text

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
        page = audit_page(report, catalog)  # once: the reports, the text and this page
        write_audit_reports(report, catalog, folder, page=page)
        info = {
            "policy": name,
            "sheet": report.policy.sheet,
            "target": f"{report.target.label}（{report.target.id}）",
            "follows": page.follows_line,
            "counts": [(s.value, s.title, n) for s, n in page.counts],
            "rows": [(r.value, r.title, report.row_counts[r.value]) for r in RowStatus],
            "clauses": len(report.clauses),
            "text": audit_text(page),
        }
        return self.store.add("audit", folder, AUDIT_FILES, info)

    async def audit_result(self, request: Request) -> Response:
        result = self.store.get(request.path_params["rid"], "audit")
        if result is None:
            return self.error_page(404, "見つかりません", NOT_FOUND)
        return self.render(
            "audit_result.j2", title="監査の結果", active="audit", result=result, info=result.info
        )
