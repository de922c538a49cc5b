"""Every command has help and is documented in the README; every docs/ reference resolves."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from gapcheck.cli import cli

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(cli.commands)


@pytest.mark.parametrize("command", COMMANDS)
def test_command_has_help(command):
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert cli.commands[command].help, f"{command} has no docstring"
    assert "例: gapcheck" in result.output
    assert "Show this message" not in result.output  # user-facing text is Japanese


@pytest.mark.parametrize("command", COMMANDS)
def test_command_in_readme(command):
    assert f"### `gapcheck {command}`" in README


def test_quick_start_has_exactly_two_commands():
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = section.split("```sh", 1)[1].split("```", 1)[0]
    commands = [line for line in block.splitlines() if line.strip() and not line.startswith("#")]
    assert commands == ["make demo", "make test"]


def test_doc_references_resolve():
    """A comment citing ``docs/domain.md §3`` names a file and a numbered section that exist."""
    cited = re.compile(r"docs/([\w.-]+\.md)(?: §(\d+))?")
    sources = [
        p for folder in ("gapcheck", "tests", "benchmarks") for p in (ROOT / folder).rglob("*.py")
    ]
    broken = []
    for path in sources:
        for m in cited.finditer(path.read_text(encoding="utf-8")):
            doc = ROOT / "docs" / m.group(1)
            if not doc.is_file():
                broken.append(f"{path.relative_to(ROOT)}: {m.group(0)}")
            elif m.group(2) and not re.search(
                rf"^## {m.group(2)}\. ", doc.read_text(encoding="utf-8"), re.MULTILINE
            ):
                broken.append(f"{path.relative_to(ROOT)}: {m.group(0)}")
    assert not broken
