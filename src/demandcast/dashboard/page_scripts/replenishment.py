"""The replenishment page (a Streamlit page script run by app.py's navigation)."""

from demandcast.dashboard import replenishment
from demandcast.dashboard.page import run_page

run_page(replenishment.PAGE)
