"""demandcast: the Python package behind the dbt project."""

import os

# Idle OpenMP threads sleep instead of spinning (libgomp reads this once, when XGBoost's
# library loads: every module that imports xgboost is in this package, so this line runs
# first). Spinning XGBoost threads took the cores the models beside them need in a dbt
# build (demandcast/compute.py). A value the user set is kept.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

__version__ = "0.1.0"
