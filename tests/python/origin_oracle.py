"""Test oracle of the backtest-origin rule, written independently in pandas.

The rule itself lives in SQL only (int_forecast_cutoffs flags ``is_backtest_origin``);
the runtime package has no copy. Tests use this to check the flags, and to flag the
origins of synthetic feature rows.
"""

from __future__ import annotations

import pandas as pd


def cutoff_summary(frame: pd.DataFrame) -> pd.DataFrame:
    """Oracle helper: one row per cut-off (and scoring flag): its last target date and
    last known target date."""
    known_dates = frame["target_date"].where(frame["target_quantity"].notna())
    keys = ["cutoff_date", "is_scoring_row"]
    grouped = frame.assign(_known=known_dates).groupby(keys, as_index=False)
    return grouped.agg(
        last_target_date=("target_date", "max"),
        last_known_target_date=("_known", "max"),
    )


def origins_from_summary(summary: pd.DataFrame, count: int) -> list[pd.Timestamp]:
    """Oracle of the backtest-origin rule (the rule itself is int_forecast_cutoffs, SQL):
    the latest ``count`` cut-offs whose whole horizon is known, greedily a horizon apart."""
    summary = summary.assign(
        cutoff_date=pd.to_datetime(summary["cutoff_date"]),
        last_target_date=pd.to_datetime(summary["last_target_date"]),
        last_known_target_date=pd.to_datetime(summary["last_known_target_date"]),
    )
    known_until = summary["last_known_target_date"].max()
    if pd.isna(known_until):
        return []
    training = summary[~summary["is_scoring_row"].astype(bool)]
    horizon_days = int((training["last_target_date"] - training["cutoff_date"]).dt.days.max())
    eligible = sorted(
        training.loc[training["last_target_date"] <= known_until, "cutoff_date"], reverse=True
    )
    origins: list[pd.Timestamp] = []
    for cutoff in eligible:
        if not origins or (origins[-1] - cutoff).days >= horizon_days:
            origins.append(cutoff)
        if len(origins) == count:
            break
    return origins


def with_origin_flags(frame: pd.DataFrame, count: int) -> pd.DataFrame:
    """Synthetic feature rows with ``is_backtest_origin`` flagged by the oracle."""
    origins = origins_from_summary(cutoff_summary(frame), count)
    return frame.assign(is_backtest_origin=pd.to_datetime(frame["cutoff_date"]).isin(origins))
