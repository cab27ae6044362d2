"""Model monitoring: the alerts of this run and of past runs, accuracy of the published
forecasts over time by model and version (WAPE, bias, coverage, value added against the
seasonal naive), live against backtest accuracy, feature drift, and the registry's
training log (exposure model_monitoring)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from demandcast.dashboard import charts
from demandcast.dashboard.page import PageSpec, chart, empty, table
from demandcast.dashboard.published_view import PublishedView

TABLES = (
    "monitoring_alerts",
    "alert_history",
    "forecast_accuracy",
    "backtest_metrics",
    "monitoring_drift",
    "model_registry",
    "model_training_log",
)
# The aggregate rows of forecast_accuracy and backtest_metrics (every horizon step and
# segment): the rows that compare models.
ALL = "all"
ACCURACY_METRICS = (
    "wape",
    "bias",
    "coverage_80",
    "coverage_95",
    "forecast_value_added",
    "live_to_backtest_wape_ratio",
    "mase",
)
ALERT_COLUMNS = [
    "severity",
    "alert_type",
    "scope",
    "metric_name",
    "observed_value",
    "threshold",
    "algorithm",
    "model_version",
    "triggers_retraining",
    "suggested_action",
    "as_of_date",
]
BACKTEST_COLUMNS = [
    "model_name",
    "model_version",
    "row_count",
    "wape",
    "bias",
    "mase",
    "coverage_80",
    "coverage_95",
    "mean_width_80",
    "mean_width_95",
]
REGISTRY_COLUMNS = [
    "model_version",
    "algorithm",
    "status",
    "as_of_date",
    "training_end_date",
    "backtest_wape",
    "training_reasons",
    "promotion_decision",
    "last_decision",
    "last_decision_reasons",
]
_SEVERITY_ORDER = {"error": 0, "warn": 1}
SEVERITY_COLOURS = {"error": "#d62728", "warn": "#ff7f0e"}


@dataclass(frozen=True)
class Monitoring:
    """The page's rows, as published (selected and ordered, never recomputed)."""

    alerts: pd.DataFrame  # this run's, errors first
    alert_history: pd.DataFrame  # every run's, latest run first
    accuracy: pd.DataFrame  # forecast_accuracy 'all' rows, by model and origin
    backtest: pd.DataFrame  # backtest_metrics over every origin, 'all' rows
    drift: pd.DataFrame  # monitoring_drift, by as_of_date and name
    registry: pd.DataFrame
    training_log: pd.DataFrame  # latest run first


def load(view: PublishedView) -> Monitoring:
    alerts = view.read("monitoring_alerts")
    alerts = alerts.assign(_order=alerts["severity"].map(_SEVERITY_ORDER).fillna(2))
    alerts = alerts.sort_values(["_order", "alert_type", "scope"]).drop(columns="_order")
    history = view.read("alert_history").sort_values(
        ["run_started_at", "severity", "alert_type", "scope"], ascending=[False, True, True, True]
    )
    accuracy = view.read("forecast_accuracy", {"horizon_bucket": ALL, "segment_id": ALL})
    accuracy = accuracy.assign(model=accuracy["model_name"] + " " + accuracy["model_version"])
    backtest = view.read("backtest_metrics", {"horizon_bucket": ALL, "segment_id": ALL})
    backtest = backtest[backtest["cutoff_date"].isna()].sort_values("wape")
    training_log = view.read("model_training_log").sort_values(
        ["run_started_at", "algorithm"], ascending=[False, True]
    )
    return Monitoring(
        alerts=alerts.reset_index(drop=True),
        alert_history=history.reset_index(drop=True),
        accuracy=accuracy.sort_values(["model", "forecast_origin_date"]).reset_index(drop=True),
        backtest=backtest.reset_index(drop=True),
        drift=view.read("monitoring_drift").sort_values(["as_of_date", "subject", "name"]),
        registry=view.read("model_registry").sort_values(["algorithm", "as_of_date"]),
        training_log=training_log.reset_index(drop=True),
    )


def render(view: PublishedView) -> None:
    data = load(view)
    _alerts(data)
    _accuracy(data)
    _drift(data)
    st.header("Training log")
    st.markdown("What each run decided for each algorithm, and why (model_training_log).")
    table(data.training_log, key="training_log")
    st.markdown("Every version in the registry (model_registry).")
    registry_columns = [column for column in REGISTRY_COLUMNS if column in data.registry]
    table(data.registry, registry_columns, key="registry")


def _alerts(data: Monitoring) -> None:
    st.header("Alerts of this run")
    if data.alerts.empty:
        st.success(
            "No alert in this run: every monitored value is inside its threshold (vars alert_*)."
        )
    else:
        table(data.alerts, ALERT_COLUMNS, key="alerts_this_run")
    st.header("Alerts of every run")
    runs = data.alert_history["invocation_id"].nunique()
    if data.alert_history.empty:
        empty("alert_history has no alert of any run yet.")
        return
    if runs < 2:
        empty(
            "alert_history holds the alerts of this run only: it gains every build's. "
            "Replay past as-of dates to see how they evolve:",
            "make replay",
        )
    chart(
        charts.points_over_time(
            data.alert_history,
            "run_started_at",
            "alert_type",
            "severity",
            colours=SEVERITY_COLOURS,
            tooltip=["scope", "observed_value", "threshold", "as_of_date"],
        ),
        key="alert_history_chart",
    )
    with st.expander(f"alert_history: {len(data.alert_history)} alerts of {runs} runs"):
        table(data.alert_history, ["run_started_at", *ALERT_COLUMNS], key="alert_history")


def _accuracy(data: Monitoring) -> None:
    st.header("Accuracy of the published forecasts")
    if data.accuracy.empty:
        empty(
            "No published forecast has met its actuals yet: forecast_accuracy scores a "
            "forecast in a later build, once the actuals of its targets arrive. Replay "
            "past as-of dates to fill it:",
            "make replay",
        )
    else:
        metric = st.selectbox("Metric", ACCURACY_METRICS, key="accuracy_metric")
        chart(
            charts.lines_over_time(
                data.accuracy,
                "forecast_origin_date",
                metric,
                "model",
                tooltip=["row_count", "latest_target_date"],
            ),
            key="accuracy_chart",
        )
        st.markdown(
            "Live against backtest: the published forecasts' WAPE beside the backtest "
            "WAPE of the version that made them (`live_to_backtest_wape_ratio` above 1: "
            "worse live)."
        )
        live = data.accuracy.melt(
            id_vars=["model", "forecast_origin_date"],
            value_vars=["wape", "backtest_wape"],
            var_name="measure",
            value_name="value",
        )
        live = live.assign(line=live["model"] + " " + live["measure"])
        chart(
            charts.lines_over_time(live, "forecast_origin_date", "value", "line"),
            key="live_against_backtest_chart",
        )
    st.header("Backtest accuracy per candidate")
    st.markdown(
        "Every candidate and `final` on the same backtest rows, over every origin "
        "(backtest_metrics with cutoff_date null, horizon_bucket and segment_id 'all')."
    )
    if data.backtest.empty:
        empty("backtest_metrics has no row: no backtest origin had enough history.")
        return
    chart(
        charts.bars(data.backtest, "model_name", "wape", tooltip=["model_version", "bias"]),
        key="backtest_chart",
    )
    backtest_columns = [column for column in BACKTEST_COLUMNS if column in data.backtest]
    table(data.backtest, backtest_columns, key="backtest")


def _drift(data: Monitoring) -> None:
    st.header("Drift")
    if data.drift.empty:
        empty("monitoring_drift has no row: no trained model to compare the features with.")
        return
    latest = data.drift[data.drift["as_of_date"] == data.drift["as_of_date"].max()]
    st.markdown(
        f"PSI of each feature and of the predictions at the as-of date "
        f"{latest['as_of_date'].max():%Y-%m-%d} against the scoring model's training "
        "reference (monitoring_drift); a value above var alert_psi raises a "
        "feature_drift or prediction_drift alert."
    )
    chart(
        charts.bars(
            latest, "name", "psi", colour="subject", tooltip=["ks_statistic", "model_version"]
        ),
        key="drift_chart",
    )
    if data.drift["as_of_date"].nunique() > 1:
        chart(
            charts.lines_over_time(data.drift, "as_of_date", "psi", "name"),
            key="drift_over_time_chart",
        )
    else:
        empty(
            "monitoring_drift has one as-of date: replay past as-of dates to see PSI over time:",
            "make replay",
        )


PAGE = PageSpec(
    title="Model monitoring",
    question="Do the models still work, what raised an alert, and why was a model retrained?",
    tables=TABLES,
    render=render,
)
