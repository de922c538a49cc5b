"""The reader registry (issue #22): a policy format is registered in one place, and everything
that lists or chooses formats follows it: read_policy, the command's help, the web page, the
survey, the messages and (checked here) the README."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from gapcheck.catalog.loader import load_catalog
from gapcheck.cli import cli
from gapcheck.errors import GuidelineParseError, PolicyFormatError
from gapcheck.importing.document import GUIDELINE_FORMATS, read_document
from gapcheck.readers.formats import read_policy
from gapcheck.readers.kinds import POLICY_FORMATS, PolicyFormat, Probe
from gapcheck.readers.policy import Policy
from gapcheck.readers.registry import FileFormat, Registry
from gapcheck.readers.texts import reiki_policy
from gapcheck.survey.inputs import AUDIT_JSON, walk
from gapcheck.survey.national import survey
from gapcheck.synth.sample import generate_policy, write_sample
from gapcheck.web import guard
from gapcheck.web.app import create_app

ROOT = Path(__file__).parent.parent
MAGIC = b"GCFAKE\n"


class Fake(PolicyFormat):
    """例規 text behind a magic line, under its own extension: a format no code knows of."""

    name = "fake"
    extensions = (".gcfake", ".gcf")
    display = "架空の形式"

    def __init__(self) -> None:
        self.seen: list[str] = []  # the files it read

    def detect(self, probe: Probe) -> bool:
        return probe.data.startswith(MAGIC)

    def refuse(self, probe: Probe, found: PolicyFormat | None) -> PolicyFormatError | None:
        return PolicyFormatError(f"{probe.path}: 架空の形式ではありません。")

    def read(self, probe: Probe) -> Policy:
        self.seen.append(probe.path.name)
        text = probe.data[len(MAGIC) :].decode("utf-8")
        return reiki_policy(probe.path, probe.digest, text.splitlines(), probe.max_rows)


@pytest.fixture()
def fake() -> Iterator[Fake]:
    """The fake format, registered for one test and removed afterwards."""
    fmt = POLICY_FORMATS.register(Fake())
    try:
        yield fmt
    finally:
        POLICY_FORMATS.unregister(fmt.name)
    assert ".gcfake" not in POLICY_FORMATS.extensions()


REIKI = "第1条　この規程は、本町の情報資産を守ることを目的とする。\n第2条　職員は端末を施錠しなければならない。\n"


def test_read_policy_dispatches_to_a_registered_format(fake, tmp_path):
    path = tmp_path / "対策基準.gcfake"
    path.write_bytes(MAGIC + REIKI.encode())
    policy = read_policy(path)
    assert fake.seen == ["対策基準.gcfake"]
    assert [r.row for r in policy.rows] == ["第1条第1項", "第2条第1項"]
    # its refusal speaks for its extension; other names with its content are read by it too
    wrong = tmp_path / "x.gcf"
    wrong.write_bytes(b"\x00\x01binary")
    with pytest.raises(PolicyFormatError, match="架空の形式ではありません"):
        read_policy(wrong)
    other = tmp_path / "x.txt"
    other.write_bytes(MAGIC + REIKI.encode())
    assert len(read_policy(other).rows) == 2 and fake.seen[-1] == "x.txt"


def test_messages_name_a_registered_format(fake, tmp_path):
    with pytest.raises(PolicyFormatError, match=r"（.*\.pdf、\.gcfake）を指定してください"):
        read_policy(tmp_path)
    binary = tmp_path / "x.bin"
    binary.write_bytes(b"\x00\x01\x02")
    with pytest.raises(PolicyFormatError, match=r"\.docx、\.pdf、\.gcfake のいずれかで保存"):
        read_policy(binary)


@pytest.mark.parametrize("command", ["audit", "survey"])
def test_cli_help_lists_a_registered_format(fake, command):
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert "架空の形式（.gcfake・.gcf）" in result.output
    assert "PDF（.pdf）" in result.output and "{formats}" not in result.output


def test_web_page_accepts_a_registered_format(fake, tmp_path, monkeypatch):
    monkeypatch.delenv("GAPCHECK_GUIDELINES", raising=False)
    token = "test-token-" + "r" * 24
    app = create_app(data_dir=tmp_path / "data", token=token, warm_up=False)
    with TestClient(app, base_url="http://127.0.0.1:8765") as client:
        client.cookies.set(guard.Keys(token).cookie_name, token)
        page = client.get("/audit").text
        editions = client.get("/editions").text
        # no file chosen: the message names the formats
        r = client.post(
            "/audit",
            data={"csrf": guard.Keys(token).csrf},
            files={"previous": ("", b"")},
            headers={"origin": "http://127.0.0.1:8765"},
        )
    accept = re.search(r'id="policy" name="policy" accept="([^"]*)"', page)
    assert accept is not None
    assert accept.group(1) == POLICY_FORMATS.accept()
    assert accept.group(1).endswith(".docx,.pdf,.gcfake,.gcf")
    assert "架空の形式（.gcfake・.gcf）" in unescape(page)
    assert "Word・PDF・架空の形式）" in unescape(r.text)
    # the guideline import's input follows its own registry
    assert f'id="files" name="files" accept="{GUIDELINE_FORMATS.accept()}"' in editions
    assert "PDF（テキスト付き）・Word（.docx）・テキスト（.txt）。" in unescape(editions)


def test_survey_reads_a_registered_format(fake, tmp_path):
    catalog = load_catalog()
    folder = tmp_path / "policies"
    folder.mkdir()
    sample = generate_policy(catalog.edition("2022-03"), seed=3, style="reiki", body="本区")
    text_path = tmp_path / "source.txt"
    write_sample(sample, text_path, tmp_path / "truth.json")
    (folder / "131016_千代田区.gcfake").write_bytes(MAGIC + text_path.read_bytes())
    files, skipped = walk(folder)
    assert [f.rel for f in files] == ["131016_千代田区.gcfake"] and not skipped
    result = survey(folder, catalog, year=2025, jobs=1)
    assert not result.failed
    [body] = result.bodies
    assert (body.file, body.name, body.follows) == ("131016_千代田区.gcfake", "千代田区", "2022-03")
    assert fake.seen == ["131016_千代田区.gcfake"]


@pytest.mark.parametrize(
    ("start", "formats"),
    [("\n- POLICY:", POLICY_FORMATS), ("\n- **Inputs**:", GUIDELINE_FORMATS)],
    ids=["policy", "guideline"],
)
def test_readme_lists_exactly_the_registered_extensions(start, formats):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    bullet = readme.split(start, 1)[1].split("\n- ", 1)[0]
    listed = set(re.findall(r"`(\.[a-z0-9]+)`", bullet))
    assert listed == set(formats.extensions())


def test_registry_refuses_a_taken_extension_or_name():
    class Sheet(FileFormat):
        name, extensions, display = "sheet", (".xlsx",), "表"

    class Other(FileFormat):
        name, extensions, display = "sheet", (".ods",), "表"

    class Upper(FileFormat):
        name, extensions, display = "upper", (".ODS",), "表"

    formats: Registry[FileFormat] = Registry()
    formats.register(Sheet())
    for fmt in (Sheet(), Other(), Upper()):
        with pytest.raises(ValueError):
            formats.register(fmt)
    assert formats.for_extension(".XLSX") is formats.get("sheet")
    assert [f.name for f in formats] == ["sheet"]


def test_registered_formats():
    assert [f.name for f in POLICY_FORMATS] == ["excel", "csv", "text", "html", "docx", "pdf"]
    assert POLICY_FORMATS.suggested() == ".xlsx、.xlsm、.xls、.csv、.txt、.html、.docx、.pdf"
    assert POLICY_FORMATS.names() == "Excel・CSV・例規の本文のテキスト・HTML・Word・PDF"
    assert POLICY_FORMATS.for_extension(AUDIT_JSON) is None  # the survey's audit results


def test_guideline_formats():
    assert [f.name for f in GUIDELINE_FORMATS] == ["pdf", "docx", "text"]
    assert GUIDELINE_FORMATS.names() == "PDF・Word・テキスト"


def test_guideline_import_refuses_an_unknown_format(tmp_path):
    path = tmp_path / "本編.rtf"
    path.write_text("第1条　…", encoding="utf-8")
    with pytest.raises(GuidelineParseError) as err:
        read_document([path])
    assert str(err.value) == (
        f"{path}: この形式は読めません。PDF（テキスト付き）、Word（.docx）、"
        "テキスト（.txt）のいずれかにしてください。"
    )
    plain = tmp_path / "本編"
    plain.write_text("第1条　本文。", encoding="utf-8")
    assert [line.text for line in read_document([plain]).lines] == ["第1条　本文。"]
