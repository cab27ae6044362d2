"""Explained forecasts (demandcast.explanations, the forecast_explanations model): TreeSHAP
contributions of the stored booster, in margin space."""

from __future__ import annotations

import json
from dataclasses import asdict, replace

import numpy as np
import pandas as pd
import pytest
from conftest import DEMO_WAREHOUSE_GROUP, Warehouse
from origin_oracle import with_origin_flags
from test_forecasting import FAST

from demandcast.explanations import (
    EXPLANATION_COLUMNS,
    SAABAS,
    TREE_SHAP,
    contributions,
    explain_version,
    margins,
    method_for,
)
from demandcast.xgboost_model import (
    XGBoostForecaster,
    feature_columns,
    load_booster,
    typed_rows,
    version_columns,
)

# The project's top_features var default is 5; these tests pin their own.
TOP_FEATURES = 3


def promotion_rows(seed: int = 0) -> pd.DataFrame:
    """Rows shaped like int_forecast_features where a promotion at the cut-off quadruples
    demand; the series' levels (close to each other) and the weekday move it a little."""
    rng = np.random.default_rng(seed)
    first = pd.Timestamp("2024-01-07")
    rows = []
    for series in range(8):
        level = 10.0 + 0.5 * series
        for index in range(21):
            cutoff = first + pd.Timedelta(days=7 * index)
            is_scoring = index == 20
            # Every other cut-off of a series is promoted, alternating between series, and
            # at the scoring cut-off the even series are.
            promoted = (index + series) % 2 == 0
            for step in range(1, 8):
                target = cutoff + pd.Timedelta(days=step)
                weekday = target.isoweekday()
                mean = level * (4.0 if promoted else 1.0) * (1.2 if weekday >= 6 else 1.0)
                rows.append(
                    {
                        "store_id": "S1",
                        "item_id": f"I{series}",
                        "cutoff_date": cutoff,
                        "horizon_step": step,
                        "target_date": target,
                        "is_scoring_row": is_scoring,
                        "target_quantity": None if is_scoring else float(rng.poisson(mean)),
                        "category_id": "a" if series % 2 else "b",
                        "quantity_scale": level,
                        "quantity_mean_7d": level + rng.normal(0, 0.3),
                        "price": 2.0 * (0.7 if promoted else 1.0),
                        "is_promotion": promoted,
                        "target_day_of_week": weekday,
                    }
                )
    return with_origin_flags(pd.DataFrame(rows), 3)


def registry_row(rows: pd.DataFrame, config=FAST) -> dict:
    """A registry row as registry_xgboost stores it, of a version trained on rows."""
    candidate = XGBoostForecaster(rows).train(asdict(config))
    return {
        "model_version": candidate.version,
        "features_json": json.dumps(candidate.features),
        "calibration_json": json.dumps(candidate.calibration),
        "artifact": candidate.artifact,
    }


SCALED = replace(
    FAST, scale_column="quantity_scale", scaled_features=("quantity_mean_",), scale_weight_power=2.0
)


@pytest.mark.parametrize("approximate", [False, True], ids=["treeshap", "saabas"])
@pytest.mark.parametrize("config", [FAST, SCALED], ids=["unscaled", "scaled"])
def test_contributions_and_bias_add_up_to_the_margin_prediction(config, approximate):
    rows = promotion_rows()
    row = registry_row(rows, config)
    booster = load_booster(row["artifact"])
    scoring = version_columns(rows[rows["is_scoring_row"]], row)
    typed = typed_rows(scoring, json.loads(row["calibration_json"])["categories"])
    contribs, bias = contributions(booster, typed, approximate=approximate)
    margin = margins(booster, typed)
    assert contribs.shape == (len(typed), len(feature_columns(typed)))
    np.testing.assert_allclose(contribs.sum(axis=1) + bias, margin, atol=1e-4, rtol=0)
    # The table keeps the top drivers only: with the bias and the rest they add up too.
    # exact_max_rows 0: always Saabas; above the row count: exact TreeSHAP.
    explained = explain_version(
        rows, row, top_features=TOP_FEATURES, exact_max_rows=0 if approximate else len(typed)
    )
    assert set(explained["contribution_method"]) == {SAABAS if approximate else TREE_SHAP}
    per_row = explained.groupby(["item_id", "horizon_step"]).agg(
        top=("contribution", "sum"),
        bias=("bias", "first"),
        other=("other_contribution", "first"),
        margin=("margin_prediction", "first"),
    )
    assert len(per_row) == len(typed)
    np.testing.assert_allclose(
        per_row["top"] + per_row["bias"] + per_row["other"], per_row["margin"], atol=1e-4, rtol=0
    )
    np.testing.assert_allclose(
        np.sort(per_row["margin"].to_numpy()), np.sort(margin.astype("float64")), atol=1e-6
    )


def test_exact_tree_shap_up_to_the_row_limit_then_saabas():
    assert method_for(20_000, 20_000) == TREE_SHAP
    assert method_for(20_001, 20_000) == SAABAS
    assert method_for(1, 0) == SAABAS
    with pytest.raises(ValueError, match="explanation_exact_max_rows"):
        method_for(1, -1)
    # One row over the limit switches the whole table, and the contributions change with it.
    rows = promotion_rows()
    row = registry_row(rows)
    scoring_rows = int(rows["is_scoring_row"].sum())
    exact = explain_version(rows, row, top_features=TOP_FEATURES, exact_max_rows=scoring_rows)
    over = explain_version(rows, row, top_features=TOP_FEATURES, exact_max_rows=scoring_rows - 1)
    assert set(exact["contribution_method"]) == {TREE_SHAP}
    assert set(over["contribution_method"]) == {SAABAS}
    assert len(exact) != len(over) or not np.allclose(exact["contribution"], over["contribution"])


def test_a_planted_promotion_is_the_top_driver_of_a_promoted_row():
    rows = promotion_rows()
    explained = explain_version(rows, registry_row(rows), top_features=TOP_FEATURES)
    assert list(explained.columns) == EXPLANATION_COLUMNS
    promoted = explained[explained["item_id"] == "I0"]  # promoted at the scoring cut-off
    top = promoted[promoted["feature_rank"] == 1]
    assert len(top) == 7
    # The promotion feature, or the price that moves with it, drives every promoted row up.
    assert set(top["feature"]) <= {"is_promotion", "price"}, top["feature"].tolist()
    assert (top["contribution"] > 0).all()
    assert (promoted[promoted["feature"] == "is_promotion"]["feature_value"] == 1.0).all()
    # A row not promoted is pushed down by the same driver.
    plain = explained[(explained["item_id"] == "I1") & (explained["feature_rank"] == 1)]
    assert set(plain["feature"]) <= {"is_promotion", "price"}
    assert (plain["contribution"] < 0).all()
    counts = explained.groupby(["item_id", "horizon_step"]).size()
    assert counts.max() <= TOP_FEATURES


def test_categorical_drivers_carry_their_category_text():
    rows = promotion_rows()
    explained = explain_version(rows, registry_row(rows), top_features=len(rows.columns))
    text_features = {"store_id", "item_id", "category_id"}
    categorical = explained[explained["feature"].isin(text_features)]
    assert not categorical.empty
    items = categorical[categorical["feature"] == "item_id"]
    assert (items["feature_category"] == items["item_id"]).all()
    assert categorical["feature_value"].isna().all()
    numeric = explained[~explained["feature"].isin(text_features)]
    assert numeric["feature_category"].isna().all() and numeric["feature_value"].notna().all()


@pytest.mark.xdist_group(DEMO_WAREHOUSE_GROUP)
def test_forecast_explanations_builds_with_the_top_drivers_of_every_published_row(
    demo_warehouse: Warehouse,
):
    top_features = 5  # var explanation_top_features, not set by the demo build
    columns = [
        name
        for (name,) in demo_warehouse.rows(
            "select column_name from information_schema.columns"
            " where table_name = 'forecast_explanations' order by ordinal_position"
        )
    ]
    assert columns == EXPLANATION_COLUMNS
    published = demo_warehouse.scalar("select count(*) from forecast_xgboost where not is_backtest")
    assert published > 0
    per_row = demo_warehouse.rows(
        """
        select
            count(*) as n,
            count(distinct explained.feature_rank) as ranks,
            max(explained.feature_rank) as last_rank,
            max(abs(explained.predicted_quantity - published.predicted_quantity)) as gap,
            max(abs(sum_top + explained.bias + explained.other_contribution
                - explained.margin_prediction)) as residual,
            bool_and(explained.model_version = published.model_version) as same_version
        from forecast_explanations as explained
        inner join forecast_xgboost as published
            using (store_id, item_id, cutoff_date, horizon_step)
        inner join (
            select store_id, item_id, cutoff_date, horizon_step, sum(contribution) as sum_top
            from forecast_explanations group by all
        ) as sums using (store_id, item_id, cutoff_date, horizon_step)
        where not published.is_backtest
        group by store_id, item_id, cutoff_date, horizon_step
        """
    )
    assert len(per_row) == published  # every published row is explained
    for n, ranks, last_rank, gap, residual, same_version in per_row:
        assert 1 <= n <= top_features and ranks == n == last_rank
        assert gap < 1e-6 and residual < 1e-4 and same_version
    # The margin space the docs describe, with the shipped config (Tweedie, scale_column
    # quantity_scale, scale_floor 1): predicted_quantity = exp(margin) x level.
    relative_gap = demo_warehouse.scalar(
        """
        select max(abs(explained.predicted_quantity - exp(explained.margin_prediction)
            * greatest(abs(coalesce(features.quantity_scale, 0)), 1.0))
            / greatest(explained.predicted_quantity, 1e-9))
        from forecast_explanations as explained
        inner join int_forecast_features as features
            using (store_id, item_id, cutoff_date, horizon_step)
        """
    )
    assert relative_gap < 1e-5
