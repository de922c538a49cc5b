"""Results kept for download, and the survey running in the background (issue #16).

A result is a folder under the server's private temporary folder, named by a random id,
holding what the command would have written (report.xlsx, diff.html, survey.xlsx…). It is
kept only as long as needed to download it: the oldest go when there are more than
:data:`KEEP_RESULTS` or they are older than :data:`KEEP_SECONDS`, and all at shutdown.
"""

from __future__ import annotations

import multiprocessing
import re
import secrets
import shutil
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gapcheck.errors import GapcheckError, JobError
from gapcheck.web.uploads import private_dir

if TYPE_CHECKING:
    from multiprocessing.context import ForkServerContext, SpawnContext

KEEP_RESULTS = 50
KEEP_SECONDS = 6 * 3600
_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def new_id() -> str:
    return secrets.token_urlsafe(16)


@dataclass(frozen=True)
class Result:
    """A folder of outputs and what the page shows about them.

    ``files`` maps each downloadable name to its media type; ``info`` is what the result
    page shows (counts, labels, lines).
    """

    id: str
    kind: str  # "audit", "diff", "survey", "import"
    folder: Path
    files: dict[str, str]
    info: dict[str, Any]
    created: float = field(default_factory=time.monotonic)


class Store:
    """The results of this server run, in a private temporary folder removed at shutdown."""

    def __init__(self, root: Path | None = None):
        self._root = root
        self._results: dict[str, Result] = {}
        self._lock = threading.Lock()

    @property
    def root(self) -> Path:
        """The private folder, made on first use (an application never started makes none)."""
        with self._lock:
            if self._root is None:
                self._root = private_dir("gapcheck-web-")
            return self._root

    def folder(self, prefix: str) -> Path:
        """A new private folder under the root (uploads, a result being written)."""
        return private_dir(prefix, self.root)

    def add(self, kind: str, folder: Path, files: dict[str, str], info: dict[str, Any]) -> Result:
        result = Result(new_id(), kind, folder, files, info)
        with self._lock:
            self._results[result.id] = result
            expired = self._expired()
        for old in expired:
            shutil.rmtree(old.folder, ignore_errors=True)
        return result

    def get(self, result_id: str, kind: str | None = None) -> Result | None:
        if not _ID.match(result_id):
            return None
        with self._lock:
            result = self._results.get(result_id)
        if result is None or (kind is not None and result.kind != kind):
            return None
        return result

    def _expired(self) -> list[Result]:
        now = time.monotonic()
        ordered = sorted(self._results.values(), key=lambda r: r.created)
        drop = [r for r in ordered if now - r.created > KEEP_SECONDS]
        keep = [r for r in ordered if r not in drop]
        drop += keep[: max(0, len(keep) - KEEP_RESULTS)]
        for r in drop:
            del self._results[r.id]
        return drop

    def update(self, result_id: str, info: dict[str, Any]) -> Result | None:
        """Replace what the page shows about a result (an import applied again)."""
        with self._lock:
            old = self._results.get(result_id)
            if old is None:
                return None
            self._results[result_id] = new = replace(old, info=info)
        return new

    def close(self) -> None:
        with self._lock:
            self._results.clear()
            root, self._root = self._root, None
        if root is not None:
            shutil.rmtree(root, ignore_errors=True)


# --- the survey in the background -----------------------------------------------------------


@dataclass(frozen=True)
class JobStatus:
    """What the progress page and its JSON show."""

    id: str
    state: str  # "running", "done", "failed"
    done: int
    total: int | None
    result_id: str | None = None
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "done": self.done,
            "total": self.total,
            "message": self.message,
        }


class Job:
    """One background run of ``work(job)``, which reports with :meth:`progress` and returns
    the result id."""

    def __init__(
        self,
        work: Callable[[Job], str],
        cleanup: Callable[[], None],
        describe: Callable[[Exception], str],
    ):
        self.id = new_id()
        self._work = work
        self._cleanup = cleanup
        self._describe = describe
        self._lock = threading.Lock()
        self._status = JobStatus(self.id, "running", 0, None)
        self.process: BaseProcess | None = None  # the child doing the work, if any
        self.thread = threading.Thread(
            target=self._run, name=f"gapcheck-job-{self.id[:6]}", daemon=True
        )

    @property
    def status(self) -> JobStatus:
        with self._lock:
            return self._status

    def progress(self, done: int, total: int) -> None:
        with self._lock:
            self._status = JobStatus(self.id, "running", done, total)

    def _run(self) -> None:
        # The uploads are removed before the status says done or failed: whoever sees the
        # job end (the page, the next job, a test) finds them gone.
        end: tuple[str, str | None, str] | None = None
        try:
            end = ("done", self._work(self), "")
        except Exception as exc:  # shown on the page; the thread must not die silently
            end = ("failed", None, self._describe(exc))
        finally:
            try:
                self._cleanup()
            finally:
                if end is not None:
                    self._end(*end)

    def _end(self, state: str, result_id: str | None, message: str) -> None:
        with self._lock:
            s = self._status
            done = (s.total or s.done) if state == "done" else s.done
            self._status = JobStatus(self.id, state, done, s.total, result_id, message)

    def stop(self) -> None:
        """End the child process (the server is stopping)."""
        process = self.process
        if process is not None and process.is_alive():
            process.terminate()


class Jobs:
    """The survey jobs of this run; one at a time (the archive and the CPUs are shared)."""

    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def busy(self) -> bool:
        with self._lock:
            return any(j.status.state == "running" for j in self._jobs.values())

    def start(self, job: Job) -> Job | None:
        """Start ``job``; ``None`` (and not started) while another is running."""
        with self._lock:
            if any(j.status.state == "running" for j in self._jobs.values()):
                return None
            self._jobs[job.id] = job
        job.thread.start()
        return job

    def get(self, job_id: str) -> Job | None:
        if not _ID.match(job_id):
            return None
        with self._lock:
            return self._jobs.get(job_id)

    def close(self, timeout: float = 10.0) -> None:
        """Stop the running jobs and wait for their threads (which remove their uploads)."""
        with self._lock:
            running = list(self._jobs.values())
        for job in running:
            job.stop()
        for job in running:
            job.thread.join(timeout)


# --- the survey in a process of its own -------------------------------------------------------


@dataclass(frozen=True)
class SurveyOrder:
    """What ``gapcheck survey`` gets from its options, for :func:`survey_in_child`."""

    policies: Path
    master: Path | None
    target: str
    year: int | None
    db: Path
    catalog_dir: Path | None  # as load_catalog(extra)
    out: Path  # where survey.xlsx, survey.html and clauses.csv go
    jobs: int | None = None  # worker processes (default: all CPUs, as the command)


CHILD_ENDED = (
    "調査の処理が途中で終了しました（終了コード {code}）。ファイルが極端に大きいか、メモリが"
    "足りない可能性があります。ファイルを分けるか、他のプログラムを閉じてもう一度お試しください。"
)
CHILD_FAILED = (
    "予期しないエラーで調査を続けられませんでした（{kind}）。入力のファイルを確かめてもう一度"
    "お試しください。繰り返すときは、gapcheck serve を起動した画面の表示を担当者に伝えてください。"
)


def survey_in_child(order: SurveyOrder, job: Job) -> dict[str, Any]:
    """Run the survey as the command does, in a new single-threaded process.

    The server has threads and has run audits (BLAS's thread pools are
    up): the survey's workers must not be forked from it, where a lock held by another
    thread at the fork can hang a worker for ever. The child comes from multiprocessing's
    fork server where there is one (Linux, macOS: a small process started once, forking
    quicker than a new interpreter starts) or is spawned (Windows); it imports the library,
    loads the catalog and forks its workers like the command. A survey that exhausts memory
    ends that process, not the server. Returns what the result page shows; raises
    :class:`GapcheckError` with the library's message when the survey cannot continue.
    """
    ctx: ForkServerContext | SpawnContext
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
    else:  # Windows
        ctx = multiprocessing.get_context("spawn")
    receiver, sender = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_survey_child, args=(order, sender), name="gapcheck-survey")
    job.process = process
    process.start()
    sender.close()
    try:
        while True:
            try:
                message = receiver.recv()
            except EOFError:
                break
            if message[0] == "progress":
                job.progress(message[1], message[2])
            elif message[0] == "done":
                return dict(message[1])
            elif message[0] == "error":
                raise JobError(message[1])
            else:
                raise JobError(CHILD_FAILED.format(kind=message[1]))
        process.join()
        raise JobError(CHILD_ENDED.format(code=process.exitcode))
    finally:
        receiver.close()
        process.join(30)
        if process.is_alive():
            process.kill()


def _survey_child(order: SurveyOrder, conn: Connection) -> None:
    """In the child: :func:`gapcheck.pipeline.run_survey`, as ``gapcheck survey`` runs it,
    reporting to ``conn``."""
    try:
        from gapcheck import load_catalog
        from gapcheck.pipeline import run_survey
        from gapcheck.render.report_survey import summary_lines

        catalog = load_catalog(order.catalog_dir)
        result = run_survey(
            order.policies, catalog, order.out, target=order.target, master=order.master,
            db=order.db, year=order.year, jobs=order.jobs,
            progress=lambda done, total: conn.send(("progress", done, total)),
        ).result  # fmt: skip
        info = {
            "lines": summary_lines(result),
            "db": result.db or "",
            "year": result.year,
            "target": f"{result.target.label}（{result.target.id}）",
            "bodies": len(result.bodies),
            "failed": len(result.failed),
        }
        conn.send(("done", info))
    except GapcheckError as exc:
        conn.send(("error", exc.for_web()))
    except BaseException as exc:  # told to the server, and the traceback to its window
        traceback.print_exc()
        conn.send(("crash", type(exc).__name__))
    finally:
        conn.close()


__all__ = [
    "CHILD_ENDED",
    "CHILD_FAILED",
    "KEEP_RESULTS",
    "KEEP_SECONDS",
    "Job",
    "JobStatus",
    "Jobs",
    "Result",
    "Store",
    "SurveyOrder",
    "new_id",
    "survey_in_child",
]
