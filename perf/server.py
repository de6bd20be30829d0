"""Starting and stopping a dashboard server on loopback: for `unitload load` and the browser tests; and pages run
under AppTest as such a server runs them (the bench and the page tests)."""

from __future__ import annotations

import functools
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"  # Debian's Chromium: the only browser the load run and the browser tests use
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(
    data: Path,
    port: int,
    env: dict[str, str] | None = None,
    secrets: Path | None = None,
    output=subprocess.DEVNULL,
    timeout: float = 120,
) -> subprocess.Popen:
    """`streamlit run serve.py` (dashboard.py behind the download guard) on `data` at 127.0.0.1:`port`, once it
    answers its health check.

    `env` adds to the environment (a settings file, say), `secrets` is a secrets file, and the
    server's output goes to `output` (a file, never an unread pipe: a full one stalls the server).
    """
    command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "serve.py"), "--server.port", str(port)]
    command += ["--server.address", "127.0.0.1", "--server.headless", "true"]
    command += ["--secrets.files", str(secrets)] if secrets else []
    env = os.environ | {"UNITLOAD_DATA": str(data)} | (env or {})
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", timeout, process)
    except RuntimeError:
        stop_server(process)
        raise
    return process


def wait_healthy(url: str, timeout: float, process: subprocess.Popen | None = None) -> None:
    """Wait until `url` (a Streamlit server, or a proxy in front of one) answers its health check.

    Gives up at once if `process`, the server behind it, has ended (its port was taken, say).
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                return
        except OSError:
            if process is not None and process.poll() is not None:
                raise RuntimeError(f"the server for {url} ended with exit code {process.returncode}") from None
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer its health check within {timeout:.0f} s")


def stop_server(process: subprocess.Popen) -> None:
    """Terminate a server, and kill it if it has not gone within 20 s (a Streamlit server whose output
    pipe broke cannot finish its own shutdown)."""
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=20)


def pages_as_served(init):
    """Streamlit's `PagesManager.__init__` (`init`) as a running server has it: once the frame has called
    st.navigation, Streamlit never again runs a file of pages/ directly (serve.py turns that mode off). AppTest
    forgets that before every run, so a new session's page ran from its file, was diverted to the frame by
    require_frame and forwarded to the page: three script runs where a server makes one."""
    from streamlit.runtime.pages_manager import PagesManager

    @functools.wraps(init)
    def served(self, *args, **kwargs):
        init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    return served
