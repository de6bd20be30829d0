"""What the bench says of the machine's other work: the processes it started count as its own."""

import os
import subprocess
import sys
import time

from perf.machine import OtherWork, descendants

# burns `cpu` seconds of CPU whatever else the machine does, says so, then waits to be read
BURN = """
import sys, time
while time.process_time() < float(sys.argv[1]):
    pass
print("burnt", flush=True)
time.sleep(60)
"""


def test_descendants_are_children_and_their_children():
    shell = subprocess.Popen(["sh", "-c", "sleep 60 & sleep 60 & wait"])
    try:
        for _ in range(200):  # the shell starts its two sleeps as soon as it runs
            below = descendants(shell.pid)
            if len(below) == 2:
                break
            time.sleep(0.05)
        assert len(below) == 2 and shell.pid not in below
        assert shell.pid in descendants(os.getpid()) and set(below) <= set(descendants(os.getpid()))
    finally:
        for pid in descendants(shell.pid):
            subprocess.run(["kill", str(pid)], check=False)
        shell.kill()
        shell.wait()


def test_a_started_process_cpu_is_counted_as_the_bench_s_own_not_other_work():
    work = OtherWork(every=3600)  # sampled here, by hand
    child = subprocess.Popen([sys.executable, "-c", BURN, "0.4"], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "burnt"
        work.sample()
        (cpu,) = [v for (pid, _), v in work.theirs.items() if pid == child.pid]
        assert cpu >= 0.4 - 0.02  # its CPU time as /proc counts it, in clock ticks
    finally:
        child.kill()
        child.wait()
    share, wall = work.share()
    assert 0.0 <= share <= 1.0 and wall > 0
