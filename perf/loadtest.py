"""`unitload load` (perf.loadtest): many browser sessions against one server, for the concurrency targets.

Starts `streamlit run serve.py` on an extract, then drives N headless Chromium sessions, each in
a process of its own, through every page with changing filters (month, unit) for a few minutes, as
users do: mostly clicks in the app (page links, the month and unit boxes), sometimes a shared link
opened afresh. A page time is from the click or request to the script run it started having ended. Prints
p50 and p95 page times, errors, and the server's peak memory (resident set, sampled every 0.2 s), and
the server's own time per page run from its audit trail (each view record's `seconds`).

On one machine the browsers compete with the server for its cores: each Chromium spends several
times the server's CPU on a page. By default they run under Linux's idle scheduling class, in
scheduling groups of the lowest weight, getting only CPU the server leaves, as if on users'
machines, so that the server's times measure the server (`--browsers-compete` runs them at the
server's priority). The report says how long the server's threads waited for a CPU, which shows
whether that held. Sessions arrive spread over the first
minute, as people do, not all in one second.

Needs the dev dependencies (Playwright) and Debian's Chromium; it is not part of `make test`.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import queue
import random
import statistics
import tempfile
import threading
import time
from pathlib import Path

from perf.machine import busy_seconds, descendants
from perf.server import CHROMIUM, CHROMIUM_ARGS, free_port, start_server, stop_server
from queries import run_query
from unitload.access import audit
from unitload.extract.db import open_source
from unitload.months import month_ends

PATHS = ("", "workload", "cases", "forensics", "supervision", "planner", "data")


def _waits(pid: int) -> dict[int, float]:
    """Seconds each of a process's threads has spent runnable but waiting for a CPU."""
    waits = {}
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            waits[int(task.name)] = int((task / "schedstat").read_text().split()[1]) / 1e9
        except (OSError, IndexError, ValueError):  # a thread that ended meanwhile
            continue
    return waits


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


WATCH = """() => {
    const app = document.querySelector('[data-test-script-state]');
    window.__ran = false;
    window.__before = document.querySelector('[data-testid=stMain]')?.innerText;
    new MutationObserver(() => { window.__ran = true; })
        .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""
LOADED = """() => document.querySelector('h1') && document.querySelector('[data-test-script-state]')
    ?.getAttribute('data-test-script-state') === 'notRunning'"""
# A run shows as the script state going to running and back; a browser short of CPU may draw both in
# one frame, so a page whose text changed counts too (a click itself changes only the sidebar).
RAN = """() => document.querySelector('[data-test-script-state]')
    .getAttribute('data-test-script-state') === 'notRunning' && document.querySelector('h1')
    && (window.__ran || document.querySelector('[data-testid=stMain]')?.innerText !== window.__before)"""
STATE = """() => {
    const app = document.querySelector('[data-test-script-state]');
    return `script ${app?.getAttribute('data-test-script-state')}, connection `
        + `${app?.getAttribute('data-test-connection-state')}, page ${location.pathname}`;
}"""


def autogroup(proc: Path, pid: int | str) -> str | None:
    """The name of a process's autogroup, or None where none applies.

    The kernel prints the file empty for a process in no autogroup of its own (so it is in CI's
    container), and there is no file at all on a kernel built without autogroups.
    """
    try:
        fields = (proc / str(pid) / "autogroup").read_text().split()
    except OSError:
        return None
    return fields[0] if fields else None


def demote_browser_groups(proc: Path = Path("/proc")) -> int:
    """Put this process's browsers in the lowest-weighted scheduling group; returns how many groups.

    Chromium starts in a session of its own, and Linux's autogroup scheduling shares the CPU between
    sessions first: twenty browsers in twenty groups would get twenty shares to the server's one,
    whatever their scheduling class. Setting each new group's nice to 19 (weight 15 against 1,024)
    leaves the server what it asks for. Does nothing where autogroups do not apply.
    """
    ours = autogroup(proc, os.getpid())
    if ours is None:
        return 0
    done = {ours}
    for child in descendants(os.getpid(), proc):
        group = autogroup(proc, child)
        if group is None or group in done:
            continue
        try:
            (proc / str(child) / "autogroup").write_text("19")
        except OSError:  # it ended meanwhile
            continue
        done.add(group)
    return len(done) - 1


def _arrival(minutes: float) -> float:
    """Seconds over which sessions start: a minute, or a third of a shorter run."""
    return min(60.0, minutes * 20)


def _median(times: list[float]) -> float:
    return statistics.median(times) if times else float("nan")


def _p95(times: list[float]) -> float:
    return times[int(0.95 * (len(times) - 1))] if times else float("nan")


def _pick(page, key: str, options: list[str], rng: random.Random) -> None:
    """Choose another option in one of the sidebar's select boxes, as a user does."""
    box = page.locator(f".st-key-{key} input[role=combobox]")
    option = rng.choice([o for o in options if o != box.input_value()])  # the same one would not rerun
    for _ in range(2):  # a click that landed while the list was still opening is made again
        box.click()
        box.fill(option)  # the list narrows to the option typed
        page.get_by_role("option", name=option, exact=True).click()
        if box.input_value() == option:
            return
    raise RuntimeError(f"the {key} box did not take {option!r}")


def session(
    url: str,
    months: list[str],
    units: list[str],
    seconds: float,
    seed: int,
    think: float,
    out,
    idle: bool = False,
    arrive: float = 0.0,
    wait: float = 120.0,
) -> None:
    """One browser working through the dashboard as a user does until the time is up.

    It opens a link, then mostly stays in the app: the sidebar's page links (a new page in the same
    session, no reload), and the sidebar's month and unit boxes. One step in six opens a shared link
    with changed filters afresh (a full page load: a new session). A step's time runs from the click
    (or the request) to the script run it started having finished.
    """
    from playwright.sync_api import sync_playwright

    if idle:  # Chromium, started below, inherits it
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    rng = random.Random(seed)
    times, errors = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        if idle:
            demote_browser_groups()
        page.set_default_navigation_timeout(wait * 1000)  # a page slower than this is an error of the run
        page.set_default_timeout(wait * 1000)
        time.sleep(rng.uniform(0, arrive))  # sessions start spread out, as people arrive
        end = time.monotonic() + seconds
        step = seed
        loaded = False
        while time.monotonic() < end:
            kind = "link" if not loaded or rng.random() < 1 / 6 else rng.choice(("page", "page", "month", "unit"))
            start = time.monotonic()
            try:
                if kind == "link":
                    query = f"?month={rng.choice(months).replace(' ', '+')}"
                    if rng.random() < 0.5:
                        query += f"&unit={rng.choice(units)}"
                    page.goto(f"{url}/{PATHS[step % len(PATHS)]}{query}")
                    page.wait_for_function(LOADED)
                    loaded = True
                else:
                    page.evaluate(WATCH)
                    if kind == "page":
                        links = page.locator("[data-testid=stSidebarNavLink]")
                        links.nth(step % links.count()).click()
                    elif kind == "month":
                        _pick(page, "month", months, rng)
                    else:
                        _pick(page, "unit", ["All units", *units], rng)
                    page.wait_for_function(RAN, polling=100)
                step += 1
                if page.locator("[data-testid=stException]").count():
                    errors.append(f"{kind} step: an exception is shown")
                times.append((kind, page.url.split("?")[0].rsplit("/", 1)[-1] or "overview", time.monotonic() - start))
            except Exception as exc:  # a timeout or a crash is an error of the run, not of the script
                try:
                    state = page.evaluate(STATE)
                except Exception:  # the page itself is gone
                    state = "page closed"
                errors.append(f"{kind} step: {str(exc).splitlines()[0]} ({state})")
                loaded = False  # start again from a link
            time.sleep(rng.uniform(0.5, 1.5) * think)  # reading the page before the next click
        browser.close()
    out.put((times, errors))


def collect_results(results, workers, deadline: float) -> list[tuple[list, list[str]]]:
    """Each session's (steps, errors), as the sessions report them.

    A session whose process ended without reporting (it crashed; its traceback is on stderr) counts
    as one error at once, so the run neither hangs nor passes for a clean one. Sessions still going
    at the deadline count as an error each.
    """
    collected: list[tuple[list, list[str]]] = []
    while len(collected) < len(workers):
        try:
            collected.append(results.get(timeout=1.0))
            continue
        except queue.Empty:
            pass
        dead = [n for n, w in enumerate(workers) if w.exitcode not in (None, 0)]
        late = time.monotonic() > deadline
        if late or len(collected) + len(dead) >= len(workers):
            for n in dead:
                collected.append(([], [f"session {n} ended with exit code {workers[n].exitcode} before reporting"]))
            if late:
                running = [n for n, w in enumerate(workers) if w.exitcode is None]
                collected += [([], [f"session {n} had not reported by the deadline"]) for n in running]
            break
    return collected


def load(
    data: Path,
    sessions: int = 20,
    minutes: float = 3.0,
    think: float = 3.0,
    compete: bool = False,
    wait: float = 120.0,
) -> dict[str, float]:
    """Serve `data` and drive `sessions` browsers through it for `minutes`; a page taking longer than `wait`
    seconds counts as an error (the tests give a busy machine ten minutes)."""
    source = open_source(data)
    as_of = source.extract.as_of
    months = [f"{d:%B %Y}" for d in month_ends(as_of.replace(year=as_of.year - 1), as_of)[:4]]
    units = sorted(set(run_query(source, "teams")["unit"]))
    work = Path(tempfile.mkdtemp(prefix="unitload-load-"))
    settings = work / "settings.toml"
    settings.write_text(f'[access]\nlocal_any_data = true\n\n[audit]\npath = "{work / "audit.jsonl"}"\n')
    port = free_port()
    print(
        f"{os.cpu_count()} cores; serving {data} on port {port}; {sessions} sessions for {minutes:g} min, "
        f"about {think:g} s between pages; sessions arrive over {_arrival(minutes):.0f} s; browsers "
        + ("at the server's priority" if compete else "in the idle scheduling class"),
        flush=True,
    )
    server = start_server(data, port, env={"UNITLOAD_SETTINGS": str(settings)})
    peak, waited, stop = [0.0], {}, threading.Event()

    def sample() -> None:  # threads come and go with page runs: keep each one's last figure
        while not stop.is_set():
            peak[0] = max(peak[0], _rss_mb(server.pid))
            waited.update(_waits(server.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    url = f"http://127.0.0.1:{port}"
    try:
        warm = time.monotonic()
        first = multiprocessing.get_context("spawn").Queue()
        session(url, months[:1], units, 0.1, 0, 0.0, first, wait=wait)  # one page: the server opens the extract
        print(f"server up; the first page load opened the extract in {time.monotonic() - warm:.1f} s", flush=True)
        results = multiprocessing.get_context("spawn").Queue()
        workers = [
            multiprocessing.get_context("spawn").Process(
                target=session,
                args=(url, months, units, minutes * 60, n, think, results, not compete, _arrival(minutes), wait),
            )
            for n in range(sessions)
        ]
        cpu = (busy_seconds(), busy_seconds(server.pid), time.monotonic())
        before = dict(waited)
        began = dt.datetime.now(dt.UTC)
        for worker in workers:
            worker.start()
        collected = collect_results(
            results, workers, deadline=time.monotonic() + minutes * 60 + _arrival(minutes) + 600
        )
        cpu = (busy_seconds() - cpu[0], busy_seconds(server.pid) - cpu[1], time.monotonic() - cpu[2])
        waited_s = sum(w - before.get(tid, 0.0) for tid, w in dict(waited).items())
        for worker in workers:
            worker.join(timeout=60)
    finally:
        stop.set()
        sampler.join()
        stop_server(server)
    steps = [t for batch, _ in collected for t in batch]
    times = sorted(seconds for *_, seconds in steps)
    errors = [e for _, batch in collected for e in batch]
    figures = {
        "pages": len(times),
        "p50": _median(times),
        "p95": _p95(times),
        "max": times[-1] if times else float("nan"),
        "errors": len(errors),
        "server_peak_mb": peak[0],
    }
    print(
        f"pages {figures['pages']}, p50 {figures['p50']:.2f} s, p95 {figures['p95']:.2f} s, "
        f"max {figures['max']:.2f} s, errors {figures['errors']}, server peak {figures['server_peak_mb']:.0f} MB",
        flush=True,
    )
    served_times = sorted(
        r["seconds"]
        for r in audit.read(work / "audit.jsonl")
        if r["event"] == "view" and r["seconds"] is not None and dt.datetime.fromisoformat(r["time"]) >= began
    )
    figures |= {"server_runs": len(served_times), "server_p50": _median(served_times), "server_p95": _p95(served_times)}
    print(
        f"  the server's own time per page run (audit trail): {figures['server_runs']} runs, "
        f"p50 {figures['server_p50']:.2f} s, p95 {figures['server_p95']:.2f} s",
        flush=True,
    )
    busy, served, wall = cpu
    figures |= {"cpu_busy": busy / (wall * (os.cpu_count() or 1)), "server_cpu_share": served / busy if busy else 0.0}
    print(
        f"  CPU over the run: {figures['cpu_busy']:.0%} of {os.cpu_count()} cores busy; the server process used "
        f"{served:.0f} s of the {busy:.0f} CPU-seconds ({figures['server_cpu_share']:.0%}), the browsers and their "
        "driver the rest",
        flush=True,
    )
    figures["server_cpu_wait"] = waited_s
    print(
        f"  the server's threads waited {waited_s:.1f} s in all for a CPU"
        + (f", {waited_s / figures['server_runs']:.2f} s per page run" if figures["server_runs"] else ""),
        flush=True,
    )
    for label, index in (("by step", 0), ("by page", 1)):
        groups: dict[str, list[float]] = {}
        for step in steps:
            groups.setdefault(step[index], []).append(step[2])
        print(
            f"  {label}: "
            + "; ".join(
                f"{k} n={len(v)} p50 {statistics.median(v):.2f} p95 {_p95(sorted(v)):.2f}"
                for k, v in sorted(groups.items())
            )
        )
    for error in errors[:10]:
        print("  error:", error)
    return figures
