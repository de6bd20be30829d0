"""A PostgreSQL server of the tests' own: Debian's `postgresql` package, started on loopback in a temporary data
folder (initdb, pg_ctl) as the `postgres` user the package creates, since PostgreSQL refuses to run as root.
`make test` installs the package (Makefile: system); each test process starts one server and stops it at the end."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path


def binaries() -> Path | None:
    """Debian's PostgreSQL programs (/usr/lib/postgresql/<version>/bin), the newest version installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


class Server:
    """One PostgreSQL server on 127.0.0.1 with a database `unitload`; `url(name)` makes another database."""

    def __init__(self, port: int) -> None:
        bin_dir = binaries()
        if bin_dir is None:
            raise RuntimeError("PostgreSQL is missing: `make test` installs Debian's postgresql package as root")
        self.bin, self.port = bin_dir, port
        self.folder = Path(tempfile.mkdtemp(prefix="unitload-pg-"))
        self.data = self.folder / "data"
        as_root = os.geteuid() == 0
        user = pwd.getpwnam("postgres") if as_root else None
        if user is not None:
            shutil.chown(self.folder, user.pw_uid, user.pw_gid)
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-instructions", "-E", "UTF8")
        options = f"-c listen_addresses=127.0.0.1 -c port={port} -k {self.folder} -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "log"), "-o", options, "-w", "start")
        self.create("unitload")

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=300)

    def url(self, database: str = "unitload") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create(self, database: str) -> str:
        """A new empty database; its URL."""
        import psycopg
        from psycopg import sql

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True) as c:
            c.execute(sql.SQL("create database {}").format(sql.Identifier(database)))  # an identifier, quoted
        return self.url(database)

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            time.sleep(0.1)
            shutil.rmtree(self.folder, ignore_errors=True)
