"""Decisions: what was decided on attention items, by whom it must be done, and whether it was, from the data."""

import polars as pl
import streamlit as st

from unitload import app
from unitload.charts import decisions as decision_charts
from unitload.months import month_end_days

app.require_frame(__file__)

page = app.figure_page("Decisions")
source, filters = page.source, page.filters
scope = app.this_run().scope
found = app.decisions_visible(page.query("decision_status", as_of=filters.as_of), scope)
st.caption(
    "Each decision's status is taken from the extract on the day in view (a reallocation, an action, a supervision "
    "row), never from anyone's say-so. "
    + ("" if app.may_record(scope) else "You see decisions read-only; line managers record them. ")
    + page.term_on_the_day("decision status")
)
if found.is_empty():
    st.info("No decision has been recorded on an item of this view by this day.", icon=":material/gavel:")
    st.stop()

latest = app.with_status_words(found.filter(pl.col("latest")))
month = filters.as_of.replace(day=1)
counts = {s: latest.filter(pl.col("status") == s).height for s in ("overdue", "open", "accepted", "review_due")}
counts["done"] = latest.filter((pl.col("status") == "done") & (pl.col("done_on") >= month)).height
for tile, (status, label) in zip(
    app.tiles(5),
    [("overdue", "Overdue"), ("open", "Open"), ("done", "Done this month"), ("review_due", "Review due"),
     ("accepted", "Accepted")],
    strict=True,
):  # fmt: skip
    tile.metric(label, counts[status], border=True, help=page.term_on_the_day("decision status"))
(st.error if counts["overdue"] else st.success)(
    f"{counts['overdue']} decision(s) overdue on {filters.as_of:%d %b %Y}." if counts["overdue"] else "None overdue.",
    icon=":material/gavel:",
)

st.header("By owner and team")
teams = page.query("officer_load", as_of=filters.as_of).select(pl.col("officer_id").alias("owner_id"), "team")
owners = page.with_names(latest.join(teams, on="owner_id", how="left"), "owner_id", "owner")
rollup = (
    owners.group_by("owner", pl.col("team").fill_null("not in post"))
    .agg(
        overdue=(pl.col("status") == "overdue").sum(),
        open=(pl.col("status") == "open").sum(),
        done_this_month=((pl.col("status") == "done") & (pl.col("done_on") >= month)).sum(),
        review_due=(pl.col("status") == "review_due").sum(),
    )
    .sort("overdue", "open", descending=True)
)
page.table(rollup, key="decisions_owners", name="Decisions by owner and team")

st.header("Overdue and open")
waiting = owners.filter(pl.col("status").is_in(["overdue", "open", "review_due"])).sort("due_on")
page.table(
    waiting.select(
        "decision_id", "item", pl.coalesce("case_id", "officer_id").alias("item_id"), "action", "to_officer", "owner",
        "decided_on", "due_on", "status_words", "decided_by",
    ),
    key="decisions_waiting",
    name="Decisions overdue and open",
    column_config={"status_words": st.column_config.TextColumn("status", width="medium")},
)  # fmt: skip

st.header("Done by the due day, month by month")
ends = sorted(month_end_days(filters.as_of, 12))
due = found.filter(~pl.col("action").is_in(["accept", "reduce_load"])).with_columns(
    month=pl.col("due_on").dt.month_start(),
    on_time=(pl.col("status") == "done") & (pl.col("done_on") <= pl.col("due_on")),
)
monthly = (
    pl.DataFrame({"month": [d.replace(day=1) for d in ends]})
    .join(due.group_by("month").agg(due=pl.len(), on_time=pl.col("on_time").sum()), on="month", how="left")
    .with_columns(pl.col("due", "on_time").fill_null(0).cast(pl.Int64))
)
page.chart(decision_charts.on_time(monthly), key="decisions_on_time", what="Decisions done by their due day")
st.caption(
    "Decisions due in each of the last 12 months (reduce load and accept have no day of their own, so they are "
    "left out), and the share done on or before their due day, as the extract shows it now."
)

st.header("An item's decisions", anchor="history")
items = latest.select(pl.format("{} {}", "item", pl.coalesce("case_id", "officer_id")).alias("key"))["key"]
chosen = st.selectbox("Item", sorted(items.to_list()), index=None, key="decision_item", bind="query-params")
if chosen:
    kind, key = chosen.split(" ", 1)
    column = "case_id" if kind == "case" else "officer_id"
    history = app.with_status_words(found.filter((pl.col("item") == kind) & (pl.col(column) == key)))
    page.table(
        history.sort("decision_id", descending=True).select(
            "decision_id", pl.when(pl.col("latest")).then(pl.lit("in force")).otherwise(pl.lit("superseded"))
            .alias("standing"), "action", "to_officer", "owner_id", "decided_on", "due_on", "status_words",
            "decided_by", "note", "recorded_at",
        ),
        key="decisions_history",
        name=f"Decisions on {chosen}",
        column_config={"status_words": st.column_config.TextColumn("status", width="medium")},
    )  # fmt: skip
    st.caption(f"Every decision recorded on {app.escaped(chosen)} by {filters.as_of:%d %b %Y}, the latest first.")
