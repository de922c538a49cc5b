"""Smoke test: the built wheel, installed non-editable into a fresh venv, carries its data.

An editable install hides missing package data (the catalog lives outside ``gapcheck/``).
The fresh venv borrows the test venv's third-party packages through a ``.pth`` line (a path
line only: the editable install's own hook there is not run), so the test checks what the
wheel carries without downloading and installing pandas and SciPy again; that
``setup.cfg`` declares every dependency is shown by ``make test`` installing into a new venv.
"""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_in_fresh_venv(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("gapcheck-*.whl")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    bin_dir = env_dir / "bin"
    site = subprocess.run(
        [str(bin_dir / "python"), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    (Path(site) / "borrowed.pth").write_text(sysconfig.get_path("purelib") + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(bin_dir / "python"), "install",
         "--quiet", "--no-deps", "--no-index", str(wheel)],
        check=True, capture_output=True,
    )  # fmt: skip
    where = subprocess.run(
        [str(bin_dir / "python"), "-c", "import gapcheck; print(gapcheck.__file__)"],
        check=True, capture_output=True, text=True, cwd=tmp_path,
    ).stdout  # fmt: skip
    assert where.startswith(site), where  # the wheel's copy, not the source tree
    # run outside the source tree so nothing is imported from it
    out = subprocess.run(
        [str(bin_dir / "gapcheck"), "versions", "--json"],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    ids = [e["id"] for e in json.loads(out.stdout)]
    # every bundled edition ships, the outline ones too
    source = Path(__file__).parents[1] / "guideline_versions"
    assert ids == sorted(p.name for p in source.iterdir() if p.is_dir() and p.name[:2] == "20")
    assert ids[0] == "2006-09" and ids[-1] == "2025-03"
    conditions = subprocess.run(
        [str(bin_dir / "python"), "-c",
         "from gapcheck.catalog.loader import load_catalog; print(len(load_catalog().conditions))"],
        check=True, capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert int(conditions.stdout) > 0  # guideline_versions/conditions.yaml is packaged
    web = subprocess.run(
        [str(bin_dir / "python"), "-c",
         "from importlib.resources import files; w = files('gapcheck.web');"
         "print(sorted(p.name for d in ('templates', 'static') for p in (w / d).iterdir()))"],
        check=True, capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    shipped = sorted(
        p.name for d in ("templates", "static") for p in (ROOT / "gapcheck" / "web" / d).iterdir()
    )
    assert web.stdout.strip() == str(shipped)  # the web page's templates and static files
    text = subprocess.run(
        [str(bin_dir / "python"), "-m", "gapcheck", "glossary"],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert "ガバメントクラウド" in text.stdout
    # the demo needs the templates and the catalog from the installed package
    demo = subprocess.run(
        [str(bin_dir / "gapcheck"), "demo", "--out", str(tmp_path / "demo")],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert "令和2年12月版相当" in demo.stdout
    assert (tmp_path / "demo" / "report.html").stat().st_size > 10_000
