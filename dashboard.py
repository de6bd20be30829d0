"""The Streamlit frame: navigation, the shared sidebar, then the selected page."""

from pathlib import Path

import streamlit as st

from unitload import app

PAGES = Path(__file__).parent / "pages"

st.set_page_config(page_title="Unit workload", page_icon=":material/assignment_ind:", layout="wide")

current = app.loaded()
pages = {
    "overview.py": st.Page(
        PAGES / "overview.py",
        title="Overview",
        icon=":material/dashboard:",
        url_path="overview",
        default=current.servable,
    ),
    "workload.py": st.Page(
        PAGES / "workload.py", title="Officer workload", icon=":material/groups:", url_path="workload"
    ),
    "data_definitions.py": st.Page(
        PAGES / "data_definitions.py",
        title="Data & definitions",
        icon=":material/fact_check:",
        url_path="data",
        default=not current.servable,
    ),
}
if not current.servable:  # figures are withheld: only the page that says why
    pages = {"data_definitions.py": pages["data_definitions.py"]}
sections = {
    "Monthly review": [pages[p] for p in ("overview.py", "workload.py") if p in pages],
    "Reference": [pages["data_definitions.py"]],
}
page = st.navigation({k: v for k, v in sections.items() if v})
app.forward_diverted(pages, page)
app.sidebar(current)
if current.servable:
    app.sidebar_filters(current.source)
app.run_page(page)
