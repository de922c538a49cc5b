"""The commands that write fictional policies (tests, demos, benchmarks): ``gapcheck sample``
and ``gapcheck sample-nation``. Registered on the ``gapcheck`` group by :mod:`gapcheck.cli`."""

from __future__ import annotations

from pathlib import Path

import click

from gapcheck.cli_support import Command, Settings, edition_option

__all__ = ["sample", "sample_nation"]


@click.command(cls=Command)
@edition_option("サンプルが準拠する版（例: 2020-12）。")
@click.option(
    "--style",
    type=click.Choice(["spreadsheet", "reiki"]),
    default="spreadsheet",
    show_default=True,
    help="Excel の一覧表か、例規集の本文（テキスト）か。",
)
@click.option(
    "--tier",
    type=click.Choice(["light", "heavy"]),
    default="light",
    show_default=True,
    help="書き換えの強さ。",
)
@click.option(
    "--voice",
    type=click.Choice(["digest", "municipal"]),
    default="digest",
    show_default=True,
    help="文体。digest はカタログの要約文、municipal は自治体の例規らしい別の書きぶり。",
)
@click.option(
    "--seed", type=int, default=0, show_default=True, help="乱数の種（同じ値なら同じ結果）。"
)
@click.option(
    "--out",
    "out_file",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="書き出すファイル（.xlsx または .txt）。",
)
@click.option(
    "--truth",
    type=click.Path(dir_okay=False, path_type=Path),
    help="正解（行と条項キーの対応）を書き出す JSON ファイル。",
)
@click.pass_obj
def sample(
    settings: Settings,
    version: str,
    style: str,
    tier: str,
    voice: str,
    seed: int,
    out_file: Path,
    truth: Path | None,
) -> None:
    """架空の自治体のポリシーを合成します（テストやデモ用。実在の文章は使いません）。

    例: gapcheck sample --edition 2020-12 --style reiki --out sample.txt --truth truth.json
    """
    from gapcheck.pipeline import make_sample

    edition, _ = make_sample(
        settings.catalog(), version, out_file, truth, seed=seed, tier=tier, style=style, voice=voice
    )
    click.echo(f"{edition.label}に準拠した架空のポリシーを書き出しました: {out_file}")


@click.command(name="sample-nation", cls=Command)
@click.option(
    "--count", type=click.IntRange(1, 20_000), default=1788, show_default=True, help="団体の数。"
)
@click.option(
    "--year",
    type=int,
    default=2025,
    show_default=True,
    help="調査の年（後の年ほど新しい版に追いつく団体が増えます）。",
)
@click.option(
    "--seed", type=int, default=0, show_default=True, help="乱数の種（同じ値なら同じ結果）。"
)
@click.option(
    "--jobs", type=click.IntRange(min=1), help="並列に書き出すプロセス数。既定は CPU の数。"
)
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="書き出すフォルダ（policies/ と bodies.csv を作ります）。",
)
@click.pass_obj
def sample_nation(
    settings: Settings, count: int, year: int, seed: int, jobs: int | None, out: Path
) -> None:
    """架空の全国（47都道府県と市区町村）のポリシー一式と団体の一覧を合成します（デモ・試験用）。

    実在の文章は使いません。数件は読めないファイル（中身がテキストの .xlsx、空のファイルなど）です。

    例: gapcheck sample-nation --count 1788 --year 2025 --out nation
    """
    from gapcheck.synth.nation import write_nation

    bodies = write_nation(settings.catalog(), out, count=count, year=year, seed=seed, jobs=jobs)
    broken = sum(1 for b in bodies if b.broken)
    click.echo(
        f"{len(bodies)}団体の架空のポリシーを書き出しました（うち読めないファイル {broken}件）。"
    )
    click.echo(f"  ポリシー: {out / 'policies'}")
    click.echo(f"  団体の一覧: {out / 'bodies.csv'}")
    click.echo(
        f"次に: gapcheck survey {out / 'policies'} --master {out / 'bodies.csv'} --year {year}"
    )
