"""A PostgreSQL server of the tests' and benchmarks' own: Debian's `postgresql` package, started on loopback in a
temporary data folder (initdb, pg_ctl) as the `postgres` user the package creates, since PostgreSQL refuses to run
as root. `make test` installs the package (Makefile: system); each test process starts one server and stops it at
the end. `load_exports` puts a folder of exports into one of its databases as a warehouse would hold them."""

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


# export (file, sheet) -> warehouse table; crimes is held typed (dates as dates, the weighting as numeric), as a
# warehouse would hold it; the rest as text
WAREHOUSE = {
    ("rms/crimes.csv", None): "rms.crimes",
    ("rms/oic_history.csv", None): "rms.oic_history",
    ("rms/activity_log.tsv", None): "rms.activity_log",
    ("rms/forensic_submissions.csv", None): "rms.forensic_submissions",
    ("duty/duty.xlsx", "Staff"): "duty.staff",
    ("duty/duty.xlsx", "Working patterns"): "duty.working_patterns",
    ("duty/absences.csv", None): "duty.absences",
    ("duty/supervision.csv", None): "duty.supervision",
}
TYPED = {"Recorded": "date", "Finalised": "date", "Weighting": "numeric"}
# the two made-up systems' mappings' `files` (and `sheet`) lines -> the query on the warehouse read instead
FILES = {
    'files = "crimes*.csv"': "select * from rms.crimes",
    'files = "oic_history*.csv"': "select * from rms.oic_history",
    'files = "activity_log*.tsv"': "select * from rms.activity_log",
    'files = "forensic_submissions*.csv"': "select * from rms.forensic_submissions",
    'files = "duty*.xlsx"\nsheet = "Staff"': "select * from duty.staff",
    'files = "duty*.xlsx"\nsheet = "Working patterns"': "select * from duty.working_patterns",
    'files = "absences*.csv"': "select * from duty.absences",
    'files = "supervision*.csv"': "select * from duty.supervision",
}


def _typed(name: str, value: str | None):
    import datetime as dt

    if value is None or name not in TYPED:
        return value
    if not value.strip():
        return None
    if TYPED[name] == "numeric":
        return float(value)
    return dt.date.fromisoformat(value) if "-" in value else dt.datetime.strptime(value, "%d/%m/%Y").date()


def load_exports(url: str, exports: Path) -> dict[str, int]:
    """The exports under `exports` (`generate --as-exports`' layout) as the tables of WAREHOUSE; rows per table."""
    import psycopg
    from psycopg import sql

    from unitload.importing.readers import FILE, FILE_NO, ROW, read

    counts = {}
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as connection:
        for (name, sheet), target in WAREHOUSE.items():
            if not (exports / name).exists():
                continue
            frame = read(exports / name, sheet=sheet, header_row=1, delimiter=None, file_no=1)
            frame = frame.drop(ROW, FILE, FILE_NO)
            schema, table = target.split(".")
            columns = [sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(TYPED.get(c, "text"))) for c in frame.columns]
            connection.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(schema)))
            name_sql = sql.Identifier(schema, table)
            connection.execute(sql.SQL("create table {} ({})").format(name_sql, sql.SQL(", ").join(columns)))
            with connection.cursor().copy(sql.SQL("copy {} from stdin").format(name_sql)) as copy:
                for row in frame.iter_rows():
                    copy.write_row([_typed(c, v) for c, v in zip(frame.columns, row, strict=True)])
            counts[target] = frame.height
    return counts


def warehouse_mappings(folder: Path, change=lambda text: text) -> list[Path]:
    """The two made-up systems' mappings with each `files` line a query on the warehouse (database "warehouse")."""
    import re

    from unitload.importing.exports import MAPPINGS

    made = []
    for mapping in sorted(MAPPINGS.glob("*.toml")):
        text = mapping.read_text()
        text = re.sub(r'^(system = ".*")$', r'\1\ndatabase = "warehouse"', text, count=1, flags=re.M)
        for files, query in FILES.items():
            text = text.replace(files, f'query = "{query}"')
        path = folder / mapping.name
        path.write_text(change(text))
        made.append(path)
    return made
