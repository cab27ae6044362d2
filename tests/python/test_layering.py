"""No arrow runs backwards through the layers (issue 15; STYLE.md, house style 1 and 11).

The layers, in data-flow order, are named by where a model's file lives:

    staging < intermediate < training < scoring < marts < monitoring < publishing

``models/staging``, ``models/intermediate``, ``models/marts`` and ``models/monitoring``
hold the SQL layers; ``python_models/training``, ``scoring``, ``marts`` (the hierarchy's
reconciliation, which reads the final forecast), ``monitoring`` and ``publishing`` the
Python steps. A model may read models of its own layer or of earlier
ones. Seeds come before every layer; only staging reads the raw sources. The alert
feedback loop (monitoring into training) goes through the declared source
``feedback.alert_history``, not a ref (that would be a cycle), so it is no edge between
models here; a later layer may read a source only when, like that one, its
``meta.written_by`` names the incremental history model that writes it.

The test reads the manifest of ``dbt parse`` (written into a temporary target folder) and
fails on every model that depends on a model of a later layer, or that lives where no
layer is defined.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from demandcast.tools.project import run_dbt

LAYERS = (
    "staging",
    "intermediate",
    "training",
    "scoring",
    "marts",
    "monitoring",
    "publishing",
)
# Folder (first two path parts) of each layer.
LAYER_FOLDERS = {
    ("models", "staging"): "staging",
    ("models", "intermediate"): "intermediate",
    ("python_models", "training"): "training",
    ("python_models", "scoring"): "scoring",
    ("models", "marts"): "marts",
    ("python_models", "marts"): "marts",
    ("models", "monitoring"): "monitoring",
    ("python_models", "monitoring"): "monitoring",
    ("python_models", "publishing"): "publishing",
}


def layer_of(path: str) -> str | None:
    """The layer of a model file (its path inside the project), or None if its folder
    is not a layer."""
    parts = tuple(Path(path).parts[:2])
    return LAYER_FOLDERS.get(parts)  # type: ignore[call-overload]


def layering_violations(manifest: Mapping[str, Any]) -> list[str]:
    """One line per model of the project outside every layer, and per dependency of a
    model on a model of a later layer."""
    models = {
        unique_id: node
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] == "model"
    }
    rank = {layer: position for position, layer in enumerate(LAYERS)}
    problems = []
    for node in sorted(models.values(), key=lambda node: node["name"]):
        path = node["original_file_path"]
        layer = layer_of(path)
        if layer is None:
            problems.append(f"{node['name']} ({path}): not in a layer folder")
            continue
        for parent_id in node["depends_on"]["nodes"]:
            if parent_id.startswith("source."):
                problems += source_problems(node, layer, manifest, parent_id)
                continue
            parent = models.get(parent_id)
            if parent is None:  # a seed: before every layer
                continue
            parent_layer = layer_of(parent["original_file_path"])
            if parent_layer is not None and rank[parent_layer] > rank[layer]:
                problems.append(
                    f"{node['name']} ({layer}, {path}) reads {parent['name']} "
                    f"({parent_layer}, {parent['original_file_path']})"
                )
    return problems


def source_problems(
    node: Mapping[str, Any], layer: str, manifest: Mapping[str, Any], source_id: str
) -> list[str]:
    """Only staging reads the raw sources; a later layer may read a source only when it
    is a declared feedback loop: a source whose ``meta.written_by`` names the
    incremental model (a history table) that writes it."""
    writer_id = (manifest["sources"][source_id].get("meta") or {}).get("written_by")
    if writer_id is None:
        if layer == "staging":
            return []
        return [f"{node['name']} ({layer}) reads {source_id}, which is not a feedback source"]
    writer = manifest["nodes"].get(writer_id)
    if writer is None or writer["config"].get("materialized") != "incremental":
        return [f"{source_id} (read by {node['name']}) is not written by an incremental model"]
    return []


def manifest_node(
    name: str, path: str, *parents: str, materialized: str = "table"
) -> tuple[str, dict[str, Any]]:
    return f"model.p.{name}", {
        "name": name,
        "resource_type": "model",
        "config": {"materialized": materialized},
        "original_file_path": path,
        "depends_on": {
            "nodes": [
                f"source.p.{parent[len('source:') :]}"
                if parent.startswith("source:")
                else f"model.p.{parent}"
                for parent in parents
            ]
        },
    }


def test_backward_arrows_loose_models_and_undeclared_sources_are_reported():
    manifest = {
        "nodes": dict(
            [
                manifest_node("stg_sales", "models/staging/stg_sales.sql", "source:raw.sales"),
                manifest_node("int_scale", "models/intermediate/int_scale.sql", "forecast"),
                manifest_node("forecast", "python_models/scoring/forecast.py", "stg_sales"),
                manifest_node("loose", "python_models/loose.py", "stg_sales"),
                manifest_node("alerts", "models/monitoring/alerts.sql", "forecast"),
                # The feedback loop: a source over an incremental history table.
                manifest_node("registry", "python_models/training/registry.py", "source:fb.h"),
                manifest_node("history", "models/monitoring/h.sql", materialized="incremental"),
                manifest_node("scores", "python_models/scoring/scores.py", "source:raw.sales"),
                manifest_node("drift", "python_models/monitoring/drift.py", "source:fb.t"),
                manifest_node("snapshot", "models/monitoring/t.sql"),
            ]
        ),
        "sources": {
            "source.p.raw.sales": {"meta": {}},
            "source.p.fb.h": {"meta": {"written_by": "model.p.history"}},
            "source.p.fb.t": {"meta": {"written_by": "model.p.snapshot"}},
        },
    }
    assert layering_violations(manifest) == [
        "source.p.fb.t (read by drift) is not written by an incremental model",
        "int_scale (intermediate, models/intermediate/int_scale.sql) reads forecast "
        "(scoring, python_models/scoring/forecast.py)",
        "loose (python_models/loose.py): not in a layer folder",
        "scores (scoring) reads source.p.raw.sales, which is not a feedback source",
    ]


@pytest.mark.integration
def test_no_model_reads_a_model_of_a_later_layer(tmp_path: Path):
    result = run_dbt(
        ["parse"], database_path=tmp_path / "parse.duckdb", target_path=tmp_path / "target"
    )
    assert result.ok, result.output[-4000:]
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text())
    problems = layering_violations(manifest)
    assert not problems, "\n".join(problems)
    # The feedback loop shows in lineage: both registries read both feedback sources (a
    # dbt.source call dbt's parser cannot see would leave the model with no sources).
    for registry in ("registry_xgboost", "registry_prophet"):
        depends = manifest["nodes"][f"model.demandcast.{registry}"]["depends_on"]["nodes"]
        assert {
            "source.demandcast.feedback.alert_history",
            "source.demandcast.feedback.model_training_log",
        } <= set(depends), (registry, depends)


ROOT = Path(__file__).resolve().parents[2]


def tooling_imports(path: Path) -> list[str]:
    """The demandcast.tools imports of a Python file (``import ...`` and ``from ...``)."""
    import ast

    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found += [
            f"{path.relative_to(ROOT)}: {name}" for name in names if "demandcast.tools" in name
        ]
    return found


def test_the_runtime_never_imports_the_tooling():
    """What dbt imports (python_models/, the demandcast runtime modules) stays free of the
    tooling (demandcast.tools: demo data, benchmarks, peers, replay, CLI)."""
    runtime = [
        *sorted((ROOT / "src" / "demandcast").glob("*.py")),
        *sorted((ROOT / "python_models").rglob("*.py")),
    ]
    assert len(runtime) > 10  # the glob found the files
    assert [line for path in runtime for line in tooling_imports(path)] == []
    # The check sees an import when there is one.
    assert tooling_imports(ROOT / "src" / "demandcast" / "tools" / "cli.py")
