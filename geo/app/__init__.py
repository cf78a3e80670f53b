"""The Streamlit dashboard as panels; dashboard.py wires them (one call each).

Each panel is one module with one entry function. It owns its session-state keys: they
are constants in its module (`KEYS` lists them all; no other module names them), and what
other panels need from it is returned or offered as a function (e.g. the FilterState from
`filters.sidebar`, `selection.select`). The logic behind the widgets lives below the app,
in geo.view, where it is tested without Streamlit; geo/app/data.py is the one place the
app reads the database.
"""
