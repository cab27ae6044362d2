"""Replenishment: the series to order now, with their reorder point, safety stock, order
quantity and the forecast behind them, by store and department; and the series whose
policy could not be computed, with why (exposure replenishment)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from demandcast.dashboard import charts
from demandcast.dashboard.page import PageSpec, chart, empty, table
from demandcast.dashboard.published_view import PublishedView

TABLES = ("inventory_recommendations", "fct_forecasts")
ORDER_COLUMNS = [
    "store_id",
    "item_id",
    "department_id",
    "category_id",
    "recommended_order_quantity",
    "inventory_position",
    "reorder_point",
    "safety_stock",
    "economic_order_quantity",
    "lead_time_demand",
    "lead_time_demand_sigma",
    "lead_time_days",
    "service_level",
    "stock_status",
    "model_name",
    "model_version",
]
STATUS_COLUMNS = [
    "store_id",
    "item_id",
    "department_id",
    "reorder_point_status",
    "eoq_status",
    "stock_status",
    "lead_time_demand",
    "lead_time_demand_sigma",
    "reorder_point",
    "economic_order_quantity",
]
# stock_status values that leave a series without an order decision.
UNDECIDED_STOCK = ("no_stock_provided", "no_reorder_point")
# Series drawn in the order chart (the largest orders; the table has every one).
CHART_SERIES = 25
UNKNOWN_DEPARTMENT = "(none)"


@dataclass(frozen=True)
class Orders:
    """inventory_recommendations rows for the chosen stores and departments."""

    recommendations: pd.DataFrame  # every chosen series, by store and item
    to_order: pd.DataFrame  # is_below_reorder_point, largest order first
    unresolved: pd.DataFrame  # a status other than ok, or no order decision


def choices(view: PublishedView) -> tuple[list[str], list[str]]:
    """The stores and departments of inventory_recommendations."""
    keys = view.read("inventory_recommendations", columns=["store_id", "department_id"])
    departments = keys["department_id"].fillna(UNKNOWN_DEPARTMENT)
    return sorted(keys["store_id"].unique()), sorted(departments.unique())


def load_orders(view: PublishedView, stores: Sequence[str], departments: Sequence[str]) -> Orders:
    rows = view.read("inventory_recommendations")
    department = rows["department_id"].fillna(UNKNOWN_DEPARTMENT)
    rows = rows[rows["store_id"].isin(stores) & department.isin(departments)]
    rows = rows.sort_values(["store_id", "item_id"]).reset_index(drop=True)
    below = rows["is_below_reorder_point"].fillna(False).astype(bool)
    to_order = rows[below].sort_values(
        ["recommended_order_quantity", "store_id", "item_id"], ascending=[False, True, True]
    )
    unresolved = rows[
        (rows["reorder_point_status"] != "ok")
        | (rows["eoq_status"] != "ok")
        | rows["stock_status"].isin(UNDECIDED_STOCK)
    ]
    return Orders(rows, to_order.reset_index(drop=True), unresolved.reset_index(drop=True))


def load_forecast(view: PublishedView, store_id: str, item_id: str) -> pd.DataFrame:
    """The published forecast the series' recommendation is computed from."""
    key = {"store_id": store_id, "item_id": item_id}
    return view.read("fct_forecasts", key).sort_values("target_date").reset_index(drop=True)


def render(view: PublishedView) -> None:
    stores, departments = choices(view)
    if not stores:
        empty("inventory_recommendations has no row: this build published no forecast.")
        return
    left, right = st.columns(2)
    chosen_stores = left.multiselect("Stores", stores, default=stores, key="orders_stores")
    chosen_departments = right.multiselect(
        "Departments", departments, default=departments, key="orders_departments"
    )
    orders = load_orders(view, chosen_stores, chosen_departments)
    st.header("Order now")
    if orders.recommendations.empty:
        empty("No series in the chosen stores and departments.")
        return
    if orders.recommendations["stock_status"].eq("no_stock_provided").all():
        empty(
            "No stock counts for these series (stock_status no_stock_provided), so none "
            "has an order decision: put on-hand counts in seeds/inventory_stock.csv, or "
            "feed a model named inventory_stock (README, Inventory recommendations)."
        )
    elif orders.to_order.empty:
        st.success(
            "Nothing to order now: every series with stock is at or above its reorder point."
        )
    else:
        st.markdown(
            "Series whose inventory position is below the reorder point, largest order "
            "first (inventory_recommendations.is_below_reorder_point)."
        )
        largest = orders.to_order.head(CHART_SERIES)
        largest = largest.assign(series=largest["store_id"] + " " + largest["item_id"])
        chart(
            charts.bars(
                largest,
                "series",
                "recommended_order_quantity",
                colour="store_id",
                tooltip=["inventory_position", "reorder_point", "safety_stock"],
            ),
            key="orders_chart",
        )
        table(orders.to_order, ORDER_COLUMNS, key="orders_to_order")
    _forecast_behind(view, orders)
    with st.expander(f"Policy check: {len(orders.unresolved)} series without a full policy"):
        st.markdown(
            "Rows whose reorder_point_status or eoq_status is not ok (zero demand, missing "
            "inputs, incomplete forecast), or without an order decision (stock_status "
            "no_stock_provided or no_reorder_point)."
        )
        table(orders.unresolved, STATUS_COLUMNS, key="orders_unresolved")


def _forecast_behind(view: PublishedView, orders: Orders) -> None:
    st.header("The forecast behind a recommendation")
    source = orders.to_order if len(orders.to_order) else orders.recommendations
    labels = (source["store_id"] + " " + source["item_id"]).tolist()
    picked = st.selectbox("Series", labels, key="orders_series")
    row = source.iloc[labels.index(picked)]
    columns = st.columns(5)
    for column, name in zip(
        columns,
        (
            "lead_time_demand",
            "lead_time_demand_sigma",
            "safety_stock",
            "reorder_point",
            "recommended_order_quantity",
        ),
        strict=True,
    ):
        value = row[name]
        column.metric(name, "-" if pd.isna(value) else f"{value:,.2f}")
    forecast = load_forecast(view, str(row["store_id"]), str(row["item_id"]))
    lead_time = "-" if pd.isna(row["lead_time_days"]) else f"{row['lead_time_days']:g}"
    st.markdown(
        f"Demand over the lead time ({lead_time} days) is read from this forecast by "
        f"`{row['model_name']}` `{row['model_version']}` (fct_forecasts)."
    )
    chart(
        charts.forecast_chart(None, forecast[list(charts.FORECAST_COLUMNS)]),
        key="orders_forecast_chart",
    )


PAGE = PageSpec(
    title="Replenishment",
    question="What should each store order now, and which forecast says so?",
    tables=TABLES,
    render=render,
)
