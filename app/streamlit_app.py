"""Structure Lab: the Streamlit entry point (``streamlit run app/streamlit_app.py``)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from app import state

st.set_page_config(page_title="Structure Lab", layout="wide")

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
PAGES = [
    ("views/data.py", "Data", ":material/table:"),
    ("views/causal.py", "Causal discovery", ":material/hub:"),
]
# A page whose file is not there yet (branches land separately) is left out.
_here = Path(__file__).parent
pages = [
    st.Page(path, title=title, icon=icon, default=k == 0)
    for k, (path, title, icon) in enumerate(p for p in PAGES if (_here / p[0]).exists())
]
st.navigation(pages).run()
