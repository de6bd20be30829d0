"""An extract folder: its manifest and where each table's Parquet files are."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from unitload.extract.schema import TABLE_NAMES
from unitload.output.plain import CONTROL

MANIFEST = "manifest.json"
DERIVED = "derived"  # made at promotion from the extract (queries.derived): never listed, never copied


class ExtractError(ValueError):
    """An extract that cannot be opened at all; the message names the file."""


@dataclass(frozen=True)
class ManifestTable:
    files: tuple[str, ...]
    rows: int | None
    sha256: dict[str, str]  # file name (relative to the extract) -> hex digest


@dataclass(frozen=True)
class Extract:
    root: Path
    extract_id: str
    extracted_at: dt.datetime | None
    source: str
    tables: dict[str, ManifestTable] = field(default_factory=dict)
    manifest_problems: tuple[str, ...] = ()

    @property
    def as_of(self) -> dt.date | None:
        """The default as-of day: the date of `extracted_at`."""
        return self.extracted_at.date() if self.extracted_at else None

    def files(self, table: str) -> list[Path]:
        """The Parquet files of one table: `<table>.parquet` or every `*.parquet` below `<table>/`."""
        single = self.root / f"{table}.parquet"
        if single.is_file():
            return [single]
        folder = self.root / table
        if folder.is_dir():
            return sorted(p for p in folder.rglob("*.parquet") if p.is_file())
        return []


def open_extract(root: str | Path) -> Extract:
    """Read an extract's manifest; a missing or unreadable manifest is recorded, not fatal."""
    root = Path(root).resolve()
    if not root.is_dir():
        raise ExtractError(f"{root}: no such extract folder")
    path = root / MANIFEST
    if not path.is_file():
        return Extract(root, root.name, None, "", manifest_problems=(f"{MANIFEST} is missing",))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return Extract(root, root.name, None, "", manifest_problems=(f"{MANIFEST} is not valid JSON ({exc})",))
    except RecursionError:  # brackets nested past what a parser should follow: a hostile file, not a manifest
        return Extract(root, root.name, None, "", manifest_problems=(f"{MANIFEST} is nested too deeply to read",))
    if not isinstance(data, dict):
        return Extract(root, root.name, None, "", manifest_problems=(f"{MANIFEST} is not a JSON object",))
    problems = []
    extract_id = data.get("extract_id")
    if not isinstance(extract_id, str) or not extract_id:
        problems.append("extract_id is missing or not a string")
        extract_id = root.name
    extracted_at = None
    try:
        extracted_at = dt.datetime.fromisoformat(str(data["extracted_at"]))
    except (KeyError, ValueError):
        problems.append(f"extracted_at is missing or not an ISO date-time: {data.get('extracted_at')!r}")
    else:
        now = dt.datetime.now(extracted_at.tzinfo or None)
        if extracted_at > now + dt.timedelta(days=1):  # a day of clock skew is not a future extract
            problems.append(f"extracted_at {extracted_at.isoformat()} is later than now: not an extract yet")
    tables = {}
    for name, entry in _manifest_entries(data.get("tables"), problems):
        tables[name] = entry
    source = str(data.get("source", ""))
    for key, value in (("extract_id", extract_id), ("source", source)):
        if re.search(CONTROL, value):
            problems.append(f"{key} holds a control character or a line separator (a line break, a tab, ...)")
    if re.search(CONTROL, extract_id):
        extract_id = re.sub(CONTROL, " ", extract_id)
    for entry in tables.values():
        if any(re.search(CONTROL, name) for name in entry.files):
            problems.append("a file name in tables holds a control character or a line separator")
            break
    return Extract(root, extract_id, extracted_at, source, tables, tuple(problems))


def _manifest_entries(raw: object, problems: list[str]):
    """Accept `tables` as an object keyed by table name or as a list of objects with `name`.

    An entry of another shape is a problem named by its table and key, never an exception: one bad
    manifest must not stop a folder of extracts from being listed.
    """
    if isinstance(raw, dict):
        items = list(raw.items())
    elif isinstance(raw, list):
        items = [(item.get("name") or item.get("table"), item) for item in raw if isinstance(item, dict)]
    else:
        problems.append("tables is missing: no row counts or checksums to verify")
        return
    for name, entry in items:
        if name not in TABLE_NAMES:
            continue
        if not isinstance(entry, dict):
            problems.append(f"tables.{name} must be an object with files, rows and sha256")
            continue
        files = entry.get("files", entry.get("file", []))
        if isinstance(files, str):
            files = [files]
        if not isinstance(files, list) or not all(isinstance(f, str | dict) for f in files):
            problems.append(f"tables.{name}.files must be a file name or a list of them")
            continue
        names, digests = [], {}
        for item in files:
            if isinstance(item, dict):  # [{"path": ..., "sha256": ...}]
                file_name = item.get("path") or item.get("file") or item.get("name")
                if not isinstance(file_name, str):
                    problems.append(f"tables.{name}.files has an entry with no path")
                    continue
                if isinstance(item.get("sha256"), str):
                    digests[file_name] = item["sha256"]
            else:
                file_name = item
            names.append(file_name)
        sha = entry.get("sha256", {})
        if isinstance(sha, str) and len(names) == 1:
            digests[names[0]] = sha
        elif isinstance(sha, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in sha.items()):
            digests.update(sha)
        elif sha not in ({}, None):
            problems.append(f"tables.{name}.sha256 must be a digest or an object of file name to digest")
        rows = entry.get("rows", entry.get("row_count"))
        if rows is not None and (not isinstance(rows, int) or isinstance(rows, bool) or rows < 0):
            problems.append(f"tables.{name}.rows must be a whole number of rows")
            rows = None
        yield name, ManifestTable(tuple(names), rows, digests)


def inside(root: Path, name: str) -> Path | None:
    """The file a manifest names, or None when the name leads outside the extract (`../`, an absolute
    path, a link out): such a file is never read, hashed or copied."""
    path = (root / name).resolve()
    return path if path.is_relative_to(root) else None


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_manifest(root: Path, extract_id: str, extracted_at: dt.datetime, source: str) -> dict:
    """Write manifest.json for the tables found in `root` (used by the generator)."""
    import pyarrow.parquet as pq  # here: reading an extract never needs it, and it is slow to import

    stub = Extract(root, extract_id, extracted_at, source)
    tables = {}
    for name in TABLE_NAMES:
        files = stub.files(name)
        if not files:
            continue
        tables[name] = {
            "files": [str(p.relative_to(root)) for p in files],
            "rows": sum(pq.ParquetFile(p).metadata.num_rows for p in files),
            "sha256": {str(p.relative_to(root)): sha256_file(p) for p in files},
        }
    manifest = {
        "extract_id": extract_id,
        "extracted_at": extracted_at.isoformat(),
        "source": source,
        "tables": tables,
    }
    (root / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest
