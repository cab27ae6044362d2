"""The accuracy benchmark: reading the project's forecasts, scoring, and the command end to end."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from demandcast.publishing import read_published
from demandcast.tools import accuracy, bench, presets
from demandcast.tools.demo_data import DemoConfig, generate_demo_data
from demandcast.tools.panels import Panel, read_panel

FORECAST_COLUMNS = "store_id varchar, item_id varchar, target_date date, predicted_quantity double"


def write_warehouse(path: Path, statements: list[str]) -> Path:
    with duckdb.connect(str(path)) as connection:
        for statement in statements:
            connection.execute(statement)
    return path


def test_reads_the_current_forecast_tables(tmp_path: Path):
    database = write_warehouse(
        tmp_path / "current.duckdb",
        [
            f"create table forecast_xgboost ({FORECAST_COLUMNS}, model_name varchar,"
            " is_backtest boolean)",
            "insert into forecast_xgboost values"
            " ('1', '7', '2024-01-08', 5.0, 'xgboost', false),"
            " ('1', '7', '2024-01-01', 9.0, 'xgboost', true)",
            f"create table baseline_forecasts ({FORECAST_COLUMNS}, model_name varchar,"
            " is_scoring_row boolean)",
            "insert into baseline_forecasts values"
            " ('1', '7', '2024-01-08', 4.0, 'seasonal_naive', true),"
            " ('1', '7', '2024-01-08', 3.0, 'moving_average', true),"
            " ('1', '7', '2024-01-01', 1.0, 'moving_average', false)",
        ],
    )
    forecast = accuracy.read_project_forecasts(database)
    assert sorted(forecast.itertuples(index=False, name=None)) == [
        ("demandcast/moving_average", "1", "7", pd.Timestamp("2024-01-08"), 3.0),
        ("demandcast/seasonal_naive", "1", "7", pd.Timestamp("2024-01-08"), 4.0),
        ("demandcast/xgboost", "1", "7", pd.Timestamp("2024-01-08"), 5.0),
    ]


def test_prefers_forecast_candidates_and_the_final_forecast(tmp_path: Path):
    database = write_warehouse(
        tmp_path / "candidates.duckdb",
        [
            f"create table forecast_candidates ({FORECAST_COLUMNS}, model_name varchar,"
            " is_backtest boolean)",
            "insert into forecast_candidates values"
            " ('S1', 'I1', '2024-01-02', 5.0, 'prophet', false),"
            " ('S1', 'I1', '2024-01-02', 6.0, 'xgboost', false),"
            " ('S1', 'I1', '2024-01-01', 7.0, 'xgboost', true)",
            f"create table fct_forecasts ({FORECAST_COLUMNS}, model_name varchar)",
            "insert into fct_forecasts values ('S1', 'I1', '2024-01-02', 6.0, 'xgboost')",
            # Still there from before, and ignored.
            f"create table forecast_xgboost ({FORECAST_COLUMNS}, model_name varchar,"
            " is_backtest boolean)",
            "insert into forecast_xgboost values ('S1', 'I1', '2024-01-02', 99.0, 'old', false)",
        ],
    )
    forecast = accuracy.read_project_forecasts(database)
    assert sorted(zip(forecast["model"], forecast["predicted_quantity"], strict=True)) == [
        ("demandcast/final", 6.0),
        ("demandcast/prophet", 5.0),
        ("demandcast/xgboost", 6.0),
    ]


def test_refuses_two_forecasts_for_one_series_and_date(tmp_path: Path):
    database = write_warehouse(
        tmp_path / "duplicates.duckdb",
        [
            f"create table forecast_candidates ({FORECAST_COLUMNS}, model_name varchar,"
            " is_backtest boolean)",
            "insert into forecast_candidates values"
            " ('S1', 'I1', '2024-01-02', 5.0, 'prophet', false),"
            " ('S1', 'I1', '2024-01-02', 6.0, 'prophet', false)",
        ],
    )
    with pytest.raises(ValueError, match="duplicate"):
        accuracy.read_project_forecasts(database)


def test_evaluate_scores_missing_forecasts_as_zero():
    protocol = accuracy.Protocol(
        dataset="x",
        preset="walmart",
        frequency="week",
        origin=dt.date(2024, 1, 5),
        horizon=2,
        holiday_weight=5.0,
        has_holiday_flag=True,
        primary_metric="wmae",
    )
    actuals = pd.DataFrame(
        {
            "store_id": ["1", "1", "2"],
            "item_id": ["1", "1", "1"],
            "period_date": pd.to_datetime(["2024-01-12", "2024-01-19", "2024-01-12"]),
            "quantity": [10.0, 20.0, 4.0],
            "is_holiday": [False, True, False],
        }
    )
    forecast = pd.DataFrame(
        {
            "store_id": ["1", "1"],
            "item_id": ["1", "1"],
            "target_date": pd.to_datetime(["2024-01-12", "2024-01-19"]),
            "predicted_quantity": [12.0, 17.0],
        }
    )
    scale = pd.Series(
        [2.0], index=pd.MultiIndex.from_tuples([("1", "1")], names=["store_id", "item_id"])
    )
    figures = accuracy.evaluate(actuals, forecast, scale, protocol)
    # Errors 2, 3 (holiday), 4 (no forecast: 0).
    assert figures["mae"] == pytest.approx(3.0)
    assert figures["wmae"] == pytest.approx((2 + 5 * 3 + 4) / 7)
    assert figures["wape"] == pytest.approx(9 / 34)
    assert figures["missing_predictions"] == 1
    # Series 2 has no history: left out of MASE; series 1: mean(2, 3) / 2.
    assert figures["mase"] == pytest.approx(1.25)
    assert figures["mase_rows_left_out"] == 1


@pytest.mark.integration
def test_accuracy_command_end_to_end(tmp_path: Path):
    data = tmp_path / "demo"
    generate_demo_data(data, DemoConfig(n_stores=2, n_items=4, n_days=200, plant_faults=False))
    library_peers = all(
        importlib.util.find_spec(module) for module in ("mlforecast", "lightgbm", "statsforecast")
    )
    chosen = ["seasonal_naive", "mlforecast_lightgbm", "statsforecast_autoets"]
    if not library_peers:
        chosen = ["seasonal_naive"]
    out = tmp_path / "results.json"
    code = bench.main(
        [
            "accuracy",
            "--data",
            str(data),
            "--peers",
            ",".join(chosen),
            "--keep",
            str(tmp_path / "work"),
            "--out",
            str(out),
        ]
    )
    assert code == 0
    report = json.loads(out.read_text())
    rows = report["results"]
    assert rows
    for row in rows:
        assert set(row) == {"dataset", "model", "metric", "value", "wall_seconds", "peak_mb"}
        assert row["dataset"] == "demo"
    models = {row["model"] for row in rows}
    assert models == {
        # every candidate of forecast_candidates, and the selected one as final
        "demandcast/xgboost",
        "demandcast/prophet",
        "demandcast/combination",
        "demandcast/seasonal_naive",
        "demandcast/moving_average",
        "demandcast/croston_sba",
        "demandcast/tsb",
        "demandcast/adida",
        "demandcast/final",
        *(f"peer/{name}" for name in chosen),
    }
    figures = {(row["model"], row["metric"]): row["value"] for row in rows}
    for model in models:
        for metric in ("wmae", "wape", "mase", "mae", "wape_ratio_to_seasonal_naive"):
            assert (model, metric) in figures, (model, metric)
    assert figures[("peer/seasonal_naive", "wape_ratio_to_seasonal_naive")] == 1.0

    # Default protocol: daily, origin one horizon (28 days) before the last date.
    panel = read_panel(data, "canonical")
    protocol = report["protocol"]
    assert protocol["horizon"] == 28
    assert protocol["origin"] == (pd.Timestamp(panel.last_date) - pd.Timedelta(days=28)).strftime(
        "%Y-%m-%d"
    )
    expected_rows = panel.frame["period_date"] > pd.Timestamp(protocol["origin"])
    assert figures[("peer/seasonal_naive", "rows")] == expected_rows.sum()

    # Without planted faults the project's seasonal naive (same weekday last week) and the
    # peer's see the same history: their scores must agree.
    for metric in ("wmae", "wape", "mase", "mae"):
        assert figures[("demandcast/seasonal_naive", metric)] == pytest.approx(
            figures[("peer/seasonal_naive", metric)], rel=1e-9
        ), metric
    # The two ratios of the data set, from the same figures.
    (ratios,) = report["final_ratios"]
    assert ratios["final_to_seasonal_naive"] == pytest.approx(
        figures[("demandcast/final", "wape")] / figures[("peer/seasonal_naive", "wape")]
    )
    best = ratios["best_candidate"]
    assert best in accuracy.CANDIDATE_MODELS
    assert ratios["final_to_best_candidate"] == pytest.approx(
        figures[("demandcast/final", "wape")] / figures[(best, "wape")]
    )


def _row(model: str, metric: str, value: float, dataset: str = "shop") -> accuracy.AccuracyRow:
    return accuracy.AccuracyRow(dataset, model, metric, value, None, None)


def test_final_ratios_on_a_hand_made_results_table():
    results = [
        _row("demandcast/final", "wmae", 80.0),
        _row("demandcast/final", "missing_predictions", 0.0),
        _row("demandcast/xgboost", "wmae", 90.0),
        _row("demandcast/xgboost", "missing_predictions", 0.0),
        # Better than XGBoost, but it misses three scored rows: it does not qualify.
        _row("demandcast/combination", "wmae", 70.0),
        _row("demandcast/combination", "missing_predictions", 3.0),
        _row("demandcast/seasonal_naive", "wmae", 120.0),
        _row("demandcast/seasonal_naive", "missing_predictions", 0.0),
        _row("demandcast/moving_average", "wmae", 100.0),
        _row("demandcast/moving_average", "missing_predictions", 0.0),
        # demandcast/prophet was not scored at all.
        _row("peer/seasonal_naive", "wmae", 125.0),
        _row("peer/seasonal_naive", "missing_predictions", 0.0),
        # A peer is no candidate, however good; another data set is not read.
        _row("peer/mlforecast_lightgbm", "wmae", 10.0),
        _row("peer/mlforecast_lightgbm", "missing_predictions", 0.0),
        _row("demandcast/xgboost", "wmae", 1.0, dataset="other"),
        _row("demandcast/xgboost", "missing_predictions", 0.0, dataset="other"),
    ]
    ratios = accuracy.final_ratios(results, "shop", "wmae")
    assert ratios.best_candidate == "demandcast/xgboost"
    assert ratios.final_to_best_candidate == pytest.approx(80 / 90)
    assert ratios.final_to_seasonal_naive == pytest.approx(80 / 125)
    # prophet, the intermittent-demand and the derived candidates were not scored at all.
    assert ratios.candidates_left_out == (
        "demandcast/prophet",
        "demandcast/croston_sba",
        "demandcast/tsb",
        "demandcast/adida",
        "demandcast/combination",
        "demandcast/reconciled",
    )
    table = accuracy.format_ratios([ratios])
    assert "| shop | WMAE | demandcast/xgboost | 0.889 | 0.640 |" in table


def test_final_ratios_without_a_qualifying_candidate_or_reference():
    results = [
        _row("demandcast/final", "wape", 0.5),
        _row("demandcast/xgboost", "wape", 0.4),
        _row("demandcast/xgboost", "missing_predictions", 1.0),
    ]
    ratios = accuracy.final_ratios(results, "shop", "wape")
    assert ratios.best_candidate is None
    assert ratios.final_to_best_candidate is None
    assert ratios.final_to_seasonal_naive is None
    assert len(ratios.candidates_left_out) == len(accuracy.CANDIDATE_MODELS)


def _parse_input(tmp_path: Path, *extra: str) -> accuracy.BenchInput:
    args = bench.make_parser().parse_args(["accuracy", "--data", str(tmp_path), *extra])
    return bench.bench_input_from(args)


def test_vars_merge_over_the_preset_as_dbt_vars_do(tmp_path: Path):
    (tmp_path / "train.csv").write_text("Store,Dept,Date,Weekly_Sales,IsHoliday\n")
    vars_file = tmp_path / "vars.yml"
    vars_file.write_text("date_format: '%d/%m/%Y'\nfrequency: day\n")
    bench_input = _parse_input(
        tmp_path,
        "--preset",
        "walmart",
        "--vars-file",
        str(vars_file),
        "--vars",
        "{sales_columns: {store_id: Store, item_id: null}, frequency: week}",
    )
    dbt_vars = bench_input.dbt_vars()
    # Top-level keys replace the preset's (the file's, then --vars'); the rest stay.
    assert dbt_vars["sales_columns"] == {"store_id": "Store", "item_id": None}
    assert dbt_vars["date_format"] == "%d/%m/%Y"
    assert dbt_vars["frequency"] == "week"
    assert dbt_vars["sales_path"] == str(tmp_path.resolve() / "train.csv")
    assert dbt_vars["negative_quantity_policy"] == "keep"


def test_the_preset_is_guessed_and_every_preset_of_presets_py_is_known(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    (tmp_path / "train.csv").write_text("Store,Dept,Date,Weekly_Sales,IsHoliday\n")
    assert _parse_input(tmp_path).preset == "walmart"

    def shop_vars(data_dir: str | Path) -> dict[str, str]:
        return {"sales_path": str(Path(data_dir) / "shop.csv")}

    shop_vars.__module__ = presets.__name__
    monkeypatch.setattr(presets, "shop_vars", shop_vars, raising=False)
    assert "shop" in presets.preset_functions()
    bench_input = _parse_input(tmp_path, "--preset", "shop")
    assert bench_input.dbt_vars() == {"sales_path": str(tmp_path.resolve() / "shop.csv")}


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--vars", "[1, 2]"], "--vars: must be a mapping"),
        (["--vars", "{a: ["], "--vars: not valid YAML"),
        (["--vars", "{as_of_date: '2024-01-01'}"], "as_of_date is set by the benchmark"),
        (["--vars-file", "missing.yml"], "--vars-file missing.yml: no such file"),
        (["--preset", "m5"], "--preset m5 on --data"),
    ],
)
def test_bad_vars_are_refused_naming_the_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
):
    with pytest.raises(SystemExit) as stopped:
        bench.main(["accuracy", "--data", str(tmp_path), *extra])
    assert stopped.value.code == 2
    assert message in capsys.readouterr().err


def _panel(frequency: str, dates: list[str]) -> Panel:
    frame = pd.DataFrame(
        {
            "store_id": "S1",
            "item_id": "I1",
            "period_date": pd.to_datetime(dates),
            "quantity": 1.0,
            "is_holiday": False,
        }
    )
    return Panel(frame, frequency, has_holiday_flag=False)


def test_the_origin_must_be_a_period_end_date():
    weekly = _panel("week", ["2024-01-05", "2024-01-12", "2024-01-19", "2024-01-26"])
    protocol = accuracy.make_protocol("shop", "walmart", weekly, horizon=2)
    assert protocol.origin == dt.date(2024, 1, 12)
    with pytest.raises(ValueError, match=r"not a period end date.*Fridays"):
        accuracy.make_protocol("shop", "walmart", weekly, origin=dt.date(2024, 1, 14))


def test_reads_the_panel_the_project_staged(tmp_path: Path):
    database = write_warehouse(
        tmp_path / "actuals.duckdb",
        [
            "create table stg_run_context as select 'week' as frequency",
            "create table stg_sales (store_id varchar, item_id varchar, sales_date date,"
            " period_end_date date, quantity double, is_holiday boolean)",
            # Two rows of one week are one period; a holiday week from the calendar.
            "insert into stg_sales values"
            " ('S1', 'store_total', '2024-01-01', '2024-01-07', 2.0, false),"
            " ('S1', 'store_total', '2024-01-03', '2024-01-07', 3.0, false),"
            " ('S1', 'store_total', '2024-01-10', '2024-01-14', 4.0, false)",
            # The calendar is per store (a local holiday): S2's holiday is not S1's.
            "create table int_calendar_features"
            " (store_id varchar, period_end_date date, is_holiday_period boolean)",
            "insert into int_calendar_features values ('S1', '2024-01-07', false),"
            " ('S1', '2024-01-14', true), ('S2', '2024-01-07', true), ('S2', '2024-01-14', true)",
        ],
    )
    panel = accuracy.read_project_panel(database)
    assert panel.frequency == "week"
    assert panel.has_holiday_flag
    assert list(panel.frame.itertuples(index=False, name=None)) == [
        ("S1", "store_total", pd.Timestamp("2024-01-07"), 5.0, False),
        ("S1", "store_total", pd.Timestamp("2024-01-14"), 4.0, True),
    ]


# ------------------------------------------------------------ integration: other layouts

MAPPED_COLUMNS = {
    "store_id": "Shop",
    "item_id": "Product",
    "sales_date": "Day",
    "quantity": "Units",
}


@pytest.fixture(scope="module")
def mapped_bench(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The benchmark on one CSV with other header names and %d/%m/%Y dates, kept."""
    root = tmp_path_factory.mktemp("mapped")
    demo = root / "demo"
    generate_demo_data(demo, DemoConfig(n_stores=2, n_items=3, n_days=150, plant_faults=False))
    raw = pd.concat(
        [pd.read_csv(path, dtype=str) for path in sorted((demo / "sales").glob("*.csv"))]
    )
    raw["sales_date"] = pd.to_datetime(raw["sales_date"]).dt.strftime("%d/%m/%Y")
    data = root / "shop"
    data.mkdir()
    raw.rename(columns=MAPPED_COLUMNS)[["Day", "Units", "Product", "Shop"]].to_csv(
        data / "shop_sales.csv", index=False
    )
    user_vars = {
        "sales_path": str(data / "shop_sales.csv"),
        "sales_columns": MAPPED_COLUMNS,
        "date_format": "%d/%m/%Y",
    }
    keep = root / "kept"
    out = root / "results.json"
    code = bench.main(
        [
            "accuracy",
            "--data",
            str(data),
            "--preset",
            "canonical",
            "--vars",
            json.dumps(user_vars),
            "--peers",
            "seasonal_naive",
            "--keep",
            str(keep),
            "--out",
            str(out),
        ]
    )
    assert code == 0
    return {"data": data, "keep": keep, "report": json.loads(out.read_text())}


@pytest.mark.integration
def test_a_mapped_layout_with_another_date_format_scores_the_raw_rows(mapped_bench: dict):
    report = mapped_bench["report"]
    origin = pd.Timestamp(report["protocol"]["origin"])
    raw = pd.read_csv(mapped_bench["data"] / "shop_sales.csv", dtype=str)
    raw["Day"] = pd.to_datetime(raw["Day"], format="%d/%m/%Y")
    after = raw[raw["Day"] > origin]
    # The default origin leaves one horizon (28 days) after it: every later row is scored.
    assert origin == raw["Day"].max() - pd.Timedelta(days=28)
    expected = sorted(
        (row.Shop, row.Product, row.Day.date(), float(row.Units))
        for row in after.itertuples(index=False)
    )
    scored = pd.read_parquet(mapped_bench["keep"] / accuracy.SCORED_ROWS_FILE)
    for model, rows in scored.groupby("model"):
        keys = sorted(
            zip(
                rows["store_id"],
                rows["item_id"],
                rows["period_end_date"],
                rows["quantity"],
                strict=True,
            )
        )
        assert keys == expected, model
    figures = {(row["model"], row["metric"]): row["value"] for row in report["results"]}
    assert figures[("demandcast/final", "rows")] == len(after)
    assert figures[("demandcast/final", "missing_predictions")] == 0
    assert report["protocol"]["user_vars"]["date_format"] == "%d/%m/%Y"


@pytest.mark.integration
def test_keep_leaves_queryable_warehouses(mapped_bench: dict):
    keep = mapped_bench["keep"]
    origin = dt.date.fromisoformat(mapped_bench["report"]["protocol"]["origin"])
    with duckdb.connect(str(keep / "origin" / accuracy.WAREHOUSE_FILE), read_only=True) as db:
        # The project at the origin saw nothing after it, and published its forecast.
        assert db.execute("select max(sales_date) from stg_sales").fetchone() == (origin,)
        forecasts = db.execute("select count(*), min(target_date) from fct_forecasts").fetchone()
    assert forecasts is not None and forecasts[0] > 0 and forecasts[1] > origin
    with duckdb.connect(str(keep / "actuals" / accuracy.WAREHOUSE_FILE), read_only=True) as db:
        last = db.execute("select max(sales_date) from stg_sales").fetchone()
    assert last is not None and last[0] > origin
    published = read_published(keep / "origin" / "published", "fct_forecasts")
    assert len(published) == forecasts[0]


@pytest.mark.integration
def test_a_store_only_panel_is_derived_and_benchmarked(tmp_path: Path):
    demo = tmp_path / "demo"
    generate_demo_data(demo, DemoConfig(n_stores=3, n_items=3, n_days=150, plant_faults=False))
    stores = tmp_path / "stores"
    assert bench.main(["derive-store-panel", "--data", str(demo), "--out", str(stores)]) == 0

    # The store totals are the raw rows summed by store and date.
    raw = pd.concat([pd.read_csv(path) for path in sorted((demo / "sales").glob("*.csv"))])
    expected = raw.groupby(["store_id", "sales_date"])["quantity"].sum()
    derived = pd.read_csv(stores / "sales" / "sales.csv")
    assert "item_id" not in derived.columns
    pd.testing.assert_series_equal(
        derived.set_index(["store_id", "sales_date"])["quantity"].astype("float64"),
        expected.astype("float64"),
    )
    assert (stores / "calendar_events.csv").exists()

    out = tmp_path / "results.json"
    code = bench.main(
        [
            "accuracy",
            "--data",
            str(stores),
            "--vars",
            "{sales_columns: {item_id: null}}",
            "--peers",
            "seasonal_naive",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    report = json.loads(out.read_text())
    figures = {(row["model"], row["metric"]): row["value"] for row in report["results"]}
    origin = report["protocol"]["origin"]
    assert figures[("demandcast/final", "rows")] == (derived["sales_date"] > origin).sum()
    assert figures[("demandcast/final", "missing_predictions")] == 0
    assert figures[("peer/seasonal_naive", "missing_predictions")] == 0


def test_rows_no_model_can_forecast_do_not_disqualify_a_candidate():
    # Two rows of a series launched after the origin: the final forecast and XGBoost miss
    # them both; seasonal naive misses one more and does not qualify.
    results = [
        _row("demandcast/final", "wape", 0.5),
        _row("demandcast/final", "missing_predictions", 2.0),
        _row("demandcast/xgboost", "wape", 0.4),
        _row("demandcast/xgboost", "missing_predictions", 2.0),
        _row("demandcast/seasonal_naive", "wape", 0.3),
        _row("demandcast/seasonal_naive", "missing_predictions", 3.0),
    ]
    ratios = accuracy.final_ratios(results, "shop", "wape")
    assert ratios.best_candidate == "demandcast/xgboost"
    assert ratios.final_to_best_candidate == pytest.approx(0.5 / 0.4)
    assert "demandcast/seasonal_naive" in ratios.candidates_left_out


def test_equal_work_ratio_and_its_table():
    def costly(model: str, wall: float, peak: float) -> accuracy.AccuracyRow:
        return accuracy.AccuracyRow("shop", model, "wape", 0.5, wall, peak)

    origins = (dt.date(2024, 1, 7), dt.date(2024, 2, 4))
    results = [
        costly("demandcast/final", 90.0, 2100.0),
        costly("demandcast/xgboost", 90.0, 2100.0),
        costly("peer/seasonal_naive", 0.5, 300.0),
        costly("peer/mlforecast_lightgbm_cv", 12.0, 700.0),
        accuracy.AccuracyRow("other", "peer/mlforecast_lightgbm_cv", "wape", 0.5, 1.0, 1.0),
    ]
    ratio = accuracy.equal_work_ratio(results, "shop", origins)
    assert ratio is not None
    assert ratio.backtest_origins == ("2024-01-07", "2024-02-04")
    assert (ratio.build_wall_seconds, ratio.peer_wall_seconds) == (90.0, 12.0)
    assert ratio.build_to_peer_wall == pytest.approx(7.5)
    assert (ratio.build_peak_mb, ratio.peer_peak_mb) == (2100.0, 700.0)
    table = accuracy.format_equal_work(ratio)
    assert "build / equal-work peer (wall)" in table
    assert "| shop | 2024-01-07, 2024-02-04 | 90.0 | 12.0 | 7.50 | 2,100 | 700 |" in table
    without_peer = [row for row in results if row.model != "peer/mlforecast_lightgbm_cv"]
    assert accuracy.equal_work_ratio(without_peer, "shop", origins) is None


def test_reads_the_backtest_origins_of_a_built_warehouse(tmp_path: Path):
    database = write_warehouse(
        tmp_path / "cutoffs.duckdb",
        [
            "create table int_forecast_cutoffs (cutoff_date date, is_scoring_row boolean,"
            " is_backtest_origin boolean)",
            "insert into int_forecast_cutoffs values ('2024-03-31', true, false),"
            " ('2024-02-04', false, true), ('2024-01-07', false, true),"
            " ('2023-12-10', false, false)",
        ],
    )
    assert accuracy.read_backtest_origins(database) == (
        dt.date(2024, 1, 7),
        dt.date(2024, 2, 4),
    )
