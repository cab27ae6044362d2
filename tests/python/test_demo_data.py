"""Tests for the deterministic demo-data generator (demandcast.tools.demo_data).

Every expectation is re-derived from the written CSV files with the ``csv`` module and the
standard library, never from the generator's internals.
"""

from __future__ import annotations

import bisect
import csv
import dataclasses
import datetime as dt
import functools
import itertools
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from demandcast.tools.demo_data import (
    ROW_FAULTS,
    DemoConfig,
    easter_sunday,
    generate_demo_data,
    main,
)

SMALL = DemoConfig(n_stores=10, n_items=8, n_days=120, seed=7)
SALES_HEADER = ["sales_date", "store_id", "item_id", "quantity"]
ABSURD = 10_000_000
WEEKEND = (5, 6)

Sale = tuple[dt.date, str, str, int]


# --- helpers -------------------------------------------------------------------------------------


def read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


@functools.cache
def parse_date(text: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        return None


def parse_int(text: str) -> int | None:
    # int() would also accept " 12" or "1_000"; the contract is plain digits.
    return int(text) if re.fullmatch(r"-?\d+", text) else None


def sales_files(out: Path) -> list[Path]:
    return sorted((out / "sales").glob("*.csv"), key=lambda p: p.name)


def problems_of(row: list[str]) -> list[str]:
    date_text, store, item, qty_text = row
    found = []
    if parse_date(date_text) is None:
        found.append("unparseable_date")
    if store == "" or item == "":
        found.append("null_key")
    qty = parse_int(qty_text)
    if qty is None:
        found.append("unparseable_quantity")
    elif qty < 0:
        found.append("negative_quantity")
    elif qty >= ABSURD:
        found.append("absurd_quantity")
    return found


@dataclasses.dataclass
class Recount:
    reasons: Counter[str]
    duplicates_within_file: int
    rows_per_file: dict[str, int]


def recount(out: Path) -> Recount:
    """Classifies every sales row the way a quarantine step would."""
    reasons: Counter[str] = Counter()
    seen_lines: set[tuple[str, ...]] = set()
    seen_keys: dict[tuple[str, str, str], str] = {}
    within = 0
    per_file: dict[str, int] = {}
    for path in sales_files(out):
        header, rows = read_csv(path)
        assert header == SALES_HEADER
        per_file[f"sales/{path.name}"] = len(rows)
        file_lines: set[tuple[str, ...]] = set()
        for row in rows:
            assert len(row) == 4, row
            line = tuple(row)
            problems = problems_of(row)
            assert len(problems) <= 1, f"row carries several faults: {row}"
            reasons.update(problems)
            if line in file_lines:
                within += 1
            if line in seen_lines:
                reasons["exact_duplicate"] += 1
            elif not problems:
                key = (row[0], row[1], row[2])
                if key in seen_keys and seen_keys[key] != row[3]:
                    reasons["conflicting_duplicate"] += 1
                seen_keys.setdefault(key, row[3])
            file_lines.add(line)
            seen_lines.add(line)
    return Recount(reasons, within, per_file)


def valid_sales(out: Path, *, include_resend: bool = False) -> Iterator[Sale]:
    for path in sales_files(out):
        if "resend" in path.name and not include_resend:
            continue
        for row in read_csv(path)[1]:
            if not problems_of(row):
                yield parse_date(row[0]) or dt.date.min, row[1], row[2], int(row[3])


def fault(manifest: dict[str, Any], name: str) -> dict[str, Any]:
    matches = [f for f in manifest["faults"] if f["fault"] == name]
    assert len(matches) == 1, name
    return matches[0]


def all_bytes(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def series_dates(out: Path) -> dict[tuple[str, str], list[dt.date]]:
    series: dict[tuple[str, str], list[dt.date]] = defaultdict(list)
    for date, store, item, _ in valid_sales(out):
        series[(store, item)].append(date)
    return series


# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_faulty(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("small_faulty")
    return out, generate_demo_data(out, SMALL)


@pytest.fixture(scope="module")
def small_clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("small_clean")
    return out, generate_demo_data(out, dataclasses.replace(SMALL, plant_faults=False))


@pytest.fixture(scope="module")
def default_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("default")
    return out, generate_demo_data(out)


# --- determinism ---------------------------------------------------------------------------------


def test_same_config_gives_identical_bytes(tmp_path: Path) -> None:
    generate_demo_data(tmp_path / "a", SMALL)
    generate_demo_data(tmp_path / "b", SMALL)
    first, second = all_bytes(tmp_path / "a"), all_bytes(tmp_path / "b")
    assert first.keys() == second.keys()
    assert any(name.startswith("sales/") for name in first)
    for name in first:
        assert first[name] == second[name], name


def test_different_seed_changes_output(tmp_path: Path) -> None:
    generate_demo_data(tmp_path / "a", SMALL)
    generate_demo_data(tmp_path / "b", dataclasses.replace(SMALL, seed=SMALL.seed + 1))
    first, second = all_bytes(tmp_path / "a"), all_bytes(tmp_path / "b")
    for name in ("sales/sales_2023-01.csv", "prices.csv", "store_exogenous.csv"):
        assert first[name] != second[name], name


# --- file contract -------------------------------------------------------------------------------


def test_files_follow_the_csv_contract(small_faulty: tuple[Path, dict[str, Any]]) -> None:
    out, manifest = small_faulty
    csv_files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.csv"))
    assert csv_files == sorted(manifest["files"])
    assert (out / "faults.json").is_file()
    assert (out / "README.md").is_file()
    for rel in csv_files:
        raw = (out / rel).read_bytes()
        assert b"\r" not in raw, rel
        assert raw.endswith(b"\n"), rel
        raw.decode("utf-8")
        assert len(read_csv(out / rel)[1]) == manifest["files"][rel], rel

    months = {
        f"{d:%Y-%m}" for d in (SMALL.start_date + dt.timedelta(k) for k in range(SMALL.n_days))
    }
    monthly = {p.name for p in sales_files(out) if "resend" not in p.name}
    assert monthly == {f"sales_{m}.csv" for m in months}

    header, stores = read_csv(out / "stores.csv")
    assert header == ["store_id", "store_name", "region", "store_type", "store_size"]
    assert [s[0] for s in stores] == [f"S{k:02d}" for k in range(1, SMALL.n_stores + 1)]
    assert len({s[2] for s in stores}) == 3
    assert {s[3] for s in stores} <= {"A", "B", "C"}
    assert all(re.fullmatch(r"\d+", s[4]) and int(s[4]) > 1000 for s in stores)

    header, items = read_csv(out / "items.csv")
    assert header == ["item_id", "item_name", "department_id", "category_id"]
    assert [i[0] for i in items] == [f"I{k:03d}" for k in range(1, SMALL.n_items + 1)]
    assert all(i[1] and i[2] and i[3] for i in items)

    header, prices = read_csv(out / "prices.csv")
    assert header == ["effective_date", "store_id", "item_id", "price", "is_promotion"]
    for row in prices:
        assert parse_date(row[0]) is not None
        assert re.fullmatch(r"\d+\.\d{2}", row[3]) and float(row[3]) > 0, row
        assert row[4] in ("true", "false")

    header, exo = read_csv(out / "store_exogenous.csv")
    assert header == ["observation_date", "store_id", "temperature_c", "local_unemployment_rate"]
    assert len(exo) == SMALL.n_stores * SMALL.n_days
    assert len({(r[0], r[1]) for r in exo}) == len(exo)
    assert all(0 < float(r[3]) < 30 and -40 < float(r[2]) < 50 for r in exo)

    known_stores, known_items = {s[0] for s in stores}, {i[0] for i in items}
    for path in sales_files(out):
        for row in read_csv(path)[1]:
            if problems_of(row):
                continue
            assert row[1] in known_stores and row[2] in known_items
            assert re.fullmatch(r"\d+", row[3]), row  # no decimals, no sign


# --- planted faults ------------------------------------------------------------------------------


def test_fault_counts_match_an_independent_recount(
    small_faulty: tuple[Path, dict[str, Any]],
) -> None:
    out, manifest = small_faulty
    found = recount(out)
    for name in ROW_FAULTS:
        entry = fault(manifest, name)
        assert entry["count"] > 0, name
        assert found.reasons[name] == entry["count"], name
    assert set(found.reasons) <= set(ROW_FAULTS)
    dup = fault(manifest, "exact_duplicate")
    assert found.duplicates_within_file == dup["count_within_file"]
    assert dup["count"] == dup["count_within_file"] + dup["count_in_resend_file"]
    assert sum(found.rows_per_file.values()) == manifest["total_sales_rows"]
    for rel, n in found.rows_per_file.items():
        assert manifest["files"][rel] == n
    assert {f["fault"] for f in manifest["faults"]} == {
        *ROW_FAULTS,
        "missing_weekend_batch",
        "late_file",
    }


def test_fault_rates_are_respected(small_faulty: tuple[Path, dict[str, Any]]) -> None:
    _, manifest = small_faulty
    base = manifest["clean_sales_rows"]
    for entry in manifest["faults"]:
        if entry["rate"] is not None:
            planted = entry.get("count_within_file", entry["count"])
            assert planted == max(1, round(entry["rate"] * base)), entry["fault"]
    assert fault(manifest, "absurd_quantity")["count"] == 5


def test_null_key_breakdown(small_faulty: tuple[Path, dict[str, Any]]) -> None:
    out, manifest = small_faulty
    empty_store = empty_item = 0
    for path in sales_files(out):
        for row in read_csv(path)[1]:
            empty_store += row[1] == ""
            empty_item += row[2] == ""
    entry = fault(manifest, "null_key")
    assert (empty_store, empty_item) == (
        entry["count_empty_store_id"],
        entry["count_empty_item_id"],
    )


def test_resend_file_overrides_one_mid_history_month(
    small_faulty: tuple[Path, dict[str, Any]],
) -> None:
    out, manifest = small_faulty
    resend = [p for p in sales_files(out) if "resend" in p.name]
    assert len(resend) == 1
    match = re.fullmatch(r"sales_(\d{4}-\d{2})_resend\.csv", resend[0].name)
    assert match
    original = out / "sales" / f"sales_{match.group(1)}.csv"
    assert original.is_file()
    assert original.name < resend[0].name  # the re-sent file wins under "last name wins"
    first_month = f"{SMALL.start_date:%Y-%m}"
    assert first_month < match.group(1)

    base = {(r[0], r[1], r[2]): r[3] for r in read_csv(original)[1]}
    rows = read_csv(resend[0])[1]
    entry = fault(manifest, "conflicting_duplicate")
    assert len(rows) == entry["resend_rows"] == 200
    assert all((r[0], r[1], r[2]) in base for r in rows)
    differing = [r for r in rows if base[(r[0], r[1], r[2])] != r[3]]
    assert len(differing) == entry["count"] == 100
    assert {
        (r["sales_date"], r["store_id"], r["item_id"], str(r["resent_quantity"]))
        for r in entry["rows"]
    } == {tuple(r) for r in differing}


def test_missing_weekend_batch(
    small_faulty: tuple[Path, dict[str, Any]], small_clean: tuple[Path, dict[str, Any]]
) -> None:
    out, manifest = small_faulty
    entry = fault(manifest, "missing_weekend_batch")
    assert entry["store_id"] == "S03"
    dates = sorted(dt.date.fromisoformat(d) for d in entry["dates"])
    assert len(dates) == 12
    assert all(d.weekday() in WEEKEND for d in dates)
    saturdays = [d for d in dates if d.weekday() == 5]
    assert [b - a for a, b in itertools.pairwise(saturdays)] == [dt.timedelta(days=7)] * 5
    span = SMALL.n_days
    mid = SMALL.start_date + dt.timedelta(days=span // 2)
    assert abs((saturdays[0] - mid).days) < span // 3  # "in the middle of the history"

    per_store: Counter[tuple[str, dt.date]] = Counter()
    for date, store, _, _ in valid_sales(out):
        per_store[(store, date)] += 1
    stores = [f"S{k:02d}" for k in range(1, SMALL.n_stores + 1)]
    for d in dates:
        assert per_store[("S03", d)] == 0, d
        assert all(per_store[(s, d)] > 0 for s in stores if s != "S03"), d
    for d in (saturdays[0] - dt.timedelta(days=7), saturdays[-1] + dt.timedelta(days=7)):
        assert per_store[("S03", d)] > 0  # the outage is bounded

    clean_rows = sum(
        1
        for date, store, _, _ in valid_sales(small_clean[0])
        if store == "S03" and date in set(dates)
    )
    assert entry["count"] == clean_rows > 0


def test_late_file(
    small_faulty: tuple[Path, dict[str, Any]], small_clean: tuple[Path, dict[str, Any]]
) -> None:
    out, manifest = small_faulty
    entry = fault(manifest, "late_file")
    assert entry["store_id"] == "S10"
    end = SMALL.start_date + dt.timedelta(days=SMALL.n_days - 1)
    expected = [end - dt.timedelta(days=k) for k in range(8, -1, -1)]
    assert [dt.date.fromisoformat(d) for d in entry["dates"]] == expected

    last_seen: dict[str, dt.date] = {}
    for date, store, _, _ in valid_sales(out):
        last_seen[store] = max(date, last_seen.get(store, dt.date.min))
    assert last_seen["S10"] == end - dt.timedelta(days=9)
    assert all(d == end for s, d in last_seen.items() if s != "S10")

    clean_rows = sum(
        1
        for date, store, _, _ in valid_sales(small_clean[0])
        if store == "S10" and date >= expected[0]
    )
    assert entry["count"] == clean_rows > 0


def test_faults_only_add_or_remove_the_documented_rows(
    small_faulty: tuple[Path, dict[str, Any]],
    small_clean: tuple[Path, dict[str, Any]],
) -> None:
    (out, manifest), (clean_out, clean_manifest) = small_faulty, small_clean
    dup = fault(manifest, "exact_duplicate")
    resend = fault(manifest, "conflicting_duplicate")
    removed = (
        fault(manifest, "missing_weekend_batch")["count"] + fault(manifest, "late_file")["count"]
    )
    assert manifest["total_sales_rows"] == (
        clean_manifest["total_sales_rows"]
        - removed
        + dup["count_within_file"]
        + resend["resend_rows"]
    )
    # Rows nobody touched are byte-for-byte the clean rows.
    clean = {(d, s, i): q for d, s, i, q in valid_sales(clean_out)}
    untouched = mutated = 0
    for d, s, i, q in valid_sales(out):
        untouched += clean[(d, s, i)] == q
        mutated += clean[(d, s, i)] != q
    assert mutated == 0
    mutations = sum(
        fault(manifest, n)["count"]
        for n in (
            "negative_quantity",
            "null_key",
            "unparseable_date",
            "unparseable_quantity",
            "absurd_quantity",
        )
    )
    assert untouched == len(clean) - removed - mutations + dup["count_within_file"]


def test_no_faults_when_disabled(small_clean: tuple[Path, dict[str, Any]]) -> None:
    out, manifest = small_clean
    assert manifest["faults"] == []
    found = recount(out)
    assert found.reasons == Counter()
    assert found.duplicates_within_file == 0
    assert not [p for p in sales_files(out) if "resend" in p.name]
    end = SMALL.start_date + dt.timedelta(days=SMALL.n_days - 1)
    for (_, _), dates in series_dates(out).items():
        # Without faults every series is complete from its first to its last day.
        assert len(dates) == (dates[-1] - dates[0]).days + 1
    stores_on_last_day = {s for d, s, _, _ in valid_sales(out) if d == end}
    assert len(stores_on_last_day) == SMALL.n_stores


# --- demand realism ------------------------------------------------------------------------------


def test_weekend_demand_is_higher(small_clean: tuple[Path, dict[str, Any]]) -> None:
    weekend: list[int] = []
    weekday: list[int] = []
    for date, _, _, q in valid_sales(small_clean[0]):
        (weekend if date.weekday() in WEEKEND else weekday).append(q)
    assert sum(weekend) / len(weekend) > 1.1 * sum(weekday) / len(weekday)


def test_promotions_raise_demand(small_clean: tuple[Path, dict[str, Any]]) -> None:
    out, _ = small_clean
    log: dict[tuple[str, str], list[tuple[dt.date, bool]]] = defaultdict(list)
    for row in read_csv(out / "prices.csv")[1]:
        log[(row[1], row[2])].append((dt.date.fromisoformat(row[0]), row[4] == "true"))
    promo: dict[str, list[int]] = defaultdict(list)
    regular: dict[str, list[int]] = defaultdict(list)
    for date, store, item, q in valid_sales(out):
        changes = sorted(log[(store, item)])
        k = bisect.bisect_right([c[0] for c in changes], date) - 1
        assert k >= 0, "a sale before the first price of its series"
        (promo if changes[k][1] else regular)[item].append(q)
    ratios = [
        (sum(promo[i]) / len(promo[i])) / (sum(regular[i]) / len(regular[i]))
        for i in promo
        if len(promo[i]) >= 20 and regular[i] and sum(regular[i]) > 0
    ]
    assert len(ratios) >= 3
    assert sum(r > 1 for r in ratios) >= 0.75 * len(ratios)
    assert sum(ratios) / len(ratios) > 1.2


def test_intermittent_and_fast_movers_exist(small_clean: tuple[Path, dict[str, Any]]) -> None:
    zeros: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for _, _, item, q in valid_sales(small_clean[0]):
        total[item] += 1
        zeros[item] += q == 0
    share = {i: zeros[i] / total[i] for i in total}
    assert max(share.values()) > 0.5
    assert min(share.values()) < 0.2


def test_launched_and_discontinued_items_stay_in_range(
    small_clean: tuple[Path, dict[str, Any]],
) -> None:
    out, manifest = small_clean
    start = SMALL.start_date
    end = start + dt.timedelta(days=SMALL.n_days - 1)
    series = series_dates(out)
    first_price: dict[tuple[str, str], dt.date] = {}
    for row in read_csv(out / "prices.csv")[1]:
        key, date = (row[1], row[2]), dt.date.fromisoformat(row[0])
        first_price[key] = min(date, first_price.get(key, dt.date.max))
    assert first_price.keys() == series.keys()
    assert len(series) == SMALL.n_stores * SMALL.n_items
    for key, dates in series.items():
        assert dates[0] == first_price[key], key

    late_start = {i for (_, i), d in series.items() if d[0] > start}
    early_end = {i for (_, i), d in series.items() if d[-1] < end}
    assert late_start and early_end
    declared = {e["item_id"]: e for e in manifest["item_lifecycle"]}
    assert late_start == {i for i, e in declared.items() if e["status"] == "launched"}
    assert early_end == {i for i, e in declared.items() if e["status"] == "discontinued"}
    for (store, item), dates in series.items():
        if item in declared:
            entry = declared[item]
            assert dates[0].isoformat() == entry["first_sales_date_by_store"][store]
            assert dates[-1].isoformat() == entry["last_sales_date"]


# --- default configuration -----------------------------------------------------------------------


def test_default_config_size(default_run: tuple[Path, dict[str, Any]]) -> None:
    out, manifest = default_run
    assert len(read_csv(out / "stores.csv")[1]) == 10
    assert len(read_csv(out / "items.csv")[1]) == 50
    dates: set[dt.date] = set()
    series: set[tuple[str, str]] = set()
    n_rows = 0
    for date, store, item, _ in valid_sales(out):
        dates.add(date)
        series.add((store, item))
        n_rows += 1
    assert min(dates) == dt.date(2023, 1, 1)
    assert max(dates) - min(dates) >= dt.timedelta(days=3 * 365)
    assert len(dates) == 1096
    assert len(series) == 500
    assert 450_000 <= n_rows <= 10 * 50 * 1096
    assert 450_000 <= manifest["total_sales_rows"] <= 600_000
    assert len(read_csv(out / "store_exogenous.csv")[1]) == 10 * 1096
    months = [p for p in sales_files(out) if "resend" not in p.name]
    assert len(months) == 36
    found = recount(out)
    for name in ROW_FAULTS:
        assert found.reasons[name] == fault(manifest, name)["count"], name


def test_calendar_events(default_run: tuple[Path, dict[str, Any]]) -> None:
    out, _ = default_run
    header, rows = read_csv(out / "calendar_events.csv")
    assert header == ["event_date", "event_name", "event_type"]
    by_name: dict[str, list[dt.date]] = defaultdict(list)
    for date, name, kind in rows:
        by_name[name].append(dt.date.fromisoformat(date))
        assert kind in ("holiday", "sporting", "cultural")
    holidays = {name for _, name, kind in rows if kind == "holiday"}
    assert {
        "new_year",
        "easter_sunday",
        "memorial_day",
        "independence_day",
        "labor_day",
        "thanksgiving",
        "black_friday",
        "christmas",
    } <= holidays
    assert {"super_bowl", "back_to_school", "valentines_day"} <= set(by_name)
    for dates in by_name.values():
        assert sorted(d.year for d in dates) == [2023, 2024, 2025]
    assert by_name["easter_sunday"] == [
        dt.date(2023, 4, 9),
        dt.date(2024, 3, 31),
        dt.date(2025, 4, 20),
    ]
    assert by_name["thanksgiving"] == [
        dt.date(2023, 11, 23),
        dt.date(2024, 11, 28),
        dt.date(2025, 11, 27),
    ]
    assert [d - dt.timedelta(days=1) for d in by_name["black_friday"]] == by_name["thanksgiving"]
    assert dt.date(2024, 5, 27) in by_name["memorial_day"]
    assert dt.date(2024, 9, 2) in by_name["labor_day"]
    assert dt.date(2024, 2, 11) in by_name["super_bowl"]


def test_events_move_demand(default_run: tuple[Path, dict[str, Any]]) -> None:
    out, _ = default_run
    daily: Counter[dt.date] = Counter()
    for date, _, _, q in valid_sales(out):
        daily[date] += q
    events = {
        (name, dt.date.fromisoformat(d)) for d, name, _ in read_csv(out / "calendar_events.csv")[1]
    }
    for name, day in events:
        before = [daily[day - dt.timedelta(days=k)] for k in range(8, 22)]
        baseline = sum(before) / len(before)
        if name == "black_friday":
            assert daily[day] > 1.3 * baseline, day
        if name == "christmas":
            assert daily[day] < 0.5 * baseline, day


def test_temperature_has_yearly_seasonality(default_run: tuple[Path, dict[str, Any]]) -> None:
    out, _ = default_run
    july: dict[str, list[float]] = defaultdict(list)
    january: dict[str, list[float]] = defaultdict(list)
    for date, store, temp, _ in read_csv(out / "store_exogenous.csv")[1]:
        month = int(date[5:7])
        if month == 7:
            july[store].append(float(temp))
        elif month == 1:
            january[store].append(float(temp))
    for store in july:
        assert sum(july[store]) / len(july[store]) > sum(january[store]) / len(january[store])


# --- small pieces --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2000, dt.date(2000, 4, 23)),
        (2019, dt.date(2019, 4, 21)),
        (2038, dt.date(2038, 4, 25)),
        (2008, dt.date(2008, 3, 23)),
    ],
)
def test_easter_sunday(year: int, expected: dt.date) -> None:
    assert easter_sunday(year) == expected


def test_cli_with_few_stores(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cli"
    assert (
        main(["--out", str(out), "--stores", "3", "--items", "6", "--days", "60", "--seed", "3"])
        == 0
    )
    printed = capsys.readouterr().out.strip().splitlines()
    assert len(printed) == 1 and str(out) in printed[0]
    _, stores = read_csv(out / "stores.csv")
    ids = {s[0] for s in stores}
    assert ids == {"S01", "S02", "S03"}
    manifest = json.loads((out / "faults.json").read_text(encoding="utf-8"))
    assert manifest["config"]["n_stores"] == 3 and manifest["seed"] == 3
    assert fault(manifest, "missing_weekend_batch")["store_id"] == "S03"
    assert fault(manifest, "late_file")["store_id"] in ids
    found = recount(out)
    for name in ROW_FAULTS:
        assert found.reasons[name] == fault(manifest, name)["count"], name


def test_cli_rejects_too_short_history(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--out", str(tmp_path), "--days", "10"])
    assert info.value.code == 2
