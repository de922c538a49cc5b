"""The local web pages (issue #16) through Starlette's test client: what each page does
equals what the command does, and what the safety design refuses."""

from __future__ import annotations

import io
import json
import re
import time
import zipfile
from dataclasses import replace
from html import unescape
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from starlette.testclient import TestClient

from gapcheck import load_catalog, render_audit_text, run_audit
from gapcheck.cli import cli
from gapcheck.errors import Hint
from gapcheck.render.report_diff import render_diff_html
from gapcheck.render.report_survey import summary_lines
from gapcheck.survey.national import survey
from gapcheck.synth.nation import write_nation
from gapcheck.synth.sample import generate_policy, write_sample
from gapcheck.web import guard, jobs, uploads
from gapcheck.web.app import create_app
from gapcheck.web.server import address, bind

TOKEN = "test-token-" + "x" * 24
BASE = "http://127.0.0.1:8765"
OURS = {"origin": BASE}
CATALOG = load_catalog(None)


def make_client(tmp: Path, **kwargs: object) -> TestClient:
    app = create_app(data_dir=tmp / "data", token=TOKEN, warm_up=False, **kwargs)  # type: ignore[arg-type]
    client = TestClient(app, base_url=BASE, follow_redirects=False)
    client.cookies.set(guard.Keys(TOKEN).cookie_name, TOKEN)
    return client


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    """The demo's policy, as `gapcheck demo` makes it."""
    path = tmp_path_factory.mktemp("demo") / "sample_policy.xlsx"
    generated = generate_policy(CATALOG.edition("2020-12"), seed=7, tier="light")
    write_sample(generated, path, path.with_suffix(".json"))
    return path


@pytest.fixture(scope="module")
def shared(tmp_path_factory, monkeypatch_module):
    monkeypatch_module.delenv("GAPCHECK_GUIDELINES", raising=False)
    with make_client(tmp_path_factory.mktemp("web")) as client:
        yield client


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


@pytest.fixture()
def client(tmp_path, monkeypatch):
    monkeypatch.delenv("GAPCHECK_GUIDELINES", raising=False)
    with make_client(tmp_path) as c:
        yield c


def message(html: str) -> str:
    """The error message a page shows."""
    found = re.search(r'class="message">(.*?)</p>', html, re.S)
    return unescape(found.group(1)) if found else ""


def csrf() -> str:
    return guard.Keys(TOKEN).csrf


def cli_error(tmp: Path, *args: str) -> str:
    """What `gapcheck` prints after ``Error:``, without the test's folder."""
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exit_code == 1, result.output
    line = result.output.strip().splitlines()[-1]
    return line.removeprefix("Error: ").replace(f"{tmp}/", "")


def as_page(message: str) -> str:
    """The command's message as the page says it: a hint names the page's form field, never a
    flag (issue #22: errors are data)."""
    for hint in Hint:
        message = message.replace(hint.info.cli, hint.info.web)
    assert "--" not in message, message
    return message


# --- the token, the origin and the CSRF token -------------------------------------------------


@pytest.mark.parametrize(
    ("path", "headers", "cookie", "expected"),
    [
        ("/audit", {}, True, (200, "")),
        ("/audit", {}, False, (403, guard.NO_TOKEN)),
        ("/?token=wrong", {}, False, (403, guard.NO_TOKEN)),
        (f"/?token={TOKEN}", {}, False, (303, "/")),
        (f"/editions/diff?old=2024-10&token={TOKEN}&new=2025-03", {}, False, (303, "/editions/diff?old=2024-10&new=2025-03")),
        ("/audit", {"host": "evil.example:8765"}, True, (400, guard.BAD_HOST)),
        ("/audit", {"sec-fetch-site": "cross-site"}, True, (403, guard.CROSS_ORIGIN)),
        ("/audit", {"sec-fetch-site": "same-site"}, True, (403, guard.CROSS_ORIGIN)),
        ("/audit", {"sec-fetch-site": "same-origin"}, True, (200, "")),
        ("/audit", {"sec-fetch-site": "none"}, True, (200, "")),
        ("/static/style.css", {}, False, (200, "")),
        ("/files/nope/report.html", {}, True, (404, "お探しの結果は見つかりません。サーバーを起動し直したか、時間が経って消去された可能性があります。もう一度実行してください。")),
        ("/files/../../etc/passwd", {}, True, (404, "お探しの結果は見つかりません。サーバーを起動し直したか、時間が経って消去された可能性があります。もう一度実行してください。")),
    ],
)  # fmt: skip
def test_every_request_needs_the_token(shared, path, headers, cookie, expected):
    if not cookie:
        shared.cookies.clear()
    try:
        r = shared.get(path, headers=headers)
    finally:
        shared.cookies.set(guard.Keys(TOKEN).cookie_name, TOKEN)
    detail = r.headers.get("location", "") if r.status_code == 303 else message(r.text)
    assert (r.status_code, detail) == expected


def test_the_token_address_sets_a_strict_cookie(shared):
    shared.cookies.clear()
    try:
        r = shared.get(f"/audit?token={TOKEN}")
    finally:
        shared.cookies.set(guard.Keys(TOKEN).cookie_name, TOKEN)
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"{guard.Keys(TOKEN).cookie_name}={TOKEN};")
    assert {p.strip().lower() for p in cookie.split(";")[1:]} == {
        "httponly",
        "path=/",
        "samesite=strict",
    }


@pytest.mark.parametrize(
    ("headers", "form", "expected"),
    [
        # passes the guard: the page says what is missing
        (OURS, {"csrf": csrf()}, (400, "ポリシーのファイルを選んでください（Excel・CSV・例規の本文のテキスト・HTML・Word・PDF）。")),
        ({"referer": f"{BASE}/audit"}, {"csrf": csrf()}, (400, "ポリシーのファイルを選んでください（Excel・CSV・例規の本文のテキスト・HTML・Word・PDF）。")),
        # another page in the browser, or no proof of where the form came from
        ({"origin": "http://127.0.0.1:9999"}, {"csrf": csrf()}, (403, guard.CROSS_ORIGIN)),
        ({"origin": "null"}, {"csrf": csrf()}, (403, guard.CROSS_ORIGIN)),
        ({"origin": "http://evil.example"}, {"csrf": csrf()}, (403, guard.CROSS_ORIGIN)),
        ({"referer": "http://127.0.0.1:8765.evil.example/"}, {"csrf": csrf()}, (403, guard.CROSS_ORIGIN)),
        ({}, {"csrf": csrf()}, (403, guard.CROSS_ORIGIN)),
        (OURS, {"csrf": "0" * 64}, (403, guard.BAD_CSRF)),
        (OURS, {}, (403, guard.BAD_CSRF)),
    ],
)  # fmt: skip
def test_posts_need_our_origin_and_the_csrf_token(shared, headers, form, expected):
    r = shared.post("/audit", data=form, files={"previous": ("", b"")}, headers=headers)
    assert (r.status_code, message(r.text)) == expected


def test_security_headers(shared, demo):
    page = shared.get("/audit")
    assert {k: page.headers[k] for k in ("content-security-policy", "x-frame-options", "x-content-type-options", "referrer-policy", "cache-control")} == {
        "content-security-policy": guard.APP_CSP,
        "x-frame-options": "SAMEORIGIN",
        "x-content-type-options": "nosniff",
        "referrer-policy": "same-origin",
        "cache-control": "no-store",
    }  # fmt: skip
    result = audit_upload(shared, demo)
    report = shared.get(f"/files/{result}/report.html")
    assert report.headers["content-security-policy"] == guard.REPORT_CSP
    assert "<script" not in report.text


def test_pages_are_japanese_with_labels(shared):
    for path in ("/audit", "/editions", "/survey"):
        html = shared.get(path).text
        assert '<html lang="ja">' in html
        ids = set(re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', html))
        labelled = set(re.findall(r'<label[^>]*\bfor="([^"]+)"', html))
        assert ids <= labelled, (path, ids - labelled)
        assert "http://" not in html.replace(BASE, "")  # nothing from the network


# --- audit -----------------------------------------------------------------------------------


def audit_upload(client: TestClient, path: Path, name: str = "対策基準.xlsx", **form: str) -> str:
    r = client.post(
        "/audit",
        data={"csrf": csrf(), **form},
        files={"policy": (name, path.read_bytes())},
        headers=OURS,
    )
    assert r.status_code == 303, message(r.text)
    return r.headers["location"].rsplit("/", 1)[1]


def test_audit_equals_the_command(shared, demo, tmp_path):
    rid = audit_upload(shared, demo, edition="2025-03")
    page = shared.get(f"/audit/{rid}").text
    expected = run_audit(demo, CATALOG, target="2025-03")
    assert dict(re.findall(r'data-status="([^"]+)">(\d+)<', page)) == {
        k: str(v) for k, v in expected.counts.items()
    }
    follows = re.search(r'<dd id="follows">([^<]*)</dd>', page)
    line = [
        x
        for x in render_audit_text(expected, CATALOG).splitlines()
        if x.startswith("準拠している版: ")
    ]
    assert [f"準拠している版: {unescape(follows.group(1))}"] == line
    got = json.loads(shared.get(f"/files/{rid}/audit.json").content)
    # the temporary copy's path never shows: the file is named as it was chosen
    want = replace(expected, policy=replace(expected.policy, path="対策基準.xlsx")).to_dict()
    assert got == json.loads(json.dumps(want))
    xlsx = shared.get(f"/files/{rid}/report.xlsx")
    assert xlsx.headers["content-disposition"] == 'attachment; filename="report.xlsx"'
    (tmp_path / "report.xlsx").write_bytes(xlsx.content)
    command = ["audit", str(demo), "--edition", "2025-03", "--out", str(tmp_path / "cli")]
    done = CliRunner().invoke(cli, command)
    assert done.exit_code == 0, done.output
    ours = load_workbook(tmp_path / "report.xlsx")
    theirs = load_workbook(tmp_path / "cli" / "report.xlsx")
    assert ours.sheetnames == theirs.sheetnames
    html = shared.get(f"/files/{rid}/report.html?download=1")
    assert html.headers["content-disposition"] == 'attachment; filename="report.html"'


def test_audit_with_last_years_report(shared, demo, tmp_path):
    rid = audit_upload(shared, demo)
    previous = shared.get(f"/files/{rid}/report.xlsx").content
    r = shared.post(
        "/audit",
        data={"csrf": csrf()},
        files={
            "policy": ("対策基準.xlsx", demo.read_bytes()),
            "previous": ("report.xlsx", previous),
        },
        headers=OURS,
    )
    assert r.status_code == 303, message(r.text)


BAD_POLICIES = {
    "text-as-excel": ("bad.xlsx", b"hello", {}),
    "empty": ("空.csv", b"", {}),
    "unknown-edition": ("ok.txt", "第1条 職員は、パスワードを他人に教えてはならない。".encode(), {"edition": "1999-01"}),
    "bad-encoding": ("sjis.txt", "第1条 職員は守る。".encode("cp932"), {"encoding": "utf-8"}),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(BAD_POLICIES))
def test_bad_policy_shows_the_commands_message(shared, tmp_path, case):
    name, data, form = BAD_POLICIES[case]
    (tmp_path / name).write_bytes(data)
    args = ["audit", tmp_path / name]
    if "edition" in form:
        args += ["--edition", form["edition"]]
    if "encoding" in form:
        args += ["--encoding", form["encoding"]]
    expected = as_page(cli_error(tmp_path, *args))
    r = shared.post(
        "/audit", data={"csrf": csrf(), **form}, files={"policy": (name, data)}, headers=OURS
    )
    assert (r.status_code, message(r.text)) == (400, expected)
    assert 'role="alert"' in r.text


def test_upload_over_the_readers_limit_is_refused(client, monkeypatch):
    monkeypatch.setattr("gapcheck.readers.formats.MAX_FILE_MB", 1)
    r = client.post(
        "/audit",
        data={"csrf": csrf()},
        files={"policy": ("big.csv", b"a,b\n" * 800_000)},
        headers=OURS,
    )
    assert (r.status_code, message(r.text)) == (413, "送信されたファイルが大きすぎます（上限 合計 3 MB）。ポリシーのファイルか確かめ、不要なファイルを除いてから送ってください。")  # fmt: skip
    r = client.post(
        "/audit",
        data={"csrf": csrf()},
        files={"policy": ("big.csv", b"a,b\n" * 300_000)},
        headers=OURS,
    )
    assert (r.status_code, message(r.text)) == (413, "big.csv: ファイルが大きすぎます（上限 1 MB）。ポリシーのファイルか確かめてください。")  # fmt: skip


def test_a_body_without_length_is_cut_at_the_limit(client, monkeypatch):
    monkeypatch.setattr("gapcheck.readers.formats.MAX_FILE_MB", 1)

    def body():
        yield b'--x\r\nContent-Disposition: form-data; name="policy"; filename="a.csv"\r\n\r\n'
        for _ in range(40):
            yield b"a,b\n" * 25_000

    r = client.post(
        "/audit",
        content=body(),
        headers={**OURS, "content-type": "multipart/form-data; boundary=x"},
    )
    assert "content-length" not in r.request.headers
    assert (r.status_code, message(r.text)) == (413, "送信されたファイルが大きすぎます（上限 合計 3 MB）。ポリシーのファイルか確かめ、不要なファイルを除いてから送ってください。")  # fmt: skip


def test_uploads_are_removed_after_the_request(client, demo):
    store = client.app.state.pages.store
    audit_upload(client, demo)
    client.post("/audit", data={"csrf": csrf()}, files={"policy": ("x.xlsx", b"x")}, headers=OURS)
    assert sorted(p.name.split("-")[0] for p in store.root.iterdir()) == ["audit"]
    assert oct(store.root.stat().st_mode & 0o777) == "0o700"


# --- editions ----------------------------------------------------------------------------------


def test_editions_lists_what_versions_lists(shared):
    page = shared.get("/editions").text
    rows = re.findall(r'<th scope="row">(\d{4}-\d{2})</th>', page)
    assert rows == [e.id for e in reversed(CATALOG.editions)]


def test_diff_equals_the_command(shared, tmp_path):
    r = shared.get("/editions/diff", params={"old": "2018-09", "new": "2025-03"})
    assert r.status_code == 200
    rid = re.search(r'/files/([^/]+)/diff\.html"', r.text).group(1)
    result = CliRunner().invoke(cli, ["diff", "2018-09", "2025-03", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    html = shared.get(f"/files/{rid}/diff.html").text
    assert html == (tmp_path / "diff.html").read_text(encoding="utf-8")
    from gapcheck import diff_editions

    assert html == render_diff_html(diff_editions(CATALOG, "2018-09", "2025-03"), CATALOG)
    (tmp_path / "web.xlsx").write_bytes(shared.get(f"/files/{rid}/diff.xlsx").content)
    ours, theirs = load_workbook(tmp_path / "web.xlsx"), load_workbook(tmp_path / "diff.xlsx")
    assert [[list(r) for r in ws.iter_rows(values_only=True)] for ws in ours] == [
        [list(r) for r in ws.iter_rows(values_only=True)] for ws in theirs
    ]


@pytest.mark.parametrize(
    ("old", "new", "section"),
    [("2025-03", "1999-01", ""), ("2024-10", "2025-03", "99.9")],
)
def test_diff_errors_are_the_commands(shared, tmp_path, old, new, section):
    args = ["diff", old, new] + (["--section", section] if section else [])
    result = CliRunner().invoke(cli, args)
    expected = result.output.strip().splitlines()[-1].removeprefix("Error: ")
    r = shared.get("/editions/diff", params={"old": old, "new": new, "section": section})
    assert (r.status_code, message(r.text)) == (400, expected)


@pytest.fixture(scope="module")
def guideline_pdf(tmp_path_factory) -> tuple[Path, str]:
    """A small 2025-03 with one rewritten clause, whose link the import asks to confirm
    (as test_importer.test_review_file_is_applied)."""
    from tests.guideline_pdf import make_guideline_pdf, small_clauses

    ed = CATALOG.edition("2025-03")
    changed = list(small_clauses(ed))
    i = next(i for i, c in enumerate(changed) if c.number == "6.4.(2)")
    old = changed[i]
    changed[i] = replace(
        old,
        text="職員等は、利用者IDを外部のサービスに登録する場合、事前に承認を得なければならない。",
    )
    path = make_guideline_pdf(tmp_path_factory.mktemp("g") / "本編.pdf", ed, changed)
    return path, old.key


def test_import_review_and_reimport(client, guideline_pdf, tmp_path):
    pdf, old_key = guideline_pdf
    form = {"csrf": csrf(), "edition_id": "2026-03"}
    r = client.post(
        "/editions/import", data=form, files={"files": (pdf.name, pdf.read_bytes())}, headers=OURS
    )
    assert r.status_code == 303, message(r.text)
    page = client.get(r.headers["location"]).text
    rows = re.findall(r'<th scope="row"[^>]*>([^<]+)</th>', page)
    assert "6.4.(2)" in rows
    i = rows.index("6.4.(2)")
    selected = re.search(rf'<select id="key-{i}".*?</select>', page, re.S).group(0)
    assert re.search(r'<option value="([^"]+)" selected', selected).group(1) == old_key
    # the officer decides it is a new clause; the others stay as proposed
    choices = {f"key-{j}": re.search(r'<option value="([^"]+)" selected', s).group(1)
               for j, s in enumerate(re.findall(r'<select id="key-\d+".*?</select>', page, re.S))}  # fmt: skip
    choices[f"key-{i}"] = "added"
    again = client.post(r.headers["location"], data={"csrf": csrf(), **choices}, headers=OURS)
    assert again.status_code == 303, message(again.text)
    assert (
        "確認した対応付けを反映して、取り込み直しました。"
        in client.get(again.headers["location"]).text
    )
    editions = Path(client.app.state.pages.editions_root)
    ed = load_catalog(editions).edition("2026-03")
    clause = next(c for c in ed if c.number == "6.4.(2)")
    assert (clause.key, clause.change.kind.value) == ("imp.2026-03.6-4-2", "added")
    # the editions page now lists it, marked as imported
    listing = client.get("/editions").text
    assert re.search(
        r'<th scope="row">2026-03</th>\s*<td>[^<]*<span class="tag">取り込んだ版</span>', listing
    )
    # and the same import again, without replacing, gets the command's refusal
    r = client.post(
        "/editions/import", data=form, files={"files": (pdf.name, pdf.read_bytes())}, headers=OURS
    )
    args = ["--guidelines", editions, "import-guideline", pdf, "--edition", "2026-03"]
    refused = CliRunner().invoke(cli, [str(a) for a in args])
    expected = as_page(refused.output.strip().splitlines()[-1].removeprefix("Error: "))
    assert (refused.exit_code, r.status_code, message(r.text)) == (1, 400, expected)


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        ({"edition_id": "2026-3"}, "版の id '2026-3' は YYYY-MM 形式にしてください（例: 2026-03）。"),
        ({"edition_id": "2026-03", "date": "2026/03"}, "公表の月 '2026/03' は YYYY-MM 形式にしてください（例: 2026-03）。"),
    ],
)  # fmt: skip
def test_import_errors_are_the_commands(shared, guideline_pdf, form, expected):
    pdf, _ = guideline_pdf
    r = shared.post("/editions/import", data={"csrf": csrf(), **form}, files={"files": (pdf.name, pdf.read_bytes())}, headers=OURS)  # fmt: skip
    assert (r.status_code, message(r.text)) == (400, expected)


# --- survey ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def nation(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("nation")
    write_nation(CATALOG, out, count=8, year=2025, seed=3, jobs=1)
    return out


@pytest.fixture(scope="module")
def nation_lines(nation, tmp_path_factory) -> list[str]:
    """What `gapcheck survey` says of the nation, with an empty archive."""
    db = tmp_path_factory.mktemp("db") / "survey.sqlite"
    result = survey(nation / "policies", CATALOG, master=nation / "bodies.csv", db=db, year=2025)
    return summary_lines(result)


def zipped(folder: Path) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                zf.write(p, "policies/" + p.relative_to(folder).as_posix())
    return buf.getvalue()


def wait_for(client: TestClient, location: str, timeout: float = 120) -> str:
    status_url = location + "/status"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = client.get(status_url).json()
        if state["state"] != "running":
            break
        time.sleep(0.2)
    return client.get(location).text


@pytest.mark.parametrize("how", ["zip", "folder"])
def test_survey_equals_the_command(client, nation, nation_lines, tmp_path, how):
    client.app.state.pages.survey_jobs = 1  # quicker for 8 bodies; the browser test uses all CPUs
    master = ("bodies.csv", (nation / "bodies.csv").read_bytes())
    if how == "zip":
        files = [("archive", ("policies.zip", zipped(nation / "policies"))), ("master", master)]
    else:
        files = [("folder", (f"policies/{p.relative_to(nation / 'policies').as_posix()}", p.read_bytes()))
                 for p in sorted((nation / "policies").rglob("*")) if p.is_file()] + [("master", master)]  # fmt: skip
    r = client.post("/survey", data={"csrf": csrf(), "year": "2025"}, files=files, headers=OURS)
    assert r.status_code == 303, message(r.text)
    page = wait_for(client, r.headers["location"])
    assert [unescape(x) for x in re.findall(r"<li>(.*?)</li>", page.split('class="lines"')[1].split("</ul>")[0])] == nation_lines  # fmt: skip
    rid = re.search(r'/files/([^/]+)/survey\.html"', page).group(1)
    (tmp_path / "survey.xlsx").write_bytes(client.get(f"/files/{rid}/survey.xlsx").content)
    assert "概要" in load_workbook(tmp_path / "survey.xlsx").sheetnames[0]
    csv = client.get(f"/files/{rid}/clauses.csv")
    assert csv.text.splitlines()[0] == "\ufeff団体コード,団体名,条項キー,項番,状態,状態名"
    pages = client.app.state.pages
    assert pages.db.is_file()  # the archive, in the user's data folder, for next year
    assert not [p for p in pages.store.root.iterdir() if p.name.startswith("survey-in-")]


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ([], (400, "ポリシーのファイルを集めたフォルダか、それを圧縮した ZIP ファイルを選んでください。")),
        ([("archive", ("p.zip", b"not a zip"))], (400, "p.zip: ZIP ファイルとして読めません（File is not a zip file）。ポリシーを集めたフォルダを ZIP に圧縮し直してください。")),
        ([("archive", ("p.zip", b"PK")), ("folder", ("p/a.xlsx", b"x"))], (400, "フォルダか ZIP ファイルのどちらか一方を選んでください。")),
    ],
)  # fmt: skip
def test_survey_input_errors(shared, files, expected):
    r = shared.post(
        "/survey", data={"csrf": csrf()}, files=files or {"master": ("", b"")}, headers=OURS
    )
    assert (r.status_code, message(r.text)) == expected


# --- zip safety ------------------------------------------------------------------------------


def make_zip(entries: list[tuple[str | zipfile.ZipInfo, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            zf.writestr(name, data)
    return buf.getvalue()


def link(name: str, target: str) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = 0o120777 << 16
    return info, target.encode()


def windows_zip(name: str) -> bytes:
    """A zip as Explorer on a Japanese PC writes it: cp932 names, no UTF-8 flag."""
    raw = name.encode("cp932")
    placeholder = "#" * len(raw)
    data = make_zip([(placeholder, b"x")])
    return data.replace(placeholder.encode(), raw)


ZIPS = {
    "plain": ([("p/131016_千代田区.xlsx", b"x"), ("p/sub/011002_札幌市.csv", b"y")],
              ["p/131016_千代田区.xlsx", "p/sub/011002_札幌市.csv"]),
    "junk-skipped": ([("__MACOSX/p/._a.xlsx", b"x"), ("p/.DS_Store", b"x"), ("p/", b""), ("p/a.xlsx", b"x")],
                     ["p/a.xlsx"]),
    "windows-names": (windows_zip("調査/131016_千代田区.xlsx"), ["調査/131016_千代田区.xlsx"]),
    "traversal": ([("p/a.xlsx", b"x"), ("../../etc/cron.d/x", b"x")],
                  "p.zip: ZIP の中に、展開するとフォルダの外を指す名前があります（../../etc/cron.d/x）。安全のため受け付けません。ポリシーを集めたフォルダから ZIP を作り直してください。"),
    "absolute": ([("/etc/passwd", b"x")],
                 "p.zip: ZIP の中に、展開するとフォルダの外を指す名前があります（/etc/passwd）。安全のため受け付けません。ポリシーを集めたフォルダから ZIP を作り直してください。"),
    "drive": ([("C:/Windows/x.xlsx", b"x")],
              "p.zip: ZIP の中に、展開するとフォルダの外を指す名前があります（C:/Windows/x.xlsx）。安全のため受け付けません。ポリシーを集めたフォルダから ZIP を作り直してください。"),
    "symlink": ([link("p/a.xlsx", "/etc/passwd")],
                "p.zip: ZIP の中にリンク（シンボリックリンク）があります（p/a.xlsx）。安全のため受け付けません。リンクではない実際のファイルを ZIP にしてください。"),
    "bomb": ([("p/a.txt", b"\0" * 30_000_000)],
             "p.zip: ZIP を展開すると大きくなりすぎます（p/a.txt）。圧縮爆弾の可能性があるため受け付けません。ポリシーのファイルだけを ZIP にしてください。"),
    "duplicate": ([("p/a_.xlsx", b"x"), ("p/a<.xlsx", b"y")],
                  "p.zip: ZIP の中に同じ名前のファイルが二つあります（p/a_.xlsx）。どちらか一方にしてから ZIP にしてください。"),
    "empty": ([("p/", b"")], "p.zip: ZIP の中にファイルがありません。ポリシーのファイルを集めたフォルダをZIP にしてください。"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(ZIPS))
def test_zip_checks(tmp_path, case):
    entries, expected = ZIPS[case]
    archive = tmp_path / "p.zip"
    archive.write_bytes(entries if isinstance(entries, bytes) else make_zip(entries))
    dest = tmp_path / "out"
    dest.mkdir()
    try:
        got: object = [p.relative_to(dest).as_posix() for p in uploads.extract_zip(archive, dest)]
    except uploads.UploadError as exc:
        got = str(exc)
    assert got == expected
    assert not (tmp_path / "etc").exists()


def test_zip_with_too_many_files(tmp_path):
    archive = tmp_path / "p.zip"
    archive.write_bytes(make_zip([(f"p/{i}.xlsx", b"x") for i in range(5)]))
    with pytest.raises(uploads.UploadError) as err:
        uploads.extract_zip(archive, tmp_path, max_files=3)
    assert (
        str(err.value)
        == "p.zip: ZIP の中のファイルが多すぎます（5 件、上限 3 件）。何回かに分けて調査してください。"
    )


def test_zip_that_lies_about_its_sizes(tmp_path):
    archive = tmp_path / "p.zip"
    archive.write_bytes(make_zip([("p/a.txt", b"a" * 3_000_000)]))
    with pytest.raises(uploads.UploadError) as err:
        uploads.extract_zip(archive, tmp_path / "out", max_file_mb=100, max_total_mb=2)
    assert str(err.value).startswith("p.zip: ZIP を展開すると大きくなりすぎます（p/a.txt）。")


@pytest.mark.parametrize(
    ("sent", "name", "rel"),
    [
        ("対策基準.xlsx", "対策基準.xlsx", "対策基準.xlsx"),
        ("C:\\fakepath\\対策基準.xlsx", "対策基準.xlsx", None),
        ("policies/sub/131016.xlsx", "131016.xlsx", "sub/131016.xlsx"),
        ("../../etc/passwd", "passwd", None),
        ("/etc/passwd", "passwd", None),
        ("policies/.hidden", "upload", None),
        ("a<b>:c.xlsx", "a_b__c.xlsx", "a_b__c.xlsx"),
        ("..", "upload", None),
        ("", "upload", None),
    ],
)
def test_sent_names(sent, name, rel):
    got = uploads.safe_relpath(sent, strip_top=True)
    assert (uploads.safe_name(sent), None if got is None else got.as_posix()) == (name, rel)


# --- results, server -------------------------------------------------------------------------


def test_old_results_are_removed(tmp_path, monkeypatch):
    monkeypatch.setattr(jobs, "KEEP_RESULTS", 2)
    store = jobs.Store(tmp_path / "root")
    (tmp_path / "root").mkdir()
    made = [store.add("diff", store.folder("diff-"), {}, {}) for _ in range(3)]
    assert [store.get(r.id) is not None for r in made] == [False, True, True]
    assert [r.folder.exists() for r in made] == [False, True, True]
    store.close()
    assert not (tmp_path / "root").exists()


def test_a_taken_port_says_what_to_do():
    sock = bind(0)
    port = sock.getsockname()[1]
    try:
        with pytest.raises(Exception) as err:
            bind(port)
        assert str(err.value) == (
            f"ポート {port} は別のプログラムが使っています。--port で別の番号（例: --port 8766）を指定してください。"
        )
    finally:
        sock.close()
    assert address(8765, "abc") == "http://127.0.0.1:8765/?token=abc"


def test_a_survey_that_cannot_continue_shows_the_commands_message(client, tmp_path):
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "131016_千代田区.txt").write_text("第1条 職員は守る。", encoding="utf-8")
    (tmp_path / "bad.csv").write_text("foo\n1,2\n", encoding="utf-8")
    args = ["survey", tmp_path / "p", "--master", tmp_path / "bad.csv", "--out", tmp_path / "out"]
    expected = cli_error(tmp_path, *args)
    r = client.post(
        "/survey",
        data={"csrf": csrf()},
        files=[
            ("folder", ("p/131016_千代田区.txt", "第1条 職員は守る。".encode())),
            ("master", ("bad.csv", b"foo\n1,2\n")),
        ],
        headers=OURS,
    )
    assert r.status_code == 303, message(r.text)
    wait_for(client, r.headers["location"])
    page = client.get(r.headers["location"])
    assert (page.status_code, message(page.text)) == (400, expected)


def test_progress_page_without_javascript(shared):
    pages = shared.app.state.pages
    running = jobs.JobStatus("a" * 22, "running", 3, 20)
    html = pages.render("survey_job.j2", title="調査の進み具合", active="survey", job=running).body
    text = html.decode()
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in text
    assert re.search(r'<progress id="job-progress" max="20" value="3"', text)
    assert "照合済み 3 / 20 件" in text


def test_open_browser_waits_for_the_server(monkeypatch):
    from gapcheck.web import server

    opened = []
    monkeypatch.setattr(server.webbrowser, "open", opened.append)

    class Started:
        started = True

    server._open_when_started(Started(), "http://127.0.0.1:1/?token=t")
    assert opened == ["http://127.0.0.1:1/?token=t"]


def test_user_text_is_escaped(shared, demo):
    evil = '"><img src=x onerror=alert(1)>'
    r = shared.post(
        "/audit",
        data={"csrf": csrf(), "edition": evil, "sheet": evil},
        files={"policy": ("a.xlsx", demo.read_bytes())},
        headers=OURS,
    )
    assert r.status_code == 400
    assert "<img src=x" not in r.text
    assert message(r.text).startswith(f"版 '{evil}' はカタログにありません。")


def test_one_survey_at_a_time(client):
    import threading

    from gapcheck.web.survey_pages import BUSY

    release = threading.Event()
    running = jobs.Job(lambda job: str(release.wait(30)), cleanup=lambda: None, describe=str)
    client.app.state.pages.jobs.start(running)
    try:
        r = client.post(
            "/survey",
            data={"csrf": csrf()},
            files={"archive": ("p.zip", make_zip([("p/a.xlsx", b"x")]))},
            headers=OURS,
        )
    finally:
        release.set()
        running.thread.join(30)
    assert (r.status_code, message(r.text)) == (409, BUSY)
    assert running.status.state == "done"


@pytest.mark.parametrize("fails", [False, True])
def test_a_job_removes_its_uploads_before_it_ends(tmp_path, fails):
    """Issue #22: the status says done (or failed) only once the uploads are gone; under
    ``pytest -n auto`` a survey once read 「done」 while its upload folder was still there."""
    import shutil

    uploads = tmp_path / "survey-in-x"
    uploads.mkdir()
    seen = []

    def work(job: jobs.Job) -> str:
        if fails:
            raise ValueError("調査を続けられませんでした。")
        return "result-id"

    def cleanup() -> None:
        seen.append(job.status.state)
        time.sleep(0.2)  # a slow removal: the status read meanwhile must still say running
        shutil.rmtree(uploads)

    job = jobs.Job(work, cleanup, describe=str)
    job.thread.start()
    deadline = time.monotonic() + 30
    while job.status.state == "running" and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not uploads.exists()
    assert seen == ["running"]
    job.thread.join(30)
    end = job.status
    if fails:
        assert (end.state, end.message, end.result_id) == (
            "failed",
            "調査を続けられませんでした。",
            None,
        )
    else:
        assert (end.state, end.result_id) == ("done", "result-id")
