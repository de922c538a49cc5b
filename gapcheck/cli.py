"""The ``gapcheck`` command: a thin layer over the library.

Each command parses its options, makes one library call and renders the result. Only this
module talks to the person: a :class:`GapcheckError` becomes ``Error: …`` and exit 1
(``--debug`` shows the traceback instead).
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import click

from gapcheck import __version__
from gapcheck.catalog.loader import ENV_VAR
from gapcheck.cli_support import (
    Group,
    ListsFormats,
    Renamed,
    Settings,
    echo_json,
    echo_written,
    edition_option,
    json_option,
    out_option,
    progress_bar,
    target_option,
)
from gapcheck.cli_synth import sample, sample_nation
from gapcheck.gaps.status import GAP_STATUSES
from gapcheck.io import os_errors_as_messages
from gapcheck.readers.formats import MAX_FILE_MB, MAX_INFLATED_MB, MAX_ROWS
from gapcheck.text.textout import table


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gapcheck", help="バージョンを表示して終了します。")
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
        echo_json([e.to_dict() for e in catalog.editions])
        return
    rows = [
        [e.id, e.cited_label, e.published or e.date,
         f"{len(e)}" + ("（概要のみ）" if e.depth.value == "outline" else ""),
         e.estimated_clauses(), len(e.changed()), len(e.removed), e.estimated_changes()]
        for e in catalog.editions
    ]  # fmt: skip
    headers = ["版", "名称", "公表", "条項数", "うち推定", "追加・変更", "削除", "変更のうち推定"]
    click.echo(table(headers, rows))
    click.echo(f"\n最新版: {catalog.latest.label}（{catalog.latest.id}）")
    click.echo(
        "「推定」は、項目の置き場所や改定の時期を総務省の公表資料や団体の例規で確かめられず、"
        "本カタログが整理したものです（条項の本文はすべて本カタログの要約です）。"
    )


@cli.command()
@click.argument("version", metavar="EDITION")
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
        echo_json([c.to_dict() for c in selected])
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
        echo_json([t.to_dict() for t in terms])
        return
    for t in terms:
        click.echo(f"{t.term}\n    {t.plain}")


@cli.command(name="audit", cls=ListsFormats)
@click.argument("policy", type=click.Path(path_type=Path))
@target_option
@click.option("--sheet", help="読み込むシート名（既定: ポリシーらしいシートを自動で選びます）。")
@click.option("--encoding", help="CSV・テキストの文字コード（例: cp932）。既定は自動判定。")
@click.option(
    "--previous",
    type=click.Path(dir_okay=False, path_type=Path),
    help="前回の結果（report.xlsx または audit.json）。担当者の判断を引き継ぎます。",
)
@json_option
@out_option
@click.option(
    "--fail-on-gaps",
    is_flag=True,
    help=f"{'・'.join(s.title for s in GAP_STATUSES)}の条項があれば終了コード 3 を返します。",
)
@click.option(
    "--max-rows",
    type=click.IntRange(1),
    default=MAX_ROWS,
    show_default=True,
    help="読み込む行数の上限。",
)
@click.option(
    "--max-file-mb",
    type=click.IntRange(1),
    default=MAX_FILE_MB,
    show_default=True,
    help="入力ファイルの大きさの上限（MB）。",
)
@click.option(
    "--max-inflated-mb",
    type=click.IntRange(1),
    default=MAX_INFLATED_MB,
    show_default=True,
    help="Excel ファイルの展開後の大きさの上限（MB）。",
)
@click.pass_obj
def audit_command(
    settings: Settings,
    policy: Path,
    target: str,
    sheet: str | None,
    encoding: str | None,
    previous: Path | None,
    as_json: bool,
    out: Path | None,
    fail_on_gaps: bool,
    max_rows: int,
    max_file_mb: int,
    max_inflated_mb: int,
) -> None:
    """自団体のポリシーのファイルをガイドラインと照合します（読める形式は下のとおり）。

    \b
    読める形式:
    {formats}

    例: gapcheck audit 対策基準.xlsx --edition 2025-03 --out reports/2026
    """
    from gapcheck.pipeline import refuse_to_overwrite_inputs, run_audit, write_audit_reports
    from gapcheck.render.audit_page import audit_page
    from gapcheck.render.audit_text import audit_text

    limits = {"max_rows": max_rows, "max_file_mb": max_file_mb, "max_inflated_mb": max_inflated_mb}
    if out is not None:
        refuse_to_overwrite_inputs(
            out, ("入力のポリシー", policy), ("--previous で指定した前回の結果", previous)
        )
    report = run_audit(
        policy,
        settings.catalog(),
        target=target,
        sheet=sheet,
        encoding=encoding,
        previous=previous,
        limits=limits,
    )
    # the page is built once, for the reports and the terminal alike
    page = audit_page(report, settings.catalog()) if out is not None or not as_json else None
    written = write_audit_reports(report, settings.catalog(), out, page=page) if out else []
    if as_json:
        echo_json(report.to_dict())
    elif page is not None:
        click.echo(audit_text(page), nl=False)
        echo_written(written)
    if fail_on_gaps and any(report.counts[s.value] for s in GAP_STATUSES):
        raise SystemExit(3)


@cli.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("reports/demo"),
    show_default=True,
    help="書き出すフォルダ。",
)
@click.pass_obj
def demo(settings: Settings, out: Path) -> None:
    """架空の町のポリシーを最新版と照合し、結果を書き出します（README のクイックスタート）。

    例: gapcheck demo --out reports/demo
    """
    from gapcheck.pipeline import render_audit_text, run_demo

    catalog = settings.catalog()
    result = run_demo(catalog, out)
    click.echo(render_audit_text(result.report, catalog), nl=False)
    click.echo(f"\n入力（架空の町のポリシー）: {result.policy_file}")
    echo_written(result.written, "結果:")


@cli.command(name="diff")
@click.argument("old", metavar="OLD_EDITION")
@click.argument("new", metavar="NEW_EDITION")
@click.option("--section", help="節で絞り込みます（例: 6 / 6.4 / 基本方針）。")
@json_option
@out_option
@click.pass_obj
def diff_command(
    settings: Settings,
    old: str,
    new: str,
    section: str | None,
    as_json: bool,
    out: Path | None,
) -> None:
    """版 OLD から版 NEW までに何が変わったかを示します（隣り合わない版どうしも比較できます）。

    --out を付けると、改定のポイント・新旧対照表・項番対応表を Excel（diff.xlsx）と
    HTML（diff.html）に書き出します。

    例: gapcheck diff 2018-09 2025-03
    """
    from gapcheck.diff import diff_editions, render_text
    from gapcheck.pipeline import write_diff_reports

    catalog = settings.catalog()
    result = diff_editions(catalog, old, new, section=section)
    written = write_diff_reports(result, catalog, out) if out is not None else []
    if as_json:
        echo_json(result.to_dict())
        return
    click.echo(render_text(result), nl=False)
    echo_written(written)


@cli.command(name="import-guideline", cls=ListsFormats)
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@edition_option("取り込む版の id（YYYY-MM、例: 2026-03）。")
@click.option("--label", help="版の名称（例: 令和8年3月版）。既定は表紙から読み取ります。")
@click.option("--date", help="公表の月（YYYY-MM）。既定は表紙の改定日。")
@click.option(
    "--base-edition",
    "--base",
    "base",
    cls=Renamed,
    help="対応付けに使う前の版（既定: カタログで直前の版）。",
)
@click.option(
    "--replace", "replace_existing", is_flag=True, help="同じ id の版があれば置き換えます。"
)
@click.option(
    "--review",
    type=click.Path(dir_okay=False, path_type=Path),
    help="担当者が確認した review.yaml。対応付けの判断を反映して取り込み直します。",
)
@click.option(
    "--check-table",
    type=click.Path(dir_okay=False, path_type=Path),
    help="新旧対照表の PDF（改定後 | 改定前）。計算した差分と食い違う箇所を示します。",
)
@click.option("--quiet", is_flag=True, help="進み具合を表示しません。")
@click.pass_obj
def import_guideline_command(
    settings: Settings,
    files: tuple[Path, ...],
    version: str,
    label: str | None,
    date: str | None,
    base: str | None,
    replace_existing: bool,
    review: Path | None,
    check_table: Path | None,
    quiet: bool,
) -> None:
    """公表されたガイドライン（PDF・Word・テキスト）を取り込み、カタログの版にします。

    第2編の例文を原文のまま条項にし、前の版の条項キーに対応付けます。書き出し先は
    --guidelines のフォルダ（既定: ~/.local/share/gapcheck/editions）です。

    \b
    読める形式（PDF は文字を含むもの）:
    {guideline_formats}

    例: gapcheck --guidelines ~/gapcheck-editions import-guideline 本編.pdf --edition 2026-03 --base-edition 2025-03
    """
    from gapcheck.importing.importer import import_guideline, render_import

    with (
        progress_bar("ページを読み込み中", not quiet and sys.stderr.isatty()) as progress,
        os_errors_as_messages(),
    ):
        result = import_guideline(
            files,
            version,
            catalog_dir=settings.guidelines,
            label=label,
            date=date,
            base=base,
            replace_existing=replace_existing,
            review=review,
            check_table_file=check_table,
            progress=progress,
        )
    click.echo(render_import(result, settings.guidelines is None), nl=False)


@cli.command(name="survey", cls=ListsFormats)
@click.argument("input_dir", type=click.Path(file_okay=False, path_type=Path))
@target_option
@click.option(
    "--master",
    type=click.Path(dir_okay=False, path_type=Path),
    help="団体の一覧 CSV（団体コード,都道府県,団体名,区分,人口）。既定は同梱のサンプル。",
)
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    help="調査の記録（SQLite）。既定は --out のフォルダの survey.sqlite。変わらない資料は再利用します。",
)
@click.option("--year", type=int, help="調査の年（例: 2026）。既定は今年。")
@click.option(
    "--jobs", type=click.IntRange(min=1), help="並列に照合するプロセス数。既定は CPU の数。"
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("reports/survey"),
    show_default=True,
    help="結果（survey.xlsx・survey.html・clauses.csv）を書き出すフォルダ。",
)
@json_option
@click.pass_obj
def survey_command(
    settings: Settings,
    input_dir: Path,
    target: str,
    master: Path | None,
    db: Path | None,
    year: int | None,
    jobs: int | None,
    out: Path,
    as_json: bool,
) -> None:
    """全国の団体のポリシーを集めたフォルダを照合し、どの版まで追いついているかを集計します。

    ファイル名の先頭の団体コード（6桁、例: 131016_千代田区.xlsx）か団体の一覧で団体を特定し、
    読めないファイルは理由を記録して続けます。結果は SQLite の記録に残し、変わらない資料は
    次回から照合し直しません。

    \b
    読める形式:
    {formats}
      監査結果の JSON（gapcheck audit --json の出力、.json）

    例: gapcheck survey policies/ --master bodies.csv --year 2026 --out reports/survey
    """
    from gapcheck.pipeline import run_survey
    from gapcheck.render.report_survey import summary_lines

    with progress_bar("照合中", not as_json and sys.stderr.isatty()) as progress:
        run = run_survey(
            input_dir, settings.catalog(), out, target=target, master=master, db=db,
            year=year, jobs=jobs, progress=progress,
        )  # fmt: skip
    if as_json:
        echo_json(run.result.to_dict())
        return
    for line in summary_lines(run.result):
        click.echo(line)
    echo_written((*run.written, Path(run.result.db or "")))


@cli.command()
@click.option(
    "--port",
    type=click.IntRange(1024, 65535),
    default=8765,
    show_default=True,
    help="待ち受けるポート番号（このパソコンの中 127.0.0.1 だけで待ち受けます）。",
)
@click.option("--open", "open_browser", is_flag=True, help="起動したらブラウザで画面を開きます。")
@click.option(
    "--guidelines",
    "serve_guidelines",
    type=click.Path(file_okay=False, path_type=Path),
    help="ガイドラインの版を置くフォルダ（gapcheck --guidelines と同じ）。",
)
@click.pass_obj
def serve(settings: Settings, port: int, open_browser: bool, serve_guidelines: Path | None) -> None:
    """ブラウザで使う画面を開きます。照合・新旧対照表・版の取り込み・全国調査ができます。

    このパソコンの中（127.0.0.1）だけで動き、ファイルを外へ送ることはありません。
    終了するには Ctrl+C を押します。

    例: gapcheck serve --open
    """
    from gapcheck.web.server import serve as run_server

    run_server(
        port=port, open_browser=open_browser, guidelines=serve_guidelines or settings.guidelines
    )


for synthetic in (sample, sample_nation):  # with their options in cli_synth.py
    cli.add_command(synthetic)


__all__ = ["cli"]  # the commands are reached through the group
