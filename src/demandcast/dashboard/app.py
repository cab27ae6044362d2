"""The dashboards' entry script: ``streamlit run app.py -- --published FOLDER`` (``make
dashboard``, ``demandcast dashboard``). One page per exposure of models/exposures.yml, at
``/<exposure name>``; each is a script in page_scripts/ that renders its module's
PageSpec. The start page (``/``) lists them (Streamlit serves the default page at the
root, so no dashboard is the default: each keeps its own address)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from demandcast.dashboard.server import PAGES

PAGE_SCRIPTS = Path(__file__).resolve().parent / "page_scripts"

st.set_page_config(page_title="demandcast dashboards", layout="wide")
navigation = st.navigation(
    [
        st.Page(PAGE_SCRIPTS / "home.py", title="Dashboards", default=True),
        *[
            st.Page(PAGE_SCRIPTS / f"{name}.py", title=title, url_path=name)
            for name, title in PAGES
        ],
    ]
)
navigation.run()
