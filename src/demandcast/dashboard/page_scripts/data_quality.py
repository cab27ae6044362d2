"""The data quality page (a Streamlit page script run by app.py's navigation)."""

from demandcast.dashboard import data_quality
from demandcast.dashboard.page import run_page

run_page(data_quality.PAGE)
