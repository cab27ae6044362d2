"""Forecast review: one series (a store and item) or a store's total, its recent actuals,
the published forecast with its 80% and 95% bands, both baselines, the model and version
that made it and why the segment's backtest chose it, and the earlier published forecasts
against what happened (exposure forecast_review)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from demandcast.dashboard import charts
from demandcast.dashboard.page import PageSpec, chart, empty, table
from demandcast.dashboard.published_view import PublishedView

TABLES = (
    "fct_forecasts",
    "fct_forecast_history",
    "fct_recent_actuals",
    "fct_store_recent_actuals",
    "fct_store_forecast_history",
    "model_selection",
)
# The item choice that shows the store's total.
STORE_TOTAL = "(store total)"
# Earlier origins overlaid by default: the latest few (more are a choice away).
DEFAULT_EARLIER_ORIGINS = 3
# Actuals shown by default: this many horizons' worth of the latest periods (the slider
# reaches back to every published one).
DEFAULT_HISTORY_HORIZONS = 3
# The rows behind the chart, as a table: the chart's columns and the horizon step.
FORECAST_COLUMNS = ["horizon_step", *charts.FORECAST_COLUMNS]
TOTAL_COLUMNS = ["horizon_step", *charts.TOTAL_COLUMNS, "series_count"]
SELECTION_COLUMNS = [
    "model_name",
    "model_version",
    "selection_rank",
    "is_selected",
    "is_eligible",
    "backtest_wape",
    "backtest_rows",
    "backtest_origins",
    "selection_rule",
]


@dataclass(frozen=True)
class Review:
    """What the page shows for one series or store total, as published."""

    store_id: str
    item_id: str | None  # None: the store's total
    origin: pd.Timestamp | None
    forecast: pd.DataFrame  # the latest origin's rows, by target_date
    actuals: pd.DataFrame  # recent actuals, by period_end_date
    earlier: pd.DataFrame  # forecasts of earlier origins, by origin and target_date
    selection: pd.DataFrame  # model_selection rows of the series' segment, best first


def series_index(view: PublishedView) -> pd.DataFrame:
    """Every store_id, item_id with a published forecast, sorted."""
    keys = view.read("fct_forecasts", columns=["store_id", "item_id"]).drop_duplicates()
    return keys.sort_values(["store_id", "item_id"]).reset_index(drop=True)


def load_series(view: PublishedView, store_id: str, item_id: str) -> Review:
    """One series: its fct_forecasts rows, fct_recent_actuals rows, the earlier origins
    of fct_forecast_history and its segment's model_selection rows."""
    key = {"store_id": store_id, "item_id": item_id}
    forecast = view.read("fct_forecasts", key).sort_values("target_date")
    origin = _origin(forecast)
    history = view.read("fct_forecast_history", key)
    selection = pd.DataFrame(columns=SELECTION_COLUMNS)
    if len(forecast):
        segment = forecast["segment_id"].iloc[0]
        selection = view.read("model_selection", {"segment_id": segment})
        selection = selection.sort_values("selection_rank").reset_index(drop=True)
    return Review(
        store_id=store_id,
        item_id=item_id,
        origin=origin,
        forecast=forecast.reset_index(drop=True),
        actuals=_by(view.read("fct_recent_actuals", key), "period_end_date"),
        earlier=_earlier(history, origin),
        selection=selection,
    )


def load_store_total(view: PublishedView, store_id: str) -> Review:
    """A store's total: fct_store_recent_actuals, and fct_store_forecast_history at the
    latest origin (fct_forecasts') and at the earlier ones."""
    key = {"store_id": store_id}
    origin = _origin(view.read("fct_forecasts", key, columns=["forecast_origin_date"]))
    totals = view.read("fct_store_forecast_history", key)
    latest = totals[totals["forecast_origin_date"] == origin] if origin is not None else totals[:0]
    return Review(
        store_id=store_id,
        item_id=None,
        origin=origin,
        forecast=_by(latest, "target_date"),
        actuals=_by(view.read("fct_store_recent_actuals", key), "period_end_date"),
        earlier=_earlier(totals, origin),
        selection=pd.DataFrame(columns=SELECTION_COLUMNS),
    )


def _origin(forecast: pd.DataFrame) -> pd.Timestamp | None:
    origins = forecast["forecast_origin_date"].dropna().unique()
    return pd.Timestamp(max(origins)) if len(origins) else None


def _by(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    return frame.sort_values(list(columns)).reset_index(drop=True)


def _earlier(history: pd.DataFrame, origin: pd.Timestamp | None) -> pd.DataFrame:
    """Forecasts of the origins before ``origin`` (a replay of an older date may have
    left later ones in the history: those are not earlier forecasts of this one)."""
    if origin is None:
        return history[:0]
    earlier = history[history["forecast_origin_date"] < origin]
    return _by(earlier, "forecast_origin_date", "target_date")


def render(view: PublishedView) -> None:
    index = series_index(view)
    if index.empty:
        empty("fct_forecasts has no row: this build published no forecast.", "make demo")
        return
    left, right = st.columns(2)
    stores = sorted(index["store_id"].unique())
    store_id = left.selectbox("Store", stores, key="review_store")
    items = index.loc[index["store_id"] == store_id, "item_id"].tolist()
    item = right.selectbox("Item", [STORE_TOTAL, *items], index=1, key="review_item")
    if item == STORE_TOTAL:
        review = load_store_total(view, store_id)
    else:
        review = load_series(view, store_id, item)
    if review.forecast.empty:
        empty(f"No published forecast for {store_id} {item} at the latest origin.")
        return
    _summary(review)
    earlier = _choose_earlier(review)
    actuals = _recent(review)
    chart(
        charts.forecast_chart(
            actuals[["period_end_date", "quantity"]],
            review.forecast[
                list(charts.FORECAST_COLUMNS if review.item_id else charts.TOTAL_COLUMNS)
            ],
            earlier[["forecast_origin_date", "target_date", "predicted_quantity"]],
            bands=review.item_id is not None,
        ),
        key="review_chart",
    )
    if review.item_id is None:
        st.caption(
            "The store total is the sum of its series' forecasts and actuals "
            "(fct_store_forecast_history, fct_store_recent_actuals). It has no bands: "
            "interval bounds do not add up (a sum of quantiles is no quantile of the sum)."
        )
    else:
        st.subheader("Why this model")
        st.markdown(
            "The segment's candidates ranked on identical backtest rows "
            "(model_selection); `selection_rule` says which rule chose."
        )
        table(review.selection, SELECTION_COLUMNS, key="review_selection")
    with st.expander("The published rows behind the chart"):
        columns = FORECAST_COLUMNS if review.item_id is not None else TOTAL_COLUMNS
        table(review.forecast, columns, key="review_forecast_rows")
        table(review.actuals, key="review_actual_rows")


def _recent(review: Review) -> pd.DataFrame:
    """The latest actuals the chart shows (a choice among the published ones)."""
    periods = review.actuals["period_end_date"].nunique()
    if periods < 2:
        return review.actuals
    shown = st.slider(
        "Periods of actuals shown",
        min_value=1,
        max_value=periods,
        value=min(periods, DEFAULT_HISTORY_HORIZONS * len(review.forecast)),
        key="review_history_periods",
    )
    first = sorted(review.actuals["period_end_date"].unique())[-shown]
    return review.actuals[review.actuals["period_end_date"] >= first]


def _summary(review: Review) -> None:
    first = review.forecast.iloc[0]
    columns = st.columns(3)
    columns[0].metric("Forecast origin", f"{review.origin:%Y-%m-%d}" if review.origin else "-")
    if review.item_id is None:
        columns[1].metric("Series in the total", f"{int(first['series_count'])}")
        return
    columns[1].metric("Model", str(first["model_name"]))
    chosen = review.selection[review.selection["is_selected"].fillna(False).astype(bool)]
    if chosen.empty:
        st.caption(f"Version `{first['model_version']}`.")
        return
    row = chosen.iloc[0]
    columns[2].metric("Segment's backtest WAPE", f"{row['backtest_wape']:.3f}")
    st.caption(
        f"Version `{first['model_version']}`. Segment `{first['segment_id']}`: "
        f"`{row['model_name']}` chosen by `{row['selection_rule']}` (rank "
        f"{int(row['selection_rank'])} of {len(review.selection)} candidates on "
        f"{int(row['backtest_origins'])} backtest origins)."
        + (
            ""
            if bool(first["is_selected_model"])
            else f" The series is forecast by `{first['model_name']}`: the chosen model "
            "has no forecast for it."
        )
    )


def _choose_earlier(review: Review) -> pd.DataFrame:
    origins = sorted(review.earlier["forecast_origin_date"].unique())
    if not origins:
        empty(
            "No earlier published forecast to set against the actuals yet: "
            "fct_forecast_history gains one origin per build. Replay past as-of dates "
            "to fill it:",
            "make replay",
        )
        return review.earlier
    labels = {f"{pd.Timestamp(origin):%Y-%m-%d}": origin for origin in origins}
    chosen = st.multiselect(
        "Earlier forecasts (origin) against the actuals",
        list(labels),
        default=list(labels)[-DEFAULT_EARLIER_ORIGINS:],
        key=f"review_origins_{review.store_id}_{review.item_id}",
    )
    picked = [labels[label] for label in chosen]
    return review.earlier[review.earlier["forecast_origin_date"].isin(picked)]


PAGE = PageSpec(
    title="Forecast review",
    question="What will a store and item sell, how sure is the forecast, and how did "
    "earlier forecasts turn out?",
    tables=TABLES,
    render=render,
)
