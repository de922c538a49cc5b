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
import os
import threading
from collections.abc import AsyncIterator
from pathlib import Path

from platformdirs import user_data_dir
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from gapcheck.errors import GapcheckError, UploadError
from gapcheck.web.audit_pages import AuditPages
from gapcheck.web.edition_pages import EditionPages
from gapcheck.web.guard import Guard, Keys, Refused, new_token
from gapcheck.web.pages import DATA_ENV, NOT_FOUND, failure_message
from gapcheck.web.survey_pages import SurveyPages

__all__ = ["Pages", "create_app"]


class Pages(AuditPages, EditionPages, SurveyPages):
    """The handlers of every page and what they share (:class:`PagesBase`)."""


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
