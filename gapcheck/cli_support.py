"""The command line's plumbing (issue #22: cli.py holds the commands only): the settings
every command receives, Japanese ``--help``, the one ``Error:`` line for a library error, the
options several commands share, and small output helpers."""

from __future__ import annotations

import codecs
import contextlib
import errno
import inspect
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from gapcheck.catalog.loader import load_catalog
from gapcheck.catalog.model import Catalog
from gapcheck.errors import GapcheckError
from gapcheck.importing.document import GUIDELINE_FORMATS
from gapcheck.readers.kinds import POLICY_FORMATS

__all__ = [
    "Command",
    "Group",
    "ListsFormats",
    "Renamed",
    "Settings",
    "echo_json",
    "echo_written",
    "edition_option",
    "json_option",
    "out_option",
    "progress_bar",
    "target_option",
]

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Settings:
    guidelines: Path | None
    debug: bool

    def catalog(self) -> Catalog:
        return load_catalog(self.guidelines)


class JapaneseHelp:
    """``--help`` described in Japanese, like every other option."""

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = "この説明を表示して終了します。"
        return option


class Command(JapaneseHelp, click.Command):
    pass


class ListsFormats(Command):
    """A command reading files: a ``{formats}`` (policies) or ``{guideline_formats}`` line in
    its help becomes the formats that registry holds when the help is shown, one a line
    (:data:`~gapcheck.readers.kinds.POLICY_FORMATS`,
    :data:`~gapcheck.importing.document.GUIDELINE_FORMATS`)."""

    @property
    def help(self) -> str | None:
        if self._help is None:
            return None
        text = inspect.cleandoc(self._help)
        for mark, formats in (
            ("{formats}", POLICY_FORMATS),
            ("{guideline_formats}", GUIDELINE_FORMATS),
        ):
            text = text.replace(mark, "  " + formats.described("\n  "))
        return text

    @help.setter
    def help(self, value: str | None) -> None:
        self._help = value


class Group(JapaneseHelp, click.Group):
    """Turns library errors into one ``Error:`` line and exit code 1; Japanese output survives
    a terminal whose encoding cannot show it, and a full disk under standard output is one
    message, not a traceback."""

    command_class = Command

    def main(self, *args: Any, **kwargs: Any) -> Any:
        for stream in (sys.stdout, sys.stderr):
            _speak_japanese(stream)
        return super().main(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except GapcheckError as exc:
            settings = ctx.obj
            if isinstance(settings, Settings) and settings.debug:
                raise
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(1)
        except OSError as exc:
            # a write to a stream has no file name; a file the command opened has one
            if exc.filename is not None or exc.errno not in _STREAM_FULL:
                raise
            _silence_stdout()
            why = "ディスクがいっぱいです" if exc.errno == errno.ENOSPC else "書き込めない装置です"
            click.echo(
                f"Error: 結果を標準出力に書き込めません（書き込み先の{why}）。"
                "出力先を変えてやり直してください。",
                err=True,
            )
            ctx.exit(1)


_STREAM_FULL = frozenset({errno.ENOSPC, errno.EIO, errno.EFBIG, errno.EDQUOT})


def _speak_japanese(stream: Any) -> None:
    """A stream whose encoding cannot write Japanese (a latin-1 or ASCII locale) writes UTF-8,
    which most such terminals show anyway; any other character the encoding lacks (cp932 has no
    「〜」 U+301C) becomes 「?」 instead of a UnicodeEncodeError."""
    reconfigure = getattr(stream, "reconfigure", None)
    encoding = getattr(stream, "encoding", None) or "utf-8"
    if reconfigure is None or codecs.lookup(encoding).name == "utf-8":
        return
    try:
        "版の照合".encode(encoding)
    except UnicodeEncodeError:
        reconfigure(encoding="utf-8", errors="replace")
    else:
        reconfigure(errors="replace")


def _silence_stdout() -> None:
    """Point standard output at /dev/null so that the interpreter's last flush does not fail
    a second time with a traceback."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


@contextlib.contextmanager
def progress_bar(label: str, enabled: bool) -> Iterator[Callable[[int, int], None]]:
    """A ``progress(done, total)`` callback drawing a bar on stderr, only when ``enabled``
    (a terminal and not --quiet/--json); the bar opens on the first call, when the total
    is known."""
    bar: Any = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if not enabled:
            return
        if bar is None:
            bar = click.progressbar(length=total, label=label, file=sys.stderr)
            bar.__enter__()
        bar.update(done - bar.pos)

    try:
        yield progress
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


def json_option(fn: F) -> F:
    return click.option(
        "--json", "as_json", is_flag=True, help="機械処理用の JSON を標準出力に書きます。"
    )(fn)


def echo_written(paths: Iterable[Path], title: str = "\n結果を書き出しました:") -> None:
    """The files a command wrote, one per line under ``title`` (nothing when none)."""
    paths = list(paths)
    if paths:
        click.echo(title)
        for path in paths:
            click.echo(f"  {path}")


def echo_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


class Renamed(click.Option):
    """An option whose first name is the current one; the others are the spellings of an
    earlier release, still accepted but not shown in --help (issue #15: one word, 版/edition,
    for every option naming an edition)."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        opts, self.opts = self.opts, self.opts[:1]
        try:
            return super().get_help_record(ctx)
        finally:
            self.opts = opts


def edition_option(help: str) -> Callable[[F], F]:
    """A required ``--edition`` (the first release spelt it ``--version``)."""
    return click.option("--edition", "--version", "version", cls=Renamed, required=True, help=help)


def target_option(fn: F) -> F:
    return click.option(
        "--edition",
        "--target",
        "target",
        cls=Renamed,
        default="latest",
        show_default=True,
        help="照合するガイドラインの版（例: 2025-03）。既定は最新版。",
    )(fn)


def out_option(fn: F) -> F:
    return click.option(
        "--out",
        type=click.Path(file_okay=False, path_type=Path),
        help="結果を書き出すフォルダ。",
    )(fn)
