"""What a person waits for before the first figure: the command line's start, and a promoted extract's opening.

Each is timed in a fresh process, as it happens: `unitload --help` and `unitload query officer_load` on the
sample (the command's whole run, interpreter start included); and a data root with the extract promoted
into it (`unitload promote`, which writes its snapshots under derived/), opened by a new process that runs
the Overview as the server's first request would (imports excluded: a server makes them at start-up,
before anyone asks).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data" / "unit"
UNITLOAD = [sys.executable, "-m", "unitload"]
FIRST_PAGE = """
import json, resource, threading, time
started = time.perf_counter()
from perf.bench import PAGES, time_page
imported = time.perf_counter()
took = time_page("overview", {})
for page in PAGES:  # then every page once, as a replica's first visitors would ask for them
    time_page(page, {})
for behind in [t for t in threading.enumerate() if t.name == "behind"]:  # its tables copied into memory
    behind.join()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"imports": imported - started, "first_page": took, "peak_mb": peak}))
"""


def command_start(runs: int = 3) -> dict[str, float]:
    """Median seconds of whole command runs: `--help`, and `query officer_load` on the sample."""
    commands = {
        "unitload --help": ["--help"],
        "unitload query officer_load (sample)": ["query", "officer_load", "--data", str(SAMPLE)],
    }
    times = {}
    for label, args in commands.items():
        taken = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(UNITLOAD + args, check=True, capture_output=True, timeout=120)
            taken.append(time.perf_counter() - start)
        times[label] = statistics.median(taken)
    return times


def promoted_open(data: Path, settings: Path) -> dict[str, float]:
    """Promote `data` into a new root, then open it in a fresh process and draw the Overview once (timed), then
    every page once: that process's peak memory is a replica's serving one extract."""
    with tempfile.TemporaryDirectory(prefix="unitload-promoted-") as folder:
        root = Path(folder) / "root"
        start = time.perf_counter()
        subprocess.run(
            UNITLOAD + ["promote", str(data), "--root", str(root), "--settings", str(settings)],
            check=True,
            capture_output=True,
            timeout=3600,
        )
        promoted = time.perf_counter() - start
        env = os.environ | {"UNITLOAD_DATA": str(root), "UNITLOAD_SETTINGS": str(settings)}
        done = subprocess.run(
            [sys.executable, "-c", FIRST_PAGE], cwd=ROOT, env=env, check=True, capture_output=True, text=True
        )
        opened = json.loads(done.stdout.strip().splitlines()[-1])
    return {"promote": promoted} | opened
