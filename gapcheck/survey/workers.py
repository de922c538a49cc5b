"""Auditing the inputs, in worker processes: a :class:`Task` in, an :class:`Outcome` out.

A file that cannot be read is a failed outcome with the reason in Japanese, and the survey
carries on. So is a file whose audit kills its worker process (a native abort, the OOM killer):
the pool is restarted, the inputs it was on are retried each alone, and the one that kills
that process too is recorded as failed (:func:`crash_reason`). A file that changes while it
is read gets an outcome marked ``changed``, never stored under the hash of other bytes.
:func:`available_cpus` is how many workers the machine (or container) really allows.
"""

from __future__ import annotations

import collections
import contextlib
import json
import math
import multiprocessing
import os
import signal
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from gapcheck.catalog.model import Catalog, Edition
from gapcheck.errors import GapcheckError, PolicyFormatError
from gapcheck.gaps.audit import audit
from gapcheck.gaps.status import Status
from gapcheck.gaps.wording import wording_index
from gapcheck.readers.formats import read_policy
from gapcheck.readers.policy import Policy
from gapcheck.survey.inputs import digest_of, display_name, stamp
from gapcheck.survey.results import CHANGED_REASON, CRASHED, STATUS_CODE


@dataclass(frozen=True)
class Task:
    sha256: str
    paths: tuple[str, ...]  # absolute
    rels: tuple[str, ...]
    json: bool
    # (size, mtime_ns) of each file when it was hashed: a file that differs when the worker
    # reads it, or after the audit, changed under us and its result is discarded
    stamps: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Outcome:
    sha256: str
    ok: bool
    reason: str = ""
    follows: str | None = None
    follows_label: str = ""
    lag_years: float | None = None
    rows: int = 0
    statuses: str = ""
    changed: bool = False  # the file changed while it was read: not to be stored
    # no edition pinned (follows is None), yet the evidence bounds one: a range such as
    # 「平成30年9月版以降」 (the survey's flag "range"; without bounds, "no-match")
    ranged: bool = False


_WORKER: dict[str, object] = {}


def available_cpus() -> int:
    """The CPUs this process may really use: its affinity mask and a container's CPU quota.

    ``os.cpu_count()`` is the host's count: in a 2-CPU container on a 64-core host it would
    start 64 workers, each unpickling the catalog and fitting its own index, all fighting
    over 2 CPUs.
    """
    try:
        n = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        n = os.cpu_count() or 1
    quota = _cgroup_cpu_quota()
    if quota is not None:
        n = min(n, math.ceil(quota))
    return max(1, n)


def _cgroup_cpu_quota() -> float | None:
    """CPUs allowed by the cgroup (v2 ``cpu.max``, v1 ``cpu.cfs_quota_us``), if limited."""
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()[:2]
        return int(quota) / int(period) if quota != "max" and int(period) > 0 else None
    except (OSError, ValueError):
        pass
    try:
        quota_us = int(Path("/sys/fs/cgroup/cpu/cpu.cfs_quota_us").read_text())
        period_us = int(Path("/sys/fs/cgroup/cpu/cpu.cfs_period_us").read_text())
        return quota_us / period_us if quota_us > 0 and period_us > 0 else None
    except (OSError, ValueError):
        return None


def _one_blas_thread() -> contextlib.AbstractContextManager[object]:
    """One BLAS/OpenMP thread while auditing (restored afterwards).

    The alignment's matrices are small (a policy's rows × a few hundred wordings): a second
    BLAS thread only spins. Measured on 2 cores: 181 → 94 ms CPU (116 → 94 ms wall) a body
    in one process, and N workers × N threads would fight over N cores.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover
        return contextlib.nullcontext()
    return threadpool_limits(1)


def _init_worker(catalog: Catalog, target: str) -> None:
    """Once per worker: the catalog, and its wording index fitted once (not per file)."""
    _WORKER["catalog"] = catalog
    _WORKER["target"] = target
    wording_index(catalog)


def _start_worker(catalog: Catalog, target: str, marks: str | None = None) -> None:
    """A worker process's initializer: one BLAS thread for its lifetime, then the above.

    ``marks`` is a folder where the worker notes the input it is auditing (a file named by
    its process id): if the worker dies, the survey knows which input killed it.
    """
    _one_blas_thread()  # not restored: the process ends with the pool
    _WORKER["mark"] = os.path.join(marks, str(os.getpid())) if marks else None
    _init_worker(catalog, target)


def _note(text: str) -> None:
    mark = _WORKER.get("mark")
    if isinstance(mark, str):
        with contextlib.suppress(OSError), open(mark, "w", encoding="ascii") as fh:
            fh.write(text)


def _audit_chunk(tasks: list[Task]) -> list[Outcome]:
    out = []
    for t in tasks:
        _note(t.sha256)
        out.append(_audit_task(t))
    _note("")
    return out


def _unchanged(task: Task) -> bool:
    """Each file still has the size and mtime it had when it was hashed."""
    if not task.stamps:
        return True
    return all(stamp(p) == s for p, s in zip(task.paths, task.stamps, strict=True))


def _audit_task(task: Task) -> Outcome:
    catalog = _WORKER["catalog"]
    assert isinstance(catalog, Catalog)
    edition = catalog.edition(str(_WORKER["target"]))
    changed = Outcome(task.sha256, False, CHANGED_REASON, changed=True)
    try:
        # The bytes read must be the bytes hashed: same size and mtime as when hashed, and
        # the same SHA-256 now; and still the same size and mtime once audited.
        if task.stamps and (not _unchanged(task) or digest_of(task.paths) != task.sha256):
            return changed
        if task.json:
            outcome = _from_audit_json(task, edition, catalog)
            return outcome if _unchanged(task) else changed
        policies = [read_policy(p) for p in task.paths]
        policy = policies[0] if len(policies) == 1 else _combine(policies, task.sha256)
        report = audit(policy, catalog, target=edition.id)
    except GapcheckError as exc:
        if not _unchanged(task):
            return changed
        return Outcome(task.sha256, False, display_name(_strip_path(str(exc), task.paths)))
    except Exception as exc:  # a hostile file must not stop 1,788 others (recorded instead)
        if not _unchanged(task):
            return changed
        return Outcome(
            task.sha256,
            False,
            display_name(
                f"読み取り中に予期しないエラーが起きました（{type(exc).__name__}: "
                f"{_strip_path(str(exc), task.paths)[:300]}）。"
                "ファイルを開いて保存し直すか、開発者に知らせてください。"
            ),
        )
    if not _unchanged(task):
        return changed
    # counted under an edition only when the evidence pins one (issue #11); a range such as
    # 「平成30年9月版以降」 keeps its label but is not counted as that edition or as behind
    pinned = report.lag_years is not None
    bounded = report.evidence is not None and report.evidence.judged
    return Outcome(
        sha256=task.sha256,
        ok=True,
        follows=report.follows if pinned else None,
        follows_label=report.follows_label,
        lag_years=report.lag_years,
        rows=len(report.rows),
        statuses="".join(STATUS_CODE[f.status] for f in report.clauses),
        ranged=not pinned and bounded,
    )


def _strip_path(message: str, paths: Sequence[str]) -> str:
    """The reason without the absolute path in front (the file is recorded beside it)."""
    for p in paths:
        if message.startswith(f"{p}: "):
            return message[len(p) + 2 :]
    return message


def _combine(policies: list[Policy], digest: str) -> Policy:
    """Several files of one body (基本方針 and 対策基準 apart) audited as one policy."""
    kinds = {p.kind for p in policies}
    return Policy(
        path=", ".join(p.path for p in policies),
        sha256=digest,
        kind=kinds.pop() if len(kinds) == 1 else "mixed",
        rows=tuple(r for p in policies for r in p.rows),
        title=next((p.title for p in policies if p.title), ""),
        enacted=min((p.enacted for p in policies if p.enacted), default=""),
        revised=tuple(sorted({d for p in policies for d in p.revised})),
        toc=tuple(t for p in policies for t in p.toc),
    )


def _from_audit_json(task: Task, edition: Edition, catalog: Catalog) -> Outcome:
    """A ``gapcheck audit --json`` result, taken as it is (statuses of the same edition)."""
    path = Path(task.paths[0])
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (OSError, ValueError) as exc:  # ValueError: also a number past int's 4,300 digits
        raise PolicyFormatError(
            f"{path}: JSON として読めません。`gapcheck audit --json` の出力をそのまま保存してください。"
        ) from exc
    if not isinstance(data, dict) or not isinstance(data.get("clauses"), list):
        raise PolicyFormatError(
            f"{path}: 監査結果（`gapcheck audit --json` の出力）ではありません（clauses がありません）。"
        )
    if data.get("target") != edition.id:
        raise PolicyFormatError(
            f"{path}: 版 {data.get('target')} と照合した結果です。--edition {edition.id} で"
            f"照合し直すか、この調査を --edition {data.get('target')} で実行してください。"
        )
    by_key = {
        str(c.get("key")): str(c.get("status")) for c in data["clauses"] if isinstance(c, dict)
    }
    codes = []
    for c in edition:
        try:
            codes.append(STATUS_CODE[Status(by_key[c.key])])
        except (KeyError, ValueError) as exc:
            raise PolicyFormatError(
                f"{path}: 条項 {c.number}（{c.key}）の結果がありません。"
                "カタログが異なる gapcheck で作られた結果です。照合し直してください。"
            ) from exc
    follows = data.get("follows")
    if follows is not None and follows not in catalog.ids:
        raise PolicyFormatError(f"{path}: 準拠する版 '{follows}' がカタログにありません。")
    lag = data.get("lag_years")
    bounds = data.get("follows_range")  # [at least, at most], as AuditReport.follows_range
    bounded = isinstance(bounds, list) and any(b is not None for b in bounds)
    return Outcome(
        sha256=task.sha256,
        ok=True,
        follows=follows,
        follows_label=str(data.get("follows_label") or ""),
        lag_years=float(lag) if isinstance(lag, int | float) else None,
        rows=len(data.get("rows") or ()),
        statuses="".join(codes),
        ranged=follows is None and bounded,
    )


def run_audits(
    tasks: list[Task],
    catalog: Catalog,
    target: str,
    jobs: int,
    done: Callable[[list[Outcome]], None],
    *,
    in_process: bool = False,
) -> None:
    """Audit ``tasks``, in ``jobs`` processes (or in this one); ``done`` gets each finished
    chunk."""
    if not tasks:
        return
    if in_process:
        with _one_blas_thread():
            _init_worker(catalog, target)
            for task in tasks:
                done([_audit_task(task)])
        return
    # Big files first; chunks shrink as the work runs out (see _chunks).
    tasks = sorted(tasks, key=lambda t: -sum(_size(p) for p in t.paths))
    # A worker that dies (a native abort, the kernel's OOM killer) breaks the whole pool:
    # the inputs it was on are each retried alone in a process of their own, the one that
    # kills that process too is recorded as failed (and, by its hash, never run again
    # until it changes), and a new pool takes the rest.
    with tempfile.TemporaryDirectory(prefix="gapcheck-workers-") as marks:
        remaining = tasks
        while remaining:
            suspects, remaining = _run_pool(remaining, catalog, target, jobs, done, marks)
            for task in suspects:
                done([_isolated(task, catalog, target)])


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _run_pool(
    tasks: list[Task],
    catalog: Catalog,
    target: str,
    jobs: int,
    done: Callable[[list[Outcome]], None],
    marks: str,
) -> tuple[list[Task], list[Task]]:
    """Audit ``tasks`` in a pool: ``([], [])`` when all are done; if a worker died, the
    tasks that were being audited then (to try alone) and the tasks not yet done."""
    chunks = _chunks(tasks, jobs)
    queue = collections.deque(chunks)  # a chunk leaves it only once submitted
    inflight: dict[Future[list[Outcome]], list[Task]] = {}
    try:
        with ProcessPoolExecutor(
            max_workers=min(jobs, len(chunks)),
            initializer=_start_worker,
            initargs=(catalog, target, marks),
        ) as pool:

            def submit() -> None:
                inflight[pool.submit(_audit_chunk, queue[0])] = queue[0]
                queue.popleft()

            # at most a few chunks in flight per worker (results are stored as they come)
            while queue and len(inflight) < jobs * 3:
                submit()
            while inflight:
                finished, _ = wait(inflight, return_when=FIRST_COMPLETED)
                for future in finished:
                    outcomes = future.result()
                    del inflight[future]
                    done(outcomes)
                    if queue:
                        submit()
    except BrokenProcessPool:
        pass
    else:
        return [], []
    started = set()
    for name in os.listdir(marks):
        with contextlib.suppress(OSError):
            started.add(Path(marks, name).read_text(encoding="ascii").strip())
            os.remove(os.path.join(marks, name))
    busy = [t for chunk in inflight.values() for t in chunk]
    suspects = [t for t in busy if t.sha256 in started] or busy
    rest = [t for t in busy if t not in suspects] + [t for chunk in queue for t in chunk]
    return suspects, rest


def _isolated(task: Task, catalog: Catalog, target: str) -> Outcome:
    """Audit ``task`` alone in a new process; if that process dies, say how (a failure)."""
    ctx = multiprocessing.get_context()
    receiver, sender = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_isolated_worker, args=(catalog, target, task, sender))
    process.start()
    sender.close()
    outcome = None
    with contextlib.suppress(EOFError, OSError):
        outcome = receiver.recv()
    process.join()
    receiver.close()
    if isinstance(outcome, Outcome):
        return outcome
    return Outcome(task.sha256, False, crash_reason(process.exitcode))


def _isolated_worker(catalog: Catalog, target: str, task: Task, sender: object) -> None:
    _start_worker(catalog, target)
    outcome = _audit_task(task)
    sender.send(outcome)  # type: ignore[attr-defined]
    sender.close()  # type: ignore[attr-defined]


def crash_reason(exitcode: int | None) -> str:
    """Why a file is recorded as failed when the process auditing it died.

    >>> "SIGKILL" in crash_reason(-9), "メモリ不足" in crash_reason(-9)
    (True, True)
    """
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = str(-exitcode)
        cause = f"シグナル {name}"
        if -exitcode == signal.SIGKILL:
            cause += "。メモリ不足で止められた可能性があります"
    else:
        cause = f"終了コード {exitcode}"
    return (
        f"{CRASHED}（{cause}）。"
        "ファイルが壊れているか、極端に大きい可能性があります。Excel などで開いて確認し、"
        "保存し直してください。ファイルが変わるまで、次回からはこのファイルを読まずに失敗として記録します。"
    )


def _chunks(tasks: list[Task], jobs: int, largest: int = 32) -> list[list[Task]]:
    """Tasks in chunks that shrink as the work runs out (guided scheduling): large chunks
    while plenty is left (less pickling and fewer round trips), single bodies at the end,
    so that no worker sits idle while another finishes a long chunk."""
    out = []
    i = 0
    while i < len(tasks):
        size = max(1, min(largest, (len(tasks) - i) // (jobs * 4)))
        out.append(tasks[i : i + size])
        i += size
    return out


__all__ = [
    "Outcome",
    "Task",
    "available_cpus",
    "crash_reason",
    "run_audits",
]
