"""`unitload load`: many browser sessions against one server, for the concurrency targets.

Starts `streamlit run dashboard.py` on an extract, then drives N headless Chromium sessions, each in
a process of its own, through every page with changing filters (month, unit) for a few minutes. A
page time is from the request to the page having drawn its title with no script running. Prints
p50 and p95 page times, errors, and the server's peak memory (resident set, sampled every 0.2 s).
Needs the dev dependencies (Playwright) and Debian's Chromium; it is not part of `make test`.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
PATHS = ("", "workload", "cases", "forensics", "supervision", "planner", "data")
IDLE = "() => document.querySelector('h1') && !document.querySelector('[data-testid=\"stStatusWidget\"]')"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def start_server(data: Path, port: int, settings: Path) -> subprocess.Popen:
    env = os.environ | {"UNITLOAD_DATA": str(data), "UNITLOAD_SETTINGS": str(settings)}
    command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"), "--server.port", str(port)]
    command += ["--server.address", "127.0.0.1", "--server.headless", "true"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("the server did not start within 120 s")


def session(url: str, months: list[str], units: list[str], seconds: float, seed: int, think: float, out) -> None:
    """One browser going round every page with changing filters until the time is up."""
    from playwright.sync_api import sync_playwright

    rng = random.Random(seed)
    times, errors = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_navigation_timeout(120_000)
        end = time.monotonic() + seconds
        time.sleep(rng.uniform(0, think))  # sessions start spread out, as people arrive
        step = seed
        while time.monotonic() < end:
            path = PATHS[step % len(PATHS)]
            step += 1
            query = f"?month={rng.choice(months).replace(' ', '+')}"
            if rng.random() < 0.5:
                query += f"&unit={rng.choice(units)}"
            start = time.monotonic()
            try:
                page.goto(f"{url}/{path}{query}")
                page.wait_for_timeout(300)  # let the run start before waiting for it to end
                page.wait_for_function(IDLE, timeout=120_000)
                if page.locator("[data-testid=stException]").count():
                    errors.append(f"{path}: an exception is shown")
                times.append(time.monotonic() - start - 0.3)
            except Exception as exc:  # a timeout or a crash is an error of the run, not of the script
                errors.append(f"{path}: {str(exc).splitlines()[0]}")
            time.sleep(rng.uniform(0.5, 1.5) * think)  # reading the page before the next click
        browser.close()
    out.put((times, errors))


def load(data: Path, sessions: int = 20, minutes: float = 3.0, think: float = 3.0) -> dict[str, float]:
    from queries import run_query
    from unitload.app import month_ends
    from unitload.db import open_source

    source = open_source(data)
    as_of = source.extract.as_of
    months = [f"{d:%B %Y}" for d in month_ends(as_of.replace(year=as_of.year - 1), as_of)[:4]]
    units = sorted(set(run_query(source, "teams")["unit"]))
    work = Path(tempfile.mkdtemp(prefix="unitload-load-"))
    settings = work / "settings.toml"
    settings.write_text(f'[access]\nlocal_any_data = true\n\n[audit]\npath = "{work / "audit.jsonl"}"\n')
    port = _free_port()
    print(
        f"{os.cpu_count()} cores; serving {data} on port {port}; {sessions} sessions for {minutes:g} min, "
        f"about {think:g} s between pages",
        flush=True,
    )
    server = start_server(data, port, settings)
    peak, stop = [0.0], threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], _rss_mb(server.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    url = f"http://127.0.0.1:{port}"
    try:
        warm = time.monotonic()
        first = multiprocessing.get_context("spawn").Queue()
        session(url, months[:1], units, 0.1, 0, 0.0, first)  # one page: the server opens the extract
        print(f"server up; the first page load opened the extract in {time.monotonic() - warm:.1f} s", flush=True)
        results = multiprocessing.get_context("spawn").Queue()
        workers = [
            multiprocessing.get_context("spawn").Process(
                target=session, args=(url, months, units, minutes * 60, n, think, results)
            )
            for n in range(sessions)
        ]
        for worker in workers:
            worker.start()
        collected = [results.get(timeout=minutes * 60 + 600) for _ in workers]
        for worker in workers:
            worker.join(timeout=60)
    finally:
        stop.set()
        sampler.join()
        server.terminate()
        server.wait(timeout=30)
    times = sorted(t for batch, _ in collected for t in batch)
    errors = [e for _, batch in collected for e in batch]
    figures = {
        "pages": len(times),
        "p50": statistics.median(times) if times else float("nan"),
        "p95": times[int(0.95 * (len(times) - 1))] if times else float("nan"),
        "max": times[-1] if times else float("nan"),
        "errors": len(errors),
        "server_peak_mb": peak[0],
    }
    print(
        f"pages {figures['pages']}, p50 {figures['p50']:.2f} s, p95 {figures['p95']:.2f} s, "
        f"max {figures['max']:.2f} s, errors {figures['errors']}, server peak {figures['server_peak_mb']:.0f} MB",
        flush=True,
    )
    for error in errors[:10]:
        print("  error:", error)
    return figures
