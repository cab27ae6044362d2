"""Distribution drift between a model's training reference and the latest window.

Population Stability Index over the reference's decile bins, and the two-sample
Kolmogorov-Smirnov statistic, per feature and for the predictions. Plain numpy/pandas so
the monitoring model stays thin and the numbers are unit-tested.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

PSI_BINS = 10
PSI_FLOOR = 1e-4  # share given to an empty bin, so PSI stays finite

DRIFT_COLUMNS = [
    "subject",
    "name",
    "reference_rows",
    "current_rows",
    "psi",
    "ks_statistic",
    "reference_mean",
    "current_mean",
]


def psi(reference: np.ndarray, current: np.ndarray, bins: int = PSI_BINS) -> float:
    """Population Stability Index of current against reference.

    Bins are the reference's quantiles (ties merged), open at both ends; missing values
    are left out. sum((c - r) * ln(c / r)) over bins of shares c (current), r (reference).
    """
    reference = reference[~np.isnan(reference)]
    current = current[~np.isnan(current)]
    if len(reference) == 0 or len(current) == 0:
        return float("nan")
    edges = np.unique(np.quantile(reference, np.linspace(0, 1, bins + 1))[1:-1])
    ref_share = np.bincount(
        np.searchsorted(edges, reference, side="right"), minlength=len(edges) + 1
    )
    cur_share = np.bincount(np.searchsorted(edges, current, side="right"), minlength=len(edges) + 1)
    r = np.maximum(ref_share / ref_share.sum(), PSI_FLOOR)
    c = np.maximum(cur_share / cur_share.sum(), PSI_FLOOR)
    return float(np.sum((c - r) * np.log(c / r)))


def ks_statistic(reference: np.ndarray, current: np.ndarray) -> float:
    """Two-sample Kolmogorov-Smirnov statistic: the largest gap between the empirical
    distribution functions (missing values left out)."""
    reference = np.sort(reference[~np.isnan(reference)])
    current = np.sort(current[~np.isnan(current)])
    if len(reference) == 0 or len(current) == 0:
        return float("nan")
    points = np.concatenate([reference, current])
    cdf_ref = np.searchsorted(reference, points, side="right") / len(reference)
    cdf_cur = np.searchsorted(current, points, side="right") / len(current)
    return float(np.max(np.abs(cdf_ref - cdf_cur)))


# Not monitored: the target period's calendar and the horizon step change by design, and
# store- or department-level context takes only a handful of values in one window.
NOT_MONITORED_PREFIXES = ("target_", "horizon_step", "store_", "department_", "category_", "exog_")


def monitored_features(features: Sequence[str]) -> list[str]:
    """The series-level features whose drift is measured."""
    return [f for f in features if not f.startswith(NOT_MONITORED_PREFIXES)]


def exact_mean(values: np.ndarray) -> float:
    """The mean of the values that are not NaN, the same whatever their order (math.fsum
    rounds the exact sum once): the rows a model reads come in the engine's order, and a
    plain float sum then changed in the last bit from one build to the next. NaN when no
    value is finite."""
    present = values[~np.isnan(values)]
    if not np.isfinite(present).any():
        return float("nan")
    if np.isinf(present).any():
        return float(np.mean(present))
    return math.fsum(present.tolist()) / len(present)


def drift_rows(
    reference: pd.DataFrame, current: pd.DataFrame, columns: Sequence[str], subject: str
) -> pd.DataFrame:
    """One row per column present in both frames: PSI, KS and the two means."""
    rows = []
    for column in columns:
        if column not in reference or column not in current:
            continue
        ref = pd.to_numeric(reference[column], errors="coerce").to_numpy(dtype="float64")
        cur = pd.to_numeric(current[column], errors="coerce").to_numpy(dtype="float64")
        rows.append(
            {
                "subject": subject,
                "name": column,
                "reference_rows": int((~np.isnan(ref)).sum()),
                "current_rows": int((~np.isnan(cur)).sum()),
                "psi": psi(ref, cur),
                "ks_statistic": ks_statistic(ref, cur),
                "reference_mean": exact_mean(ref),
                "current_mean": exact_mean(cur),
            }
        )
    return pd.DataFrame(rows, columns=DRIFT_COLUMNS)


def no_drift() -> pd.DataFrame:
    """monitoring_drift's rows when no model trained (int_training_history): none, with
    the model's columns and their warehouse types."""
    dtypes = {
        "as_of_date": "date32[pyarrow]",
        "model_version": "string",
        "subject": "string",
        "name": "string",
        "reference_rows": "int64",
        "current_rows": "int64",
        **dict.fromkeys(["psi", "ks_statistic", "reference_mean", "current_mean"], "float64"),
        "invocation_id": "string",
    }
    return pd.DataFrame(columns=list(dtypes)).astype(dtypes)


REFERENCE_SAMPLE_ROWS = 5000
REFERENCE_CUTOFFS = 4


def reference_sample(frame: pd.DataFrame, features: Sequence[str]) -> pd.DataFrame:
    """The drift reference stored with a model version: up to REFERENCE_SAMPLE_ROWS rows
    (a fixed random sample) of the numeric features at the latest REFERENCE_CUTOFFS
    training cut-offs, one row per series and cut-off, i.e. what the data looked like when
    the model was trained. Later windows are compared with it."""
    # Features are as of the cut-off: one row per series and cut-off (step 1) each.
    training = frame[~frame["is_scoring_row"] & (frame["horizon_step"] == 1)]
    latest = sorted(training["cutoff_date"].unique())[-REFERENCE_CUTOFFS:]
    recent = training[training["cutoff_date"].isin(latest)]
    numeric = [
        column
        for column in features
        if pd.api.types.is_numeric_dtype(recent[column])
        and not pd.api.types.is_bool_dtype(recent[column])
    ]
    sample = recent.sample(n=min(len(recent), REFERENCE_SAMPLE_ROWS), random_state=0)
    return sample[["cutoff_date", *numeric]].reset_index(drop=True)
