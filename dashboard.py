"""The Streamlit frame: navigation, the shared sidebar, then the selected page."""

from pathlib import Path

import streamlit as st

from unitload import app

PAGES = Path(__file__).parent / "pages"

st.set_page_config(page_title="Unit workload", page_icon=":material/assignment_ind:", layout="wide")

current = app.loaded()
app.sidebar(current)

page = st.navigation(
    [
        st.Page(
            PAGES / "data_definitions.py",
            title="Data & definitions",
            icon=":material/fact_check:",
            url_path="data",
            default=True,
        ),
    ]
)
page.run()
