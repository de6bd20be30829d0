"""The Streamlit frame: sign-in, navigation by role, the shared sidebar, then the selected page."""

from pathlib import Path

import streamlit as st

from unitload import app

PAGES = Path(__file__).parent / "pages"
REVIEW = (  # file, title, icon, url path
    ("overview.py", "Overview", ":material/dashboard:", "overview"),
    ("decisions.py", "Decisions", ":material/gavel:", "decisions"),
    ("workload.py", "Officer workload", ":material/groups:", "workload"),
    ("cases.py", "Case progression", ":material/timeline:", "cases"),
    ("forensics.py", "Forensic backlog", ":material/phone_android:", "forensics"),
    ("supervision.py", "Supervision and welfare", ":material/diversity_3:", "supervision"),
    ("planner.py", "Staffing planner", ":material/tune:", "planner"),
)

# A local icon: a ":material/...:" page icon would make browsers fetch the favicon from the internet.
st.set_page_config(page_title="Unit workload", page_icon=str(app.ICON), layout="wide")

scope = app.sign_in()  # signed out: the sign-in only, on every URL, and the run stops here
current = app.start(scope)  # this run's extract, limited to the user's scope
data = st.Page(
    PAGES / "data_definitions.py",
    title="Data & definitions",
    icon=":material/fact_check:",
    url_path="data",
    default=not current.servable,
)
pages = {"data_definitions.py": data}
if current.servable:  # an extract that failed validation gets only the page that says why
    allowed = [row for row in REVIEW if row[0] in scope.pages]  # pages follow the role
    for number, (file, title, icon, url) in enumerate(allowed):
        pages[file] = st.Page(PAGES / file, title=title, icon=icon, url_path=url, default=number == 0)
review = [pages[file] for file, *_ in REVIEW if file in pages]
# One flat list: Streamlit's section headers sit inside the navigation's <ul> as <div>s, which screen
# readers cannot read as a list (axe-core's "list" and "listitem" rules).
page = st.navigation([*review, data])
app.forward_diverted(pages, page)
file = next(f for f, p in pages.items() if p is page)
app.this_run().page = file.removesuffix(".py")  # known before the sidebar: Copy link offers the page's sections
app.this_run().path = page.url_path
app.pin_extract(current)
app.building_notice()  # an extract opened unprepared: how far its month-end figures have got
app.sidebar(current)
if current.servable:
    app.sidebar_filters(current.source)
app.run_page(page, file)
