"""The page scripts app.py's navigation runs: one per page, each rendering its module's
PageSpec (Streamlit runs a page as a script; AppTest switches to it by its path)."""
