"""The scale benchmark's arithmetic and command line: growth between scales, no timing."""

from __future__ import annotations

import math

import pytest

from demandcast.tools import bench


def point(scale: float, rows: int, wall: float, peak: float) -> bench.ScalePoint:
    return bench.ScalePoint(scale, rows // 1941, rows, wall, peak)


def test_growth_from_each_scale_to_the_next_in_run_order():
    points = [
        point(0.01, 582_300, 40.0, 1_000.0),
        point(0.1, 5_823_000, 100.0, 2_500.0),
        point(1.0, 58_230_000, 2_000.0, 10_000.0),
    ]
    first, second = bench.scale_growth(points)
    assert (first.from_scale, first.to_scale) == (0.01, 0.1)
    assert first.rows_ratio == pytest.approx(10.0)
    assert first.time_ratio == pytest.approx(2.5)
    assert first.peak_ratio == pytest.approx(2.5)
    # Fixed costs still weigh at the small scales: below 1.
    assert first.time_exponent == pytest.approx(math.log(2.5) / math.log(10))
    # 10x the rows, 20x the time: super-linear.
    assert second.time_ratio == pytest.approx(20.0)
    assert second.time_exponent == pytest.approx(math.log(20) / math.log(10))
    assert second.time_exponent > 1
    assert bench.scale_growth(points[:1]) == []


def test_growth_without_more_rows_has_no_exponent():
    same = [point(0.1, 1_000, 10.0, 100.0), point(0.1, 1_000, 12.0, 110.0)]
    (step,) = bench.scale_growth(same)
    assert step.time_exponent is None
    assert step.time_ratio == pytest.approx(1.2)


def test_summary_tables():
    points = [point(0.01, 582_300, 40.0, 1_000.0), point(0.1, 5_823_000, 100.0, 2_500.0)]
    text = bench.format_scale_summary(points)
    assert "| 0.01 | 300 | 582,300 | 40.0 | 1,000 |" in text
    assert "| 0.1 | 3,000 | 5,823,000 | 100.0 | 2,500 |" in text
    assert "| 0.01 | 0.1 | 10.00 | 2.50 | 2.50 | 0.40 |" in text
    assert "time exponent (1 = linear)" in text
    # One scale: its figures, no growth table.
    assert "rows ratio" not in bench.format_scale_summary(points[:1])


def test_scales_option_defaults_keeps_order_and_names_bad_input(capsys):
    parser = bench.make_parser()
    assert parser.parse_args(["scale"]).scales == [0.01, 0.1, 1.0]
    assert parser.parse_args(["scale", "--scales", "1.0,0.01"]).scales == [1.0, 0.01]
    for bad in ("0.1,big", "0.1,0", ""):
        with pytest.raises(SystemExit):
            parser.parse_args(["scale", "--scales", bad])
        assert "--scales" in capsys.readouterr().err
