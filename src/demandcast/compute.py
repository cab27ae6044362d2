"""How much of the machine a model's own parallel work takes beside dbt's threads.

dbt runs up to ``threads`` models at once (profiles.yml). XGBoost's OpenMP threads and
Prophet's process pool come on top of those, so on a small machine they fight each other:
with dbt's 2 threads on 2 cores, XGBoost on 2 threads beside a 2-process Prophet pool
keeps 4 busy workers on 2 cores. Var ``model_threads`` sets the share: a positive number is
used as is, 0 (the default) shares the machine's cores among dbt's threads.

The package also asks OpenMP to let idle threads sleep (``OMP_WAIT_POLICY=PASSIVE``, see
demandcast/__init__.py): XGBoost's threads otherwise spin between parallel regions and take
the cores the other models need.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any


def model_threads(
    setting: Any, dbt_threads: Any, cores: int | None = None, *, shared: bool = True
) -> int:
    """Threads (XGBoost) or processes (Prophet) one model may use.

    Args:
        setting: Var model_threads (dbt renders it as text): a positive whole number is
            used as is; 0 = the machine's cores, shared among dbt's threads when
            ``shared``.
        dbt_threads: dbt's ``target.threads``.
        cores: The machine's cores (default: os.cpu_count()).
        shared: Whether 0 shares the cores among dbt's threads (Prophet's pool), or
            takes every core (XGBoost, whose fits run one thread each: beside another
            model the operating system shares the cores, and once that model is done
            the fits left get them all).

    Raises:
        ValueError: When either setting is not a whole number, or model_threads is
            negative, naming the var.
    """
    wanted = _whole("var model_threads", setting)
    if wanted < 0:
        raise ValueError(f"var model_threads must be 0 (automatic) or more, got {setting!r}")
    if wanted:
        return wanted
    shared_by = max(1, _whole("target.threads", dbt_threads)) if shared else 1
    return max(1, (cores or os.cpu_count() or 1) // shared_by)


def configured_threads(compute: Mapping[str, Any] | None, *, shared: bool = True) -> int:
    """:func:`model_threads` of a model's ``compute`` config (keys model_threads,
    dbt_threads; see python_models/training/_training.yml)."""
    compute = compute or {}
    return model_threads(
        compute.get("model_threads", 0), compute.get("dbt_threads", 1), shared=shared
    )


def _whole(name: str, value: Any) -> int:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a whole number, got {value!r}") from None
    if not number.is_integer():
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    return int(number)
