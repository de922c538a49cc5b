"""The editions page of ``gapcheck serve``: the list of editions, the diff (``gapcheck diff``)
and the import of a new edition with its review (``gapcheck import-guideline``)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from gapcheck.errors import GapcheckError, UploadError
from gapcheck.importing.document import GUIDELINE_FORMATS
from gapcheck.io import os_errors_as_messages
from gapcheck.web.jobs import Result
from gapcheck.web.pages import (
    DIFF_FILES,
    NOT_FOUND,
    PagesBase,
    failure_message,
    form_text,
    has_file,
)
from gapcheck.web.uploads import MB, safe_name, save_upload

# the heavy library (pandas, SciPy) is imported in the handlers, so that importing this
# module stays quick
if TYPE_CHECKING:
    from gapcheck.catalog.model import Catalog


__all__ = ["EditionPages"]


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


def _parts() -> tuple[Any, ...]:
    from gapcheck.catalog.model import Part

    return tuple(Part)


class EditionPages(PagesBase):
    """The editions handlers: list, diff, import and review."""

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
                    "version": form_text(form, "edition_id"),
                    "label": form_text(form, "label") or None,
                    "date": form_text(form, "date") or None,
                    "replace": form.get("replace") == "1",
                }
                uploads = [f for f in form.getlist("files") if has_file(f)]
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
                if has_file(table):
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
            key = form_text(form, f"key-{i}")
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
