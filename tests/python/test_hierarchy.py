"""MinT reconciliation with shrinkage (demandcast.hierarchy) on a hand-computed example.

The example: a total and two series A and B (total = A + B), four residual samples,

    total: [2, 0, 0, -2]   A: [1, -1, 1, -1]   B: [2, 2, -2, -2]

each with mean 0. By hand:

- sample covariance X'X / (T - 1) = / 3: var(total) = 8/3, var(A) = 4/3, var(B) = 16/3,
  cov(total, A) = (2 + 2) / 3 = 4/3, cov(total, B) = (4 + 4) / 3 = 8/3, cov(A, B) =
  (2 - 2 - 2 + 2) / 3 = 0;
- standardized (population std: total sqrt(2), A 1, B 2): z_total = [sqrt2, 0, 0,
  -sqrt2], z_A = [1, -1, 1, -1], z_B = [1, 1, -1, -1];
- pair products z_i z_j and their means r_ij: (A, total) = [sqrt2, 0, 0, sqrt2], r =
  sqrt2/2, sum of squared deviations 4 x 1/2 = 2; (B, total) the same, 2; (B, A) = [1,
  -1, -1, 1], r = 0, 4 x 1 = 4. So sum Var = 8 and sum r^2 = 1/2 + 1/2 = 1;
- lambda = (8 / (T (T - 1))) / 1 = 8 / 12 = 2/3: off-diagonal covariances x 1/3:
  W = [[8/3, 4/9, 8/9], [4/9, 4/3, 0], [8/9, 0, 16/3]];
- constraint u = [1, -1, -1] (total - A - B = 0): W u = [8/3 - 4/9 - 8/9, 4/9 - 4/3,
  8/9 - 16/3] = [12/9, -8/9, -40/9], u'W u = 12/9 + 8/9 + 40/9 = 20/3;
- base forecasts total 100, A 40, B 50: incoherence u'y = 10, so y - W u x 10 / (20/3) =
  y - 1.5 W u = [100 - 2, 40 + 4/3, 50 + 20/3] = [98, 124/3, 170/3], and 124/3 + 170/3
  = 98.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import DEMO_WAREHOUSE_GROUP, Warehouse

from demandcast.hierarchy import (
    Nodes,
    ReconciliationConfig,
    candidate_forecasts,
    mint_reconcile,
    reconcile_forecasts,
    residual_matrix,
    shrunk_covariance,
)

RESIDUALS = np.array(
    [
        # total, A, B
        [2.0, 1.0, 2.0],
        [0.0, -1.0, 2.0],
        [0.0, 1.0, -2.0],
        [-2.0, -1.0, -2.0],
    ]
)
SUMMING = np.array([[1.0, 1.0]])  # total = A + B
BASE = np.array([100.0, 40.0, 50.0])


def test_shrinkage_intensity_and_covariance_match_the_hand_computation():
    covariance = shrunk_covariance(RESIDUALS)
    assert covariance.shrinkage == pytest.approx(2 / 3, rel=1e-6)
    expected = np.array(
        [
            [8 / 3, 4 / 9, 8 / 9],
            [4 / 9, 4 / 3, 0.0],
            [8 / 9, 0.0, 16 / 3],
        ]
    )
    np.testing.assert_allclose(covariance.dense(), expected, rtol=1e-6, atol=1e-9)
    vectors = np.array([[1.0, 0.5], [-1.0, 2.0], [-1.0, 0.0]])
    np.testing.assert_allclose(covariance.times(vectors), expected @ vectors, rtol=1e-6)


def test_mint_shrink_reconciles_the_two_level_example_by_hand():
    reconciled = mint_reconcile(BASE, SUMMING, shrunk_covariance(RESIDUALS))[:, 0]
    np.testing.assert_allclose(reconciled, [98.0, 124 / 3, 170 / 3], rtol=1e-7)
    assert reconciled[0] == reconciled[1] + reconciled[2]


def test_coherent_base_forecasts_are_kept():
    coherent = np.array([90.0, 40.0, 50.0])
    reconciled = mint_reconcile(coherent, SUMMING, shrunk_covariance(RESIDUALS))[:, 0]
    np.testing.assert_allclose(reconciled, coherent, rtol=1e-12)


def test_the_constraint_form_equals_the_textbook_gls_form_on_a_three_level_hierarchy():
    """S (S'W^-1 S)^-1 S'W^-1 y on a dense W equals the m x m constraint solve (their
    Lemma 1): total, two stores, five series, 12 random residual samples."""
    generator = np.random.default_rng(7)
    summing = np.array(
        [
            [1, 1, 1, 1, 1],
            [1, 1, 1, 0, 0],
            [0, 0, 0, 1, 1],
        ],
        dtype=float,
    )
    residuals = generator.normal(size=(12, 8)) * generator.uniform(0.5, 5.0, size=8)
    base = generator.uniform(10, 100, size=(8, 3))
    covariance = shrunk_covariance(residuals)
    dense = covariance.dense()
    structure = np.vstack([summing, np.eye(5)])
    inverse = np.linalg.inv(dense)
    textbook = (
        structure @ np.linalg.solve(structure.T @ inverse @ structure, structure.T @ inverse) @ base
    )
    reconciled = mint_reconcile(base, summing, covariance)
    np.testing.assert_allclose(reconciled, textbook, rtol=1e-9)
    np.testing.assert_allclose(reconciled[:3], summing @ reconciled[3:], rtol=0, atol=0)


def test_a_missing_residual_adds_nothing_to_the_covariance():
    """A NaN is the node's mean residual: node A with [1, -1, 1, NaN] has mean 1/3 and
    centred residuals [2/3, -4/3, 2/3, 0]: variance (4/9 + 16/9 + 4/9) / 3 = 8/9."""
    residuals = RESIDUALS.copy()
    residuals[3, 1] = np.nan
    covariance = shrunk_covariance(residuals)
    assert covariance.dense()[1, 1] == pytest.approx(8 / 9, rel=1e-6)


def hierarchy_rows() -> pd.DataFrame:
    """int_hierarchy_forecasts for the example, total = A + B: two backtest origins of two
    steps (the residuals above, by sample) and the published cut-off of one step."""
    rows = []
    nodes = [
        ("total", "total:all", None),
        ("store_item", "store_item:S1|A", "total:all"),
        ("store_item", "store_item:S1|B", "total:all"),
    ]
    samples = [("2024-01-01", 1), ("2024-01-01", 2), ("2024-01-15", 1), ("2024-01-15", 2)]
    for (cutoff, step), residual in zip(samples, RESIDUALS, strict=True):
        for (level, node, parent), error, base in zip(nodes, residual, BASE, strict=True):
            rows.append((level, node, parent, cutoff, step, True, base, base + error))
    for (level, node, parent), base in zip(nodes, BASE, strict=True):
        rows.append((level, node, parent, "2024-02-01", 1, False, base, None))
    frame = pd.DataFrame(
        rows,
        columns=[
            "hierarchy_level",
            "node_id",
            "parent_node_id",
            "cutoff_date",
            "horizon_step",
            "is_backtest",
            "base_quantity",
            "actual_quantity",
        ],
    )
    return frame.assign(
        store_id=None,
        group_id=None,
        item_id=None,
        target_date=frame["cutoff_date"],
        base_source="final_forecast",
        lower_80=frame["base_quantity"] - 5,
        upper_80=frame["base_quantity"] + 5,
        lower_95=frame["base_quantity"] - 9,
        upper_95=frame["base_quantity"] + 9,
    )


def test_the_published_cutoff_is_reconciled_with_every_backtest_sample():
    out = reconcile_forecasts(hierarchy_rows(), ReconciliationConfig("mint_shrink", 2e-8))
    published = out[~out["is_backtest"]].set_index("node_id")
    np.testing.assert_allclose(
        published.loc[["total:all", "store_item:S1|A", "store_item:S1|B"], "reconciled_quantity"],
        [98.0, 124 / 3, 170 / 3],
        rtol=1e-7,
    )
    assert (published["residual_samples"] == 4).all()
    # Bounds: the base interval shifted by the adjustment (total: -2).
    assert published.loc["total:all", "lower_80"] == pytest.approx(100 - 5 - 2)
    assert published.loc["total:all", "upper_95"] == pytest.approx(100 + 9 - 2)


def test_a_backtest_origin_is_reconciled_with_the_other_origins_samples_only():
    """Origin 2024-01-01's covariance comes from 2024-01-15's two samples, [0, 1, -2] and
    [-2, -1, -2]: centred [1, 1, 0], [-1, -1, 0] (B's residuals are constant: variance 0,
    hence the ridge), so var(total) = var(A) = cov(total, A) = 2; with two samples lambda
    is 0 (sum Var = 0), W = [[2, 2, 0], [2, 2, 0], [0, 0, ridge]]: W u = [0, 0, -ridge],
    u'W u = ridge, and the adjustment y - W u x 10 / ridge moves B alone: total 100, A 40,
    B 60."""
    out = reconcile_forecasts(hierarchy_rows(), ReconciliationConfig("mint_shrink", 2e-8))
    origin = out[out["cutoff_date"] == pd.Timestamp("2024-01-01").date()]
    first_step = origin[origin["horizon_step"] == 1].set_index("node_id")
    np.testing.assert_allclose(
        first_step.loc[["total:all", "store_item:S1|A", "store_item:S1|B"], "reconciled_quantity"],
        [100.0, 40.0, 60.0],
        rtol=1e-6,
    )
    assert (origin["residual_samples"] == 2).all()


def test_the_reconciled_candidate_is_the_series_level_by_hand():
    """forecast_reconciled's rows: the series of the example only (no total), the
    published cut-off at the hand-computed 124/3 and 170/3, origin 2024-01-01 cross-fitted
    (A 40, B 60, as above), named after the method and the base candidate."""
    rows = hierarchy_rows()
    series = rows["hierarchy_level"] == "store_item"
    rows.loc[series, "store_id"] = "S1"
    rows.loc[series, "item_id"] = rows.loc[series, "node_id"].str[-1]
    out = candidate_forecasts(rows, ReconciliationConfig("mint_shrink", 2e-8), "combination")
    assert len(out) == 2 * 5
    assert set(out["model_name"]) == {"reconciled"}
    assert set(out["model_version"]) == {"reconciled-mint_shrink-combination"}
    keyed = out.set_index(["cutoff_date", "horizon_step", "item_id"])["predicted_quantity"]
    published, origin = pd.Timestamp("2024-02-01").date(), pd.Timestamp("2024-01-01").date()
    assert keyed[(published, 1, "A")] == pytest.approx(124 / 3, rel=1e-7)
    assert keyed[(published, 1, "B")] == pytest.approx(170 / 3, rel=1e-7)
    assert keyed[(origin, 1, "A")] == pytest.approx(40.0, rel=1e-6)
    assert keyed[(origin, 1, "B")] == pytest.approx(60.0, rel=1e-6)


def test_no_base_candidate_means_no_reconciled_rows():
    out = candidate_forecasts(hierarchy_rows(), ReconciliationConfig("mint_shrink", 2e-8), None)
    assert out.empty
    assert list(out.columns) == [
        "store_id",
        "item_id",
        "cutoff_date",
        "horizon_step",
        "model_name",
        "model_version",
        "predicted_quantity",
    ]


def test_nodes_put_aggregates_first_and_sum_every_ancestor():
    nodes = Nodes.from_parents(
        {
            "store_item:S1|A": "store_item",
            "store_item:S1|B": "store_item",
            "store_item:S2|C": "store_item",
            "store:S1": "store",
            "store:S2": "store",
            "total:all": "total",
        },
        {
            "store_item:S1|A": "store:S1",
            "store_item:S1|B": "store:S1",
            "store_item:S2|C": "store:S2",
            "store:S1": "total:all",
            "store:S2": "total:all",
            "total:all": None,
        },
    )
    assert nodes.ids[: nodes.aggregates] == ["total:all", "store:S1", "store:S2"]
    np.testing.assert_array_equal(nodes.summing, [[1, 1, 1], [1, 1, 0], [0, 0, 1]])


def test_the_config_rejects_other_methods():
    with pytest.raises(ValueError, match="mint_shrink"):
        ReconciliationConfig.from_mapping({"method": "ols"})
    with pytest.raises(ValueError, match="unknown"):
        ReconciliationConfig.from_mapping({"ridges": 1})


@pytest.mark.xdist_group(DEMO_WAREHOUSE_GROUP)
def test_the_demo_hierarchy_is_reconciled_from_prophet_stores_and_final_series(
    demo_warehouse: Warehouse,
):
    """On the demo build (prophet_level store, 3 stores, departments in stg_items): the
    stores' and the total's base is the sum of forecast_prophet's rows, the departments'
    the sum of the final forecast, the series' fct_forecasts' own; the reconciliation moved
    the forecasts (Prophet's stores disagree with the sum of the series) and kept them
    coherent; the published rows used every backtest sample (3 origins x 28 days)."""
    levels = dict(
        demo_warehouse.rows(
            "select hierarchy_level, string_agg(distinct base_source, ',') "
            "from fct_forecasts_hierarchy group by 1"
        )
    )
    assert levels == {
        "total": "prophet",
        "store": "prophet",
        "store_department": "final_forecast_sum",
        "store_item": "final_forecast",
    }
    mismatched_store_bases = demo_warehouse.scalar(
        """
        select count(*)
        from fct_forecasts_hierarchy as hierarchy
        inner join (
            select
                cast(store_id as varchar) as store_id,
                horizon_step,
                sum(predicted_quantity) as total
            from forecast_prophet
            where not is_backtest
            group by all
        ) as prophet
            on hierarchy.store_id = prophet.store_id
            and hierarchy.horizon_step = prophet.horizon_step
        where hierarchy.hierarchy_level = 'store' and not hierarchy.is_backtest
            and abs(hierarchy.base_quantity - prophet.total) > 1e-6
        """
    )
    assert mismatched_store_bases == 0
    series_published = demo_warehouse.scalar(
        "select count(*) from fct_forecasts_hierarchy "
        "where hierarchy_level = 'store_item' and not is_backtest"
    )
    assert series_published == demo_warehouse.scalar("select count(*) from fct_forecasts")
    moved, samples = demo_warehouse.rows(
        "select max(abs(adjustment_quantity)), min(residual_samples) "
        "from fct_forecasts_hierarchy where not is_backtest"
    )[0]
    assert moved > 1.0
    assert samples == 84
    incoherent = demo_warehouse.scalar(
        """
        select count(*)
        from fct_forecasts_hierarchy as parent
        inner join (
            select parent_node_id, cutoff_date, horizon_step, sum(reconciled_quantity) as total
            from fct_forecasts_hierarchy
            group by all
        ) as children
            on parent.node_id = children.parent_node_id
            and parent.cutoff_date = children.cutoff_date
            and parent.horizon_step = children.horizon_step
        where abs(parent.reconciled_quantity - children.total) > 1e-6
        """
    )
    assert incoherent == 0


@pytest.mark.xdist_group(DEMO_WAREHOUSE_GROUP)
def test_the_reconciled_candidate_competes_on_the_combinations_rows(demo_warehouse: Warehouse):
    """The candidate 'reconciled' (base: combination, set by the shared build) has a row for every
    combination row, at every origin; its bases are Prophet's for the stores; MinT moved
    the series (their sum per store differs from the combination's); model_selection
    compares it on the same backtest rows as the combination in every segment."""
    counts = dict(
        demo_warehouse.rows(
            "select model_name, count(*) from forecast_candidates"
            " where model_name in ('combination', 'reconciled') group by 1"
        )
    )
    assert counts["reconciled"] == counts["combination"] > 0
    unmatched = demo_warehouse.scalar(
        """
        select count(*) from forecast_candidates as base
        left join forecast_candidates as reconciled
            on base.store_id = reconciled.store_id and base.item_id = reconciled.item_id
            and base.cutoff_date = reconciled.cutoff_date
            and base.horizon_step = reconciled.horizon_step
            and reconciled.model_name = 'reconciled'
            and reconciled.model_version = 'reconciled-mint_shrink-combination'
            and reconciled.actual_quantity is not distinct from base.actual_quantity
            and reconciled.predicted_quantity >= 0
        where base.model_name = 'combination' and reconciled.item_id is null
        """
    )
    assert unmatched == 0
    assert dict(
        demo_warehouse.rows(
            "select hierarchy_level, string_agg(distinct base_source, ',')"
            " from int_reconciliation_bases group by 1"
        )
    ) == {
        "total": "prophet",
        "store": "prophet",
        "store_department": "base_candidate_sum",
        "store_item": "base_candidate",
    }
    moved = demo_warehouse.scalar(
        """
        select max(abs(reconciled - base)) from (
            select store_id, cutoff_date, horizon_step,
                sum(case when model_name = 'reconciled' then predicted_quantity end) as reconciled,
                sum(case when model_name = 'combination' then predicted_quantity end) as base
            from forecast_candidates group by all
        )
        """
    )
    assert moved > 1.0
    uneven = demo_warehouse.rows(
        """
        select segment_id from model_selection
        where model_name in ('combination', 'reconciled')
        group by segment_id
        having count(*) <> 2 or min(backtest_rows) <> max(backtest_rows)
            or not bool_and(is_eligible)
        """
    )
    assert uneven == []


def test_residuals_of_nodes_outside_the_list_are_left_out():
    """A backtested series no longer forecast must not land in another node's column."""
    rows = hierarchy_rows()
    extra = rows[rows["node_id"] == "store_item:S1|B"].assign(
        node_id="store_item:S1|Z", actual_quantity=1e6
    )
    matrix, cutoffs = residual_matrix(
        pd.concat([rows, extra]), ["total:all", "store_item:S1|A", "store_item:S1|B"]
    )
    np.testing.assert_array_equal(matrix, RESIDUALS)
    assert len(cutoffs) == 4
