from __future__ import annotations

import pytest

from smcc.gates import GateParams, check_volume

USUAL = [40, 38, 45, 41, 39]


def test_silent_source_that_usually_yields_items_warns() -> None:
    (warning,) = check_volume("voz-mobile", 0, USUAL)
    assert warning.severity == "warning" and warning.name == "volume_not_zero"
    assert "voz-mobile" in warning.description


def test_quiet_source_yielding_nothing_is_normal() -> None:
    assert check_volume("fanpage-nho", 0, [0, 1, 0, 2, 0]) == []


def test_no_judgement_without_enough_history() -> None:
    assert check_volume("voz-mobile", 0, [40, 41]) == []


@pytest.mark.parametrize(("count", "warns"), [(400, True), (600, True), (300, False), (40, False)])
def test_flood_warns_at_ten_times_the_median(count: int, warns: bool) -> None:
    outcomes = check_volume("voz-mobile", count, USUAL)
    assert [o.name for o in outcomes] == (["volume_not_flooded"] if warns else [])


def test_flood_threshold_has_a_floor_for_small_sources() -> None:
    assert check_volume("fanpage-nho", 10, [1, 1, 1]) == []
    assert [o.name for o in check_volume("fanpage-nho", 60, [1, 1, 1])] == ["volume_not_flooded"]


def test_thresholds_come_from_params() -> None:
    params = GateParams(volume_flood_factor=3, volume_min_history=1)
    assert [o.name for o in check_volume("voz-mobile", 120, [40], params)] == ["volume_not_flooded"]
