"""The dashboard's server: Streamlit's own, serving `dashboard.py`, with one guard in front of it.

`make run` and the tests start it with `streamlit run serve.py`. The guard (unitload.access.downloads) hands an
export or a monthly pack only to the browser that asked for it, once, and writes its audit record when it is
served; Streamlit alone would serve it to anyone holding its address.
"""

import streamlit as st
from starlette.middleware import Middleware

from unitload.access.downloads import DownloadGuard

app = st.App("dashboard.py", middleware=[Middleware(DownloadGuard)])
