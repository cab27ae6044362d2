"""Registry rules: train only when needed, promotion by margin, pinning, reasons recorded."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from typing import Any

import pandas as pd
import pytest

from demandcast.registry import (
    CHALLENGER,
    CHAMPION,
    RETIRED,
    Candidate,
    RegistrySettings,
    RunContext,
    from_parquet_bytes,
    run_registry,
    scoring_row,
    should_promote,
)

FEATURES = ["lag_1", "mean_7"]
AS_OF = dt.date(2024, 6, 30)
RUN_NUMBERS = itertools.count()


class FakeTrainer:
    """Trains 'models' whose backtest WAPE is the config's ``error`` (actual 100 each
    row, predicted 100 + 100 x error), remembering every configuration it was asked for."""

    def __init__(self, data: str = "data-1") -> None:
        self.data = data
        self.calls: list[dict[str, Any]] = []

    def __call__(self, config: dict[str, Any]) -> Candidate:
        self.calls.append(config)
        backtest = pd.DataFrame(
            {
                "store_id": ["S1"] * 4,
                "item_id": ["I1"] * 4,
                "cutoff_date": [dt.date(2024, 5, 1)] * 2 + [dt.date(2024, 6, 1)] * 2,
                "horizon_step": [1, 2, 1, 2],
                "predicted_quantity": [100 + 100 * config["error"]] * 4,
                "actual_quantity": [100.0] * 4,
            }
        )
        version = f"xgb-{json.dumps(config, sort_keys=True)}-{self.data}"
        return Candidate(
            version=version,
            algorithm="xgboost",
            config={"rounds": 100, **config},  # completed with defaults, as real trainers do
            features=list(config.get("features", FEATURES)),
            data_fingerprint=self.data,
            training_start=dt.date(2023, 1, 1),
            training_end=AS_OF,
            backtest=backtest,
            calibration={"quantiles": {}},
            artifact_format="test",
            artifact=version.encode(),
        )


def context(as_of: dt.date = AS_OF, run: str = "run-1") -> RunContext:
    return RunContext(
        as_of_date=as_of, invocation_id=run, run_started_at=dt.datetime(2024, 7, 1, 6)
    )


def run(
    prior: pd.DataFrame,
    trainer: FakeTrainer,
    config: dict[str, Any],
    *,
    as_of: dt.date = AS_OF,
    features: list[str] = FEATURES,
    triggers: tuple[str, ...] = (),
    **settings: Any,
) -> pd.DataFrame:
    """One registry run; returns the whole registry after it (prior merged with the
    changed rows by model_version, as dbt's delete+insert does)."""
    changed = run_registry(
        prior,
        algorithm="xgboost",
        config=config,
        features=features,
        trainer=trainer,
        context=context(as_of, run=f"run-{next(RUN_NUMBERS)}"),
        settings=RegistrySettings(**{"contract": "day|canonical", **settings}),
        triggers=triggers,
    )
    if len(prior):
        prior = prior[~prior["model_version"].isin(changed["model_version"])]
        return pd.concat([prior, changed], ignore_index=True)
    return changed


def status(registry: pd.DataFrame) -> dict[str, str]:
    return dict(zip(registry["model_version"], registry["status"], strict=True))


def champion(registry: pd.DataFrame) -> dict[str, Any]:
    return scoring_row(registry, "xgboost", "")


def test_first_run_trains_and_promotes_with_the_reason():
    trainer = FakeTrainer()
    registry = run(pd.DataFrame(), trainer, {"error": 0.1})
    assert len(trainer.calls) == 1
    row = champion(registry)
    assert row["training_reasons"] == "no_champion"
    assert row["last_decision"] == "trained_and_promoted"
    assert row["backtest_wape"] == pytest.approx(0.1)
    assert from_parquet_bytes(row["backtest_predictions"])["actual_quantity"].sum() == 400


def test_a_current_champion_is_reused_without_training():
    trainer = FakeTrainer()
    registry = run(pd.DataFrame(), trainer, {"error": 0.1})
    registry = run(registry, trainer, {"error": 0.1}, as_of=AS_OF + dt.timedelta(days=7))
    assert len(trainer.calls) == 1
    row = champion(registry)
    assert row["last_decision"] == "reused"
    assert row["last_decision_as_of_date"] == AS_OF + dt.timedelta(days=7)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"as_of": AS_OF + dt.timedelta(days=29)}, "champion_age_29_days_over_28"),
        ({"features": ["lag_1"]}, "feature_set_changed"),
        ({"contract": "week|canonical"}, "data_contract_changed"),
        ({"triggers": ("accuracy_drop",)}, "monitoring_trigger: accuracy_drop"),
        ({"force_retrain": True}, "force_retrain"),
        ({"as_of": AS_OF - dt.timedelta(days=60)}, "champion_trained_on_data_after_as_of"),
    ],
)
def test_each_retraining_reason_trains_and_is_recorded(change: dict[str, Any], reason: str):
    trainer = FakeTrainer()
    registry = run(pd.DataFrame(), trainer, {"error": 0.1})
    registry = run(registry, FakeTrainer(data="data-2"), {"error": 0.1}, **change)
    newest = registry[
        registry["trained_invocation_id"] != registry["trained_invocation_id"].iloc[0]
    ]
    assert len(newest) == 1
    assert reason in newest["training_reasons"].iloc[0]


def test_a_challenger_must_beat_the_champion_by_the_margin_on_the_same_backtest():
    trainer = FakeTrainer()
    registry = run(pd.DataFrame(), trainer, {"error": 0.10})
    first = champion(registry)["model_version"]

    # 0.099 is better, but not by 2%: the champion stays, the challenger is recorded.
    registry = run(registry, trainer, {"error": 0.099}, force_retrain=True)
    assert trainer.calls[-1] == {"rounds": 100, "error": 0.10}, "champion config re-backtested"
    assert champion(registry)["model_version"] == first
    assert champion(registry)["last_decision"] == "trained_challenger_kept_champion"
    kept_out = registry[registry["status"] == CHALLENGER]
    assert len(kept_out) == 1 and "kept champion" in kept_out["promotion_decision"].iloc[0]

    # 0.05 beats 0.10 x 0.98: promoted, the old champion retired.
    registry = run(registry, trainer, {"error": 0.05}, force_retrain=True)
    assert champion(registry)["backtest_wape"] == pytest.approx(0.05)
    assert status(registry)[first] == RETIRED
    assert list(registry["status"]).count(CHAMPION) == 1


def test_same_configuration_on_newer_data_replaces_the_champion():
    registry = run(pd.DataFrame(), FakeTrainer(), {"error": 0.10})
    old = champion(registry)["model_version"]
    later = AS_OF + dt.timedelta(days=40)
    registry = run(registry, FakeTrainer(data="data-2"), {"error": 0.12}, as_of=later)
    # A worse backtest, but a new config: it must beat the champion, and does not.
    assert champion(registry)["model_version"] == old
    registry = run(registry, FakeTrainer(data="data-3"), {"error": 0.10}, as_of=later)
    row = champion(registry)
    assert row["model_version"] != old and "refit" in row["promotion_decision"]


def test_a_champion_that_cannot_score_the_new_features_is_replaced():
    registry = run(pd.DataFrame(), FakeTrainer(), {"error": 0.05})
    registry = run(
        registry,
        FakeTrainer(),
        {"error": 0.2, "features": ["lag_1"]},
        features=["lag_1"],
    )
    row = champion(registry)
    assert json.loads(row["features_json"]) == ["lag_1"]
    assert "cannot score" in row["promotion_decision"]


def test_pinning_scores_an_old_version_and_trains_nothing():
    trainer = FakeTrainer()
    registry = run(pd.DataFrame(), trainer, {"error": 0.10})
    old = champion(registry)["model_version"]
    registry = run(registry, trainer, {"error": 0.01}, force_retrain=True)
    assert champion(registry)["model_version"] != old
    calls = len(trainer.calls)

    registry = run(registry, trainer, {"error": 0.5}, pinned_version=old, force_retrain=True)
    assert len(trainer.calls) == calls
    assert scoring_row(registry, "xgboost", old)["model_version"] == old
    assert scoring_row(registry, "xgboost", old)["last_decision"] == "pinned"
    # A pin of another algorithm's version does not touch this one.
    assert scoring_row(registry, "xgboost", "prophet-123")["status"] == CHAMPION


def test_an_unknown_pin_is_an_error_naming_the_var_and_the_versions():
    registry = run(pd.DataFrame(), FakeTrainer(), {"error": 0.1})
    with pytest.raises(ValueError, match=r"pinned_model_version = 'xgb-nope'.*versions: xgb-"):
        scoring_row(registry, "xgboost", "xgb-nope")
    with pytest.raises(ValueError, match="not a model version id"):
        scoring_row(registry, "xgboost", "v1")


def test_promotion_rule_and_settings_from_rendered_yaml():
    assert should_promote(None, 0.5, 0.02)[0]
    assert should_promote(0.5, 0.49, 0.02)[0]
    assert not should_promote(0.5, 0.4901, 0.02)[0]
    settings = RegistrySettings.from_mapping(
        {"force_retrain": "False", "max_age_days": "14", "promotion_margin": "0.1"}
    )
    assert (settings.force_retrain, settings.max_age_days, settings.promotion_margin) == (
        False,
        14,
        0.1,
    )
    with pytest.raises(ValueError, match="unknown registry config keys"):
        RegistrySettings.from_mapping({"margin": 1})


def test_a_contract_change_replaces_the_champion_even_with_a_worse_backtest():
    registry = run(pd.DataFrame(), FakeTrainer(), {"error": 0.05})
    registry = run(registry, FakeTrainer(data="data-2"), {"error": 0.2}, contract="week|other")
    row = champion(registry)
    assert "another data contract" in row["promotion_decision"]
    # ...so the next run under the new contract reuses it instead of retraining forever.
    trainer = FakeTrainer(data="data-2")
    registry = run(registry, trainer, {"error": 0.2}, contract="week|other")
    assert trainer.calls == [] and champion(registry)["last_decision"] == "reused"


def test_a_run_without_config_or_contract_is_an_error():
    with pytest.raises(ValueError, match="without its config or data contract"):
        run(pd.DataFrame(), FakeTrainer(), {}, contract="x")
    with pytest.raises(ValueError, match="without its config or data contract"):
        run(pd.DataFrame(), FakeTrainer(), {"error": 0.1}, contract="")
