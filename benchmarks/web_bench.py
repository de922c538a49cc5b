"""The local web pages' measures (``make bench-web``, issue #16).

Starts ``gapcheck.web.server.serve`` in its own process (port 0, a fresh data folder) and
drives it over HTTP as the browser does (token address → cookie, the form's CSRF token, our
Origin on every POST), then prints medians against the issue's targets:

- upload → report: POST the demo policy (as ``gapcheck demo`` makes it) to the audit page,
  follow to the result page and fetch report.html from it (≤ 3 s);
- a 120-body survey through the page (the folder uploaded as the folder input sends it,
  progress polled until the result page) against ``gapcheck survey`` on the same folder in a
  subprocess, both with an empty archive and all CPUs (web within 20 % of the command);
- the server's resident memory when idle: after start-up (and its warm-up audit) and after
  the runs above (≤ 300 MB).

Linux only (memory from /proc). ``--runs`` and ``--survey-runs`` set the repetitions (5 each).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2 as httpx  # the HTTP client Starlette's test client uses (test extras)

from gapcheck.catalog.loader import load_catalog
from gapcheck.synth.nation import write_nation
from gapcheck.synth.sample import generate_policy, write_sample

URL_RE = re.compile(r"(http://127\.0\.0\.1:\d+)/\?token=(\S+)")
UPLOAD_TARGET_S = 3.0
SURVEY_MARGIN = 0.20
IDLE_RSS_MB = 300


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def helpers_mb(pid: int) -> float:
    """Resident memory of the server's helper processes (multiprocessing's fork server)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            if ppid == pid:
                total += rss_mb(int(entry.name))
        except (OSError, ValueError, RuntimeError):
            continue
    return total


def wait_idle(pid: int, timeout: float = 120.0) -> float:
    """Seconds until the process used no CPU for a whole second (its warm-up is done)."""
    start = time.monotonic()
    last = cpu_ticks(pid)
    while time.monotonic() - start < timeout:
        time.sleep(1.0)
        now = cpu_ticks(pid)
        if now == last:
            break
        last = now
    return time.monotonic() - start


class Server:
    """``serve(port=0)`` in a subprocess and an HTTP client that is let in."""

    def __init__(self, data: Path, log: Path):
        env = {k: v for k, v in os.environ.items() if k != "GAPCHECK_GUIDELINES"}
        env["GAPCHECK_DATA_DIR"] = str(data)
        self.log = open(log, "w", encoding="utf-8")
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from gapcheck.web.server import serve; serve(port=0)"],
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
            env=env,
        )
        assert self.proc.stdout is not None
        found = URL_RE.search(self.proc.stdout.readline())
        if found is None:
            self.proc.kill()
            raise SystemExit(f"the server printed no address; see {log}")
        self.base = found.group(1)
        self.client = httpx.Client(timeout=600, follow_redirects=True)
        self.client.get(found.group(0)).raise_for_status()
        self.data = data

    def csrf(self, path: str) -> str:
        page = self.client.get(self.base + path).text
        return re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]

    def post(self, path: str, **kwargs: object) -> httpx.Response:
        headers = {"origin": self.base}
        return self.client.post(self.base + path, headers=headers, **kwargs)  # type: ignore[arg-type]

    def close(self) -> None:
        self.client.close()
        self.proc.send_signal(2)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def time_audit(server: Server, policy: Path) -> float:
    csrf = server.csrf("/audit")
    data = policy.read_bytes()
    start = time.perf_counter()
    r = server.post("/audit", data={"csrf": csrf}, files={"policy": (policy.name, data)})
    r.raise_for_status()
    frame = re.search(r'<iframe class="report" src="([^"]+)"', r.text)
    if frame is None:
        raise SystemExit(f"no report on the result page ({r.status_code})")
    server.client.get(server.base + frame.group(1)).raise_for_status()
    return time.perf_counter() - start


def time_web_survey(server: Server, nation: Path, year: int) -> float:
    """Wall seconds from the upload to the result page."""
    (server.data / "survey.sqlite").unlink(missing_ok=True)  # an empty archive, as the CLI run
    csrf = server.csrf("/survey")
    policies = nation / "policies"
    files = [
        ("folder", (f"policies/{p.relative_to(policies).as_posix()}", p.read_bytes()))
        for p in sorted(policies.rglob("*"))
        if p.is_file()
    ]
    files.append(("master", ("bodies.csv", (nation / "bodies.csv").read_bytes())))
    start = time.perf_counter()
    r = server.client.post(
        server.base + "/survey",
        data={"csrf": csrf, "year": str(year), "edition": "2025-03"},
        files=files,
        headers={"origin": server.base},
        follow_redirects=False,
    )
    if r.status_code != 303:
        raise SystemExit(f"survey refused ({r.status_code})")
    location = server.base + r.headers["location"]
    while server.client.get(location + "/status").json()["state"] == "running":
        time.sleep(0.2)
    page = server.client.get(location).text
    elapsed = time.perf_counter() - start
    if "調査の結果" not in page:
        raise SystemExit("the survey failed: " + re.sub(r"<[^>]+>", " ", page)[:400])
    return elapsed


def time_cli_survey(nation: Path, year: int, work: Path) -> float:
    """Wall seconds of ``gapcheck survey`` (start-up, survey, reports, archive)."""
    out, db = work / "cli-out", work / "cli.sqlite"
    shutil.rmtree(out, ignore_errors=True)
    db.unlink(missing_ok=True)
    gapcheck = Path(sys.executable).with_name("gapcheck")
    command = [str(gapcheck), "survey", str(nation / "policies"), "--master",
               str(nation / "bodies.csv"), "--edition", "2025-03", "--year", str(year),
               "--db", str(db), "--out", str(out)]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k != "GAPCHECK_GUIDELINES"}
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env)
    return time.perf_counter() - start


def median(values: list[float]) -> float:
    return statistics.median(values)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="audits timed")
    parser.add_argument("--survey-runs", type=int, default=5, help="surveys timed, each way")
    parser.add_argument("--count", type=int, default=120, help="bodies in the survey")
    parser.add_argument(
        "--work", type=Path, help="a folder for the inputs (default: a temporary one)"
    )
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="gapcheck-web-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    catalog = load_catalog(None)

    policy = work / "sample_policy.xlsx"
    generated = generate_policy(catalog.edition("2020-12"), seed=7, tier="light")
    write_sample(generated, policy, work / "sample_truth.json")
    nation = work / f"nation-{args.count}"
    if not (nation / "bodies.csv").exists():
        write_nation(catalog, nation, count=args.count, year=2025, seed=0)

    server = Server(work / "data", work / "server.log")
    ok = True
    try:
        warm = wait_idle(server.proc.pid)
        idle_start = rss_mb(server.proc.pid)
        print(f"server: {server.base}, idle after {warm:.1f} s (start-up and warm-up audit)")

        audits = [time_audit(server, policy) for _ in range(args.runs)]
        line = " ".join(f"{t:.2f}" for t in audits)
        good = median(audits) <= UPLOAD_TARGET_S
        ok &= good
        print(f"upload → report (demo policy): median {median(audits):.2f} s "
              f"[{line}] target ≤ {UPLOAD_TARGET_S:.0f} s {'OK' if good else 'OVER'}")  # fmt: skip

        web, cli = [], []
        for _ in range(args.survey_runs):  # interleaved: the machine's load affects both alike
            cli.append(time_cli_survey(nation, 2025, work))
            web.append(time_web_survey(server, nation, 2025))
        ratio = median(web) / median(cli)
        good = ratio <= 1 + SURVEY_MARGIN
        ok &= good
        print(f"survey of {args.count} bodies: web median {median(web):.2f} s "
              f"[{' '.join(f'{t:.2f}' for t in web)}], CLI median {median(cli):.2f} s "
              f"[{' '.join(f'{t:.2f}' for t in cli)}]; web/CLI {ratio:.2f} "
              f"target ≤ {1 + SURVEY_MARGIN:.2f} {'OK' if good else 'OVER'}")  # fmt: skip

        wait_idle(server.proc.pid)
        idle_after = rss_mb(server.proc.pid)
        good = max(idle_start, idle_after) <= IDLE_RSS_MB
        ok &= good
        print(f"server idle memory (RSS): {idle_start:.0f} MB after start-up, "
              f"{idle_after:.0f} MB after the runs (+ {helpers_mb(server.proc.pid):.0f} MB in "
              f"its fork-server process); target ≤ {IDLE_RSS_MB} MB "
              f"{'OK' if good else 'OVER'}")  # fmt: skip
    finally:
        server.close()
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
