"""Import time and peak memory: an extract written as the two made-up systems' exports, imported back from the
files, and from a PostgreSQL warehouse holding the same exports as tables (perf/postgres.py).

Each import runs in a process of its own, so its peak resident memory is its own:

    python -m perf.import_bench --data /tmp/unitload-force      (make bench-import)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

IMPORT = """
import datetime as dt, json, resource, sys, time
from pathlib import Path
from unitload.importing.run import import_exports
mappings, sources, out, taken = json.loads(sys.argv[1])
started = time.perf_counter()
done = import_exports([Path(m) for m in mappings], [Path(s) for s in sources], Path(out),
                      extracted_at=dt.datetime.fromisoformat(taken), extract_id="bench")
took = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": took, "peak_mb": peak, "rows": sum(done.rows.values())}))
"""


def timed_import(mappings: list[Path], sources: list[Path], out: Path, taken: str, env=None) -> dict:
    argument = json.dumps([[str(m) for m in mappings], [str(s) for s in sources], str(out), taken])
    done = subprocess.run(
        [sys.executable, "-c", IMPORT, argument], capture_output=True, text=True, env=env, check=False, timeout=7200
    )
    if done.returncode:
        raise SystemExit(f"import failed: {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else '?'}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    from perf.postgres import Server, load_exports, warehouse_mappings
    from perf.server import free_port
    from unitload.importing.exports import write_exports

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="a generated extract (force scale: make bench)")
    args = parser.parse_args(argv)
    taken = json.loads((args.data / "manifest.json").read_text())["extracted_at"]
    print(f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(prefix="unitload-import-bench-") as work:
        work = Path(work)
        started = time.perf_counter()
        write_exports(args.data, work / "exports")
        sizes = sum(p.stat().st_size for p in (work / "exports").rglob("*") if p.is_file())
        print(f"exports written: {sizes / 1e6:,.0f} MB in {time.perf_counter() - started:.0f} s")
        mappings = [work / "exports" / "generic-rms.toml", work / "exports" / "duty-system.toml"]
        files = timed_import(mappings, [work / "exports"], work / "from-files", taken)
        print(f"from files: {files['seconds']:.1f} s, peak {files['peak_mb']:,.0f} MB, {files['rows']:,} rows")
        server = Server(free_port())
        try:
            url = server.create("warehouse")
            started = time.perf_counter()
            load_exports(url, work / "exports")
            print(f"warehouse loaded: {time.perf_counter() - started:.0f} s")
            queries = warehouse_mappings(work)
            env = os.environ | {"UNITLOAD_DATABASE_WAREHOUSE": url}
            database = timed_import(queries, [], work / "from-postgres", taken, env)
            print(
                f"from PostgreSQL: {database['seconds']:.1f} s, peak {database['peak_mb']:,.0f} MB, "
                f"{database['rows']:,} rows"
            )
        finally:
            server.stop()


if __name__ == "__main__":
    main()
