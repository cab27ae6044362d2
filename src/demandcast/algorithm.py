"""The one interface every forecasting algorithm implements, so the registry and scoring
models call the same verbs whatever the algorithm.

An algorithm is built with its inputs (the frames its dbt models read), then
``train(config)`` backtests and fits one configuration into a registry
:class:`~demandcast.registry.Candidate`, and ``score(row)`` gives a registered version's
output: its stored backtests and this run's published forecast (OUTPUT_COLUMNS of
demandcast.backtests). Implemented by demandcast.xgboost_model.XGBoostForecaster and
demandcast.prophet_models.ProphetForecaster.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

import pandas as pd

from demandcast.registry import Candidate


class Algorithm(Protocol):
    """A forecasting algorithm, its inputs given at construction."""

    name: str

    def train(self, mapping: Mapping[str, Any]) -> Candidate:
        """Backtest and fit one configuration (the algorithm's YAML config)."""
        ...

    def score(self, row: Mapping[str, Any]) -> pd.DataFrame:
        """A registered version's stored backtests and published forecast."""
        ...
