"""Why the XGBoost model forecast what it did: the top drivers of every published row.

XGBoost's own TreeSHAP (``pred_contribs=True``) splits each row's prediction into one
contribution per feature plus a bias (the expected value over the training data), with
bias + every contribution = the booster's margin prediction (``output_margin=True``)
exactly, up to float32 rounding. The margin is not a quantity:

* the Tweedie objective predicts on a log scale, so the margin is log(predicted mean)
  and the contributions add up in log space (a contribution of +0.1 multiplies the
  forecast by exp(0.1), about 1.105, whatever the other features do);
* with a ``scale_column`` (demandcast.xgboost_model.ForecastConfig) the booster learns
  target / level, so the margin is log(predicted_quantity / level); features measured in
  the target's units are divided by the level before the booster sees them.

So predicted_quantity = exp(margin) x level for a Tweedie model (margin x level for
squared error, margin alone without scaling), and a driver's rank says how much it moved
the row's log forecast away from the bias, in either direction.

Exact TreeSHAP costs O(trees x leaves x depth^2) a row: on the demo data (150 trees of
depth 6, 13,440 published rows) 16 s on one core, some 300 times the prediction itself,
and it grows with the rows: about 17 minutes for the 853,720 published rows of the M5
panel. So it is exact up to ``exact_max_rows`` published rows (var
explanation_exact_max_rows, 5,000) and XGBoost's approximate contributions beyond
(:func:`contributions`, :func:`method_for`); each row names its ``contribution_method``.

The dbt model ``forecast_explanations`` reads the scoring rows and the registry's scoring
version (the booster forecast_xgboost published with) and calls :func:`explain_version`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import xgboost as xgb

from demandcast.backtests import KEY_COLUMNS, compact, empty_output, typed_output
from demandcast.xgboost_model import (
    TEXT_KEY_COLUMNS,
    booster_input,
    feature_columns,
    load_booster,
    predict,
    sorted_rows,
    typed_rows,
    version_columns,
)

EXPLANATION_COLUMNS = [
    *KEY_COLUMNS,
    "model_version",
    "feature_rank",
    "feature",
    "feature_value",
    "feature_category",
    "contribution",
    "bias",
    "other_contribution",
    "margin_prediction",
    "predicted_quantity",
    "contribution_method",
    "invocation_id",
]
EXPLANATION_TYPES = {
    "store_id": "string",
    "item_id": "string",
    "horizon_step": "int32",
    "model_version": "string",
    "feature_rank": "int32",
    "feature": "string",
    "feature_category": "string",
    "contribution_method": "string",
    "invocation_id": "string",
    **dict.fromkeys(
        [
            "feature_value",
            "contribution",
            "bias",
            "other_contribution",
            "margin_prediction",
            "predicted_quantity",
        ],
        "float64",
    ),
}
TREE_SHAP = "tree_shap"
SAABAS = "saabas"
# Rows explained per call of pred_contribs: its output is rows x (features + 1) float32,
# so this bounds the memory of the contributions (50,000 x 100 features: 20 MB) whatever
# the number of scoring rows.
BATCH_ROWS = 50_000


def contributions(
    booster: xgb.Booster, frame: pd.DataFrame, *, approximate: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Each row's feature contributions (rows x features, in the order of
    feature_columns(frame)) and bias (rows), in margin space: bias + the row's
    contributions = its margin prediction. ``frame`` is typed (typed_rows).

    Exact TreeSHAP by default; ``approximate`` (:func:`method_for`) takes
    XGBoost's ``approx_contribs`` (Saabas: each split's change of the expected value goes
    to its feature), which adds up to the margin too and is about 100 times faster (demo:
    13,440 rows in 0.3 s instead of 28 s), but is not a Shapley value: it favours the
    features split on near the leaves."""
    matrix, _ = booster_input(booster, frame)
    contribs = booster.predict(matrix, pred_contribs=True, approx_contribs=approximate)
    return contribs[:, :-1], contribs[:, -1]


def method_for(rows: int, exact_max_rows: int) -> str:
    """How the contributions of ``rows`` published rows are computed: exact TreeSHAP up to
    ``exact_max_rows`` (var explanation_exact_max_rows; 0 = never), Saabas beyond."""
    if exact_max_rows < 0:
        raise ValueError(f"explanation_exact_max_rows must be 0 or more, got {exact_max_rows}")
    return TREE_SHAP if rows <= exact_max_rows else SAABAS


def margins(booster: xgb.Booster, frame: pd.DataFrame) -> np.ndarray:
    """The booster's margin prediction of each row (``output_margin=True``)."""
    matrix, _ = booster_input(booster, frame)
    return booster.predict(matrix, output_margin=True)


def top_drivers(contribs: np.ndarray, top_features: int) -> np.ndarray:
    """Per row, the column indexes of its ``top_features`` largest contributions by
    absolute value, largest first; ties in feature order (a stable sort)."""
    order = np.argsort(-np.abs(contribs), axis=1, kind="stable")
    return order[:, : min(top_features, contribs.shape[1])]


def _values(frame: pd.DataFrame, columns: list[str], picked: np.ndarray) -> tuple[Any, Any]:
    """The feature values of the picked (row, column index) pairs: numbers, and the text
    of the categorical features (null for the numeric ones, and the reverse)."""
    numeric = np.full(picked.shape, np.nan)
    text = np.full(picked.shape, None, dtype=object)
    for index, column in enumerate(columns):
        hit = picked == index
        if not hit.any():
            continue
        rows = np.nonzero(hit)[0]
        values = frame[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            labels = values.astype(object).where(values.notna(), None).to_numpy()
            text[hit] = labels[rows]
        else:
            numeric[hit] = values.to_numpy(dtype="float64", na_value=np.nan)[rows]
    return numeric, text


def explain(
    booster: xgb.Booster,
    frame: pd.DataFrame,
    *,
    version: str,
    top_features: int,
    invocation_id: str = "",
    approximate: bool = False,
    keys: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The top drivers of each row of a typed frame (typed_rows): at most
    ``top_features`` rows per forecast row, ranked by |contribution| (features with a
    contribution of exactly 0, never split on for that row, are left out), each with the
    row's bias, the sum of its other features' contributions (bias + the top
    contributions + other_contribution = margin_prediction), its margin and its forecast.
    Exact TreeSHAP, or Saabas when ``approximate`` (column contribution_method).
    Columns EXPLANATION_COLUMNS; contributions are in margin space (module docstring).
    ``keys``, the same rows before typing (sorted_rows), gives the output its keys: a
    series the version never saw (a new item) has a missing key in the typed frame."""
    if top_features < 1:
        raise ValueError(f"explanation_top_features must be at least 1, got {top_features}")
    columns = feature_columns(frame)
    parts = []
    for start in range(0, len(frame), BATCH_ROWS):
        rows = frame.iloc[start : start + BATCH_ROWS].reset_index(drop=True)
        key_rows = rows if keys is None else keys.iloc[start : start + BATCH_ROWS]
        contribs, bias = contributions(booster, rows, approximate=approximate)
        picked = top_drivers(contribs, top_features)
        top = np.take_along_axis(contribs, picked, axis=1)
        margin = margins(booster, rows)
        numeric, text = _values(rows, columns, picked)
        ranks = picked.shape[1]
        # Features with a contribution of exactly 0 are left out; ranks count the drivers
        # kept, 1 .. n without gaps, per row (a cumulative count along the row).
        kept = top != 0
        part = pd.DataFrame(
            {
                **{
                    key: np.repeat(
                        (key_rows if key in TEXT_KEY_COLUMNS else rows)[key].to_numpy(), ranks
                    )
                    for key in KEY_COLUMNS
                },
                "feature_rank": np.cumsum(kept, axis=1, dtype="int32").ravel(),
                "feature": np.asarray(columns, dtype=object)[picked].ravel(),
                "feature_value": numeric.ravel(),
                "feature_category": text.ravel(),
                "contribution": top.ravel().astype("float64"),
                "bias": np.repeat(bias.astype("float64"), ranks),
                "other_contribution": np.repeat(
                    (contribs.sum(axis=1, dtype="float64") - top.sum(axis=1, dtype="float64")),
                    ranks,
                ),
                "margin_prediction": np.repeat(margin.astype("float64"), ranks),
                "predicted_quantity": np.repeat(
                    np.asarray(predict(booster, rows), dtype="float64"), ranks
                ),
            }
        )
        # Compact per batch: the text columns as Arrow strings before the batches add up.
        parts.append(compact(part[kept.ravel()], EXPLANATION_TYPES))
    if not parts:
        return no_explanations()
    explained = pd.concat(parts, ignore_index=True)
    explained["model_version"] = version
    explained["contribution_method"] = SAABAS if approximate else TREE_SHAP
    explained["invocation_id"] = invocation_id
    return _typed_output(explained)


def explain_version(
    frame: pd.DataFrame,
    row: Mapping[str, Any],
    *,
    top_features: int,
    invocation_id: str = "",
    exact_max_rows: int = 20_000,
) -> pd.DataFrame:
    """The top drivers of the published forecast (the scoring rows of frame, rows of
    int_forecast_features) by a registered version (a registry row: its stored booster and
    vocabulary, as forecast_xgboost scores with them): exact TreeSHAP up to
    ``exact_max_rows`` published rows, Saabas beyond (:func:`method_for`)."""
    scoring = sorted_rows(version_columns(frame[frame["is_scoring_row"].astype(bool)], row))
    typed = typed_rows(scoring, json.loads(row["calibration_json"])["categories"])
    approximate = method_for(len(typed), exact_max_rows) == SAABAS
    return explain(
        load_booster(row["artifact"]),
        typed,
        keys=scoring,
        version=str(row["model_version"]),
        top_features=top_features,
        invocation_id=invocation_id,
        approximate=approximate,
    )


def _typed_output(frame: pd.DataFrame) -> pd.DataFrame:
    return typed_output(frame, EXPLANATION_COLUMNS, EXPLANATION_TYPES)


def no_explanations() -> pd.DataFrame:
    """The output when nothing is explained (no trained model): no rows, the columns
    EXPLANATION_COLUMNS with their warehouse types."""
    return empty_output(EXPLANATION_COLUMNS, EXPLANATION_TYPES)
