"""Structure Lab: the Streamlit entry point (``streamlit run app/streamlit_app.py``)."""

from __future__ import annotations

import streamlit as st

from app import session_store, state

st.set_page_config(page_title="Structure Lab", layout="wide")
# the URL's session key, and after a reload the values the session had
session_store.keep_session()
state.keep_widget_values()

with st.sidebar:
    st.number_input(
        "Seed",
        min_value=0,
        max_value=2**31 - 1,
        value=int(state.get(state.SEED, 0)),
        step=1,
        key="seed_input",
        help="Every fit started from the app uses this seed; results record it.",
        on_change=lambda: state.put(state.SEED, int(st.session_state.seed_input)),
    )

# Each page is a file in views/ that defines render() and calls it when run as a
# script; AppTest switches pages with at.switch_page("views/<name>.py").
pages = [
    st.Page("views/data.py", title="Data", icon=":material/table:", default=True),
    st.Page(
        "views/causal.py", title="Causal discovery", icon=":material/account_tree:"
    ),
    st.Page(
        "views/explain.py", title="Explain a classifier", icon=":material/insights:"
    ),
    st.Page("views/graph.py", title="Learn a graph", icon=":material/hub:"),
]
try:
    st.navigation(pages).run()
finally:  # also when the page stops or reruns early
    session_store.save_session()
