"""Imported first by the bench: Streamlit logs errors only, before anything makes a cache.

Pages run outside a server under the bench, so Streamlit warns on every cache made and every page
run ("No runtime found", "missing ScriptRunContext"), burying the figures. The caches of
`unitload.app` are made when it is imported, so the level is set here, on import, ahead of it.
"""

import streamlit as st
from streamlit import config

config.set_option("logger.level", "error")  # outlives AppTest reading the config again
st.logger.set_log_level("error")  # the loggers already made
