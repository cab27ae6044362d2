"""The model monitoring page (a Streamlit page script run by app.py's navigation)."""

from demandcast.dashboard import model_monitoring
from demandcast.dashboard.page import run_page

run_page(model_monitoring.PAGE)
