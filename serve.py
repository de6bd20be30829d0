"""The dashboard's server: Streamlit's own, serving `dashboard.py`, with one guard in front of it.

`make run` and the tests start it with `streamlit run serve.py`. The guard (unitload.access.downloads) hands an
export or a monthly pack only to the browser that asked for it, once, and writes its audit record when it is
served; Streamlit alone would serve it to anyone holding its address. The pin (unitload.app.pinning) adds the
served extract to a page's address before the page loads, so that a link's #section survives.

`pages/` beside the frame holds the pages that `st.navigation` in dashboard.py lists. Streamlit takes such a folder
for its first multipage mode until some session has run `st.navigation`, so a new server's very first request for
a page ran that page alone, then was forwarded to the frame (frame.require_frame), and the forwarding dropped the
link's #section. The mode is set here, before the first session, as `st.navigation` itself sets it.

PyArrow is loaded here, before any session: a page's queries then take their rows as Arrow from the statement they
ran (queries.runner.run_sql), where a command without PyArrow reads them through a relation planned twice.

A server that seems stuck can be asked what it is doing: `kill -USR1 <pid>` writes every thread's stack to its
output, and the server goes on (the browser tests ask it so of their servers when a test fails).
"""

import faulthandler
import signal

import pyarrow  # noqa: F401 - before the first session, so that queries.runner plans each statement once
import streamlit as st
from starlette.middleware import Middleware
from streamlit.runtime.pages_manager import PagesManager

from unitload.access.downloads import DownloadGuard
from unitload.app.pinning import PinExtract

faulthandler.register(signal.SIGUSR1, all_threads=True)
PagesManager.uses_pages_directory = False  # st.navigation's pages, from the first request on

app = st.App("dashboard.py", middleware=[Middleware(DownloadGuard), Middleware(PinExtract)])
