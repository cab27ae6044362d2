"""The dashboards' charts as Altair (Vega-Lite) specifications.

Every chart is drawn as SVG (``usermeta.embedOptions.renderer``, which Streamlit passes to
vega-embed): its marks are then elements the browser check can count, where a canvas is
one opaque picture. Dates are read and shown as UTC calendar dates, so a browser in
another time zone shows the same days as the tables.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

import altair as alt
import pandas as pd

SVG = {"embedOptions": {"renderer": "svg"}}
# The fct_forecasts columns forecast_chart draws or shows in its tooltip.
FORECAST_COLUMNS = (
    "target_date",
    "predicted_quantity",
    "lower_80",
    "upper_80",
    "lower_95",
    "upper_95",
    "seasonal_naive_quantity",
    "moving_average_quantity",
    "model_name",
    "model_version",
)
# A store total's: sums only (no bands, one model per series).
TOTAL_COLUMNS = (
    "target_date",
    "predicted_quantity",
    "seasonal_naive_quantity",
    "moving_average_quantity",
)
# What the pages draw: one chart, or the forecast chart's layers.
AnyChart = alt.Chart | alt.LayerChart
# The forecast chart's layers, in legend order, and their colours.
ACTUAL = "actual"
FORECAST = "forecast"
SEASONAL_NAIVE = "seasonal naive"
MOVING_AVERAGE = "moving average"
EARLIER_FORECASTS = "earlier forecasts"
INTERVAL_80 = "80% interval"
INTERVAL_95 = "95% interval"
_COLOURS = {
    ACTUAL: "#1f1f1f",
    FORECAST: "#1f77b4",
    SEASONAL_NAIVE: "#9467bd",
    MOVING_AVERAGE: "#8c564b",
    EARLIER_FORECASTS: "#ff7f0e",
    INTERVAL_80: "#6baed6",
    INTERVAL_95: "#c6dbef",
}
DAY: Final = "utcyearmonthdate"
CHART_HEIGHT = 320
# Height of one category's band in the bar, heatmap and point charts: their height
# follows the number of categories (a Vega-Lite step), so every label has room.
BAND = alt.Step(24)


def _day(field: str, title: str) -> alt.X:
    return alt.X(f"{field}:T", timeUnit=DAY, title=title)


def _day_tooltip(field: str, title: str | None = None) -> alt.Tooltip:
    return alt.Tooltip(f"{field}:T", timeUnit=DAY, title=title or field)


def _colour(labels: Sequence[str]) -> alt.Color:
    """The colour of a layer by its constant ``line`` field (see _named): one legend for
    every layer of the forecast chart."""
    scale = alt.Scale(domain=list(labels), range=[_COLOURS[label] for label in labels])
    return alt.Color("line:N", scale=scale, legend=alt.Legend(title=None, orient="top"))


def _named(chart: alt.Chart, label: str) -> alt.Chart:
    """The layer with ``line`` = its legend label, computed by Vega-Lite (the published
    rows it draws stay as they are)."""
    return chart.transform_calculate(line=f"'{label}'")


def _scale(colours: Mapping[Any, str] | None) -> Any:
    """A nominal colour scale with the given colours (keyed by the column's values, of
    its type: a boolean column's by True / False), else Vega-Lite's default."""
    if not colours:
        return alt.Undefined
    return alt.Scale(domain=list(colours), range=list(colours.values()))


def _nominal_colour(column: str, colours: Mapping[Any, str] | None) -> alt.Color:
    """Colour by a nominal column (``colours`` as in :func:`_scale`), legend on top."""
    return alt.Color(f"{column}:N", scale=_scale(colours), legend=alt.Legend(orient="top"))


def _title(title: str | None) -> Any:
    return alt.Undefined if title is None else title


def forecast_chart(
    actuals: pd.DataFrame | None,
    forecast: pd.DataFrame,
    earlier: pd.DataFrame | None = None,
    *,
    bands: bool = True,
) -> alt.LayerChart:
    """Actuals, the published forecast (with its 80% and 95% bands), both baselines and
    earlier published forecasts of the same series, on one time axis.

    Args:
        actuals: ``period_end_date``, ``quantity`` (fct_recent_actuals' columns), or
            None for none.
        forecast: ``target_date``, ``predicted_quantity``, ``seasonal_naive_quantity``,
            ``moving_average_quantity`` and, with ``bands``, ``lower_80`` .. ``upper_95``
            (fct_forecasts' columns; ``model_name``, ``model_version`` when present go
            into the tooltip).
        earlier: ``forecast_origin_date``, ``target_date``, ``predicted_quantity`` of
            earlier origins (fct_forecast_history), one line per origin.
        bands: draw the intervals (a store total has none).
    """
    if earlier is not None and earlier.empty:
        earlier = None
    labels = [
        *([ACTUAL] if actuals is not None else []),
        FORECAST,
        SEASONAL_NAIVE,
        MOVING_AVERAGE,
        *([EARLIER_FORECASTS] if earlier is not None else []),
        *([INTERVAL_80, INTERVAL_95] if bands else []),
    ]
    colour = _colour(labels)
    x_target = _day("target_date", "period")
    y_quantity = alt.Y("predicted_quantity:Q", title="quantity")
    published = alt.Chart(forecast)
    layers: list[alt.Chart] = []
    if bands:
        for label, lower, upper, opacity in (
            (INTERVAL_95, "lower_95", "upper_95", 0.5),
            (INTERVAL_80, "lower_80", "upper_80", 0.6),
        ):
            area = published.mark_area(opacity=opacity).encode(
                x=x_target, y=alt.Y(f"{lower}:Q", title="quantity"), y2=f"{upper}:Q", color=colour
            )
            layers.append(_named(area, label))
    if actuals is not None:
        line = (
            alt.Chart(actuals)
            .mark_line(point=alt.OverlayMarkDef(size=12))
            .encode(
                x=_day("period_end_date", "period"),
                y=alt.Y("quantity:Q", title="quantity"),
                color=colour,
                tooltip=[_day_tooltip("period_end_date"), _number("quantity")],
            )
        )
        layers.append(_named(line, ACTUAL))
    if earlier is not None:
        line = (
            alt.Chart(earlier)
            .mark_line(strokeWidth=1.5, opacity=0.8)
            .encode(
                x=x_target,
                y=y_quantity,
                detail="forecast_origin_date:T",
                color=colour,
                tooltip=[
                    _day_tooltip("forecast_origin_date", "origin"),
                    _day_tooltip("target_date"),
                    _number("predicted_quantity"),
                ],
            )
        )
        layers.append(_named(line, EARLIER_FORECASTS))
    for label, column, dash in (
        (SEASONAL_NAIVE, "seasonal_naive_quantity", [4, 3]),
        (MOVING_AVERAGE, "moving_average_quantity", [1, 3]),
    ):
        line = published.mark_line(strokeDash=dash, strokeWidth=1.5).encode(
            x=x_target,
            y=alt.Y(f"{column}:Q", title="quantity"),
            color=colour,
            tooltip=[_day_tooltip("target_date"), _number(column)],
        )
        layers.append(_named(line, label))
    details = ("lower_80", "upper_80", "lower_95", "upper_95", "model_name", "model_version")
    line = published.mark_line(strokeWidth=2.5).encode(
        x=x_target,
        y=y_quantity,
        color=colour,
        tooltip=[
            _day_tooltip("target_date"),
            _number("predicted_quantity"),
            *[column for column in details if column in forecast.columns],
        ],
    )
    layers.append(_named(line, FORECAST))
    return alt.LayerChart(layer=layers, height=CHART_HEIGHT, usermeta=SVG)


def _number(column: str) -> alt.Tooltip:
    return alt.Tooltip(f"{column}:Q", format=",.2f")


def lines_over_time(
    frame: pd.DataFrame,
    x: str,
    y: str,
    colour: str,
    *,
    title: str | None = None,
    tooltip: Sequence[str] = (),
    height: int = CHART_HEIGHT,
) -> alt.Chart:
    """One line per value of ``colour``: ``y`` by the date ``x``, with points."""
    return (
        alt.Chart(frame, title=_title(title))
        .mark_line(point=True)
        .encode(
            x=_day(x, x),
            y=alt.Y(f"{y}:Q", title=y),
            color=alt.Color(f"{colour}:N", legend=alt.Legend(orient="top", title=colour)),
            tooltip=[_day_tooltip(x), f"{colour}:N", alt.Tooltip(f"{y}:Q", format=",.4f")]
            + [f"{name}" for name in tooltip],
        )
        .properties(height=height, usermeta=SVG)
    )


def bars(
    frame: pd.DataFrame,
    category: str,
    value: str,
    *,
    colour: str | None = None,
    colours: Mapping[Any, str] | None = None,
    title: str | None = None,
    tooltip: Sequence[str] = (),
    sort: str | None = "-x",
) -> alt.Chart:
    """Horizontal bars: ``value`` per ``category`` (stacked by ``colour``; ``colours``
    maps its values to colours)."""
    encoding: dict[str, object] = {
        "y": alt.Y(f"{category}:N", title=category, sort=sort),
        "x": alt.X(f"{value}:Q", title=value),
        "tooltip": [category, alt.Tooltip(f"{value}:Q", format=",.4g"), *tooltip],
    }
    if colour:
        encoding["color"] = _nominal_colour(colour, colours)
    return (
        alt.Chart(frame, title=_title(title))
        .mark_bar()
        .encode(**encoding)
        .properties(height=BAND, usermeta=SVG)
    )


def dots(
    frame: pd.DataFrame,
    category: str,
    value: str,
    *,
    colour: str,
    colours: Mapping[Any, str] | None = None,
    tooltip: Sequence[str] = (),
) -> alt.Chart:
    """One dot per ``category`` at its ``value``: unlike a bar, a value of 0 still shows."""
    return (
        alt.Chart(frame)
        .mark_point(filled=True, size=110)
        .encode(
            y=alt.Y(f"{category}:N", title=category),
            x=alt.X(f"{value}:Q", title=value),
            color=_nominal_colour(colour, colours),
            tooltip=[category, alt.Tooltip(f"{value}:Q", format=",.4g"), *tooltip],
        )
        .properties(height=BAND, usermeta=SVG)
    )


def heatmap(
    frame: pd.DataFrame, x: str, y: str, value: str, *, tooltip: Sequence[str] = ()
) -> alt.Chart:
    """One cell per ``y`` and period ``x`` (a day or week end), coloured by ``value``."""
    return (
        alt.Chart(frame)
        .mark_rect()
        .encode(
            x=_day(x, x),
            y=alt.Y(f"{y}:N", title=y),
            color=alt.Color(
                f"{value}:Q", scale=alt.Scale(scheme="orangered"), legend=alt.Legend(title=value)
            ),
            tooltip=[_day_tooltip(x), f"{y}:N", alt.Tooltip(f"{value}:Q", format=".3f"), *tooltip],
        )
        .properties(height=BAND, usermeta=SVG)
    )


def points_over_time(
    frame: pd.DataFrame,
    x: str,
    y: str,
    colour: str,
    *,
    colours: Mapping[Any, str] | None = None,
    tooltip: Sequence[str] = (),
) -> alt.Chart:
    """One point per row: ``y`` (a category) by the time ``x``, coloured by ``colour``
    (``colours`` maps its values to colours)."""
    return (
        alt.Chart(frame)
        .mark_point(filled=True, size=90)
        .encode(
            x=alt.X(f"{x}:T", title=x),
            y=alt.Y(f"{y}:N", title=y),
            color=_nominal_colour(colour, colours),
            tooltip=[alt.Tooltip(f"{x}:T"), f"{y}:N", f"{colour}:N", *tooltip],
        )
        .properties(height=BAND, usermeta=SVG)
    )
