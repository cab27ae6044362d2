"""Every model and every column the warehouse holds is described in the models' YAML.

The shared demo build (conftest's demo_warehouse: the whole project on generated demo data,
every optional input present) is compared with the manifest that same dbt run wrote: each
model's columns in DuckDB against the columns its YAML describes. A column without a
description, and a described column the model no longer has, are both reported.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import pytest
from conftest import DEMO_WAREHOUSE_GROUP, Warehouse

Relation = tuple[str, str]


def model_nodes(manifest: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The project's model nodes, by name."""
    nodes = [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["package_name"] == "demandcast"
    ]
    return sorted(nodes, key=lambda node: node["name"])


def documentation_gaps(
    models: Iterable[Mapping[str, Any]], columns: Mapping[Relation, list[str]]
) -> list[str]:
    """What the YAML misses or gets wrong about the built models, one line each.

    Args:
        models: Manifest model nodes (name, schema, alias, description, columns).
        columns: Column names of each built relation, keyed by (schema, table), lower case.

    Returns:
        ``model: ...`` lines for a model without a description or not built, and
        ``model.column: ...`` lines for a column without a description or described but
        absent from the warehouse.
    """
    gaps = []
    for node in models:
        name = node["name"]
        actual = columns.get((node["schema"].lower(), (node.get("alias") or name).lower()))
        if actual is None:
            gaps.append(f"{name}: not in the warehouse")
            continue
        if not (node.get("description") or "").strip():
            gaps.append(f"{name}: the model has no description")
        described = {
            column.lower(): (spec.get("description") or "").strip()
            for column, spec in node["columns"].items()
        }
        gaps += [
            f"{name}.{column}: no description" for column in actual if not described.get(column)
        ]
        gaps += [
            f"{name}.{column}: described, not in the warehouse"
            for column in described
            if column not in actual
        ]
    return gaps


def warehouse_columns(warehouse: Warehouse) -> dict[Relation, list[str]]:
    """Column names of every table and view of the DuckDB file, in their order."""
    columns: dict[Relation, list[str]] = {}
    for schema, table, column in warehouse.rows(
        "select table_schema, table_name, column_name from information_schema.columns"
        " order by table_schema, table_name, ordinal_position"
    ):
        columns.setdefault((schema.lower(), table.lower()), []).append(column.lower())
    return columns


@pytest.mark.integration
@pytest.mark.xdist_group(DEMO_WAREHOUSE_GROUP)
def test_every_model_and_column_of_the_warehouse_is_described(demo_warehouse: Warehouse):
    manifest_path = demo_warehouse.result.target_path / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    models = model_nodes(manifest)
    assert len(models) > 50, f"only {len(models)} models in {manifest_path}"

    gaps = documentation_gaps(models, warehouse_columns(demo_warehouse))

    assert not gaps, (
        f"{len(gaps)} documentation gaps: describe these columns in the model's YAML"
        " (shared definitions: models/docs/*.md), or drop entries for columns that are gone:\n"
        + "\n".join(gaps)
    )


def test_gaps_name_the_model_and_column_both_ways():
    models = [
        {
            "name": "fct_example",
            "schema": "main",
            "alias": "fct_example",
            "description": "One row per store_id.",
            "columns": {
                "store_id": {"description": "Store key."},
                "quantity": {"description": "  "},
                "retired_column": {"description": "Gone from the SQL."},
            },
        },
        {"name": "int_unbuilt", "schema": "main", "alias": None, "description": "", "columns": {}},
        {"name": "int_bare", "schema": "main", "alias": None, "description": "", "columns": {}},
    ]
    columns = {
        ("main", "fct_example"): ["store_id", "quantity", "new_column"],
        ("main", "int_bare"): ["store_id"],
    }

    assert documentation_gaps(models, columns) == [
        "fct_example.quantity: no description",
        "fct_example.new_column: no description",
        "fct_example.retired_column: described, not in the warehouse",
        "int_unbuilt: not in the warehouse",
        "int_bare: the model has no description",
        "int_bare.store_id: no description",
    ]
