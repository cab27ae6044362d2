"""How many threads a model takes beside dbt's (demandcast.compute), and that the
thread count reaches XGBoost without changing what a model is."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import asdict

import pytest
from test_forecasting import FAST, feature_rows

from demandcast.compute import configured_threads, model_threads
from demandcast.xgboost_model import XGBoostForecaster, booster_bytes, fit, fit_plan, prepare, train


@pytest.mark.parametrize(
    ("setting", "dbt_threads", "cores", "expected"),
    [
        (0, 2, 2, 1),  # the CI machine: each of dbt's 2 threads gets one core
        (0, 1, 8, 8),
        (0, 4, 8, 2),
        (0, 3, 8, 2),  # whole cores only
        (0, 8, 2, 1),  # more dbt threads than cores: still one
        ("0", "2", 4, 2),  # dbt renders vars and target.threads as text
        (3, 2, 2, 3),  # a positive setting is used as is
        ("4", 1, 64, 4),
    ],
)
def test_model_threads_share_the_cores_among_dbt_threads(setting, dbt_threads, cores, expected):
    assert model_threads(setting, dbt_threads, cores) == expected


@pytest.mark.parametrize(
    ("setting", "message"),
    [(-1, "0 \\(automatic\\) or more"), ("two", "a whole number"), (1.5, "a whole number")],
)
def test_a_bad_model_threads_names_the_var(setting, message):
    with pytest.raises(ValueError, match=f"var model_threads must be {message}"):
        model_threads(setting, 2, 2)


def test_xgboost_takes_every_core_by_default_and_a_setting_as_is():
    assert model_threads(0, 2, 2, shared=False) == 2
    assert model_threads(0, 4, 8, shared=False) == 8
    assert model_threads(3, 2, 8, shared=False) == 3
    assert configured_threads({"model_threads": "0", "dbt_threads": "2"}, shared=False) == (
        os.cpu_count() or 1
    )


@pytest.mark.parametrize(
    ("fits", "threads", "expected"),
    [
        (4, 2, (2, 1)),  # the CI machine: two fits at a time, one thread each
        (4, 1, (1, 1)),
        (4, 8, (4, 2)),  # more threads than fits: shared among them
        (4, 9, (4, 2)),  # whole threads only
        (1, 4, (1, 4)),
        (4, 4, (4, 1)),
    ],
)
def test_the_fit_plan_spreads_the_fits_over_the_threads(fits, threads, expected):
    assert fit_plan(fits, threads) == expected


def test_fits_at_once_give_the_same_models_as_one_after_the_other():
    rows = feature_rows()
    one = train(rows, FAST, threads=1)
    at_once = train(rows, FAST, threads=4)
    assert booster_bytes(one.booster) == booster_bytes(at_once.booster)
    assert one.version == at_once.version
    assert one.backtest.equals(at_once.backtest)
    assert one.backtest["model_version"].nunique() == FAST.backtest_origins
    assert (one.training_start, one.training_end) == (at_once.training_start, at_once.training_end)


def test_configured_threads_read_the_compute_config():
    assert configured_threads({"model_threads": "0", "dbt_threads": "1"}) == (os.cpu_count() or 1)
    assert configured_threads({"model_threads": "5", "dbt_threads": "2"}) == 5
    assert configured_threads(None) == (os.cpu_count() or 1)


def nthread(booster) -> str:
    return json.loads(booster.save_config())["learner"]["generic_param"]["nthread"]


def test_the_thread_count_reaches_xgboost_and_changes_no_model_version():
    rows = feature_rows()
    assert nthread(fit(prepare(rows), FAST, threads=1)) == "1"
    assert nthread(fit(prepare(rows), FAST, threads=2)) == "2"
    one = XGBoostForecaster(rows, threads=1).train(asdict(FAST))
    two = XGBoostForecaster(rows, threads=2).train(asdict(FAST))
    assert one.version == two.version
    assert one.config == two.config


def test_importing_the_package_lets_idle_openmp_threads_sleep_unless_told_otherwise():
    # A fresh interpreter: the setting must be in place before xgboost loads libgomp.
    code = "import os, demandcast.xgboost_model; print(os.environ['OMP_WAIT_POLICY'])"
    environment = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    default = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True
    )
    assert default.stdout.strip() == "PASSIVE"
    chosen = subprocess.run(
        [sys.executable, "-c", code],
        env={**environment, "OMP_WAIT_POLICY": "ACTIVE"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert chosen.stdout.strip() == "ACTIVE"
