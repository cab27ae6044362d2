"""Registry rules: train only when needed, promotion by margin, pinning, reasons recorded."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from typing import Any

import pandas as pd
import pytest

from demandcast.artifacts import from_parquet_bytes
from demandcast.registry import (
    CHALLENGER,
    CHAMPION,
    RETIRED,
    Candidate,
    MissingConfigKeys,
    RegistrySettings,
    RunContext,
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


def context(as_of: dt.date = AS_OF, run: int = 1) -> RunContext:
    """Run number ``run``: later runs start later, whatever their as-of date."""
    return RunContext(
        as_of_date=as_of,
        invocation_id=f"run-{run}",
        run_started_at=dt.datetime(2024, 7, 1, 6) + dt.timedelta(minutes=run),
    )


def run(
    prior: pd.DataFrame,
    trainer: FakeTrainer,
    config: dict[str, Any],
    *,
    as_of: dt.date = AS_OF,
    features: list[str] = FEATURES,
    alerts: pd.DataFrame | None = None,
    answered: tuple[str, ...] = (),
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
        context=context(as_of, run=next(RUN_NUMBERS)),
        settings=RegistrySettings(**{"contract": "day|canonical", **settings}),
        alerts=alerts,
        answered=answered,
    )
    if len(prior):
        prior = prior[~prior["model_version"].isin(changed["model_version"])]
        return pd.concat([prior, changed], ignore_index=True)
    return changed


def status(registry: pd.DataFrame) -> dict[str, str]:
    return dict(zip(registry["model_version"], registry["status"], strict=True))


def champion(registry: pd.DataFrame, as_of: dt.date = dt.date.max) -> dict[str, Any]:
    """The version that scores an as-of date (by default: the latest champion)."""
    return scoring_row(registry, "xgboost", "", as_of)


def alert(version: str, raised: dt.date, alert_type: str = "feature_drift") -> pd.DataFrame:
    """One alert of the previous run's monitoring_alerts asking to retrain ``version``."""
    return pd.DataFrame(
        {
            "as_of_date": [raised],
            "alert_type": [alert_type],
            "scope": ["quantity_mean_7"],
            "model_version": [version],
        }
    )


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
        ("alert", "monitoring_trigger: accuracy_drop quantity_mean_7 as of 2024-07-07"),
        ({"force_retrain": True}, "force_retrain"),
        ({"as_of": AS_OF - dt.timedelta(days=60)}, "no_champion"),
    ],
)
def test_each_retraining_reason_trains_and_is_recorded(change: Any, reason: str):
    trainer = FakeTrainer()
    registry = run(pd.DataFrame(), trainer, {"error": 0.1})
    if change == "alert":
        week_later = AS_OF + dt.timedelta(days=7)
        raised = alert(champion(registry)["model_version"], week_later, "accuracy_drop")
        change = {"as_of": week_later, "alerts": raised}
    first_run = registry["trained_invocation_id"].iloc[0]
    registry = run(registry, FakeTrainer(data="data-2"), {"error": 0.1}, **change)
    newest = registry[registry["trained_invocation_id"] != first_run]
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


class StrictTrainer(FakeTrainer):
    """A trainer whose configs must name ``error`` and ``rounds`` (as the real ones must
    name every setting): an older champion's config without ``rounds`` cannot be re-run."""

    def __call__(self, config: dict[str, Any]) -> Candidate:
        if "rounds" not in config:
            raise MissingConfigKeys("test config lacks keys: ['rounds']")
        return super().__call__(config)


def test_a_champion_whose_config_predates_a_required_setting_is_replaced():
    registry = run(pd.DataFrame(), FakeTrainer(), {"error": 0.05})
    # The stored champion's config as an older code version wrote it (no "rounds").
    registry["config_json"] = json.dumps({"error": 0.05})
    registry = run(registry, StrictTrainer(), {"rounds": 100, "error": 0.2}, force_retrain=True)
    row = champion(registry)
    assert json.loads(row["config_json"]) == {"rounds": 100, "error": 0.2}
    assert "predates settings" in row["promotion_decision"]


def test_backtest_wape_counts_a_missing_prediction_as_zero():
    # The rule of the SQL macro wape, so live and backtest WAPE compare like with like.
    candidate = FakeTrainer()({"error": 0.10})
    candidate.backtest.loc[0, "predicted_quantity"] = None
    # |100 - 0| + 3 x |100 - 110| over 4 x 100.
    assert candidate.backtest_wape == pytest.approx((100 + 3 * 10) / 400)


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
    assert scoring_row(registry, "xgboost", old, AS_OF)["model_version"] == old
    assert scoring_row(registry, "xgboost", old, AS_OF)["last_decision"] == "pinned"
    # A pin of another algorithm's version does not touch this one.
    assert scoring_row(registry, "xgboost", "prophet-123", AS_OF)["status"] == CHAMPION


def test_an_unknown_pin_is_an_error_naming_the_var_and_the_versions():
    registry = run(pd.DataFrame(), FakeTrainer(), {"error": 0.1})
    with pytest.raises(ValueError, match=r"pinned_model_version = 'xgb-nope'.*versions: xgb-"):
        scoring_row(registry, "xgboost", "xgb-nope", AS_OF)
    with pytest.raises(ValueError, match="not a model version id"):
        scoring_row(registry, "xgboost", "v1", AS_OF)


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


def test_the_champion_of_an_as_of_date_is_the_latest_promoted_version_trained_by_then():
    later = AS_OF + dt.timedelta(days=14)
    registry = run(pd.DataFrame(), FakeTrainer(data="data-later"), {"error": 0.1}, as_of=later)
    later_version = champion(registry, later)["model_version"]

    # A replay of an older date cannot use a version trained after it: it trains its own.
    trainer = FakeTrainer(data="data-earlier")
    registry = run(registry, trainer, {"error": 0.1}, as_of=AS_OF)
    assert len(trainer.calls) == 1
    earlier_version = champion(registry, AS_OF)["model_version"]
    assert earlier_version != later_version
    assert champion(registry, AS_OF)["training_reasons"] == "no_champion"
    # ...and changes nothing the later date uses: its champion is still the latest.
    assert champion(registry, later)["model_version"] == later_version
    assert status(registry) == {later_version: CHAMPION, earlier_version: RETIRED}

    # The later date again: its champion is reused, nothing trained, nothing retired.
    trainer = FakeTrainer(data="data-later")
    registry = run(registry, trainer, {"error": 0.1}, as_of=later)
    assert trainer.calls == []
    assert champion(registry, later)["model_version"] == later_version
    assert champion(registry, later)["last_decision"] == "reused"
    assert status(registry) == {later_version: CHAMPION, earlier_version: RETIRED}
    # Dates between the two use the earlier version; dates before both have none.
    assert champion(registry, AS_OF + dt.timedelta(days=7))["model_version"] == earlier_version
    with pytest.raises(ValueError, match="no xgboost champion trained by the as-of date"):
        champion(registry, AS_OF - dt.timedelta(days=1))


def test_a_challenger_kept_out_never_becomes_the_champion_of_any_date():
    registry = run(pd.DataFrame(), FakeTrainer(), {"error": 0.10})
    first = champion(registry)["model_version"]
    registry = run(
        registry,
        FakeTrainer(),
        {"error": 0.099},
        as_of=AS_OF + dt.timedelta(days=7),
        force_retrain=True,
    )
    assert champion(registry)["model_version"] == first
    assert champion(registry, AS_OF + dt.timedelta(days=7))["model_version"] == first


def test_pinning_ignores_the_as_of_rule():
    later = AS_OF + dt.timedelta(days=14)
    registry = run(pd.DataFrame(), FakeTrainer(data="data-later"), {"error": 0.1}, as_of=later)
    version = champion(registry)["model_version"]
    # Pinned at an as-of date before the version was trained: it still scores.
    registry = run(registry, FakeTrainer(), {"error": 0.1}, pinned_version=version)
    row = scoring_row(registry, "xgboost", version, AS_OF)
    assert (row["model_version"], row["last_decision"]) == (version, "pinned")


def test_one_alert_triggers_one_retrain():
    registry = run(pd.DataFrame(), FakeTrainer(data="data-1"), {"error": 0.1})
    old = champion(registry)["model_version"]
    week_later = AS_OF + dt.timedelta(days=7)
    raised = alert(old, week_later)

    trainer = FakeTrainer(data="data-2")
    registry = run(registry, trainer, {"error": 0.1}, as_of=week_later, alerts=raised)
    assert len(trainer.calls) == 1
    answer = champion(registry, week_later)
    assert answer["model_version"] != old
    assert (
        "monitoring_trigger: feature_drift quantity_mean_7 as of 2024-07-07"
        in (answer["training_reasons"])
    )

    # The same alert again (an identical rerun raises it again, on either version).
    for about in (old, answer["model_version"]):
        trainer = FakeTrainer(data="data-2")
        registry = run(
            registry, trainer, {"error": 0.1}, as_of=week_later, alerts=alert(about, week_later)
        )
        assert trainer.calls == []
        assert champion(registry, week_later)["last_decision_reasons"] == "champion is current"


def test_alerts_that_retraining_cannot_answer_do_not_trigger():
    registry = run(pd.DataFrame(), FakeTrainer(), {"error": 0.1})
    version = champion(registry)["model_version"]
    week_later = AS_OF + dt.timedelta(days=7)
    cases = {
        # Raised at the champion's own as-of date: it has seen all the data the alert saw.
        "same date": (alert(version, AS_OF), AS_OF, ()),
        # Raised by a later run: a replay of the past does not answer the future's alerts.
        "future": (alert(version, week_later), AS_OF, ()),
        # About another version than the champion.
        "other version": (alert("xgb-other", week_later), week_later, ()),
        # Answered before by a run that retrained to the champion itself (training log).
        "answered": (
            alert(version, week_later),
            week_later,
            ("monitoring_trigger: feature_drift quantity_mean_7 as of 2024-07-07",),
        ),
    }
    for name, (raised, as_of, answered) in cases.items():
        trainer = FakeTrainer(data="data-2")
        run(registry, trainer, {"error": 0.1}, as_of=as_of, alerts=raised, answered=answered)
        assert trainer.calls == [], name
