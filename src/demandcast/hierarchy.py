"""Coherent forecasts over the store hierarchy: MinT reconciliation with shrinkage.

The hierarchy (int_hierarchy_forecasts): the total, the stores, the store x department (or
store x category) groups and the series (store x item). Every node has a base forecast
(the series: the final forecast; an aggregate: Prophet's or the sum of its series, see the
SQL model) and, at the backtest origins, a residual (actual - base) per (origin, horizon
step): the samples its error covariance is estimated from.

**MinT** (Wickramasuriya, Athanasopoulos & Hyndman 2019, "Optimal forecast reconciliation
for hierarchical and grouped time series through trace minimization", JASA 114). Put the
m aggregate nodes first and the n series after them; C (m x n) says which series each
aggregate sums (C[k, j] = 1 when series j is under aggregate k). A forecast y is coherent
when A y = 0 with A = [I_m, -C] (each aggregate equals the sum of its series). With W the
covariance of the base errors, the reconciled forecast is the W^-1-projection of the base
forecast y_hat onto the coherent ones,

    y_tilde = y_hat - W A' (A W A')^-1 A y_hat,

the same as S (S' W^-1 S)^-1 S' W^-1 y_hat with S = [C; I_n] (their Lemma 1), but the
system solved is m x m (the aggregates: 81 at M5 scale) instead of n x n (30,490 series).
The reconciled series are kept and the aggregates are recomputed as their sums (C times the
series), so children sum to parents to the last bits whatever the solve's rounding.

**Shrinkage** (Schafer & Strimmer 2005, target "diagonal, unequal variances"; the estimator
of hierarchicalforecast's ``MinTrace(method="mint_shrink")``, formulas mirrored below). With
X the T x N centred residuals (T samples, N = m + n nodes):

    Sigma = X' X / (T - 1)                                  sample covariance
    Z = X / (std + eps), std with ddof 0, eps = 2e-8           standardized residuals
    r_ij = mean_t(z_ti z_tj)                                   correlation
    lambda = [sum_{i<j} sum_t (z_ti z_tj - r_ij)^2 / (T (T - 1))] / [sum_{i<j} r_ij^2 + eps]
    W_ij = (1 - lambda) Sigma_ij (i != j),  W_ii = max(Sigma_ii, ridge)

with lambda clipped to [0, 1]. W is never formed: W = F'F + diag(d) with F = sqrt((1 -
lambda) / (T - 1)) X and d = max(Sigma_ii, ridge) - (1 - lambda) Sigma_ii, so W A' costs
O(T N m), and the two pair sums of lambda come from the T x T Gram matrix G = Z Z' (O(T^2
N)): sum_{i,j} r_ij^2 = |G|_F^2 / T^2 and sum_{i,j} sum_t (z_ti z_tj)^2 = sum_t G_tt^2,
less the diagonal terms i = j, halved. Memory is O((T + m) N): at M5 scale (30,490 series,
84 samples, 81 aggregates) about 40 MB, where a dense W would take 7.5 GB.

Each cut-off's W is estimated on the nodes that cut-off has (the shrinkage intensity
depends on which nodes take part), as hierarchicalforecast would on that hierarchy.

A node without a residual at a sample (a series launched after that origin, a period whose
data did not arrive) gets its own mean residual there, so it adds nothing to the
covariance; a node with no residual at all has variance 0, i.e. ``ridge``: its base
forecast is all but kept. hierarchicalforecast instead estimates each pair on the samples
both nodes have; on complete residuals the two are the same estimator.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

Array = npt.NDArray[np.float64]

# hierarchicalforecast's epsilon (std and lambda's denominator) and default ridge.
EPSILON = 2e-8
DEFAULT_RIDGE = 2e-8

# Levels of int_hierarchy_forecasts, coarsest first; the group level is one of the two.
AGGREGATE_LEVELS = ("total", "store", "store_department", "store_category")
BOTTOM_LEVEL = "store_item"
SAMPLE_KEYS = ["cutoff_date", "horizon_step"]
BOUND_COLUMNS = ["lower_80", "upper_80", "lower_95", "upper_95"]
OUTPUT_COLUMNS = [
    "hierarchy_level",
    "node_id",
    "parent_node_id",
    "store_id",
    "group_id",
    "item_id",
    "cutoff_date",
    "horizon_step",
    "target_date",
    "is_backtest",
    "base_source",
    "base_quantity",
    "reconciled_quantity",
    "adjustment_quantity",
    "actual_quantity",
    *BOUND_COLUMNS,
    "shrinkage_intensity",
    "residual_samples",
]


@dataclass(frozen=True)
class ShrunkCovariance:
    """W = F'F + diag(d) over N nodes (see the module docstring), and its estimate's
    shrinkage intensity lambda and number of samples T."""

    factor: Array  # F, T x N
    diagonal: Array  # d, N
    shrinkage: float
    samples: int

    def subset(self, columns: npt.NDArray[np.intp]) -> ShrunkCovariance:
        """The covariance of some of the nodes (a principal submatrix of W)."""
        return ShrunkCovariance(
            self.factor[:, columns], self.diagonal[columns], self.shrinkage, self.samples
        )

    def dense(self) -> Array:
        """W as an N x N matrix (small hierarchies and tests only)."""
        matrix: Array = self.factor.T @ self.factor + np.diag(self.diagonal)
        return matrix

    def times(self, vectors: Array) -> Array:
        """W @ vectors (N x k) without forming W."""
        product: Array = self.factor.T @ (self.factor @ vectors) + self.diagonal[:, None] * vectors
        return product


def shrunk_covariance(residuals: Array, ridge: float = DEFAULT_RIDGE) -> ShrunkCovariance:
    """Schafer-Strimmer shrinkage of the residuals' covariance towards its diagonal.

    Args:
        residuals: T x N, one row per sample, one column per node; NaN = no residual (the
            node's mean residual is used there).
        ridge: Smallest variance on the diagonal (hierarchicalforecast's mint_shr_ridge).

    Returns:
        W in factored form (ShrunkCovariance).
    """
    values = np.array(residuals, dtype=np.float64)
    samples = values.shape[0]
    if samples < 2:
        raise ValueError(f"the covariance needs at least 2 residual samples, got {samples}")
    known = ~np.isnan(values)
    counts = known.sum(axis=0)
    means = np.divide(
        np.where(known, values, 0.0).sum(axis=0),
        counts,
        out=np.zeros(values.shape[1]),
        where=counts > 0,
    )
    centred = np.where(known, values - means, 0.0)
    variance = (centred**2).sum(axis=0) / (samples - 1)
    standardized = centred / (np.sqrt((centred**2).mean(axis=0)) + EPSILON)
    # hierarchicalforecast centres the standardized residuals again (their mean is 0 up to
    # rounding).
    standardized -= standardized.mean(axis=0)
    gram = standardized @ standardized.T
    squares = standardized**2
    own_correlation = squares.mean(axis=0)
    # Pairs i < j: all pairs less the diagonal, halved.
    sum_squared_correlation = 0.5 * (
        float((gram**2).sum()) / samples**2 - float((own_correlation**2).sum())
    )
    sum_product_squares = 0.5 * (float((np.diag(gram) ** 2).sum()) - float((squares**2).sum()))
    sum_correlation_variance = sum_product_squares - samples * sum_squared_correlation
    intensity = (sum_correlation_variance / (samples * (samples - 1))) / (
        sum_squared_correlation + EPSILON
    )
    shrinkage = min(max(intensity, 0.0), 1.0)
    factor = np.sqrt((1.0 - shrinkage) / (samples - 1)) * centred
    diagonal = np.maximum(variance, ridge) - (1.0 - shrinkage) * variance
    return ShrunkCovariance(factor, diagonal, shrinkage, samples)


def mint_reconcile(base: Array, summing: Array, covariance: ShrunkCovariance) -> Array:
    """MinT: the coherent forecasts closest to the base ones in W^-1 (module docstring).

    Args:
        base: N x H base forecasts, the m aggregates first, then the n series (one
            column per target period).
        summing: C, m x n: C[k, j] = 1 when series j is under aggregate k.
        covariance: W of the same N nodes, in the same order.

    Returns:
        N x H reconciled forecasts; every aggregate row is exactly C times the series rows.
    """
    aggregates, series = summing.shape
    base = np.asarray(base, dtype=np.float64)
    if base.ndim == 1:
        base = base[:, None]
    if base.shape[0] != aggregates + series:
        raise ValueError(
            f"base has {base.shape[0]} rows, the hierarchy {aggregates} + {series} nodes"
        )
    if aggregates == 0:
        return base.copy()
    factor, diagonal = covariance.factor, covariance.diagonal
    # F A' (T x m) and D A' restricted to what M = A W A' needs.
    factor_constraints = factor[:, :aggregates] - factor[:, aggregates:] @ summing.T
    system = (
        factor_constraints.T @ factor_constraints
        + np.diag(diagonal[:aggregates])
        + (summing * diagonal[aggregates:]) @ summing.T
    )
    incoherence = base[:aggregates] - summing @ base[aggregates:]
    try:
        weights = np.linalg.solve(system, incoherence)
    except np.linalg.LinAlgError:
        weights = np.linalg.lstsq(system, incoherence, rcond=None)[0]
    # W A' weights = F'(F A' weights) + D A' weights, A' weights = [weights; -C' weights].
    spread = np.vstack([weights, -summing.T @ weights])
    adjustment = factor.T @ (factor_constraints @ weights) + diagonal[:, None] * spread
    reconciled_series = base[aggregates:] - adjustment[aggregates:]
    result: Array = np.vstack([summing @ reconciled_series, reconciled_series])
    return result


@dataclass(frozen=True)
class Nodes:
    """The hierarchy's nodes in MinT's order (aggregates, coarsest level first, then the
    series), with C."""

    ids: list[str]
    aggregates: int
    summing: Array

    @classmethod
    def from_parents(cls, levels: Mapping[str, str], parents: Mapping[str, str | None]) -> Nodes:
        """Nodes from each node's level and parent (None for the root)."""
        rank = {level: position for position, level in enumerate(AGGREGATE_LEVELS)}
        upper = sorted(
            (node for node, level in levels.items() if level != BOTTOM_LEVEL),
            key=lambda node: (rank.get(levels[node], len(rank)), node),
        )
        bottom = sorted(node for node, level in levels.items() if level == BOTTOM_LEVEL)
        position = {node: index for index, node in enumerate(upper)}
        summing = np.zeros((len(upper), len(bottom)))
        for column, node in enumerate(bottom):
            ancestor = parents.get(node)
            while ancestor is not None:
                if ancestor not in position:
                    raise ValueError(f"node {node!r} has parent {ancestor!r}, which has no row")
                summing[position[ancestor], column] = 1.0
                ancestor = parents.get(ancestor)
        return cls([*upper, *bottom], len(upper), summing)

    @classmethod
    def from_rows(cls, rows: pd.DataFrame) -> Nodes:
        """Nodes of the rows of int_hierarchy_forecasts (hierarchy_level, node_id,
        parent_node_id)."""
        first = rows.drop_duplicates("node_id")
        return cls.from_parents(
            dict(zip(first["node_id"], first["hierarchy_level"], strict=True)),
            {
                node: (None if pd.isna(parent) else str(parent))
                for node, parent in zip(first["node_id"], first["parent_node_id"], strict=True)
            },
        )


@dataclass(frozen=True)
class ReconciliationConfig:
    """Settings of the reconciliation (config key ``hierarchy`` in the model's YAML).

    Attributes:
        method: ``mint_shrink`` (the one method so far).
        ridge: Smallest error variance of a node (hierarchicalforecast's mint_shr_ridge).
    """

    method: str
    ridge: float

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any] | None) -> ReconciliationConfig:
        """From the dbt config; unknown keys and bad values are an error."""
        values = dict(mapping or {})
        unknown = set(values) - {"method", "ridge"}
        if unknown:
            raise ValueError(f"unknown hierarchy config keys: {sorted(unknown)}")
        config = cls(
            method=str(values.get("method", "mint_shrink")),
            ridge=float(values.get("ridge", DEFAULT_RIDGE)),
        )
        if config.method != "mint_shrink":
            raise ValueError(f"hierarchy method must be mint_shrink, got {config.method!r}")
        if not config.ridge > 0:
            raise ValueError(f"hierarchy ridge must be > 0, got {config.ridge}")
        return config


def residual_matrix(rows: pd.DataFrame, node_ids: Sequence[str]) -> tuple[Array, npt.NDArray[Any]]:
    """T x N residuals (actual - base) of backtest rows: one row per (cutoff_date,
    horizon_step) sample, sorted, one column per node of ``node_ids``; NaN where a node has
    none (rows of other nodes are left out). Also each sample's cutoff_date."""
    scored = rows[
        rows["is_backtest"].astype(bool)
        & rows["actual_quantity"].notna()
        & rows["node_id"].isin(set(node_ids))
    ]
    keys = scored[SAMPLE_KEYS].drop_duplicates().sort_values(SAMPLE_KEYS)
    samples = pd.MultiIndex.from_frame(keys)
    matrix: Array = np.full((len(samples), len(node_ids)), np.nan)
    sample_of = samples.get_indexer(pd.MultiIndex.from_frame(scored[SAMPLE_KEYS]))
    node_of = pd.Index(list(node_ids)).get_indexer(pd.Index(scored["node_id"]))
    matrix[sample_of, node_of] = (scored["actual_quantity"] - scored["base_quantity"]).to_numpy(
        dtype=np.float64
    )
    return matrix, keys["cutoff_date"].to_numpy()


def _reconcile_cutoff(
    rows: pd.DataFrame, nodes: Nodes, covariance: ShrunkCovariance | None
) -> pd.DataFrame:
    """One cut-off's rows with reconciled_quantity. The horizon steps with the same nodes
    are reconciled together; a step can miss a series whose data did not arrive, and is
    then reconciled over the nodes it has. No covariance: bottom-up (the sums of the
    series' base forecasts)."""
    steps = np.sort(rows["horizon_step"].unique())
    node_of = pd.Index(nodes.ids).get_indexer(pd.Index(rows["node_id"]))
    step_of = np.searchsorted(steps, rows["horizon_step"].to_numpy())
    base = np.full((len(nodes.ids), len(steps)), np.nan)
    base[node_of, step_of] = rows["base_quantity"].to_numpy(dtype=np.float64)
    reconciled = np.full_like(base, np.nan)
    present_by_step = ~np.isnan(base)
    patterns: dict[bytes, list[int]] = {}  # steps by the nodes they have
    for column in range(len(steps)):
        patterns.setdefault(present_by_step[:, column].tobytes(), []).append(column)
    for column_list in patterns.values():
        columns = np.array(column_list, dtype=np.intp)
        present = np.flatnonzero(present_by_step[:, column_list[0]])
        aggregates = int((present < nodes.aggregates).sum())
        summing = nodes.summing[
            np.ix_(present[:aggregates], present[aggregates:] - nodes.aggregates)
        ]
        step_base = base[np.ix_(present, columns)]
        if covariance is None:
            series = step_base[aggregates:]
            result = np.vstack([summing @ series, series])
        else:
            result = mint_reconcile(step_base, summing, covariance.subset(present))
        reconciled[np.ix_(present, columns)] = result
    return rows.assign(reconciled_quantity=reconciled[node_of, step_of])


def _cutoff_covariance(
    residuals: Array, rows: pd.DataFrame, nodes: Nodes, ridge: float
) -> ShrunkCovariance:
    """W of the nodes a cut-off has, estimated on those nodes only (the shrinkage intensity
    depends on which nodes take part), laid out over every node (the others' columns 0:
    no step of the cut-off uses them)."""
    present = np.unique(pd.Index(nodes.ids).get_indexer(pd.Index(rows["node_id"])))
    own = shrunk_covariance(residuals[:, present], ridge)
    factor = np.zeros((own.factor.shape[0], len(nodes.ids)))
    factor[:, present] = own.factor
    diagonal = np.ones(len(nodes.ids))
    diagonal[present] = own.diagonal
    return ShrunkCovariance(factor, diagonal, own.shrinkage, own.samples)


def reconcile_forecasts(rows: pd.DataFrame, config: ReconciliationConfig) -> pd.DataFrame:
    """Reconcile every cut-off of int_hierarchy_forecasts.

    The published cut-off uses W estimated from every backtest sample; a backtest origin
    uses W estimated from the other origins' samples only (cross-fitted, so that its own
    errors do not shape its reconciliation and its accuracy is measured out of sample; with
    a single origin, its own samples). With fewer than 2 samples the reconciliation is
    bottom-up (shrinkage_intensity null). Bounds: the base interval shifted by the
    adjustment (reconciled - base), so its width is the base's.

    Args:
        rows: int_hierarchy_forecasts (OUTPUT_COLUMNS but the reconciled ones, with the
            base bounds as lower_80 ... upper_95).
        config: The reconciliation settings.

    Returns:
        OUTPUT_COLUMNS, one row per input row.
    """
    if rows.empty:
        return empty_output()
    rows = rows.assign(cutoff_date=pd.to_datetime(rows["cutoff_date"]))
    nodes = Nodes.from_rows(rows)
    residuals, sample_cutoffs = residual_matrix(rows, nodes.ids)
    parts = []
    for cutoff, cutoff_rows in rows.groupby("cutoff_date", sort=True):
        keep = np.ones(len(sample_cutoffs), dtype=bool)
        if cutoff_rows["is_backtest"].astype(bool).any():
            others = sample_cutoffs != np.datetime64(pd.Timestamp(str(cutoff)))
            if others.sum() >= 2:
                keep = others
        covariance = (
            _cutoff_covariance(residuals[keep], cutoff_rows, nodes, config.ridge)
            if keep.sum() >= 2
            else None
        )
        parts.append(
            _reconcile_cutoff(cutoff_rows, nodes, covariance).assign(
                shrinkage_intensity=np.nan if covariance is None else covariance.shrinkage,
                residual_samples=int(keep.sum()) if covariance is not None else 0,
            )
        )
    out = pd.concat(parts, ignore_index=True)
    out["adjustment_quantity"] = out["reconciled_quantity"] - out["base_quantity"]
    for column in BOUND_COLUMNS:
        out[column] = out[column] + out["adjustment_quantity"]
    return typed(out)


OUTPUT_TYPES = {
    "hierarchy_level": "string",
    "node_id": "string",
    "parent_node_id": "string",
    "store_id": "string",
    "group_id": "string",
    "item_id": "string",
    "horizon_step": "int32",
    "is_backtest": "bool",
    "base_source": "string",
    **{
        column: "float64"
        for column in [
            "base_quantity",
            "reconciled_quantity",
            "adjustment_quantity",
            "actual_quantity",
            *BOUND_COLUMNS,
            "shrinkage_intensity",
        ]
    },
    "residual_samples": "int32",
}


def typed(frame: pd.DataFrame) -> pd.DataFrame:
    """OUTPUT_COLUMNS with their warehouse types, dates as DATE, sorted by cut-off, step,
    level (coarsest first) and node (sorted before the text columns become Arrow strings,
    which are slow to reorder)."""
    rank = {level: position for position, level in enumerate([*AGGREGATE_LEVELS, BOTTOM_LEVEL])}
    order = frame["hierarchy_level"].map(rank)
    out = (
        frame[OUTPUT_COLUMNS]
        .assign(_rank=order)
        .sort_values(["cutoff_date", "horizon_step", "_rank", "node_id"])
        .drop(columns="_rank")
        .reset_index(drop=True)
    )
    for column in ("cutoff_date", "target_date"):
        out[column] = pd.to_datetime(out[column]).dt.date
    out = out.astype(OUTPUT_TYPES)
    if out.empty:
        out = out.astype({"cutoff_date": "date32[pyarrow]", "target_date": "date32[pyarrow]"})
    return out


def empty_output() -> pd.DataFrame:
    """No rows, OUTPUT_COLUMNS typed (no forecast published)."""
    return typed(pd.DataFrame({column: pd.Series([], dtype=object) for column in OUTPUT_COLUMNS}))


# The columns of forecast_reconciled: the series level of a reconciliation, as a candidate.
CANDIDATE_MODEL_NAME = "reconciled"
CANDIDATE_COLUMNS = [
    "store_id",
    "item_id",
    "cutoff_date",
    "horizon_step",
    "model_name",
    "model_version",
    "predicted_quantity",
]


def candidate_forecasts(
    rows: pd.DataFrame, config: ReconciliationConfig, base_model: str | None
) -> pd.DataFrame:
    """The reconciled series of int_reconciliation_bases, as the candidate 'reconciled'.

    Every cut-off is reconciled as in :func:`reconcile_forecasts` (a backtest origin with
    the covariance of the other origins' residuals only, so its backtest is out of
    sample); only the series level is kept. The version names the method and the base
    candidate: ``reconciled-mint_shrink-<base_model>``.

    Args:
        rows: int_reconciliation_bases (int_hierarchy_forecasts' columns).
        config: The reconciliation settings.
        base_model: Var reconciled_base_model (the series' base candidate); None or empty:
            no candidate, no rows.

    Returns:
        CANDIDATE_COLUMNS, one row per series row of ``rows``.
    """
    if not base_model or rows.empty:
        series = pd.DataFrame({column: [] for column in CANDIDATE_COLUMNS})
    else:
        reconciled = reconcile_forecasts(rows, config)
        series = reconciled.loc[
            reconciled["hierarchy_level"] == BOTTOM_LEVEL,
            ["store_id", "item_id", "cutoff_date", "horizon_step", "reconciled_quantity"],
        ].rename(columns={"reconciled_quantity": "predicted_quantity"})
        series["model_name"] = CANDIDATE_MODEL_NAME
        series["model_version"] = f"{CANDIDATE_MODEL_NAME}-{config.method}-{base_model}"
    out = series[CANDIDATE_COLUMNS].reset_index(drop=True)
    out["cutoff_date"] = pd.to_datetime(out["cutoff_date"]).dt.date
    out = out.astype(
        {
            "store_id": "string",
            "item_id": "string",
            "horizon_step": "int32",
            "model_name": "string",
            "model_version": "string",
            "predicted_quantity": "float64",
        }
    )
    if out.empty:
        out = out.astype({"cutoff_date": "date32[pyarrow]"})
    return out
