"""The ``gapcheck`` command: a thin layer over the library.

Each command parses its options, makes one library call and renders the result. Only this
module talks to the person: a :class:`GapcheckError` becomes ``Error: …`` and exit 1
(``--debug`` shows the traceback instead).
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from gapcheck import __version__
from gapcheck.catalog import ENV_VAR, load_catalog
from gapcheck.errors import GapcheckError
from gapcheck.model import Catalog
from gapcheck.textout import table

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Settings:
    guidelines: Path | None
    debug: bool

    def catalog(self) -> Catalog:
        return load_catalog(self.guidelines)


class _Group(click.Group):
    """Turns library errors into one ``Error:`` line and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except GapcheckError as exc:
            settings = ctx.obj
            if isinstance(settings, Settings) and settings.debug:
                raise
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(1)


def json_option(fn: F) -> F:
    return click.option(
        "--json", "as_json", is_flag=True, help="機械処理用の JSON を標準出力に書きます。"
    )(fn)


def _echo_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gapcheck")
@click.option(
    "--guidelines",
    type=click.Path(file_okay=False, path_type=Path),
    envvar=ENV_VAR,
    help="同梱の版に加える（または置き換える）版のフォルダ。環境変数 GAPCHECK_GUIDELINES でも指定できます。",
)
@click.option("--debug", is_flag=True, help="エラー時にトレースバックを表示します。")
@click.pass_context
def cli(ctx: click.Context, guidelines: Path | None, debug: bool) -> None:
    """gapcheck: 自治体の情報セキュリティポリシーを国のガイドラインの最新版と照合します。"""
    ctx.obj = Settings(guidelines=guidelines, debug=debug)


@cli.command()
@json_option
@click.pass_obj
def versions(settings: Settings, as_json: bool) -> None:
    """カタログにあるガイドラインの版を一覧表示します。

    例: gapcheck versions
    """
    catalog = settings.catalog()
    if as_json:
        _echo_json([e.to_dict() for e in catalog.editions])
        return
    rows = [
        [e.id, e.label, e.date, len(e), len(e.changed()), len(e.removed)] for e in catalog.editions
    ]
    click.echo(table(["版", "名称", "公表", "条項数", "追加・変更", "削除"], rows))
    click.echo(f"\n最新版: {catalog.latest.label}（{catalog.latest.id}）")


@cli.command()
@click.argument("version")
@click.option("--section", help="節で絞り込みます（例: 6 / 6.4 / 基本方針）。")
@json_option
@click.pass_obj
def clauses(settings: Settings, version: str, section: str | None, as_json: bool) -> None:
    """版 VERSION の条項を文書の順に表示します（VERSION は 2025-03 や latest）。

    例: gapcheck clauses 2025-03 --section 6.4
    """
    edition = settings.catalog().edition(version)
    selected = edition.in_section(section) if section else edition.clauses
    if section and not selected:
        raise click.UsageError(
            f"{edition.label} に節 '{section}' の条項はありません（例: 6 / 6.4 / 基本方針）。"
        )
    if as_json:
        _echo_json([c.to_dict() for c in selected])
        return
    click.echo(f"{edition.label}（{edition.id}） {len(selected)} 条項")
    for c in selected:
        click.echo(f"\n{c.display_number}  {' > '.join(c.headings)}  〔{c.level.label}〕")
        for line in textwrap.wrap(c.text, 38):
            click.echo(f"    {line}")


@cli.command()
@json_option
@click.pass_obj
def glossary(settings: Settings, as_json: bool) -> None:
    """報告書で使う用語を、幹部向けのやさしい言葉で説明します。

    例: gapcheck glossary
    """
    terms = settings.catalog().glossary
    if as_json:
        _echo_json([t.to_dict() for t in terms])
        return
    for t in terms:
        click.echo(f"{t.term}\n    {t.plain}")
