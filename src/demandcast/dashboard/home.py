"""The start page: every dashboard with the question it answers and the published tables
it reads, and the published set they show."""

from __future__ import annotations

import streamlit as st

from demandcast.dashboard import data_quality, forecast_review, model_monitoring, replenishment
from demandcast.dashboard.page import header, nothing_published, published_folder
from demandcast.dashboard.published_view import NothingPublished, SetReplaced, open_view
from demandcast.dashboard.server import PAGES

SPECS = {
    "forecast_review": forecast_review.PAGE,
    "model_monitoring": model_monitoring.PAGE,
    "data_quality": data_quality.PAGE,
    "replenishment": replenishment.PAGE,
}


def render() -> None:
    st.title("demandcast dashboards")
    folder = published_folder()
    try:
        header(open_view(folder))
    except NothingPublished:
        nothing_published(folder)
    except SetReplaced:
        st.rerun()
    for name, title in PAGES:
        spec = SPECS[name]
        st.page_link(f"page_scripts/{name}.py", label=title)
        st.markdown(
            f"{spec.question} Reads " + ", ".join(f"`{table}`" for table in spec.tables) + "."
        )
