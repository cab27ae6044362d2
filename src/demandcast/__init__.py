"""demandcast: the Python package behind the dbt project."""

__version__ = "0.1.0"
