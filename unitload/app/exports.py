"""Tables as shown on a page, with their audited downloads (CSV, XLSX) and the monthly pack."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pyarrow as pa
import streamlit as st

from unitload.access.downloads import new_export_id
from unitload.app.environment import settings
from unitload.app.filters import names_visible
from unitload.app.frame import disclosed
from unitload.app.run import this_run
from unitload.app.view import Filters
from unitload.extract.columns import heading
from unitload.extract.db import Source
from unitload.output.formats import to_about, to_csv, to_xlsx
from unitload.review.definitions import definitions
from unitload.review.pack import CHROMIUM, monthly_pack, pdf_bytes
from unitload.settings import Notify


def table(
    frame: pl.DataFrame,
    key: str,
    column_config: dict | None = None,
    where=None,
    *,
    name: str,
    filters: Filters | None,
    **kwargs,
):
    """st.dataframe, in the container `where` (else the page), with dates shown as dates, an empty cell for a
    missing value (a number's too, which the grid would show as "None"), and its downloads. `name` is what a
    screen reader calls the grid (what the table is, as the heading or caption above it says).

    `filters` are the choices the rows were drawn with (None on a page for an extract that failed
    validation): the downloads' header names them.
    """
    config = {  # every column headed in words (with units), dates as dates; the page's own config wins
        c: st.column_config.DateColumn(heading(c), format="D MMM YYYY") if t == pl.Date else heading(c)
        for c, t in frame.schema.items()
    }
    typed = {c for c, v in (column_config or {}).items() if not isinstance(v, str)}  # a link, a tick box: as they are
    shown = (where or st).dataframe(
        grid_arrow(for_the_grid(frame, keep=typed)),
        hide_index=True,
        key=key,
        column_config=config | (column_config or {}),
        alt=name,
        **{"placeholder": ""} | kwargs,
    )
    this_run().rows += frame.height
    downloads(frame, key.replace("_", "-"), key, where, filters=filters)
    return shown


SENT_ONCE_FROM = 200  # rows: from here, a text column whose values repeat is sent as a dictionary of them


def for_the_grid(frame: pl.DataFrame, keep: set[str] | frozenset[str] = frozenset()) -> pl.DataFrame:
    """`frame` as the browser's grid is sent it: an empty text cell empty, not the grid's "None"; in a long
    list, each text column whose values repeat (teams, officers, risk grades, action types) as categories,
    so each value crosses once and each row holds a number (a force's unprogressed cases: 306 to 181 kB).
    Columns in `keep` (those a page gives a column type of its own) are sent as text."""
    frame = frame.with_columns(pl.col(pl.String).fill_null(""))
    if frame.height < SENT_ONCE_FROM:
        return frame
    texts = [c for c, kind in frame.schema.items() if kind == pl.String and c not in keep]
    distinct = frame.select(pl.col(c).n_unique() for c in texts).row(0) if texts else ()
    repeating = [c for c, n in zip(texts, distinct, strict=True) if 2 * n <= frame.height]
    return frame.with_columns(pl.col(repeating).cast(pl.Categorical)) if repeating else frame


def grid_arrow(frame: pl.DataFrame) -> pa.Table:
    """`frame` as the Arrow table st.dataframe sends as it is; a Polars frame it converts through pandas first
    (7 ms for a force's 2,823 unprogressed cases, against 0.5 ms). Text is sent as Arrow's string, as the
    pandas route sent it (large_string's offsets take twice the bytes), without Polars' own field notes."""
    table = frame.to_arrow(compat_level=pl.CompatLevel.oldest())
    return table.cast(pa.schema(pa.field(f.name, _small(f.type), f.nullable) for f in table.schema))


def _small(kind: pa.DataType) -> pa.DataType:
    if pa.types.is_large_string(kind):
        return pa.string()
    if pa.types.is_dictionary(kind) and pa.types.is_large_string(kind.value_type):
        return pa.dictionary(kind.index_type, pa.string())
    return kind


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
    """CSV and XLSX of a table as shown, and what it is (extract, day, scope, definitions) as text beside the
    CSV, each made only when its button is pressed. One export id names the files and is in the XLSX's
    "about" sheet and the text; a link column holds whole addresses (on `link_base()`)."""
    source = this_run().current.source
    export = new_export_id()  # made now: it names the files, which are made on a later request
    stem = (
        f"{name}-{source.extract.extract_id}-{(filters.as_of if filters else source.extract.as_of).isoformat()}"
        f"-{export}"
    )
    # read now: the files are made on a later request, outside this script run and its session state
    header = [*export_header(source, name, filters), ("export", export)]
    frame = absolute_links(frame, link_base(settings().notify, st.context.url, this_run().path))
    box = (where or st).popover("Download", icon=":material/download:")
    box.download_button(
        "CSV",
        data=disclosed(lambda _: to_csv(frame), "export", f"{name}.csv", frame.height, export=export),
        file_name=f"{stem}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        on_click="ignore",
        help="The table alone, a header row then one row per line; what it is comes in the text file below.",
    )
    box.download_button(
        "Excel (XLSX)",
        data=disclosed(lambda _: to_xlsx(frame, header), "export", f"{name}.xlsx", frame.height, export=export),
        file_name=f"{stem}.xlsx",
        key=f"{key}_xlsx",
        on_click="ignore",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        help="The table on the first sheet; what it is, and the definitions used, on the second.",
    )
    box.download_button(
        "About this table (text)",
        data=disclosed(lambda _: to_about(header), "export", f"{name}-about.txt", 0, export=export),
        file_name=f"{stem}-about.txt",
        mime="text/plain",
        key=f"{key}_about",
        on_click="ignore",
        help="The extract, day, scope, export id and definitions of the CSV with the same name.",
    )


def link_base(notify: Notify, shown: str | None, path: str) -> str:
    """The dashboard's address that a downloaded table's links start with: `[notify] dashboard_url` when the
    settings give it, else the address the user's browser has for the dashboard (`shown`, the page's address,
    less the page's `path`): a file's links then open where its table was shown, not on the setting's
    default (localhost)."""
    shown = (shown or "").split("?", 1)[0].rstrip("/")
    if "dashboard_url" in notify.model_fields_set or not shown:
        return notify.dashboard_url
    return shown.removesuffix("/" + path) if path else shown


def absolute_links(frame: pl.DataFrame, base: str) -> pl.DataFrame:
    """`frame` with each link column (`link`, `*_link`) as a whole address on `base`: a link in a file opened
    elsewhere has no page to be relative to."""
    columns = [c for c, t in frame.schema.items() if t == pl.String and (c == "link" or c.endswith("_link"))]
    root = base.rstrip("/") + "/"
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(r"^[a-z][a-z0-9+.-]*://")).then(pl.col(c)).otherwise(root + pl.col(c)).alias(c)
        for c in columns
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
