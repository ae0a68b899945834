"""Structure Lab's Streamlit front end (a thin client of :mod:`engine`)."""
