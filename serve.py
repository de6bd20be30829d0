"""The dashboard's server: Streamlit's own, serving `dashboard.py`, with one guard in front of it.

`make run` and the tests start it with `streamlit run serve.py`. The guard (unitload.access.downloads) hands an
export or a monthly pack only to the browser that asked for it, once, and writes its audit record when it is
served; Streamlit alone would serve it to anyone holding its address. The pin (unitload.app.pinning) adds the
served extract to a page's address before the page loads, so that a link's #section survives.
"""

import streamlit as st
from starlette.middleware import Middleware

from unitload.access.downloads import DownloadGuard
from unitload.app.pinning import PinExtract

app = st.App("dashboard.py", middleware=[Middleware(DownloadGuard), Middleware(PinExtract)])
