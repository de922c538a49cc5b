"""The pages in a real browser (issue #16): Debian's chromium and chromedriver through
Selenium, against `gapcheck.web.server.serve` running in its own process.

Screenshots of each page at 1366×768 go to $GAPCHECK_SCREENSHOTS (default: a temporary
folder). Skipped only where chromium or chromedriver is not installed; CI installs both.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from gapcheck import load_catalog
from gapcheck.cli import cli
from gapcheck.synth.nation import write_nation
from gapcheck.synth.sample import generate_policy, write_sample
from gapcheck.web import guard

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
    pytest.skip(
        "chromium and chromedriver are not installed (Debian: apt-get install chromium chromium-driver)",
        allow_module_level=True,
    )

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

pytestmark = pytest.mark.slow  # `make check` leaves the browser out

CATALOG = load_catalog(None)
WAIT = 90
URL_RE = re.compile(r"(http://127\.0\.0\.1:(\d+))/\?token=(\S+)")


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("browser")


@pytest.fixture(scope="module")
def shots(work) -> Path:
    folder = Path(os.environ.get("GAPCHECK_SCREENSHOTS") or work / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def server(work) -> Iterator[tuple[str, Path]]:
    """`serve(port=0)` in its own process, with its own data and temporary folders."""
    tmp = work / "server-tmp"
    tmp.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "GAPCHECK_GUIDELINES"}
    env.update(GAPCHECK_DATA_DIR=str(work / "data"), TMPDIR=str(tmp), PYTHONUNBUFFERED="1")
    log = open(work / "server.log", "w+", encoding="utf-8")  # a pipe nobody reads could fill
    proc = subprocess.Popen(
        [sys.executable, "-c", "from gapcheck.web.server import serve; serve(port=0)"],
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    found = URL_RE.search(line)
    if found is None:
        proc.kill()
        log.seek(0)
        raise AssertionError(f"no address printed: {line!r} {log.read()}")
    assert line.startswith("gapcheck のページを起動しました: http://127.0.0.1:")
    try:
        yield found.group(0), tmp
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
    # the server's private folder (results, uploads) is gone with it
    assert [p.name for p in tmp.iterdir() if p.name.startswith("gapcheck-web-")] == []


@pytest.fixture(scope="module")
def downloads(work) -> Path:
    folder = work / "downloads"
    folder.mkdir()
    return folder


@pytest.fixture(scope="module")
def browser(downloads) -> Iterator[WebDriver]:
    options = Options()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1366,768",
        "--lang=ja",
        "--hide-scrollbars",
    ):
        options.add_argument(arg)
    options.add_experimental_option(
        "prefs",
        {"download.default_directory": str(downloads), "download.prompt_for_download": False},
    )
    # the browser's own words (file buttons) in Japanese, as on the officers' PCs, where
    # Debian's chromium-l10n is installed
    service = Service(CHROMEDRIVER, env={**os.environ, "LANGUAGE": "ja"})
    driver = webdriver.Chrome(service=service, options=options)
    driver.execute_cdp_cmd(
        "Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def base(server, browser) -> str:
    """Open the printed address once: the token becomes this browser's cookie."""
    url, _ = server
    browser.get(url)
    WebDriverWait(browser, WAIT).until(ec.url_contains("/audit"))
    assert "token=" not in browser.current_url
    return URL_RE.search(url).group(1)  # type: ignore[union-attr]


def shot(driver: WebDriver, folder: Path, name: str) -> None:
    driver.save_screenshot(str(folder / f"{name}.png"))


def wait_css(driver: WebDriver, selector: str):
    return WebDriverWait(driver, WAIT).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, selector))
    )


def wait_file(folder: Path, name: str) -> Path:
    deadline = time.monotonic() + WAIT
    path = folder / name
    while time.monotonic() < deadline:
        if path.exists() and not list(folder.glob("*.crdownload")):
            return path
        time.sleep(0.1)
    raise AssertionError(f"{name} was not downloaded: {sorted(p.name for p in folder.iterdir())}")


@pytest.fixture(scope="module")
def demo(work) -> Path:
    path = work / "sample_policy.xlsx"
    generated = generate_policy(CATALOG.edition("2020-12"), seed=7, tier="light")
    write_sample(generated, path, work / "sample_truth.json")
    return path


def test_audit_the_demo_policy(base, browser, shots, demo, downloads):
    browser.get(f"{base}/audit")
    shot(browser, shots, "01-audit-form")
    browser.find_element(By.ID, "policy").send_keys(str(demo))
    assert (
        browser.find_element(By.CSS_SELECTOR, "[data-chosen]").text
        == "選んだファイル: sample_policy.xlsx"
    )
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait_css(browser, "#counts")
    shot(browser, shots, "02-audit-result")
    got = {
        td.get_attribute("data-status"): int(td.text)
        for td in browser.find_elements(By.CSS_SELECTOR, "#counts td[data-status]")
    }
    as_json = CliRunner().invoke(cli, ["audit", str(demo), "--edition", "2025-03", "--json"])
    assert got == json.loads(as_json.output)["counts"]
    browser.execute_script("document.querySelector('iframe.report').scrollIntoView()")
    shot(browser, shots, "03-audit-report-frame")
    browser.find_element(By.CSS_SELECTOR, 'a[href$="/report.xlsx"]').click()
    workbook = load_workbook(wait_file(downloads, "report.xlsx"))
    assert workbook.sheetnames[0] == "概要"


def test_a_bad_file_shows_the_message(base, browser, shots, work):
    bad = work / "対策基準.xlsx"
    bad.write_bytes(b"this is not a workbook")
    browser.get(f"{base}/audit")
    browser.find_element(By.ID, "policy").send_keys(str(bad))
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    error = wait_css(browser, "#error .message")
    shot(browser, shots, "04-audit-error")
    done = CliRunner().invoke(cli, ["audit", str(bad)])
    expected = done.output.strip().splitlines()[-1].removeprefix("Error: ").replace(f"{work}/", "")
    assert error.text == expected


def test_editions_and_a_diff(base, browser, shots, work):
    browser.get(f"{base}/editions")
    shot(browser, shots, "05-editions")
    ids = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "table.editions tbody th")]
    imported = work / "data" / "editions"  # the import test may have run first
    catalog = load_catalog(imported if imported.is_dir() else None)
    assert ids == [e.id for e in reversed(catalog.editions)]
    Select(browser.find_element(By.ID, "old")).select_by_value("2018-09")
    Select(browser.find_element(By.ID, "new")).select_by_value("2025-03")
    browser.find_element(By.CSS_SELECTOR, "#diff form button[type=submit]").click()
    frame = wait_css(browser, "iframe.report")
    time.sleep(0.3)
    shot(browser, shots, "06-diff")
    browser.switch_to.frame(frame)
    try:
        assert "新旧対照表" in browser.find_element(By.TAG_NAME, "body").text
    finally:
        browser.switch_to.default_content()


def test_import_shows_the_review_list(base, browser, shots, work):
    from tests.guideline_pdf import make_guideline_pdf, small_clauses

    ed = CATALOG.edition("2025-03")
    changed = list(small_clauses(ed))
    i = next(i for i, c in enumerate(changed) if c.number == "6.4.(2)")
    changed[i] = replace(
        changed[i],
        text="職員等は、利用者IDを外部のサービスに登録する場合、事前に承認を得なければならない。",
    )
    pdf = make_guideline_pdf(work / "本編.pdf", ed, changed)
    browser.get(f"{base}/editions#import")
    browser.find_element(By.ID, "files").send_keys(str(pdf))
    browser.find_element(By.ID, "edition_id").send_keys("2026-03")
    browser.find_element(By.CSS_SELECTOR, "#import form button[type=submit]").click()
    wait_css(browser, "table.review")
    shot(browser, shots, "07-import-review")
    rows = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "table.review tbody th")]
    assert "6.4.(2)" in rows
    Select(browser.find_element(By.ID, f"key-{rows.index('6.4.(2)')}")).select_by_value("added")
    browser.find_element(By.CSS_SELECTOR, "#review form button[type=submit]").click()
    notice = wait_css(browser, ".notice")
    assert notice.text == "確認した対応付けを反映して、取り込み直しました。"


def test_survey_of_twenty_bodies_from_a_zip(base, browser, shots, work):
    nation = work / "nation"
    bodies = write_nation(CATALOG, nation, count=20, year=2025, seed=5, jobs=1)
    archive = work / "policies.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted((nation / "policies").rglob("*")):
            if p.is_file():
                zf.write(p, "policies/" + p.relative_to(nation / "policies").as_posix())
    browser.get(f"{base}/survey")
    shot(browser, shots, "08-survey-form")
    browser.find_element(By.ID, "archive").send_keys(str(archive))
    browser.find_element(By.ID, "master").send_keys(str(nation / "bodies.csv"))
    Select(browser.find_element(By.ID, "edition")).select_by_value("2025-03")
    year = browser.find_element(By.ID, "year")
    year.clear()
    year.send_keys("2025")
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    WebDriverWait(browser, WAIT).until(ec.url_matches(r"/survey/[A-Za-z0-9_-]+$"))
    with contextlib.suppress(Exception):
        wait_css(browser, "#job-progress[value]")
        shot(browser, shots, "09-survey-progress")
    WebDriverWait(browser, WAIT).until(
        ec.text_to_be_present_in_element((By.TAG_NAME, "h1"), "調査の結果")
    )
    shot(browser, shots, "10-survey-result")
    first = browser.find_element(By.CSS_SELECTOR, "ul.lines li").text
    assert first.startswith(f"2025年の調査: {sum(not b.broken for b in bodies)}団体")
    assert "資料 20件" in first
    links = [
        a.get_attribute("download")
        for a in browser.find_elements(By.CSS_SELECTOR, "ul.downloads a")
    ]
    assert links == ["survey.xlsx", "clauses.csv", "survey.html"]


class _Page(http.server.BaseHTTPRequestHandler):
    body = b""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("content-type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        pass


def test_a_page_from_elsewhere_cannot_post(base, browser, shots):
    """Another site in the same browser (here another port of 127.0.0.1, which the browser
    sends our cookie to) submits a form to the audit page: refused with the message."""
    page = (
        '<!DOCTYPE html><html><body><form id="f" method="post" enctype="multipart/form-data" '
        f'action="{base}/audit"><input name="csrf" value="guess"></form>'
        "<script>document.getElementById('f').submit()</script></body></html>"
    )
    handler = type("Evil", (_Page,), {"body": page.encode()})
    other = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=other.serve_forever, daemon=True).start()
    try:
        browser.get(f"http://127.0.0.1:{other.server_address[1]}/")
        WebDriverWait(browser, WAIT).until(ec.url_contains(f"{base}/audit"))
        message = wait_css(browser, ".error .message")
        shot(browser, shots, "11-cross-origin-refused")
        assert message.text == guard.CROSS_ORIGIN
    finally:
        other.shutdown()
        other.server_close()
    # and the page still works for the person using it
    browser.get(f"{base}/audit")
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("監査")


def test_without_the_token_nothing_opens(server, browser, base, shots):
    browser.delete_all_cookies()
    try:
        browser.get(f"{base}/audit")
        message = wait_css(browser, ".error .message")
        shot(browser, shots, "12-no-token")
        assert message.text == guard.NO_TOKEN
    finally:
        browser.get(server[0])  # the printed address lets this browser in again
        WebDriverWait(browser, WAIT).until(ec.url_contains("/audit"))
