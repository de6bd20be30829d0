"""Links to other views and data text inside Markdown, made for every row of a frame at once."""

from urllib.parse import urlencode

import polars as pl
from streamlit.testing.v1 import AppTest

from unitload.app.text import escaped, escaped_column


def test_escaped_column_escapes_every_markdown_character_as_escaped_does():
    given = ["P1019", "O'Brien (DC)", "a_b*c*", "[x](y)", "#1 | 2", "<b>", "~$:!`{}", "back\\slash", "", None]
    got = pl.select(escaped_column(pl.Series(given))).to_series().to_list()
    assert got[:9] == [
        "P1019",
        "O'Brien \\(DC\\)",
        "a\\_b\\*c\\*",
        "\\[x\\]\\(y\\)",
        "\\#1 \\| 2",
        "\\<b\\>",
        "\\~\\$\u2060\\:\u2060\\!\\`\\{\\}",  # word joiners about a colon: no bare link
        "back\\\\slash",
        "",
    ]
    assert got[:9] == [escaped(text) for text in given[:9]]
    assert got[9] is None


def _links_page():
    import polars as pl
    import streamlit as st

    from unitload.app.share import view_link_column

    rows = pl.DataFrame({"officer": ["P1", "P 1/ä", None, "a&b=c"], "case": ["C1", None, None, "x#y"]})
    links = rows.select(view_link_column("workload", "one-officer", officer=pl.col("officer"), case=pl.col("case")))
    for link in links.to_series():
        st.text(link)


def test_a_link_keeps_this_views_choices_then_the_rows_values_encoded_and_leaves_out_a_null():
    at = AppTest.from_function(_links_page)
    at.query_params["month"] = "2026-09-30"
    at.query_params["teams"] = ["POLIT A", "POLIT-B"]
    at.query_params["officer"] = "P9"  # not a kept choice: the row's own officer is linked to
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    kept = "month=2026-09-30&teams=POLIT+A&teams=POLIT-B"
    assert [t.value for t in at.text] == [
        f"workload?{kept}&officer=P1&case=C1#one-officer",
        f"workload?{kept}&officer=P+1%2F%C3%A4#one-officer",
        f"workload?{kept}#one-officer",
        f"workload?{kept}&officer=a%26b%3Dc&case=x%23y#one-officer",
    ]
    assert (
        at.text[1].value
        == "workload?"
        + urlencode([("month", "2026-09-30"), ("teams", "POLIT A"), ("teams", "POLIT-B"), ("officer", "P 1/ä")])
        + "#one-officer"
    )


def test_exported_links_start_with_the_configured_dashboard_else_the_browsers(tmp_path):
    from unitload.app.exports import link_base
    from unitload.settings import load_settings

    (tmp_path / "set.toml").write_text('[notify]\ndashboard_url = "https://unitload.force.example"\n')
    (tmp_path / "unset.toml").write_text('[notify]\nsmtp_host = "mail.force.example"\n')
    configured, unset = (load_settings(tmp_path / f"{n}.toml").notify for n in ("set", "unset"))
    assert link_base(configured, "http://10.1.2.3:8501/workload", "workload") == "https://unitload.force.example"
    assert link_base(unset, "http://10.1.2.3:8501/workload", "workload") == "http://10.1.2.3:8501"
    assert link_base(unset, "https://host.example/unitload/cases", "cases") == "https://host.example/unitload"
    assert link_base(unset, "https://host.example/unitload/", "") == "https://host.example/unitload"  # first page
    assert link_base(unset, None, "workload") == "http://localhost:8501"  # no browser: the setting's default


def test_an_exported_link_is_a_whole_address_on_the_configured_dashboard():
    from unitload.app.exports import absolute_links

    frame = pl.DataFrame(
        {
            "link": ["cases?extract=e&case=C1#case-timeline", "https://elsewhere.example/x", None],
            "officer_link": ["workload?officer=P1#one-officer", None, None],
            "note": ["cases?not-a-link-column", None, None],
        }
    )
    got = absolute_links(frame, "https://dash.force.example/unit/")
    assert got["link"].to_list() == [
        "https://dash.force.example/unit/cases?extract=e&case=C1#case-timeline",
        "https://elsewhere.example/x",
        None,
    ]
    assert got["officer_link"][0] == "https://dash.force.example/unit/workload?officer=P1#one-officer"
    assert got["note"][0] == "cases?not-a-link-column"
