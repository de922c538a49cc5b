"""The real programs people open reports with: LibreOffice and Chromium (Debian packages,
installed by scripts/install-system-deps.sh). Tests use them, not mocks."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def require(program: str) -> str:
    """The program's path; in CI a missing program fails the test instead of skipping it."""
    path = shutil.which(program)
    if path is None:
        message = f"{program} is not installed (run scripts/install-system-deps.sh)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def soffice_convert(src: Path, fmt: str, outdir: Path, profile: Path) -> Path:
    """Convert with LibreOffice in its own profile folder (parallel runs would collide)."""
    soffice = require("soffice")
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
         "--convert-to", fmt, "--outdir", str(outdir), str(src)],
        check=True, capture_output=True, timeout=240,
    )  # fmt: skip
    out = outdir / f"{src.stem}.{fmt.split(':')[0]}"
    assert out.exists(), f"LibreOffice wrote no {out.name}"
    return out


def pdf_page_texts(pdf: Path) -> list[str]:
    pdftotext = require("pdftotext")
    text = subprocess.run(
        [pdftotext, "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return text.split("\f")


def chromium(args: list[str], profile: Path) -> subprocess.CompletedProcess[str]:
    binary = require("chromium")
    return subprocess.run(
        [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--enable-logging=stderr",
         "--v=0", *args],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
