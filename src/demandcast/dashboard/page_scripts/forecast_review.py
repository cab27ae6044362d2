"""The forecast review page (a Streamlit page script run by app.py's navigation)."""

from demandcast.dashboard import forecast_review
from demandcast.dashboard.page import run_page

run_page(forecast_review.PAGE)
