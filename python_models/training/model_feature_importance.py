"""Feature importance of every registered XGBoost version, read from its stored booster.

Thin by design: the work is demandcast.xgboost_model.feature_importance.
"""

from demandcast import warehouse
from demandcast.xgboost_model import feature_importance


def model(dbt, session):
    dbt.config(materialized="table")
    return feature_importance(warehouse.to_pandas(dbt.ref("registry_xgboost")))
