"""Tooling around the dbt project, never imported by dbt at run time: demo data, real-data
presets, benchmarks and their peer libraries, replays, the ``demandcast`` command line.

The runtime package (``demandcast``: adapter layer, registry, forecasting, intervals' and
metrics' Python side, drift, publishing) is what the dbt Python models import.
"""
