"""A user's file is parsed in a child process with limits (issue #26).

Parsers written in C and Rust (expat, python-calamine, pdfminer's inner loops) can be driven by
one crafted file to abort the whole process, to allocate gigabytes or to loop for ever: a
37 KB workbook with a lower-case far reference took down the web page's server and every
result it held. :func:`isolated` runs the parse in a child process that may use at most
:attr:`Limits.cpu_seconds` of CPU and :attr:`Limits.memory_mb` of address space beyond its own
size at start; the parent waits, and a crash, a memory cap or a timeout becomes one clear
:class:`~gapcheck.errors.InputFileError` naming the file, never a dead server or a traceback.
A :class:`~gapcheck.errors.GapcheckError` the parse raises crosses back whole (its path, sheet,
row and hint).

The child is forked where that is safe and quick (a single-threaded process on Linux/macOS:
the command line), comes from multiprocessing's fork server in a process with threads (the
web page's server), and runs in place where neither exists (Windows has no limits to set).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.context import ForkContext, ForkServerContext
from pathlib import Path
from typing import Any, TypeVar

from gapcheck.errors import GapcheckError, InputFileError

__all__ = ["LIMITS", "Limits", "isolated"]

T = TypeVar("T")


@dataclass(frozen=True)
class Limits:
    """What one parse of a user's file may use."""

    cpu_seconds: int = 60
    memory_mb: int = 1024  # beyond the child's own size when it starts (the code it shares)

    @property
    def wall_seconds(self) -> float:
        """How long the parent waits: the CPU time, and room for a machine that is busy."""
        return self.cpu_seconds * 3 + 10


LIMITS = Limits()


CRASHED = (
    "{path}: ファイルを読む途中で処理が異常終了しました（{why}）。ファイルが壊れているか、"
    "安全に読めない作りになっています。元のソフトで開いて別名で保存し直すか、別の形式"
    "（.xlsx、.csv、.txt）で保存してもう一度お試しください。"
)
TOO_BIG = (
    "{path}: ファイルを読むのに必要なメモリが上限（{mb:,} MB）を超えたため、読むのをやめました。"
    "ファイルに不要な行・列・シートが大量にないか確かめ、不要な部分を削除して保存し直してください。"
)
TOO_SLOW = (
    "{path}: ファイルを読むのに時間がかかりすぎたため（CPU 時間 {seconds} 秒で打ち切り）、"
    "読むのをやめました。ファイルが壊れていないか確かめ、必要な部分だけを別のファイルに"
    "保存してもう一度お試しください。"
)


def isolated(
    func: Callable[..., T],
    /,
    *args: Any,
    path: str | os.PathLike[str],
    limits: Limits = LIMITS,
    **kwargs: Any,
) -> T:
    """``func(*args, **kwargs)`` run in a child process within ``limits``; ``path`` is the
    file it reads, named by the error when the child cannot finish. ``func`` must be a
    module-level function and its result picklable."""
    context = _context()
    if context is None:
        return func(*args, **kwargs)
    path = Path(path)
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_child,
        args=(sender, func, args, kwargs, limits),
        name="gapcheck-read",
        daemon=True,
    )
    child.start()
    sender.close()
    try:
        message: tuple[str, Any] | None = None
        if receiver.poll(limits.wall_seconds):
            try:
                message = receiver.recv()
            except EOFError:
                message = None  # the child died before it could answer
        elif child.is_alive():
            child.kill()
            raise InputFileError(TOO_SLOW.format(path=path, seconds=limits.cpu_seconds), path=path)
    finally:
        receiver.close()
        child.join(10)
        if child.is_alive():
            child.kill()
            child.join()
    if message is None:
        raise _ended(path, child.exitcode, limits)
    kind, value = message
    if kind == "ok":
        return value
    if kind == "error":
        raise value
    if kind == "memory":
        raise InputFileError(TOO_BIG.format(path=path, mb=limits.memory_mb), path=path)
    raise InputFileError(CRASHED.format(path=path, why=value), path=path)


def _ended(path: Path, code: int | None, limits: Limits) -> InputFileError:
    """The error for a child that ended without an answer, from how it ended."""
    import signal

    if code is not None and code in (-signal.SIGXCPU, -signal.SIGKILL):
        return InputFileError(TOO_SLOW.format(path=path, seconds=limits.cpu_seconds), path=path)
    why = f"シグナル {-code}" if code is not None and code < 0 else f"終了コード {code}"
    return InputFileError(CRASHED.format(path=path, why=why), path=path)


def _context() -> ForkContext | ForkServerContext | None:
    if sys.platform == "win32" or not _has_limits():
        return None
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")  # nothing another thread could hold
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        # the readers loaded once in the fork server, not again in every child (takes effect
        # when the server starts: the first isolated read or survey of the process)
        context.set_forkserver_preload(PRELOAD)
        return context
    return None


PRELOAD = ["gapcheck.readers.formats", "gapcheck.gaps.decisions"]


def _has_limits() -> bool:
    try:
        import resource  # noqa: F401
    except ImportError:
        return False
    return True


def _child(
    conn: Connection,
    func: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    limits: Limits,
) -> None:
    """In the child: set the limits, run, send ("ok", result) / ("error", GapcheckError) /
    ("memory", "") / ("crash", the exception's kind)."""
    try:
        _limit(limits)
        conn.send(("ok", func(*args, **kwargs)))
    except GapcheckError as exc:
        conn.send(("error", exc))
    except MemoryError:
        conn.send(("memory", ""))
    except BaseException as exc:  # the parent says the file could not be read
        traceback.print_exc()
        conn.send(("crash", type(exc).__name__))
    finally:
        conn.close()


def _limit(limits: Limits) -> None:
    import resource

    cpu = int(resource.getrusage(resource.RUSAGE_SELF).ru_utime) + limits.cpu_seconds
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    size = _address_space()
    if size:
        cap = size + limits.memory_mb * 1024 * 1024
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            cap = min(cap, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def _address_space() -> int:
    """This process's virtual size in bytes (0 where /proc is not there: no memory cap)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE")
