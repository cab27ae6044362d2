"""Peer forecasters on a tiny synthetic panel."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from demandcast.tools import peers

SERIES = ["store_id", "item_id"]
ORIGIN = dt.date(2024, 3, 31)
WEEKLY_PATTERN = [3.0, 5.0, 4.0, 8.0, 12.0, 9.0, 1.0]


def periodic_panel(days: int = 84) -> pd.DataFrame:
    """Two daily series repeating a weekly pattern exactly, ending at ORIGIN."""
    dates = pd.date_range(end=pd.Timestamp(ORIGIN), periods=days, freq="D")
    frames = []
    for store, factor in (("S1", 1.0), ("S2", 2.0)):
        pattern = np.array(WEEKLY_PATTERN) * factor
        frames.append(
            pd.DataFrame(
                {
                    "store_id": store,
                    "item_id": "I1",
                    "period_date": dates,
                    "quantity": pattern[dates.day_of_week.to_numpy()],
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def test_fill_missing_periods_fills_gaps_and_carries_series_to_the_origin():
    history = pd.DataFrame(
        {
            "store_id": ["S1", "S1", "S1", "S2"],
            "item_id": ["I1", "I1", "I1", "I1"],
            "period_date": pd.to_datetime(["2024-03-01", "2024-03-15", "2024-04-05", "2024-03-22"]),
            "quantity": [4.0, 6.0, 99.0, 2.0],
        }
    )
    filled = peers.fill_missing_periods(history, SERIES, dt.date(2024, 3, 29), pd.Timedelta(days=7))
    first = filled[filled["store_id"] == "S1"]
    assert first["period_date"].dt.strftime("%m-%d").tolist() == [
        "03-01",
        "03-08",
        "03-15",
        "03-22",
        "03-29",
    ]
    # The 04-05 row lies after the origin: never seen.
    assert first["quantity"].tolist() == [4.0, 0.0, 6.0, 0.0, 0.0]
    assert first["is_filled"].tolist() == [False, True, False, True, True]
    second = filled[filled["store_id"] == "S2"]
    assert second["quantity"].tolist() == [2.0, 0.0]


def test_fill_missing_periods_refuses_dates_off_the_period_grid():
    history = pd.DataFrame(
        {
            "store_id": ["S1"],
            "item_id": ["I1"],
            "period_date": pd.to_datetime(["2024-03-02"]),
            "quantity": [1.0],
        }
    )
    with pytest.raises(ValueError, match="whole periods"):
        peers.fill_missing_periods(history, SERIES, dt.date(2024, 3, 29), pd.Timedelta(days=7))


def test_seasonal_naive_reproduces_a_periodic_series_exactly():
    history = peers.fill_missing_periods(periodic_panel(), SERIES, ORIGIN, pd.Timedelta(days=1))
    forecast = peers.seasonal_naive(history, SERIES, ORIGIN, 10, peers.DAILY)
    assert len(forecast) == 2 * 10
    dates = pd.DatetimeIndex(forecast["target_date"])
    expected = np.array(WEEKLY_PATTERN)[dates.day_of_week.to_numpy()] * np.where(
        forecast["store_id"] == "S2", 2.0, 1.0
    )
    np.testing.assert_array_equal(forecast["predicted_quantity"].to_numpy(), expected)
    assert dates.min() == pd.Timestamp(ORIGIN) + pd.Timedelta(days=1)
    assert dates.max() == pd.Timestamp(ORIGIN) + pd.Timedelta(days=10)


def test_seasonal_naive_forecasts_zero_before_a_series_existed():
    history = pd.DataFrame(
        {
            "store_id": ["S1", "S1"],
            "item_id": ["I1", "I1"],
            "period_date": pd.to_datetime(["2024-03-30", "2024-03-31"]),
            "quantity": [5.0, 6.0],
        }
    )
    forecast = peers.seasonal_naive(history, SERIES, ORIGIN, 7, peers.DAILY)
    # Steps 6 and 7 repeat 03-30 and 03-31; steps 1-5 fall before the first row.
    assert forecast["predicted_quantity"].tolist() == [0.0] * 5 + [5.0, 6.0]


@pytest.mark.parametrize(
    ("peer", "modules"),
    [
        ("mlforecast_lightgbm", ("mlforecast", "lightgbm")),
        ("statsforecast_autoets", ("statsforecast",)),
        ("prophet", ("prophet",)),
    ],
)
def test_library_peers_give_one_finite_forecast_per_series_and_step(peer, modules):
    for module in modules:
        pytest.importorskip(module)
    history = peers.fill_missing_periods(periodic_panel(), SERIES, ORIGIN, pd.Timedelta(days=1))
    forecast = peers.run_peer(peer, history, SERIES, ORIGIN, 14, peers.DAILY)
    assert list(forecast.columns) == [*SERIES, "target_date", "predicted_quantity"]
    assert len(forecast) == 2 * 14
    assert not forecast.duplicated([*SERIES, "target_date"]).any()
    assert np.isfinite(forecast["predicted_quantity"]).all()
    expected_dates = set(peers.target_dates(ORIGIN, 14, pd.Timedelta(days=1)))
    assert set(forecast["target_date"]) == expected_dates


def test_prophet_peer_sample_is_bounded_deterministic_and_order_free(monkeypatch):
    rows = [("S1", f"I{k:03d}") for k in range(30)]
    history = pd.DataFrame(rows, columns=SERIES).assign(period_date=pd.Timestamp(ORIGIN))
    sample = peers.sample_series(history, SERIES, 10)
    assert len(sample) == 10
    shuffled = peers.sample_series(history.iloc[::-1], SERIES, 10)
    pd.testing.assert_frame_equal(sample, shuffled)
    assert len(peers.sample_series(history, SERIES, 50)) == 30
    monkeypatch.setattr(peers, "PROPHET_MAX_SERIES", 10)
    scored_on = peers.peer_sample(["seasonal_naive", "prophet"], history, SERIES)
    pd.testing.assert_frame_equal(scored_on, sample)
    assert peers.peer_sample(["seasonal_naive"], history, SERIES) is None


def test_lightgbm_peer_is_deterministic():
    pytest.importorskip("mlforecast")
    pytest.importorskip("lightgbm")
    history = peers.fill_missing_periods(periodic_panel(), SERIES, ORIGIN, pd.Timedelta(days=1))
    first = peers.mlforecast_lightgbm(history, SERIES, ORIGIN, 7, peers.DAILY)
    second = peers.mlforecast_lightgbm(history, SERIES, ORIGIN, 7, peers.DAILY)
    pd.testing.assert_frame_equal(first, second)


def test_peer_modules_are_not_imported_by_the_module():
    import subprocess
    import sys

    code = (
        "import sys, demandcast.tools.peers, demandcast.tools.accuracy; "
        "print(any(m in sys.modules for m in ('mlforecast', 'lightgbm', 'statsforecast')))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert completed.stdout.strip() == "False"


def test_backtest_windows_put_the_cutoffs_on_the_origins():
    # The daily defaults: 3 origins 28 days apart, horizon 28.
    origins = (dt.date(2024, 2, 4), dt.date(2024, 1, 7), dt.date(2024, 3, 3))
    windows = peers.backtest_windows(origins, 28, pd.Timedelta(days=1))
    assert windows.origins == (dt.date(2024, 1, 7), dt.date(2024, 2, 4), dt.date(2024, 3, 3))
    assert windows.n_windows == 3
    assert windows.step_size == 28
    # mlforecast's latest cut-off is h periods before the last date it sees.
    assert windows.last_date == dt.date(2024, 3, 31)
    # Weekly: 4-week spacing, 39-week horizon; one origin steps by the horizon.
    weekly = peers.backtest_windows(
        [dt.date(2011, 4, 8), dt.date(2011, 3, 11)], 39, pd.Timedelta(days=7)
    )
    assert (weekly.n_windows, weekly.step_size, weekly.last_date) == (
        2,
        4,
        dt.date(2012, 1, 6),
    )
    single = peers.backtest_windows([dt.date(2024, 3, 3)], 7, pd.Timedelta(days=1))
    assert (single.n_windows, single.step_size) == (1, 7)


def test_backtest_windows_refuse_no_origins_and_uneven_spacing():
    with pytest.raises(ValueError, match=r"no backtest origins.*is_backtest_origin"):
        peers.backtest_windows((), 28, pd.Timedelta(days=1))
    uneven = (dt.date(2024, 1, 7), dt.date(2024, 2, 4), dt.date(2024, 2, 11))
    with pytest.raises(ValueError, match="not evenly spaced"):
        peers.backtest_windows(uneven, 28, pd.Timedelta(days=1))
    with pytest.raises(ValueError, match="not evenly spaced"):
        peers.backtest_windows((dt.date(2024, 1, 1), dt.date(2024, 1, 11)), 4, pd.Timedelta(days=7))


def test_check_cutoffs_names_both_lists_when_they_differ():
    windows = peers.backtest_windows(
        (dt.date(2024, 1, 7), dt.date(2024, 2, 4)), 28, pd.Timedelta(days=1)
    )
    peers.check_cutoffs([dt.date(2024, 2, 4), dt.date(2024, 1, 7), dt.date(2024, 1, 7)], windows)
    with pytest.raises(ValueError, match=r"\['2024-01-08', '2024-02-04'\].*\['2024-01-07'"):
        peers.check_cutoffs([dt.date(2024, 1, 8), dt.date(2024, 2, 4)], windows)


def test_equal_work_peer_needs_the_build_origins():
    history = peers.fill_missing_periods(periodic_panel(), SERIES, ORIGIN, pd.Timedelta(days=1))
    with pytest.raises(ValueError, match="no backtest origins"):
        peers.mlforecast_lightgbm_cv(history, SERIES, ORIGIN, 7, peers.DAILY)
    late = replace(peers.DAILY, backtest_origins=(dt.date(2024, 3, 28),))
    with pytest.raises(ValueError, match="ends after the forecast origin"):
        peers.mlforecast_lightgbm_cv(history, SERIES, ORIGIN, 7, late)


def test_equal_work_peer_backtests_at_the_origins_and_forecasts_as_the_lightgbm_peer(capsys):
    pytest.importorskip("mlforecast")
    pytest.importorskip("lightgbm")
    history = peers.fill_missing_periods(periodic_panel(), SERIES, ORIGIN, pd.Timedelta(days=1))
    origins = (dt.date(2024, 3, 3), dt.date(2024, 3, 10), dt.date(2024, 3, 17))
    settings = replace(peers.DAILY, backtest_origins=origins)
    forecast = peers.run_peer("mlforecast_lightgbm_cv", history, SERIES, ORIGIN, 7, settings)
    assert "cut-offs 2024-03-03, 2024-03-10, 2024-03-17 (n_windows 3, step_size 7" in (
        capsys.readouterr().out
    )
    alone = peers.mlforecast_lightgbm(history, SERIES, ORIGIN, 7, peers.DAILY)
    pd.testing.assert_frame_equal(forecast, alone)
