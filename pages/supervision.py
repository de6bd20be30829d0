"""Supervision and welfare: whether the people behind the workload are being seen (dates and kinds only)."""

import polars as pl
import streamlit as st

from unitload import app

app.require_frame(__file__)

page = app.figure_page("Supervision and welfare")
source, filters, settings = page.source, page.filters, page.settings
if "supervision" not in source.present:
    st.info(
        "This extract has no supervision table, so supervision cadence cannot be shown. The rest of the "
        "dashboard is unaffected. The table is optional in the data contract: officer_id, supervisor_id, "
        "held_on and kind (dates and kinds only, never content)."
    )
    st.stop()
st.caption(
    "Only the dates and kinds of supervision, welfare checks, assessments and action plans are held; "
    "never what was said."
)

st.header("At risk and not being seen")
risk = app.query(source, "at_risk", **filters.params)
if risk.is_empty():
    st.success("Nobody in this scope is overloaded or holding unprogressed cases with an overdue supervision.")
else:
    shown = app.with_names(source, app.with_names(source, risk), "supervisor_id", "sergeant").with_columns(
        link=app.view_link_column("workload", "one-officer", officer=pl.col("officer_id"))
    )
    page.table(
        shown.select(
            "officer",
            "team",
            "sergeant",
            "why",
            "load_pct",
            "unprogressed_cases",
            "days_since_supervision",
            "days_since_welfare",
            "link",
        ),
        row_height=72,
        key="supervision_risk",
        name="At risk and not being seen",
        column_config={
            "load_pct": st.column_config.NumberColumn("load %", format="%.0f %%", help=page.term("load_pct")),
            "why": st.column_config.TextColumn("why", width="large", help=page.term("at risk, unsupervised")),
            "days_since_supervision": st.column_config.NumberColumn(
                "days since supervision", help=page.term("supervision overdue")
            ),
            "days_since_welfare": st.column_config.NumberColumn(
                "days since a welfare check", help=page.term("welfare contact overdue")
            ),
            "link": st.column_config.LinkColumn("workload", display_text="open officer ›"),
        },
    )
    st.caption(
        f"{risk.height} officers, most worrying first: long-term absent with no welfare contact, sustained overload, "
        "then the longest drift and gap. This is what an inspector looks for that their sergeants may not have seen."
    )

st.header("By sergeant and inspector")
rollup = app.query(source, "supervision_rollup", **filters.params)
rollup = app.with_names(
    source, app.with_names(source, rollup, "inspector_id", "inspector"), "supervisor_id", "line manager"
)
page.table(
    rollup.select(
        "level",
        "inspector",
        "line manager",
        "officers",
        "supervision_overdue",
        "assessment_overdue",
        "open_action_plans",
        "longest_unsupervised",
    ),
    key="supervision_rollup",
    name="Supervision by sergeant and inspector",
    column_config={
        "supervision_overdue": st.column_config.NumberColumn(
            "supervision overdue", help=page.term("supervision overdue")
        ),
        "assessment_overdue": st.column_config.NumberColumn("assessment overdue", help=page.term("assessment overdue")),
        "open_action_plans": st.column_config.NumberColumn("open action plans", help=page.term("open action plan")),
        "longest_unsupervised": st.column_config.NumberColumn("longest gap (days)"),
    },
)

st.header("Every officer")
status = app.with_names(source, app.query(source, "supervision_status", **filters.params))
page.table(
    status.select(
        "officer",
        "team",
        "role",
        "last_supervision_on",
        "days_since_supervision",
        "supervision_overdue",
        "long_term_absent",
        "last_welfare_on",
        "days_since_welfare",
        "welfare_contact_overdue",
        "last_assessment_on",
        "assessment_overdue",
        "open_action_plans",
        "action_plan_age_days",
    ).sort("days_since_supervision", descending=True),
    key="supervision_status",
    name="Every officer's supervision",
    column_config={
        "supervision_overdue": st.column_config.CheckboxColumn(
            "supervision overdue", help=page.term("supervision overdue")
        ),
        "assessment_overdue": st.column_config.CheckboxColumn(
            "assessment overdue", help=page.term("assessment overdue")
        ),
        "long_term_absent": st.column_config.CheckboxColumn("long-term absent", help=page.term("long-term absent")),
        "welfare_contact_overdue": st.column_config.CheckboxColumn(
            "welfare contact overdue", help=page.term("welfare contact overdue")
        ),
        "open_action_plans": st.column_config.NumberColumn("open action plans", help=page.term("open action plan")),
    },
)
definitions_box = st.expander("Definitions")
for name in (
    "supervision overdue",
    "assessment overdue",
    "open action plan",
    "welfare contact overdue",
    "at risk, unsupervised",
):
    definitions_box.markdown(f"**{name}**: {page.term(name)}")
