"""Data quality: where every input row went (clean, quarantined, beyond the as-of date),
the quarantine by reason with example rows, missing periods per store over time, store
freshness, the least complete series and the metrics of every run (exposure
data_quality)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from demandcast.dashboard import charts
from demandcast.dashboard.page import PageSpec, chart, empty, table
from demandcast.dashboard.published_view import PublishedView

TABLES = (
    "stg_row_accounting",
    "dq_run_metrics",
    "dq_quarantine_samples",
    "dq_store_missing_periods",
    "dq_store_freshness",
    "dq_series_completeness",
)
ROW_FATES = ("clean_rows", "quarantined_rows", "beyond_as_of_rows")
RUN_METRICS = ("raw_rows", "clean_rows", "quarantined_rows")
HEATMAP_VALUES = ("share_of_series_missing", "series_no_data_arrived", "series_absent")
# Periods the heatmap shows by default (the latest ones; the slider reaches back).
DEFAULT_HEATMAP_PERIODS = 182
WORST_SERIES = 20
STALE_COLOURS = {False: "#4c78a8", True: "#e45756"}


@dataclass(frozen=True)
class Quality:
    """The page's rows, as published (selected and ordered, never recomputed)."""

    accounting: pd.DataFrame  # stg_row_accounting, by input
    fates: pd.DataFrame  # the same, one row per input and fate (for the stacked bars)
    reasons: pd.DataFrame  # this run's quarantined_rows_by_reason (dq_run_metrics)
    samples: pd.DataFrame  # dq_quarantine_samples
    missing: pd.DataFrame  # dq_store_missing_periods
    freshness: pd.DataFrame  # dq_store_freshness, by store
    worst_series: pd.DataFrame  # dq_series_completeness, least complete first
    runs: pd.DataFrame  # dq_run_metrics raw / clean / quarantined rows of every run


def load(view: PublishedView) -> Quality:
    accounting = view.read("stg_row_accounting").sort_values("input_name")
    fates = accounting.melt(
        id_vars=["input_name"], value_vars=list(ROW_FATES), var_name="fate", value_name="rows"
    )
    metrics = view.read("dq_run_metrics")
    this_run = _this_run(view, metrics)
    reasons = metrics[
        (metrics["invocation_id"] == this_run)
        & (metrics["metric_name"] == "quarantined_rows_by_reason")
    ].rename(columns={"scope": "reason_code", "metric_value": "quarantined_rows"})
    runs = metrics[metrics["metric_name"].isin(RUN_METRICS) & (metrics["scope"] == "all")]
    completeness = view.read("dq_series_completeness").sort_values(
        ["share_of_periods_with_rows", "store_id", "item_id"]
    )
    return Quality(
        accounting=accounting.reset_index(drop=True),
        fates=fates.reset_index(drop=True),
        reasons=reasons.sort_values(["input_name", "reason_code"]).reset_index(drop=True),
        samples=view.read("dq_quarantine_samples").sort_values(
            ["input_name", "reason_code", "sample_rank"]
        ),
        missing=view.read("dq_store_missing_periods").sort_values(["store_id", "period_end_date"]),
        freshness=view.read("dq_store_freshness").sort_values("store_id"),
        worst_series=completeness.head(WORST_SERIES).reset_index(drop=True),
        runs=runs.sort_values(["run_started_at", "input_name", "metric_name"]),
    )


def _this_run(view: PublishedView, metrics: pd.DataFrame) -> str | None:
    """The run that published the set (its manifest's run id); else the latest run."""
    if view.run_id and (metrics["invocation_id"] == view.run_id).any():
        return view.run_id
    if metrics.empty:
        return None
    return str(metrics.sort_values("run_started_at")["invocation_id"].iloc[-1])


def render(view: PublishedView) -> None:
    data = load(view)
    st.header("Where every input row went")
    st.markdown(
        "raw_rows = clean_rows + quarantined_rows + beyond_as_of_rows per input "
        "(stg_row_accounting; tested in every build)."
    )
    chart(
        charts.bars(data.fates, "input_name", "rows", colour="fate", sort=None),
        key="row_accounting_chart",
    )
    table(data.accounting, key="row_accounting")

    st.header("Quarantine by reason")
    if data.reasons.empty:
        st.success("No row was quarantined in this run.")
    else:
        chart(
            charts.bars(data.reasons, "reason_code", "quarantined_rows", colour="input_name"),
            key="quarantine_chart",
        )
        _samples(data)

    st.header("Missing periods per store")
    _heatmap(data)

    st.header("Freshness per store")
    st.markdown(
        "Days from each store's latest sales date to the as-of date; stale above "
        "allowed_lag_days (dq_store_freshness)."
    )
    chart(
        charts.dots(
            data.freshness,
            "store_id",
            "lag_days",
            colour="is_stale",
            colours=STALE_COLOURS,
            tooltip=["latest_sales_date", "allowed_lag_days"],
        ),
        key="freshness_chart",
    )
    table(data.freshness, key="freshness")

    st.header("Least complete series")
    st.markdown("share_of_periods_with_rows, lowest first (dq_series_completeness).")
    table(data.worst_series, key="worst_series")

    st.header("Every run")
    if data.runs["invocation_id"].nunique() < 2:
        empty(
            "dq_run_metrics holds this run only: it gains every build's rows. Replay past "
            "as-of dates to compare runs:",
            "make replay",
        )
    runs = data.runs.assign(line=data.runs["input_name"] + " " + data.runs["metric_name"])
    chart(
        charts.lines_over_time(runs, "run_started_at", "metric_value", "line", height=240),
        key="runs_chart",
    )


def _samples(data: Quality) -> None:
    left, right = st.columns(2)
    inputs = sorted(data.reasons["input_name"].unique())
    input_name = left.selectbox("Input", inputs, key="quality_input")
    codes = data.reasons.loc[data.reasons["input_name"] == input_name, "reason_code"].tolist()
    reason = right.selectbox("Reason", codes, key="quality_reason")
    rows = data.samples[
        (data.samples["input_name"] == input_name) & (data.samples["reason_code"] == reason)
    ]
    st.markdown(
        f"Example rows of `{input_name}` quarantined as `{reason}`, with their raw values "
        "(dq_quarantine_samples: the first rows by file and row number)."
    )
    table(
        rows,
        ["sample_rank", "source_file", "source_row_number", "raw_values", "reason_detail"],
        key="quarantine_samples",
    )


def _heatmap(data: Quality) -> None:
    if data.missing.empty:
        empty("dq_store_missing_periods has no row: no store has a sales row.")
        return
    left, right = st.columns(2)
    value = left.selectbox("Colour", HEATMAP_VALUES, key="quality_heatmap_value")
    periods = sorted(data.missing["period_end_date"].unique())
    shown = len(periods)
    if len(periods) > 1:
        shown = right.slider(
            "Latest periods shown",
            min_value=1,
            max_value=len(periods),
            value=min(len(periods), DEFAULT_HEATMAP_PERIODS),
            key="quality_heatmap_periods",
        )
    recent = data.missing[data.missing["period_end_date"] >= periods[-shown]]
    st.markdown(
        "Series of the store missing each period: no_data_arrived (the store's batch is "
        "missing) and series_absent (the store reported, the series did not), out of the "
        "series in their active range (dq_store_missing_periods)."
    )
    chart(
        charts.heatmap(
            recent,
            "period_end_date",
            "store_id",
            value,
            tooltip=["series_in_active_range", "series_no_data_arrived", "series_absent"],
        ),
        key="missing_periods_chart",
    )


PAGE = PageSpec(
    title="Data quality",
    question="Where did every input row go, why were rows quarantined, and which stores "
    "have gaps or stale data?",
    tables=TABLES,
    render=render,
)
