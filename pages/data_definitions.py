"""Data & definitions: what the extract holds, whether it passed validation, and what every figure means."""

import polars as pl
import streamlit as st

from queries import load_query, query_names
from unitload import app
from unitload.access.scope import visible_settings
from unitload.extract.schema import TABLES
from unitload.review.definitions import definitions

app.require_frame(__file__)

st.title("Data & definitions")
current = app.loaded()
if current.source is None:
    st.error(app.escaped(current.problem))
    st.stop()
source = current.source
extract = source.extract

st.header("Extract")
st.subheader(app.escaped(extract.extract_id))
middle, right = st.columns(2)
middle.metric(
    "Extracted", extract.extracted_at.strftime("%d %b %Y %H:%M") if extract.extracted_at else "unknown", border=True
)
right.metric("As-of day", extract.as_of.strftime("%d %b %Y") if extract.as_of else "unknown", border=True)
st.caption(f"Source: {app.escaped(extract.source or 'not stated')}. Folder: {app.escaped(extract.root.name)}")

counts = {}
if source.usable:
    counts = dict(app.query(source, "table_counts").iter_rows())
rows = []
for table in TABLES:
    entry = extract.tables.get(table.name)
    files = extract.files(table.name)
    rows.append(
        {
            "table": table.name,
            "required": table.required,
            "files": ", ".join(str(p.relative_to(extract.root)) for p in files) or "absent (optional)",
            "rows read": counts.get(table.name) if table.name in source.present else None,
            "rows in manifest": entry.rows if entry else None,
        }
    )
app.table(pl.DataFrame(rows), key="data_tables", name="The extract's tables", filters=None)

st.header("Validation")
errors = [f for f in current.findings if f.severity == "error"]
if not current.findings:
    st.success(
        "Every check passed: required tables and columns, types, nulls, accepted values, unique keys, "
        "references, overlapping contracts, one officer in charge a day, stage order, dates, manifest."
    )
else:
    if errors:
        st.error(f"{len(errors)} error(s): no figures are drawn from this extract until they are fixed.")
    else:
        st.warning(f"{len(current.findings)} warning(s): figures are drawn, but check these rows.")
    app.table(
        pl.DataFrame([f.as_dict() | {"examples": ", ".join(f.examples)} for f in current.findings]),
        key="data_findings",
        name="Validation findings",
        filters=None,
    )

st.header("Definitions")
st.caption("Worded with the settings in force; every page and export uses these same values.")
terms = pl.DataFrame([{"term": d.term, "definition": d.text} for d in definitions(source.settings)])
st.table(terms, alt="Definitions of the terms used")
app.downloads(terms, "definitions", key="data_definitions", filters=None)

st.expander("Settings in force").json(visible_settings(source.settings, app.this_run().scope))

catalogue = pl.DataFrame(
    [
        {
            "query": n,
            "purpose": load_query(n).purpose,
            "grain": load_query(n).grain,
            "columns": ", ".join(load_query(n).columns),
        }
        for n in query_names()
    ]
)
app.table(
    catalogue,
    key="data_queries",
    name="Named queries",
    where=st.expander("Named queries (also callable as `unitload query NAME`)"),
    filters=None,
)
