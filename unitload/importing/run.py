"""`unitload import`: a force's own exports (CSV, TSV, XLSX, Parquet) to a contract extract (docs/import.md).

Each mapping file says how one source system's exports become contract tables. Every table converts, with
every row error named (file, row, column, value), or nothing is written: the extract is made in a
temporary folder beside `out`, validated, and only then renamed to `out`.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from unitload.extract.schema import BY_NAME, TABLES
from unitload.importing.convert import Problems, Table, convert, matching, overlapping_contracts, unlisted
from unitload.importing.errors import ImportFailed, MappingError, SourceError, cut
from unitload.importing.mapping import Mapping, TableMapping, load_mapping
from unitload.importing.readers import READABLE, read


@dataclass
class Imported:
    out: Path
    extract_id: str
    rows: dict[str, int]
    sources: dict[str, list[str]] = field(default_factory=dict)  # table -> the exports (or query) it came from
    warnings: list[str] = field(default_factory=list)


def import_exports(
    mappings: list[Path],
    sources: list[Path],
    out: Path,
    *,
    extracted_at: dt.datetime,
    extract_id: str | None = None,
    settings=None,
) -> Imported:
    """Convert the exports found in `sources` (files or folders), and the mappings' queries, validate, write
    `out`; on any failure nothing is left behind, not even a parent folder of `out` made for it."""
    from unitload.settings import load_settings

    settings = settings or load_settings(None)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise SourceError(f"{out}: already exists and is not an empty folder; give a new --out")
    loaded = [(path, load_mapping(path)) for path in mappings]
    files = _exports(sources, out)
    problems = Problems()
    tables: dict[str, Table] = {}
    owner: dict[str, Path] = {}
    for path, mapping in loaded:
        for name, spec in mapping.tables.items():
            if name in owner:
                raise MappingError(f"{path}: tables.{name}: also mapped by {owner[name]}; map each table once")
            owner[name] = path
            if spec.query is not None:
                frames, found = [_queried(path, mapping, name, spec, settings)], []
            else:
                found = matching(spec.files, files)
                if not found and not BY_NAME[name].required:
                    continue  # an optional table (supervision) the exports given do not hold
                if not found:
                    shown = ", ".join(f.name for f in files) or "none"
                    raise SourceError(f"{path}: tables.{name}: no export matches {spec.files} (exports given: {shown})")
                frames = [
                    read(f, sheet=spec.sheet, header_row=spec.header_row, delimiter=spec.delimiter, file_no=n)
                    for n, f in enumerate(found, start=1)
                ]
            tables[name] = convert(name, spec, mapping, str(path), frames, problems, found)
    _required(tables, loaded)
    unlisted(tables, problems)
    overlapping_contracts(tables, problems)
    if problems:
        raise ImportFailed(problems.lines, problems.rows)
    systems = " + ".join(m.system for _, m in loaded)
    extract_id = extract_id or f"import-{extracted_at.date().isoformat()}"
    made = _first_missing(out.parent)
    try:
        done = _write(out, tables, loaded, extract_id, extracted_at, systems, settings)
    except (OSError, pl.exceptions.PolarsError) as exc:  # the work folder is gone already (_write's finally)
        _remove(made)
        raise SourceError(f"{out.parent}: {unwritable(exc)}; nothing was written") from None
    except BaseException:
        _remove(made)
        raise
    done.warnings[:0] = problems.warnings
    return done


def _queried(path: Path, mapping: Mapping, name: str, spec: TableMapping, settings) -> pl.DataFrame:
    from unitload.importing.database import connection_url, read_query

    url = connection_url(mapping.database, settings)
    label = f"{path.name}: tables.{name} query"
    return read_query(url, spec.query, label=label, timeout_seconds=settings.importing.query_timeout_seconds)


def _first_missing(folder: Path) -> Path | None:
    """The highest folder on the way to `folder` that does not exist yet (it and all below it are ours)."""
    missing = None
    for parent in [folder, *folder.parents]:
        if parent.exists():
            break
        missing = parent
    return missing


def _remove(made: Path | None) -> None:
    if made is not None:
        shutil.rmtree(made, ignore_errors=True)


def unwritable(exc: Exception) -> str:
    """Why a file could not be written, in words: a full disk said as such, otherwise the system's reason."""
    text = str(exc)
    if getattr(exc, "errno", None) == errno.ENOSPC or "os error 28" in text:
        return "no space left on the device"
    if isinstance(exc, OSError) and exc.strerror:
        return f"cannot be written ({exc.strerror.lower()})"
    return f"cannot be written ({cut(text.splitlines()[0] if text else type(exc).__name__)})"


def _exports(sources: list[Path], out: Path) -> list[Path]:
    files: list[Path] = []
    for source in sources:
        if source.is_symlink():
            raise SourceError(f"{source}: a symbolic link; give the export or its folder itself")
        if source.is_dir():
            found = sorted(p for p in source.rglob("*") if p.suffix.lower() in READABLE and not p.is_dir())
            linked = [p for p in found if p.is_symlink() or not p.is_file()]
            if linked:  # an export that is a link may lead anywhere (/etc/shadow): refused, never read
                raise SourceError(f"{linked[0]}: a symbolic link or not a regular file; give the export itself")
            files += found
        elif source.is_file():
            files.append(source)
        else:
            raise SourceError(f"{source}: no such file or folder")
    return [f for f in dict.fromkeys(files) if out.resolve() not in f.resolve().parents]


def _required(tables: dict[str, Table], loaded) -> None:
    missing = [t.name for t in TABLES if t.required and t.name not in tables]
    if missing:
        given = ", ".join(str(p) for p, _ in loaded)
        raise MappingError(f"no mapping gives {', '.join(missing)} (mappings: {given}); every required table is needed")


def _write(out: Path, tables: dict[str, Table], loaded, extract_id, extracted_at, systems, settings) -> Imported:
    from unitload.extract.db import open_source
    from unitload.extract.findings import ERROR, WARNING
    from unitload.extract.folder import MANIFEST, sha256_file
    from unitload.extract.tables import write_extract
    from unitload.extract.validate import validate

    out.parent.mkdir(parents=True, exist_ok=True)
    work = out.parent / f".{out.name}.importing-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    try:
        frames = {name: t.frame.drop("_file", "_row") for name, t in tables.items()}
        write_extract(work, frames, extract_id=extract_id, extracted_at=extracted_at, source=systems)
        manifest_path = work / MANIFEST
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        manifest["imported_from"] = {
            "mappings": {str(p): {"system": m.system, "sha256": sha256_file(p)} for p, m in loaded},
            "exports": {
                str(f): {"sha256": sha256_file(f), "tables": sorted(n for n, t in tables.items() if f in t.files)}
                for f in dict.fromkeys(f for t in tables.values() for f in t.files)
            },
        }
        queried = {  # a table read from a database: the connection's name and the query's digest, no URL
            name: {"mapping": str(p), "database": m.database, "sha256": hashlib.sha256(spec.query.encode()).hexdigest()}
            for p, m in loaded
            for name, spec in m.tables.items()
            if spec.query is not None and name in tables
        }
        if queried:
            manifest["imported_from"]["queries"] = queried
        manifest_path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        source = open_source(work, settings)
        try:
            findings = validate(source)
        finally:
            source.db.close()
        if any(f.severity == ERROR for f in findings):
            raise _failed_validation(tables, [f for f in findings if f.severity == ERROR], extracted_at.date())
        if out.exists():
            out.rmdir()  # empty, checked above
        work.rename(out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return Imported(
        out,
        extract_id,
        {name: t.frame.height for name, t in tables.items()},
        {name: [f.name for f in t.files] or ["a query"] for name, t in tables.items()},
        [f.line() for f in findings if f.severity == WARNING],
    )


def _failed_validation(tables: dict[str, Table], errors, as_of: dt.date) -> ImportFailed:
    """The validator's errors as lines naming the export rows that break them, and the likely fix."""
    from unitload.importing.trace import traced

    problems = Problems()
    for finding in traced(tables, errors, as_of, problems):
        problems.line(f"the converted extract fails validation: {finding.line()}")
    return ImportFailed(problems.lines, problems.rows)
