"""What the commands share: the Typer app, the options most take, and the checks of their values."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from queries.catalogue import LIST_PARAMS, load_query

# A command imports what it needs when it runs (DuckDB, Polars, the generator, the pack, promotion, the
# measuring tools in perf/): `unitload --help` loads none of them, and `unitload query` only its own.
FORMATS = ("csv", "json", "table")  # unitload.output.formats renders each (a test checks the two lists agree)
app = typer.Typer(
    help="Unit workload and forensic backlog: generate, validate and query extracts.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

DataOption = Annotated[
    Path, typer.Option("--data", help="Extract folder (one Parquet file or folder per table, manifest.json).")
]
SettingsOption = Annotated[Path | None, typer.Option("--settings", help="Settings TOML file; defaults otherwise.")]


class UsageError(ValueError):
    """A command-line value that cannot be used; the message says which and why."""


def readable(data: Path, settings: Path | None, show: bool = False, decisions: bool = True):
    """The extract bound with the settings and (`decisions`) the decisions of its store, or a UsageError when a
    table cannot be read (`show`: each why)."""
    from unitload.extract.db import open_source
    from unitload.settings import load_settings

    source = open_source(data, load_settings(settings))
    if not source.usable:
        for finding in source.structure if show else ():
            typer.echo(finding.line(), err=True)
        raise UsageError(f"{data}: the extract cannot be read; run `unitload validate {data}` for every finding")
    return source.with_decisions(kept_decisions(source, data)) if decisions else source


def kept_decisions(source, data: Path):
    """The decisions of the extract's store (`[decisions] url`, else beside the extracts), if one is kept."""
    from unitload.decisions.ledger import read_if_kept
    from unitload.store import store_url

    return read_if_kept(store_url(source.settings.decisions.url, data))


def no_day(source, data: Path) -> str:
    """Why no as-of day is known: the manifest's own problem when it has one, else the missing extracted_at."""
    problems = source.extract.manifest_problems
    if problems:
        return f"{data}: {problems[0]}; fix the manifest, or give --as-of YYYY-MM-DD"
    return f"{data}: manifest.json has no extracted_at; give --as-of YYYY-MM-DD"


_CODES = {  # the statements listing each kind of code: fixed text, never built from a value
    "unit": "select distinct unit from officers",
    "team": "select distinct team from officers",
}


def known_codes(source, column: str, codes: list[str]) -> None:
    """Refuse a unit or team code the extract's officers do not have (a typo would give an empty pack)."""
    if not codes:
        return
    cur = source.cursor()
    try:
        known = {c for (c,) in cur.execute(_CODES[column]).fetchall()}
    finally:
        cur.close()
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise UsageError(
            f"--{column if column == 'unit' else 'teams'}: no {column} {', '.join(unknown)} in the extract"
        )


def parse_date(text: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{what} must be a date YYYY-MM-DD, not {text!r}") from None


def parse_params(name: str, pairs: list[str], defaults: dict[str, object]) -> dict[str, object]:
    """KEY=VALUE pairs, each value converted to the type of the setting of that name."""
    takes = load_query(name).parameters  # an unknown query name fails here with the list of names
    params: dict[str, object] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise UsageError(f"--param must be KEY=VALUE, not {pair!r}")
        if key not in takes:
            raise UsageError(f"query {name!r} takes no parameter {key!r}; it takes {', '.join(takes) or 'none'}")
        default = defaults.get(key)
        try:
            if key == "as_of":
                params[key] = parse_date(value, "--param as_of")
            elif key in LIST_PARAMS:
                params[key] = [v.strip() for v in value.split(",") if v.strip()]
            elif isinstance(default, list):
                kind = type(default[0]) if default else str
                params[key] = [kind(v.strip()) for v in value.split(",") if v.strip()]
            elif isinstance(default, int | float):
                params[key] = type(default)(value)
            else:
                params[key] = value
        except ValueError:
            raise UsageError(f"--param {key}: {value!r} is not a {type(default).__name__}") from None
    return params
