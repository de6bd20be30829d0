"""Commands on decisions (DATA_CONTRACT.md section 6): record one, list them with their status on a day."""

from __future__ import annotations

import hashlib
import sys
from typing import Annotated

import typer

from unitload.cli.common import FORMATS, DataOption, SettingsOption, UsageError, app, no_day, parse_date, readable

COLUMNS = (
    "decision_id", "item", "officer_id", "case_id", "action", "to_officer", "owner_id", "decided_on", "due_on",
    "decided_by", "status", "done_on", "days_overdue",
)  # fmt: skip


@app.command()
def decide(
    data: DataOption,
    item: Annotated[str, typer.Option("--item", help="case:CASE_ID or officer:OFFICER_ID.")],
    action: Annotated[
        str,
        typer.Option(
            "--action",
            help="reallocate, progress, review, close (cases); welfare_contact, supervise, action_plan, reduce_load "
            "(officers); accept (either).",
        ),
    ],
    owner: Annotated[str, typer.Option("--owner", help="The officer who must do it (in post on the day decided).")],
    due: Annotated[str, typer.Option("--due", help="Day it is due, YYYY-MM-DD (for accept: the day to review it).")],
    by: Annotated[str, typer.Option("--by", help="Who decided.")],
    to: Annotated[str | None, typer.Option("--to", help="reallocate only: the officer to reallocate to.")] = None,
    on: Annotated[
        str | None, typer.Option("--on", help="Day of the figures decided on, YYYY-MM-DD; default the extract's.")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="Optional note, one line, at most 500 characters.")] = None,
    settings: SettingsOption = None,
) -> None:
    """Record a decision on an attention item and print its decision_id alone.

    A decision that breaks a rule (an unknown item, a case not open or an officer not in post on the day, an
    action not for that item, a reallocation to its own officer in charge, a due day before the day decided,
    ...) is refused with one line naming the field, exit code 2; nothing is written.
    """
    from unitload.access import audit
    from unitload.decisions.checks import Decision, check, parse_item
    from unitload.decisions.ledger import record
    from unitload.store import open_store, store_url

    source = readable(data, settings)
    as_of = source.extract.as_of
    if as_of is None:
        raise UsageError(no_day(source, data))
    kind, key = parse_item(item)
    decision = Decision(
        item=kind,
        item_id=key,
        action=action,
        owner_id=owner,
        decided_on=parse_date(on, "--on") if on else as_of,
        due_on=parse_date(due, "--due"),
        decided_by=by,
        to_officer=to,
        note=note,
    )
    check(source, decision, as_of)
    decision_id = record(open_store(store_url(source.settings.decisions.url, data)), decision)
    audit.record(  # who (as an opaque id), the item and the action; never the note
        source.settings.audit,
        "decision",
        subject="cli:" + hashlib.sha256(by.strip().lower().encode()).hexdigest()[:12],
        role="command line",
        page="decide",
        extract=source.extract.extract_id,
        rows=1,
        what=f"{kind}:{key} {action} {decision_id}",
    )
    typer.echo(decision_id)


@app.command()
def decisions(
    data: DataOption,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Day YYYY-MM-DD; default the extract's.")] = None,
    every: Annotated[
        bool,
        typer.Option("--all", help="Every decision recorded by the day, superseded ones too, each with its status."),
    ] = False,
    settings: SettingsOption = None,
    fmt: Annotated[str, typer.Option("--format", help="csv, json or table.")] = "csv",
) -> None:
    """List the decisions with their status on a day: one row per item that has a decision (its latest), or with
    --all every decision recorded by then, in decision_id order."""
    from queries.runner import run_query
    from unitload.output.formats import render

    if fmt not in FORMATS:
        raise UsageError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    source = readable(data, settings)
    day = parse_date(as_of, "--as-of") if as_of else source.extract.as_of
    if day is None:
        raise UsageError(no_day(source, data))
    rows = run_query(source, "decision_status", as_of=day)
    if not every:
        rows = rows.filter(rows["latest"])
    sys.stdout.write(render(rows.select(COLUMNS), fmt))
