"""Global XGBoost forecasts over the rows of ``int_forecast_features``.

One model across every series and horizon step (horizon_step is a feature), a Tweedie
objective for non-negative, often intermittent demand, and native categorical features.
Optionally the model learns in units of each series' own level (``scale_column``): series
whose sizes differ a thousandfold then share one shape of seasonality and trend, while the
training weights keep the loss in the original units.
Rolling-origin backtests train on the rows whose target was known at each origin and score
the origin's rows. Prediction intervals are not made here: forecast_candidates adds them
to every candidate by one rule (split-conformal, in SQL).

The dbt Python models use :class:`XGBoostForecaster` (``train``, ``score``: the verbs of
demandcast.algorithm.Algorithm); everything else here is plain pandas/XGBoost and
unit-tested. Origins and the output columns are demandcast.backtests', shared with Prophet.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd
import xgboost as xgb

from demandcast import warehouse
from demandcast.artifacts import content_hash
from demandcast.backtests import (
    KEY_COLUMNS,
    OUTPUT_COLUMNS,
    TARGET,
    as_dates,
    choose_origins,
    with_integer_origins,
    with_stored_backtest,
)
from demandcast.drift import REFERENCE_CUTOFFS, reference_sample
from demandcast.registry import Calibration, Candidate, checked_config

NOT_FEATURES = {
    "cutoff_date",
    "target_date",
    "is_scoring_row",
    "is_backtest_origin",
    "is_training_sample",
    "is_training_step",
    TARGET,
}
# Config keys of versions trained when intervals were made here (now in
# forecast_candidates): a stored version's config may still carry them.
RETIRED_CONFIG_KEYS = {"horizon_buckets", "spread_power", "spread_floor"}


@dataclass(frozen=True)
class ForecastConfig:
    """Settings of the XGBoost forecast, every one from the model's YAML config (key
    ``xgboost`` in python_models/_python_models.yml): no hyperparameter has a default here.

    Attributes:
        params: XGBoost booster parameters (objective required: ``reg:tweedie`` falls back
            to squared error when targets go negative).
        num_boost_round: Boosting rounds.
        backtest_origins: Rolling origins to backtest, latest first: the cut-offs that
            int_forecast_cutoffs flags (backtest_origin_spacing_periods apart).
        scale_column: Column with each row's series level known at the cut-off (e.g. the
            trailing mean absolute quantity); empty = no scaling. When set, the target and
            the features named by ``scaled_features`` are divided by
            max(|level|, scale_floor) before fitting and predictions multiplied back.
        scale_floor: Smallest level divided by (keeps slow movers in their own units).
        scaled_features: Prefixes of the feature columns measured in the target's units
            (lags, rolling statistics, same period last year), divided by the level too.
        scale_weight_power: Training rows are weighted by level ** power: 2 makes squared
            error on the scaled target equal squared error in the original units, 1 does
            the same for absolute error.
        training_window_days: Each fit (at a backtest origin, and the final one) learns
            from the rows whose cut-off lies within this many days before its own origin
            (the latest training cut-off for the final fit); 0 = every row. The backtests then train
            on as much history as the model they stand for.
    """

    params: dict[str, Any]
    num_boost_round: int
    backtest_origins: int
    scale_column: str
    scale_floor: float
    scaled_features: Sequence[str]
    scale_weight_power: float
    training_window_days: int

    @property
    def booster_params(self) -> dict[str, Any]:
        """The booster parameters, as configured."""
        return dict(self.params)

    @classmethod
    def from_mapping(cls, mapping: dict[str, Any] | None) -> ForecastConfig:
        """Build from a plain mapping (dbt config, or a stored version's config): unknown
        or missing keys are an error (RETIRED_CONFIG_KEYS of older versions are dropped)."""
        current = {
            key: value for key, value in (mapping or {}).items() if key not in RETIRED_CONFIG_KEYS
        }
        mapping = checked_config("xgboost", current, list(cls.__dataclass_fields__), complete=True)
        if "objective" not in (mapping["params"] or {}):
            raise ValueError("xgboost config params must name the objective")
        mapping["training_window_days"] = int(mapping["training_window_days"])
        return cls(**with_integer_origins(mapping))


def in_training_window(
    cutoffs: pd.Series, origin: pd.Timestamp, config: ForecastConfig
) -> pd.Series:
    """Whether each row's cut-off lies in the training window of a fit at ``origin``."""
    if config.training_window_days <= 0:
        return pd.Series(True, index=cutoffs.index)
    return cutoffs >= origin - pd.Timedelta(days=config.training_window_days)


def feature_columns(columns: pd.DataFrame | Sequence[str]) -> list[str]:
    """The model's features: every column (of a frame, or names) but keys, labels and
    flags, in order."""
    names = columns.columns if isinstance(columns, pd.DataFrame) else columns
    return [str(column) for column in names if column not in NOT_FEATURES]


def _categorical_columns(frame: pd.DataFrame, columns: Sequence[str]) -> list[str]:
    return [
        c for c in columns if frame[c].dtype == object or isinstance(frame[c].dtype, pd.StringDtype)
    ]


def categories_of(frame: pd.DataFrame) -> dict[str, list[str]]:
    """The sorted vocabulary of each text feature: stored with a model so that scoring
    rows get the codes the model was trained with."""
    return {
        column: sorted(frame[column].astype("string").dropna().unique())
        for column in _categorical_columns(frame, feature_columns(frame))
    }


def prepare(frame: pd.DataFrame, categories: dict[str, list[str]] | None = None) -> pd.DataFrame:
    """Typed copy: text columns become categoricals with one fixed, sorted vocabulary (the
    given one, else the frame's own), so training and scoring rows share codes; values
    outside the vocabulary become missing. Booleans become 0/1. Shallow: only the
    columns it changes take new memory."""
    prepared = frame.copy(deep=False)
    vocabulary = categories_of(prepared) if categories is None else categories
    for column in _categorical_columns(prepared, feature_columns(prepared)):
        values = prepared[column].astype("string")
        prepared[column] = pd.Categorical(values, categories=vocabulary.get(column, []))
    for column in feature_columns(prepared):
        dtype = prepared[column].dtype
        if pd.api.types.is_bool_dtype(dtype):
            prepared[column] = prepared[column].astype("float32")
        elif pd.api.types.is_float_dtype(dtype) and dtype != np.float32:
            # XGBoost holds features as float32 anyway: half the memory, same matrix.
            prepared[column] = prepared[column].astype("float32")
    return prepared


def _matrix(
    frame: pd.DataFrame,
    columns: list[str],
    label: np.ndarray | None = None,
    weight: np.ndarray | None = None,
) -> xgb.DMatrix:
    return xgb.DMatrix(frame[columns], label=label, weight=weight, enable_categorical=True)


def _scaled(
    frame: pd.DataFrame, columns: list[str], scaling: dict[str, Any]
) -> tuple[pd.DataFrame, np.ndarray]:
    """The frame with its target-unit features divided by each row's level, and the level.

    Without scaling (empty scale_column) the frame as is and a level of 1.
    """
    if not scaling["scale_column"]:
        return frame, np.ones(len(frame))
    level = np.maximum(
        frame[scaling["scale_column"]].abs().fillna(0.0).to_numpy(dtype="float64"),
        scaling["scale_floor"],
    )
    scaled = frame.copy(deep=False)  # only the replaced columns take new memory
    for column in columns:
        if column != scaling["scale_column"] and column.startswith(
            tuple(scaling["scaled_features"])
        ):
            scaled[column] = (scaled[column].to_numpy(dtype="float64") / level).astype("float32")
    return scaled, level


def _scaling(config: ForecastConfig) -> dict[str, Any]:
    return {
        "scale_column": config.scale_column,
        "scale_floor": config.scale_floor,
        "scaled_features": list(config.scaled_features),
    }


def fit(train: pd.DataFrame, config: ForecastConfig, threads: int = 0) -> xgb.Booster:
    """Fit one global booster on rows with a known target.

    With a scale_column the booster learns target / level (see ForecastConfig); the
    scaling travels with the booster (attribute ``scaling``), so predict needs no config.
    ``threads`` is XGBoost's nthread (0 = XGBoost's default, every core); it is not part
    of the config, so it changes no model version (demandcast.compute).
    """
    has_target = train[TARGET].notna()
    known = train if has_target.all() else train[has_target]
    if known.empty:
        raise ValueError("no training rows with a known target_quantity")
    columns = feature_columns(known)
    params = config.booster_params
    if (known[TARGET] < 0).any() and params["objective"] == "reg:tweedie":
        # Returns make the target negative: Tweedie cannot fit that, squared error can.
        params = {**params, "objective": "reg:squarederror"}
        params.pop("tweedie_variance_power", None)
    scaling = _scaling(config)
    if scaling["scale_column"] and scaling["scale_column"] not in columns:
        raise ValueError(f"scale_column {scaling['scale_column']!r} is not a feature column")
    scaled, level = _scaled(known, columns, scaling)
    label = known[TARGET].to_numpy(dtype="float64") / level
    weight = level**config.scale_weight_power if scaling["scale_column"] else None
    if threads:
        params = {**params, "nthread": threads}
    booster = xgb.train(
        params, _matrix(scaled, columns, label, weight), num_boost_round=config.num_boost_round
    )
    booster.set_attr(scaling=json.dumps(scaling))
    return booster


def booster_input(
    booster: xgb.Booster, frame: pd.DataFrame
) -> tuple[xgb.DMatrix, np.ndarray | None]:
    """What a booster predicts from for the rows of frame: the matrix of its features
    (those in the target's units divided by each row's level when the booster learned in
    scaled units, the scaling it carries) and that level (None without scaling). The
    booster's raw outputs (``output_margin``, ``pred_contribs``) are in those units:
    :func:`predict` multiplies its predictions back."""
    stored = booster.attr("scaling")
    scaling = json.loads(stored) if stored else {"scale_column": ""}
    columns = feature_columns(frame)
    if not scaling["scale_column"]:
        return _matrix(frame, columns), None
    scaled, level = _scaled(frame, columns, scaling)
    return _matrix(scaled, columns), level


def predict(booster: xgb.Booster, frame: pd.DataFrame) -> np.ndarray:
    """Point forecasts for the rows of frame (in the target's units)."""
    matrix, level = booster_input(booster, frame)
    predicted = booster.predict(matrix)
    return predicted if level is None else predicted * level


def read_options(columns: Sequence[str]) -> dict[str, Any]:
    """How the XGBoost models read int_forecast_features
    (:func:`demandcast.warehouse.to_pandas_where`): sorted by the row key, so that the
    content hashes and the reference sample do not depend on the engine's row order, and
    the features as float32, the type XGBoost holds them in, through Arrow (a lower peak)."""
    return {"order_by": KEY_COLUMNS, "as_float32": feature_columns(columns), "through_arrow": True}


# What registry_xgboost reads to train: the known rows of the sampled series and every
# series' rows at the backtest origins.
TRAINING_ROWS = (
    "not is_scoring_row and ((is_training_sample and is_training_step) or is_backtest_origin)"
)
# The flags of int_forecast_features that say a row may be learned from: its series is in
# the training sample (training_series_share) and its step is kept under the training row
# budget (training_row_budget). A frame without a flag learns from every row.
LEARNING_FLAGS = ("is_training_sample", "is_training_step")


def learnable(frame: pd.DataFrame) -> pd.Series:
    """Whether each row may be learned from (LEARNING_FLAGS); every series is still
    backtested at the origins, on every step."""
    allowed = pd.Series(True, index=frame.index)
    for flag in LEARNING_FLAGS:
        if flag in frame.columns:
            allowed &= frame[flag].astype(bool)
    return allowed


def model_version(config: ForecastConfig, columns: Sequence[str], train: pd.DataFrame) -> str:
    """Content hash of what makes a model: params, rounds, features, training data."""
    settings = json.dumps(
        {**asdict(config), "features": list(columns)}, sort_keys=True, default=str
    )
    return "xgb-" + content_hash(settings, train[[*KEY_COLUMNS, TARGET]])[:16]


def _predictions(
    rows: pd.DataFrame, predicted: np.ndarray, version: str, backtest: bool
) -> pd.DataFrame:
    out = rows[KEY_COLUMNS].copy()
    out["model_name"] = "xgboost"
    out["model_version"] = version
    out["is_backtest"] = backtest
    out["predicted_quantity"] = predicted
    out["actual_quantity"] = rows[TARGET].to_numpy()
    return out


@dataclass
class TrainedForecast:
    """What training leaves behind: the final booster, the rows it was fitted on and its
    backtests.

    Attributes:
        booster: Fitted on every row with a known target.
        version: Content hash of config, features and training rows.
        features: Feature columns, in the order the booster expects.
        categories: Vocabulary of each categorical feature (see ``prepare``).
        backtest: Backtest rows (OUTPUT_COLUMNS).
        training_start: First target date trained on.
        training_end: Last target date trained on.
    """

    booster: xgb.Booster
    version: str
    features: list[str]
    categories: dict[str, list[str]]
    backtest: pd.DataFrame
    training_start: pd.Timestamp
    training_end: pd.Timestamp


def sorted_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows sorted by the row key (KEY_COLUMNS), index reset: the order of typed rows
    (:func:`typed_rows`), so the two align row for row."""
    if not pd.MultiIndex.from_frame(frame[KEY_COLUMNS]).is_monotonic_increasing:
        frame = frame.sort_values(KEY_COLUMNS, kind="stable")
    return frame.reset_index(drop=True)


# The keys that are text features too: a value outside a version's vocabulary (an item
# launched after the version's training rows) is missing in the typed rows.
TEXT_KEY_COLUMNS = ["store_id", "item_id"]


def with_source_keys(out: pd.DataFrame, source: pd.DataFrame) -> pd.DataFrame:
    """``out`` (rows of typed rows, in their order) with the text keys of ``source`` (the
    same rows before typing, :func:`sorted_rows`): a series the scoring version never saw
    keeps its store and item instead of a missing key."""
    out = out.copy(deep=False)
    for column in TEXT_KEY_COLUMNS:
        out[column] = source[column].astype("string").to_numpy(dtype=object)
    return out


def _typed(frame: pd.DataFrame, categories: dict[str, list[str]] | None = None) -> pd.DataFrame:
    frame = prepare(sorted_rows(frame), categories)
    frame["cutoff_date"] = pd.to_datetime(frame["cutoff_date"])
    frame["target_date"] = pd.to_datetime(frame["target_date"])
    return frame


def fit_plan(fits: int, threads: int) -> tuple[int, int]:
    """How ``fits`` independent fits share ``threads`` threads: (fits at once, nthread of
    each). One thread per fit while there are at least as many fits as threads: a fit on
    one thread wastes nothing on OpenMP's barriers, and two fits on two cores take about
    half the time of one after the other (two threads in one fit buy 18-29 %,
    docs/benchmarks.md). 0 threads = every core."""
    threads = threads or os.cpu_count() or 1
    at_once = max(1, min(fits, threads))
    return at_once, max(1, threads // at_once)


class TrainingRows(Protocol):
    """Where :func:`train` gets its rows: a frame in memory (:class:`FrameRows`) or the
    feature table in the warehouse (:class:`RelationRows`), read one part at a time so
    that the backtest origins' rows (most of the rows at scale: every series on every
    step) never sit in memory beside the rows the fits learn from. Each part comes
    sorted by the row key (KEY_COLUMNS), as the frame path sorts it, so both give the
    same versions, boosters and backtests."""

    def categories(self) -> dict[str, list[str]]:
        """The vocabulary of each text feature over every training row (categories_of)."""
        ...

    def cutoffs(self, condition: str = "true") -> list[pd.Timestamp]:
        """The distinct cut-offs of the non-scoring training rows, sorted; ``condition``
        (a SQL condition, ORIGIN_CUTOFFS or REFERENCE_CUTOFFS_ROWS) narrows them."""
        ...

    def learning(self) -> pd.DataFrame:
        """The rows a fit may learn from: not scoring, a known target, LEARNING_FLAGS."""
        ...

    def at_cutoff(self, cutoff: pd.Timestamp, *, known: bool) -> pd.DataFrame:
        """The non-scoring training rows at one cut-off (with a known target only, if
        ``known``)."""
        ...

    def keys(self) -> pd.DataFrame:
        """KEY_COLUMNS and the target of every non-scoring training row with a known
        target: what :func:`data_fingerprint` hashes."""
        ...


# The SQL conditions of the parts of TrainingRows, over int_forecast_features' columns
# (FrameRows applies the same rules in pandas; tests/python/test_forecasting.py checks
# that both give the same model).
LEARNING_ROWS = (
    "not is_scoring_row and target_quantity is not null and is_training_sample and is_training_step"
)
ORIGIN_CUTOFFS = "is_backtest_origin"
REFERENCE_CUTOFFS_ROWS = "horizon_step = 1"


class FrameRows:
    """TrainingRows over a frame of int_forecast_features' rows (any order; a frame
    without a LEARNING_FLAGS column learns from every row)."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self._cutoffs = pd.to_datetime(frame["cutoff_date"])
        self._known = frame[TARGET].notna()
        self._unscored = ~frame["is_scoring_row"].astype(bool)

    def categories(self) -> dict[str, list[str]]:
        return categories_of(self.frame)

    def cutoffs(self, condition: str = "true") -> list[pd.Timestamp]:
        kept = self._unscored.copy()
        if condition == ORIGIN_CUTOFFS:
            if "is_backtest_origin" not in self.frame.columns:
                choose_origins(self.frame, 1)  # the error that names the missing flag
            kept &= self.frame["is_backtest_origin"].astype(bool)
        elif condition == REFERENCE_CUTOFFS_ROWS:
            kept &= self.frame["horizon_step"] == 1
        elif condition != "true":
            raise ValueError(f"FrameRows knows no cut-off condition {condition!r}")
        return sorted(pd.to_datetime(self._cutoffs[kept].unique()))

    def learning(self) -> pd.DataFrame:
        return self.frame[self._unscored & self._known & learnable(self.frame)]

    def at_cutoff(self, cutoff: pd.Timestamp, *, known: bool) -> pd.DataFrame:
        rows = self._unscored & (self._cutoffs == cutoff)
        return self.frame[rows & self._known if known else rows]

    def keys(self) -> pd.DataFrame:
        return self.frame[self._unscored & self._known][[*KEY_COLUMNS, TARGET]]


class RelationRows:
    """TrainingRows over the feature table in the warehouse (the relation ``dbt.ref``
    returns), restricted to ``condition`` (registry_xgboost: TRAINING_ROWS). Each part is
    a query of its own through demandcast.warehouse; only the learning rows and one
    origin's rows are in memory at a time."""

    def __init__(self, relation: Any, condition: str, columns: Sequence[str]) -> None:
        self.relation = relation
        self.condition = condition
        self.columns = list(columns)

    def _where(self, condition: str) -> str:
        return f"({self.condition}) and not is_scoring_row and ({condition})"

    def _read(self, condition: str, columns: Sequence[str] | None = None) -> pd.DataFrame:
        names = list(columns or self.columns)
        return warehouse.to_pandas_where(
            self.relation, self._where(condition), names, **read_options(names)
        )

    def categories(self) -> dict[str, list[str]]:
        text = warehouse.text_columns(self.relation, feature_columns(self.columns))
        return {
            column: sorted(
                str(value)
                for value in warehouse.distinct_values(self.relation, self._where("true"), column)
                if value is not None
            )
            for column in text
        }

    def cutoffs(self, condition: str = "true") -> list[pd.Timestamp]:
        found = warehouse.distinct_values(self.relation, self._where(condition), "cutoff_date")
        return sorted(pd.to_datetime(pd.Series(found, dtype=object)).tolist())

    def learning(self) -> pd.DataFrame:
        return self._read(LEARNING_ROWS)

    def at_cutoff(self, cutoff: pd.Timestamp, *, known: bool) -> pd.DataFrame:
        condition = f"cutoff_date = date '{cutoff.date().isoformat()}'"
        return self._read(f"{condition} and target_quantity is not null" if known else condition)

    def keys(self) -> pd.DataFrame:
        return self._read("target_quantity is not null", [*KEY_COLUMNS, TARGET])


def training_rows(source: pd.DataFrame | TrainingRows) -> TrainingRows:
    """A frame as FrameRows; TrainingRows as they are."""
    return FrameRows(source) if isinstance(source, pd.DataFrame) else source


def backtest_origins(rows: TrainingRows, count: int) -> list[pd.Timestamp]:
    """The latest ``count`` flagged origins, latest first (demandcast.backtests' rule
    over TrainingRows); an error when there is none."""
    origins = sorted(rows.cutoffs(ORIGIN_CUTOFFS), reverse=True)[:count]
    if not origins:
        raise ValueError("no cut-off has a fully known horizon: nothing to backtest")
    return origins


def reference_rows(rows: TrainingRows) -> pd.DataFrame:
    """The rows the drift reference is sampled from (demandcast.drift.reference_sample):
    the step-1 rows of the latest REFERENCE_CUTOFFS training cut-offs, in key order."""
    latest = rows.cutoffs(REFERENCE_CUTOFFS_ROWS)[-REFERENCE_CUTOFFS:]
    parts = [rows.at_cutoff(cutoff, known=False) for cutoff in latest]
    recent = pd.concat([part[part["horizon_step"] == 1] for part in parts], ignore_index=True)
    return recent.sort_values(KEY_COLUMNS, kind="stable", ignore_index=True)


def train(
    source: pd.DataFrame | TrainingRows, config: ForecastConfig, threads: int = 0
) -> TrainedForecast:
    """Rolling-origin backtests, then the final fit on every row with a known target.

    For each backtest origin o: train on rows whose target_date <= o, predict the rows
    with cutoff_date = o. The fits are independent: they run at once on ``threads``
    threads in all (:func:`fit_plan`; 0 = every core). Each fit is deterministic on its
    own rows, so the result does not depend on how many run at once. The origins' rows
    are read one origin at a time, after the fits (:class:`TrainingRows`).
    """
    rows = training_rows(source)
    categories = rows.categories()
    origins = backtest_origins(rows, config.backtest_origins)
    # The final fit's window ends at the latest cut-off it learns from.
    as_of = rows.cutoffs()[-1]
    # The sampled series' kept steps with a known target (LEARNING_FLAGS); every series
    # is backtested on every step.
    frame = _typed(rows.learning(), categories)
    features = feature_columns(frame)
    windows = [
        (frame["target_date"] <= origin) & in_training_window(frame["cutoff_date"], origin, config)
        for origin in origins
    ] + [in_training_window(frame["cutoff_date"], as_of, config)]

    at_once, nthread = fit_plan(len(windows), threads)

    def fitted(window: pd.Series) -> tuple[xgb.Booster, str, pd.Series]:
        learned = frame[window]
        booster = fit(learned, config, nthread)
        return booster, model_version(config, features, learned), learned["target_date"]

    # The largest fits first, so that the last to finish is a small one.
    largest_first = sorted(range(len(windows)), key=lambda i: -int(windows[i].sum()))
    with ThreadPoolExecutor(max_workers=at_once) as pool:
        futures = {i: pool.submit(fitted, windows[i]) for i in largest_first}
        results = [futures[i].result() for i in range(len(windows))]
    *origin_fits, (booster, version, target_dates) = results
    backtests = []
    for origin, (origin_booster, origin_version, _) in zip(origins, origin_fits, strict=True):
        test = _typed(rows.at_cutoff(origin, known=True), categories)
        backtests.append(_predictions(test, predict(origin_booster, test), origin_version, True))
        del test
    backtest = pd.concat(backtests, ignore_index=True)
    return TrainedForecast(
        booster=booster,
        version=version,
        features=features,
        categories=categories,
        backtest=as_dates(backtest)[OUTPUT_COLUMNS],
        training_start=target_dates.min(),
        training_end=target_dates.max(),
    )


def score(
    booster: xgb.Booster,
    frame: pd.DataFrame,
    *,
    version: str,
    categories: dict[str, list[str]],
) -> pd.DataFrame:
    """The published forecast: the scoring rows of ``frame`` predicted by a (possibly
    stored) booster (the booster carries its scaling)."""
    selected = sorted_rows(frame[frame["is_scoring_row"]])
    scoring = _typed(selected, categories)
    published = _predictions(scoring, predict(booster, scoring), version, False)
    return as_dates(with_source_keys(published, selected))[OUTPUT_COLUMNS]


def forecast(frame: pd.DataFrame, config: ForecastConfig) -> pd.DataFrame:
    """Backtests and the published forecast from the rows of int_forecast_features, in
    one call (no registry): :func:`train`, then :func:`score` with the fresh model.

    Returns:
        One row per series x cut-off x horizon step forecast, columns OUTPUT_COLUMNS.
    """
    trained = train(frame, config)
    published = score(
        trained.booster,
        frame,
        version=trained.version,
        categories=trained.categories,
    )
    return pd.concat([trained.backtest, published], ignore_index=True)


def data_fingerprint(frame: pd.DataFrame) -> str:
    """Hash of the rows a model learns from: keys and target."""
    return content_hash(frame[frame[TARGET].notna()][[*KEY_COLUMNS, TARGET]])[:16]


def booster_bytes(booster: xgb.Booster) -> bytes:
    """The booster in XGBoost's own UBJSON format (no pickle)."""
    return bytes(booster.save_raw(raw_format="ubj"))


def load_booster(blob: bytes | bytearray | memoryview) -> xgb.Booster:
    """A booster from :func:`booster_bytes`."""
    booster = xgb.Booster()
    booster.load_model(bytearray(bytes(blob)))
    return booster


def version_columns(frame: pd.DataFrame, row: Mapping[str, Any]) -> pd.DataFrame:
    """The columns of frame a registered version (a registry row) reads: the keys, labels
    and flags, then its features in the order its booster expects; an error names the
    features the frame lacks. Other columns (a scenario's, say) are left out."""
    features = json.loads(row["features_json"])
    missing = sorted(set(features) - set(frame.columns))
    if missing:
        raise ValueError(
            f"model {row['model_version']} needs features the feature table lacks: {missing}"
        )
    return frame[[*[c for c in frame.columns if c in NOT_FEATURES], *features]]


def typed_rows(frame: pd.DataFrame, categories: dict[str, list[str]]) -> pd.DataFrame:
    """Rows as a booster reads them (:func:`prepare` with a version's vocabulary), sorted
    by the row key, dates as timestamps: what :func:`score` predicts from."""
    return _typed(frame, categories)


class XGBoostForecaster:
    """The global XGBoost model behind the algorithm interface (demandcast.algorithm).

    Args:
        frame: For :meth:`train`, the rows training needs: a frame of int_forecast_features'
            TRAINING_ROWS, or :class:`RelationRows` over the table (read part by part);
            for :meth:`score`, a frame with at least the scoring rows.
        threads: XGBoost's nthread while training (demandcast.compute; 0 = every core).
    """

    name = "xgboost"

    def __init__(self, frame: pd.DataFrame | TrainingRows, threads: int = 0) -> None:
        self.frame = frame
        self.threads = threads

    def train(self, mapping: Mapping[str, Any]) -> Candidate:
        """Train and backtest one configuration (the ``xgboost`` config): a registry
        Candidate."""
        config = ForecastConfig.from_mapping(dict(mapping))
        rows = training_rows(self.frame)
        trained = train(rows, config, self.threads)
        calibration: Calibration = {"categories": trained.categories}
        return Candidate(
            version=trained.version,
            algorithm=self.name,
            config=asdict(config),
            features=trained.features,
            data_fingerprint=data_fingerprint(rows.keys()),
            training_start=trained.training_start.date(),
            training_end=trained.training_end.date(),
            backtest=trained.backtest,
            calibration=calibration,
            artifact_format="xgboost-ubj",
            artifact=booster_bytes(trained.booster),
            reference_sample=reference_sample(reference_rows(rows), trained.features),
        )

    def score(self, row: Mapping[str, Any]) -> pd.DataFrame:
        """Backtest rows and the published forecast of a registered version: the stored
        backtests, and the scoring rows predicted by the stored booster."""
        if not isinstance(self.frame, pd.DataFrame):
            raise TypeError("XGBoostForecaster scores a frame of scoring rows")
        published = score(
            load_booster(row["artifact"]),
            version_columns(self.frame, row),
            version=row["model_version"],
            categories=json.loads(row["calibration_json"])["categories"],
        )
        return with_stored_backtest(row, published)


# Output column -> XGBoost importance type (totals, so shares add up).
IMPORTANCE_TYPES = {"gain": "total_gain", "splits": "weight", "cover": "total_cover"}


def feature_importance(registry: pd.DataFrame) -> pd.DataFrame:
    """One row per model version and feature: total gain, number of splits and total
    cover from the stored booster, the gain share and its rank. Features never split on
    get zeros."""
    rows = []
    for _, row in registry.iterrows():
        booster = load_booster(row["artifact"])
        scores = {
            column: booster.get_score(importance_type=kind)
            for column, kind in IMPORTANCE_TYPES.items()
        }
        for feature in json.loads(row["features_json"]):
            rows.append(
                {
                    "model_version": row["model_version"],
                    "feature": feature,
                    **{
                        column: float(scores[column].get(feature, 0.0))  # type: ignore[arg-type]
                        for column in IMPORTANCE_TYPES
                    },
                }
            )
    frame = pd.DataFrame(rows, columns=["model_version", "feature", *IMPORTANCE_TYPES]).astype(
        {
            "model_version": "string",
            "feature": "string",
            **dict.fromkeys(IMPORTANCE_TYPES, "float64"),
        }
    )
    total_gain = frame.groupby("model_version")["gain"].transform("sum")
    frame["gain_share"] = (frame["gain"] / total_gain.where(total_gain > 0)).fillna(0.0)
    frame["gain_rank"] = (
        frame.groupby("model_version")["gain"].rank(method="first", ascending=False).astype("int64")
    )
    return frame.sort_values(["model_version", "gain_rank"]).reset_index(drop=True)
