"""Tables as shown on a page, with their audited downloads (CSV, XLSX) and the monthly pack."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import streamlit as st

from unitload.app.filters import names_visible
from unitload.app.frame import disclosed
from unitload.app.run import this_run
from unitload.app.view import Filters
from unitload.extract.columns import heading
from unitload.extract.db import Source
from unitload.output.formats import to_csv_with_header, to_xlsx
from unitload.review.definitions import definitions
from unitload.review.pack import CHROMIUM, monthly_pack, pdf_bytes


def table(
    frame: pl.DataFrame,
    key: str,
    column_config: dict | None = None,
    where=None,
    *,
    filters: Filters | None,
    **kwargs,
):
    """st.dataframe, in the container `where` (else the page), with dates shown as dates, and its downloads.

    `filters` are the choices the rows were drawn with (None on a page for an extract that failed
    validation): the downloads' header names them.
    """
    config = {  # every column headed in words (with units), dates as dates; the page's own config wins
        c: st.column_config.DateColumn(heading(c), format="D MMM YYYY") if t == pl.Date else heading(c)
        for c, t in frame.schema.items()
    }
    shown = (where or st).dataframe(  # an empty text cell is empty, not the grid's "None"
        frame.with_columns(pl.col(pl.String).fill_null("")),
        hide_index=True,
        key=key,
        column_config=config | (column_config or {}),
        **kwargs,
    )
    this_run().rows += frame.height
    downloads(frame, key.replace("_", "-"), key, where, filters=filters)
    return shown


def export_header(source: Source, name: str, filters: Filters | None) -> list[tuple[str, str]]:
    """What an export says about itself: extract, as-of day, scope, and the definitions used."""
    return [
        ("table", name),
        ("extract", source.extract.extract_id),
        ("as of", (filters.as_of if filters else source.extract.as_of).isoformat()),
        ("scope", filters.scope if filters else "the whole extract"),
        *((f"definition: {d.term}", d.text) for d in definitions(source.settings)),
    ]


def downloads(frame: pl.DataFrame, name: str, key: str, where=None, *, filters: Filters | None) -> None:
    """CSV and XLSX of a table as shown, each made only when its button is pressed."""
    source = this_run().current.source
    stem = f"{name}-{source.extract.extract_id}-{(filters.as_of if filters else source.extract.as_of).isoformat()}"
    # read now: the files are made on a later request, outside this script run and its session state
    header = export_header(source, name, filters)
    box = (where or st).popover("Download", icon=":material/download:")
    box.download_button(
        "CSV",
        data=disclosed(
            lambda export: to_csv_with_header(frame, [*header, ("export", export)]),
            "export",
            f"{name}.csv",
            frame.height,
        ),
        file_name=f"{stem}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        on_click="ignore",
    )
    box.download_button(
        "Excel (XLSX)",
        data=disclosed(
            lambda export: to_xlsx(frame, [*header, ("export", export)]), "export", f"{name}.xlsx", frame.height
        ),
        file_name=f"{stem}.xlsx",
        key=f"{key}_xlsx",
        on_click="ignore",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def monthly_pack_maker(source: Source, filters: Filters, pdf: bool = False):
    """The pack of the view (its month, units and teams), made on a later request when the button is pressed
    (names as shown now): HTML, or that HTML printed to PDF by the server's Chromium."""
    names = names_visible()  # read now: the pack is made outside this script run
    as_of, units, teams = filters.as_of, filters.units, filters.teams
    return disclosed(
        lambda export: monthly_pack(source, as_of, names=names, units=units, teams=teams, export=export),
        "pack",
        "monthly pack (PDF)" if pdf else "monthly pack",
        count=lambda pack: pack.rows,
        content=(lambda pack: pdf_bytes(pack.html)) if pdf else (lambda pack: pack.html),
    )


def can_print() -> bool:
    """Whether this server can print a pack to PDF (Debian's Chromium is installed)."""
    return Path(CHROMIUM).exists()
