"""Var presets: the same preset serves any folder in its layout."""

from __future__ import annotations

from pathlib import Path

import pytest

from demandcast.tools.cli import main
from demandcast.tools.presets import canonical_vars, m5_vars, walmart_vars


def test_walmart_preset_uses_only_the_files_present(tmp_path: Path):
    (tmp_path / "train.csv").write_text("Store,Dept,Date,Weekly_Sales,IsHoliday\n")
    only_train = walmart_vars(tmp_path)
    assert only_train["sales_path"] == str(tmp_path / "train.csv")
    assert only_train["stores_path"] == "" and only_train["exogenous_path"] == ""
    assert only_train["frequency"] == "week"
    (tmp_path / "stores.csv").write_text("Store,Type,Size\n")
    assert walmart_vars(tmp_path)["stores_path"] == str(tmp_path / "stores.csv")


def test_m5_preset_prefers_the_evaluation_file_and_needs_one(tmp_path: Path):
    with pytest.raises(FileNotFoundError, match="sales_train_"):
        m5_vars(tmp_path)
    (tmp_path / "sales_train_validation.csv").write_text("id\n")
    assert m5_vars(tmp_path)["m5_sales_path"].endswith("sales_train_validation.csv")
    (tmp_path / "sales_train_evaluation.csv").write_text("id\n")
    assert m5_vars(tmp_path)["m5_sales_path"].endswith("sales_train_evaluation.csv")
    assert m5_vars(tmp_path)["m5_prices_path"] == ""


def test_canonical_preset_switches_off_absent_optional_files(tmp_path: Path):
    (tmp_path / "prices.csv").write_text("effective_date\n")
    result = canonical_vars(tmp_path)
    assert result["prices_path"] == str(tmp_path / "prices.csv")
    assert result["items_path"] == ""


def test_cli_prints_vars_as_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    (tmp_path / "train.csv").write_text("x\n")
    assert main(["vars", "walmart", str(tmp_path)]) == 0
    assert '"item_id": "Dept"' in capsys.readouterr().out
