"""The model registry: which model versions exist, which one scores an as-of date, and
when to train.

One row per model version, kept in the warehouse (an incremental dbt Python model): content
hash id, algorithm, configuration, feature list, training window, data fingerprint, dbt
invocation, backtest metrics, the artifact as bytes (XGBoost UBJ, Prophet JSON; never
pickle) and a status — ``champion``, ``challenger`` or ``retired``.

The registry is an append-only log of versions. Which version is champion is a function
of the as-of date, not a column a run flips: :func:`champion_row` — the latest promoted
version trained at an as-of date on or before it. A replay of an older as-of date
therefore never changes what a later date uses. ``status`` is kept for readers: the
champion of the latest as-of date seen, ``retired`` for the other promoted versions,
``challenger`` for versions never promoted.

The rules, all in plain functions so they are unit-tested without dbt:

* :func:`training_reasons` — train only when needed: no champion for the as-of date, the
  feature set or the data contract changed, a monitoring alert not yet answered asks for
  it (:func:`pending_triggers`), the champion is older than the age limit, or a force var
  is set. No reason means the stored champion is reused.
* :func:`should_promote` — a challenger replaces the champion only if it beats it on the
  same backtest by a margin (or the champion cannot score the current features).
* :func:`scoring_row` — the version that scores: the pinned one when a pin is set
  (rollback), else the champion for the as-of date.

Every run records its decision and reasons on the scoring version's row
(``last_decision*`` columns), so the reason is kept whether the run trained or not.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias, TypedDict

import pandas as pd
import pyarrow as pa

from demandcast import metrics
from demandcast.artifacts import to_parquet_bytes

CHAMPION = "champion"
CHALLENGER = "challenger"
RETIRED = "retired"

REGISTRY_COLUMNS = [
    "model_version",
    "algorithm",
    "status",
    "config_json",
    "features_json",
    "contract_hash",
    "data_fingerprint",
    "training_start_date",
    "training_end_date",
    "as_of_date",
    "trained_at",
    "trained_invocation_id",
    "backtest_origins_json",
    "backtest_wape",
    "backtest_metrics_json",
    "calibration_json",
    "artifact_format",
    "artifact",
    "backtest_predictions",
    "reference_sample",
    "training_reasons",
    "promotion_decision",
    "last_decision",
    "last_decision_reasons",
    "last_decision_as_of_date",
    "last_decision_invocation_id",
]


class MissingConfigKeys(ValueError):
    """A configuration lacks settings the code has no default for (a YAML without them, or
    a stored version trained before a setting existed)."""


def checked_config(
    kind: str, mapping: Mapping[str, Any] | None, fields: Sequence[str], *, complete: bool
) -> dict[str, Any]:
    """A copy of a config mapping whose keys are all among ``fields`` (and, when
    ``complete``, include every one of them); the error names the keys."""
    values = dict(mapping or {})
    unknown = set(values) - set(fields)
    if unknown:
        raise ValueError(f"unknown {kind} config keys: {sorted(unknown)}")
    missing = set(fields) - set(values)
    if complete and missing:
        raise MissingConfigKeys(
            f"{kind} config (python_models/_python_models.yml) lacks keys: {sorted(missing)}"
        )
    return values


@dataclass(frozen=True)
class RegistrySettings:
    """Registry rules, from the model's YAML config (which reads vars).

    Attributes:
        promotion_margin: A challenger must have a backtest WAPE at most
            ``(1 - margin) x`` the champion's on the same backtest to replace it.
        max_age_periods: Retrain when the champion's as-of date is more than this many
            days before the run's as-of date (0 = no age limit).
        force_retrain: Retrain whatever the state (var ``force_retrain``).
        pinned_version: Score with this version instead of the champion (rollback), and
            train nothing (var ``pinned_model_version``).
        contract: Text naming the data contract (input layout, frequency, horizon); a
            change retrains.
    """

    promotion_margin: float = 0.02
    max_age_days: int = 28
    force_retrain: bool = False
    pinned_version: str = ""
    contract: str = ""

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any] | None) -> RegistrySettings:
        """Build from a plain mapping; unknown keys are an error. Text booleans from
        rendered YAML ("True", "false") are read as booleans."""
        values = checked_config("registry", mapping, list(cls.__dataclass_fields__), complete=False)
        if isinstance(values.get("force_retrain"), str):
            values["force_retrain"] = values["force_retrain"].strip().lower() in ("true", "1")
        for name, kind in (("promotion_margin", float), ("max_age_days", int)):
            if name in values:
                values[name] = kind(values[name])
        values["pinned_version"] = str(values.get("pinned_version") or "").strip()
        return cls(**values)

    @property
    def contract_hash(self) -> str:
        """Short hash of the contract text."""
        return hashlib.sha256(self.contract.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class RunContext:
    """What the run knows about itself (from stg_run_context)."""

    as_of_date: dt.date
    invocation_id: str
    run_started_at: dt.datetime


# What a candidate's config and calibration hold: JSON values (they are stored as JSON).
JSON: TypeAlias = str | int | float | bool | list["JSON"] | dict[str, "JSON"] | None


class Calibration(TypedDict, total=False):
    """What scoring needs besides the artifact, by algorithm.

    Attributes:
        categories: XGBoost: the vocabulary of each categorical feature.
        levels: Prophet: the keys of the fitted aggregates.
        nonnegative: Prophet: whether forecasts are clipped at 0 (no negative history).
        log1p_levels: Prophet: the aggregates fitted on log(1 + y).
    """

    categories: dict[str, list[str]]
    levels: list[str]
    nonnegative: bool
    log1p_levels: list[str]


@dataclass
class Candidate:
    """A freshly trained model, ready to become a registry row.

    Attributes:
        version: Content hash id.
        algorithm: ``xgboost`` or ``prophet``.
        config: The algorithm's configuration (JSON-serialisable).
        features: Feature list (empty for models without features).
        data_fingerprint: Hash of the training rows.
        training_start: First period trained on.
        training_end: Last period trained on.
        backtest: Backtest predictions (store_id, item_id, cutoff_date, horizon_step,
            predicted_quantity, actual_quantity, ...).
        calibration: What scoring needs besides the artifact (categorical vocabularies,
            fitted aggregates...).
        artifact_format: How ``artifact`` is serialised.
        artifact: The fitted model(s) as bytes.
        reference_sample: Feature rows of the training window, for drift monitoring.
    """

    version: str
    algorithm: str
    config: dict[str, JSON]
    features: list[str]
    data_fingerprint: str
    training_start: dt.date
    training_end: dt.date
    backtest: pd.DataFrame
    calibration: Calibration
    artifact_format: str
    artifact: bytes
    reference_sample: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def backtest_wape(self) -> float:
        """Pooled WAPE over the backtest rows (a missing prediction counts as 0)."""
        return backtest_metrics(self.backtest)["wape"]


def backtest_metrics(backtest: pd.DataFrame) -> dict[str, float]:
    """Pooled MAE, WAPE and bias of a fresh candidate's backtest rows (not yet in the
    warehouse, so computed here, by demandcast.metrics). A missing prediction counts as 0,
    the rule of the SQL macro wape, so live and backtest WAPE compare like with like.
    Interval coverage is forecast_candidates' (backtest_metrics), not the registry's."""
    actual = backtest["actual_quantity"].astype("float64").to_numpy()
    predicted = backtest["predicted_quantity"].fillna(0).astype("float64").to_numpy()
    scale = float(abs(actual).sum()) or float("nan")
    return {
        "rows": float(len(backtest)),
        "mae": metrics.mae(actual, predicted),
        "wape": metrics.wape(actual, predicted),
        "bias": float((predicted - actual).sum() / scale),
    }


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


PROMOTED = "promoted"


def is_promoted(promotion_decision: object) -> bool:
    """Whether a version was promoted when it was trained (its promotion_decision, as
    written by :func:`should_promote`)."""
    return isinstance(promotion_decision, str) and promotion_decision.startswith(PROMOTED)


def champion_row(
    registry: pd.DataFrame, algorithm: str, as_of: dt.date | None = None
) -> dict[str, Any] | None:
    """The algorithm's champion for an as-of date: the latest promoted version trained at
    an as-of date on or before it (None: no version was trained by then). Without a date,
    the champion of the latest as-of date seen (what ``status`` calls champion).

    "Latest" is the version's as-of date, then its training run's start time: a version
    promoted at a later date, or later at the same date, replaced the earlier ones.
    """
    if registry.empty:
        return None
    rows = registry[
        (registry["algorithm"] == algorithm)
        & registry["promotion_decision"].map(is_promoted).astype(bool)
    ]
    trained_as_of = pd.to_datetime(rows["as_of_date"]).dt.date
    if as_of is not None:
        rows = rows[trained_as_of <= as_of]
    if rows.empty:
        return None
    order = pd.DataFrame(
        {
            "as_of_date": pd.to_datetime(rows["as_of_date"]).to_numpy(),
            "trained_at": pd.to_datetime(rows["trained_at"]).to_numpy(),
            "model_version": rows["model_version"].astype(str).to_numpy(),
            "position": range(len(rows)),
        }
    ).sort_values(["as_of_date", "trained_at", "model_version"])
    latest = rows.iloc[int(order["position"].iloc[-1])]
    return {str(k): v for k, v in latest.to_dict().items()}


TRIGGER_PREFIX = "monitoring_trigger: "
ALERT_COLUMNS = ["as_of_date", "alert_type", "scope", "model_version"]


def trigger_id(alert_type: str, scope: str, as_of_date: dt.date) -> str:
    """What identifies an alert across runs: its type, its scope (which names the
    origin of accuracy alerts, the feature of drift alerts) and the as-of date of the run
    that raised it. Reruns raise the same alert again under the same id."""
    return f"{alert_type} {scope} as of {as_of_date}"


def answered_triggers(reason_texts: Sequence[object]) -> set[str]:
    """The alert ids that reasons texts (training_reasons, model_training_log.reasons,
    joined by '; ') record as answered by a training run."""
    answered = set()
    for text in reason_texts:
        if not isinstance(text, str):
            continue
        for reason in text.split("; "):
            if reason.startswith(TRIGGER_PREFIX):
                answered.add(reason[len(TRIGGER_PREFIX) :])
    return answered


def pending_triggers(
    alerts: pd.DataFrame | None,
    champion: Mapping[str, Any] | None,
    as_of: dt.date,
    answered: set[str],
) -> list[str]:
    """The alerts that still ask to retrain the champion: one alert triggers at most one
    retrain.

    Args:
        alerts: Alerts that ask for retraining this algorithm (ALERT_COLUMNS), from the
            previous run's monitoring_alerts; None or empty when there are none.
        champion: The champion for the run's as-of date, or None.
        as_of: The run's as-of date.
        answered: Alert ids already answered by a training run (:func:`answered_triggers`).

    An alert counts when it concerns the champion, was raised at an as-of date no later
    than the run's (a replay of the past does not answer the future's alerts) and after
    the champion's own as-of date (a champion trained at or after the alert's date has
    seen all the data the alert saw: retraining on the same data would repeat it), and
    no training run answered it yet.
    """
    if champion is None or alerts is None or alerts.empty:
        return []
    trained_as_of = pd.Timestamp(champion["as_of_date"]).date()
    pending = set()
    for raised, alert_type, scope, version in zip(
        pd.to_datetime(alerts["as_of_date"]).dt.date,
        alerts["alert_type"].astype(str),
        alerts["scope"].astype(str),
        alerts["model_version"],
        strict=True,
    ):
        identity = trigger_id(alert_type, scope, raised)
        if (
            version == champion["model_version"]
            and trained_as_of < raised <= as_of
            and identity not in answered
        ):
            pending.add(identity)
    return sorted(pending)


def training_reasons(
    champion: Mapping[str, Any] | None,
    *,
    context: RunContext,
    features: Sequence[str],
    settings: RegistrySettings,
    triggers: Sequence[str] = (),
) -> list[str]:
    """Why this run must train; an empty list means: reuse the champion.

    Args:
        champion: The algorithm's champion for the run's as-of date (:func:`champion_row`),
            or None. It never holds data after the as-of date: a replay of the past that
            predates every version finds none and trains.
        context: The run (its as-of date is "today").
        features: The features the current feature tables offer.
        settings: Registry rules.
        triggers: Monitoring alerts that ask for retraining and were not answered yet
            (:func:`pending_triggers`).
    """
    if champion is None:
        return ["no_champion"]
    reasons = []
    if json.loads(champion["features_json"]) != list(features):
        reasons.append("feature_set_changed")
    if champion["contract_hash"] != settings.contract_hash:
        reasons.append("data_contract_changed")
    reasons.extend(f"{TRIGGER_PREFIX}{trigger}" for trigger in triggers)
    age = (context.as_of_date - pd.Timestamp(champion["as_of_date"]).date()).days
    if settings.max_age_days and age > settings.max_age_days:
        reasons.append(f"champion_age_{age}_days_over_{settings.max_age_days}")
    if settings.force_retrain:
        reasons.append("force_retrain")
    return reasons


def should_promote(
    champion_wape: float | None, challenger_wape: float, margin: float
) -> tuple[bool, str]:
    """Whether a challenger replaces the champion, and why, given both models' WAPE on
    the same backtest (None: no comparable champion)."""
    if champion_wape is None or pd.isna(champion_wape):
        return True, f"{PROMOTED}: no comparable champion"
    bar = champion_wape * (1 - margin)
    if challenger_wape <= bar:
        return True, (
            f"{PROMOTED}: backtest WAPE {challenger_wape:.4f} <= champion {champion_wape:.4f}"
            f" x (1 - {margin})"
        )
    return False, (
        f"kept champion: challenger backtest WAPE {challenger_wape:.4f} > champion"
        f" {champion_wape:.4f} x (1 - {margin})"
    )


def scoring_row(
    registry: pd.DataFrame, algorithm: str, pinned: str, as_of: dt.date
) -> dict[str, Any]:
    """The row whose model scores the as-of date: the pinned version when it is one of
    this algorithm's, else the champion for the as-of date (:func:`champion_row`)."""
    if pinned_algorithm(pinned) == algorithm:
        rows = registry[registry["model_version"] == pinned]
        if rows.empty:
            known = ", ".join(sorted(registry["model_version"])) or "none"
            raise ValueError(
                f"var pinned_model_version = '{pinned}' is not in the {algorithm} registry;"
                f" versions: {known}"
            )
        return {str(k): v for k, v in rows.iloc[0].to_dict().items()}
    champion = champion_row(registry, algorithm, as_of)
    if champion is None:
        raise ValueError(
            f"the model registry has no {algorithm} champion trained by the as-of date {as_of}"
        )
    return champion


VERSION_PREFIXES = {"xgb-": "xgboost", "prophet-": "prophet"}


def pinned_algorithm(pinned: str) -> str | None:
    """The algorithm a pinned version belongs to, read off its id's prefix (None when
    nothing is pinned).

    Raises:
        ValueError: naming the var when the id has no known prefix.
    """
    if not pinned:
        return None
    for prefix, algorithm in VERSION_PREFIXES.items():
        if pinned.startswith(prefix):
            return algorithm
    raise ValueError(
        f"var pinned_model_version = '{pinned}' is not a model version id"
        f" (ids start with {', '.join(VERSION_PREFIXES)}; see model_registry)"
    )


def candidate_row(
    candidate: Candidate, context: RunContext, settings: RegistrySettings, reasons: Sequence[str]
) -> dict[str, Any]:
    """A registry row for a freshly trained candidate (status set by the caller)."""
    return {
        "model_version": candidate.version,
        "algorithm": candidate.algorithm,
        "status": CHALLENGER,
        "config_json": _json(candidate.config),
        "features_json": json.dumps(list(candidate.features)),
        "contract_hash": settings.contract_hash,
        "data_fingerprint": candidate.data_fingerprint,
        "training_start_date": candidate.training_start,
        "training_end_date": candidate.training_end,
        "as_of_date": context.as_of_date,
        "trained_at": context.run_started_at,
        "trained_invocation_id": context.invocation_id,
        "backtest_origins_json": _json(
            sorted(str(origin) for origin in candidate.backtest["cutoff_date"].unique())
        ),
        "backtest_wape": candidate.backtest_wape,
        "backtest_metrics_json": _json(backtest_metrics(candidate.backtest)),
        "calibration_json": _json(candidate.calibration),
        "artifact_format": candidate.artifact_format,
        "artifact": candidate.artifact,
        "backtest_predictions": to_parquet_bytes(candidate.backtest),
        "reference_sample": to_parquet_bytes(candidate.reference_sample),
        "training_reasons": "; ".join(reasons),
        "promotion_decision": None,
        "last_decision": None,
        "last_decision_reasons": None,
        "last_decision_as_of_date": None,
        "last_decision_invocation_id": None,
    }


Trainer = Callable[[dict[str, Any]], Candidate]


def run_registry(
    prior: pd.DataFrame,
    *,
    algorithm: str,
    config: dict[str, Any],
    features: Sequence[str],
    trainer: Trainer,
    context: RunContext,
    settings: RegistrySettings,
    alerts: pd.DataFrame | None = None,
    answered: Sequence[object] = (),
) -> pd.DataFrame:
    """One run of the registry rules for one algorithm.

    Args:
        prior: The registry as it was (any algorithms; empty on the first run).
        algorithm: The algorithm this run manages.
        config: The configuration to train a challenger with.
        features: The features the current feature tables offer.
        trainer: Trains and backtests a configuration on the current data.
        context: The run.
        settings: Registry rules.
        alerts: The previous run's alerts asking to retrain this algorithm
            (see :func:`pending_triggers`).
        answered: Reasons texts of earlier decisions (model_training_log.reasons): alerts
            they list as triggers were answered, besides those in ``training_reasons``.

    Returns:
        The rows of ``algorithm`` that are new or changed, columns REGISTRY_COLUMNS
        (written back with delete+insert on model_version). A run adds at most one
        version and rewrites only decisions and statuses of the others.
    """
    if not settings.contract or not config:
        raise ValueError(
            f"registry run for {algorithm} without its config or data contract: the dbt"
            " model must pass dbt.config.get(...) values itself"
        )
    prior = prior if len(prior) else pd.DataFrame(columns=REGISTRY_COLUMNS)
    own = prior[prior["algorithm"] == algorithm].copy()
    stored = {
        str(row["model_version"]): {str(k): v for k, v in row.items()}
        for row in own.to_dict("records")
    }
    champion = champion_row(own, algorithm, context.as_of_date)
    if pinned_algorithm(settings.pinned_version) == algorithm:
        return registry_frame(_with_statuses(stored, _pinned(own, settings, context), algorithm))
    triggers = pending_triggers(
        alerts,
        champion,
        context.as_of_date,
        answered_triggers([*own["training_reasons"], *answered]),
    )
    reasons = training_reasons(
        champion, context=context, features=features, settings=settings, triggers=triggers
    )
    if not reasons:
        changed = _reused(champion, ["champion is current"], context)
    else:
        changed = _trained(champion, config, features, trainer, context, settings, reasons)
    return registry_frame(_with_statuses(stored, changed, algorithm))


def _pinned(
    own: pd.DataFrame, settings: RegistrySettings, context: RunContext
) -> dict[str, dict[str, Any]]:
    """The pinned version's row, its decision ``pinned`` recorded: nothing is trained."""
    algorithm = pinned_algorithm(settings.pinned_version) or ""
    pinned = scoring_row(own, algorithm, settings.pinned_version, context.as_of_date)
    reasons = [f"pinned_model_version = {settings.pinned_version}"]
    pinned.update(_decision("pinned", reasons, context))
    return {pinned["model_version"]: pinned}


def _reused(
    champion: dict[str, Any] | None, reasons: Sequence[str], context: RunContext
) -> dict[str, dict[str, Any]]:
    """The champion's row, its decision ``reused`` recorded: the only row that changes."""
    assert champion is not None
    champion.update(_decision("reused", reasons, context))
    return {champion["model_version"]: champion}


def _trained(
    champion: dict[str, Any] | None,
    config: dict[str, Any],
    features: Sequence[str],
    trainer: Trainer,
    context: RunContext,
    settings: RegistrySettings,
    reasons: Sequence[str],
) -> dict[str, dict[str, Any]]:
    """Train a challenger and decide between it and the champion (:func:`should_promote`):
    the rows that change (the challenger's, and the champion's when it stays)."""
    challenger = trainer(config)
    if champion is not None and champion["model_version"] == challenger.version:
        # Same configuration and data as the champion: it is the champion.
        return _reused(champion, [*reasons, "retrained to the same version"], context)
    row = candidate_row(challenger, context, settings, reasons)
    champion_wape, why = _champion_wape(
        champion, challenger, features, trainer, settings.contract_hash
    )
    promote, decision_text = should_promote(
        champion_wape, challenger.backtest_wape, settings.promotion_margin
    )
    if why:
        promote, decision_text = True, f"{PROMOTED}: {why}"
    row["promotion_decision"] = decision_text
    changed: dict[str, dict[str, Any]] = {}
    if promote:
        row.update(_decision("trained_and_promoted", reasons, context))
    else:
        assert champion is not None
        champion.update(_decision("trained_challenger_kept_champion", reasons, context))
        changed[champion["model_version"]] = champion
    changed[row["model_version"]] = row
    return changed


def _with_statuses(
    stored: Mapping[str, Mapping[str, Any]],
    changed: dict[str, dict[str, Any]],
    algorithm: str,
) -> dict[str, dict[str, Any]]:
    """The changed rows, plus every stored row whose status changes: champion for the
    champion of the latest as-of date seen, retired for the other promoted versions,
    challenger for the versions never promoted."""
    merged = {**{k: dict(v) for k, v in stored.items()}, **changed}
    latest = champion_row(pd.DataFrame(list(merged.values())), algorithm)
    for version, row in merged.items():
        if latest is not None and version == latest["model_version"]:
            status = CHAMPION
        elif is_promoted(row.get("promotion_decision")):
            status = RETIRED
        else:
            status = CHALLENGER
        if version in changed or row.get("status") != status:
            changed[version] = {**row, "status": status}
    return changed


def _champion_wape(
    champion: Mapping[str, Any] | None,
    challenger: Candidate,
    features: Sequence[str],
    trainer: Trainer,
    contract_hash: str,
) -> tuple[float | None, str]:
    """The champion's WAPE on the challenger's backtest, or a reason it has none.

    The same configuration on newer data is scored by the challenger's own backtest (the
    specification is the same, the data fresher). A different configuration is
    backtested again on the current data so both are judged on the same rows.
    """
    if champion is None:
        return None, ""
    if json.loads(champion["features_json"]) != list(features):
        return None, "the champion cannot score the current feature set"
    if champion["contract_hash"] != contract_hash:
        return None, "the champion was trained under another data contract"
    champion_config = json.loads(champion["config_json"])
    if champion_config == json.loads(_json(challenger.config)):
        return None, "refit of the champion's configuration on current data"
    try:
        rerun = trainer(champion_config)
    except MissingConfigKeys as error:
        return None, f"the champion's configuration predates settings the code requires ({error})"
    return rerun.backtest_wape, ""


def _decision(decision: str, reasons: Sequence[str], context: RunContext) -> dict[str, Any]:
    return {
        "last_decision": decision,
        "last_decision_reasons": "; ".join(reasons),
        "last_decision_as_of_date": context.as_of_date,
        "last_decision_invocation_id": context.invocation_id,
    }


DATE_COLUMNS = {
    "training_start_date",
    "training_end_date",
    "as_of_date",
    "last_decision_as_of_date",
}
BLOB_COLUMNS = {"artifact", "backtest_predictions", "reference_sample"}


def registry_frame(rows: Mapping[str, Mapping[str, Any]]) -> pd.DataFrame:
    """Registry rows with fixed column types, so an all-empty column still has its
    warehouse type (dates as DATE, blobs as BLOB, the rest text)."""
    frame = pd.DataFrame([dict(row) for row in rows.values()], columns=REGISTRY_COLUMNS)
    for column in REGISTRY_COLUMNS:
        if column in DATE_COLUMNS:
            values = [None if pd.isna(v) else pd.Timestamp(v).date() for v in frame[column]]
            frame[column] = pd.Series(values, dtype=pd.ArrowDtype(pa.date32()))
        elif column in BLOB_COLUMNS:
            blobs = [None if v is None else bytes(v) for v in frame[column]]
            frame[column] = pd.Series(blobs, dtype=pd.ArrowDtype(pa.binary()))
        elif column == "backtest_wape":
            frame[column] = frame[column].astype("float64")
        elif column == "trained_at":
            frame[column] = pd.to_datetime(frame[column]).astype("datetime64[us]")
        else:
            frame[column] = frame[column].astype("string")
    return frame
