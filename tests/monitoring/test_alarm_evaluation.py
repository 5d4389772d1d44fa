"""Alarm evaluation on its own (no database): limits LL/L/H/HH, hysteresis, late readings."""
from datetime import datetime, timedelta

from safety_app.monitoring.alarms import (
    PointState,
    default_deadband,
    evaluate_series,
    is_silent,
    limits_problem,
)

T0 = datetime(2026, 12, 1, 8, 0)
LIMITS = {"LL": 10.0, "L": 20.0, "H": 80.0, "HH": 90.0}  # span 80: default deadband 1.6


def series(*values, start=T0, step=5):
    return [(start + timedelta(seconds=step * i), v) for i, v in enumerate(values)]


def events(changes):
    return [(c.action, c.kind) for c in changes]


def test_reaching_h_raises_h_and_reaching_hh_raises_hh_as_well():
    state = PointState(LIMITS)
    changes, _late = evaluate_series(state, series(50, 80, 85, 90))
    assert events(changes) == [("raise", "H"), ("raise", "HH")]
    assert state.active == {"H", "HH"}
    assert changes[0].limit == 80.0 and changes[0].value == 80


def test_a_high_alarm_clears_only_below_the_limit_minus_the_deadband():
    state = PointState(LIMITS)
    changes, _ = evaluate_series(state, series(81, 79, 78.5, 78.41, 78.39))
    # 79, 78.5 and 78.41 are within 1.6 of the limit 80: H stays; 78.39 clears it.
    assert events(changes) == [("raise", "H"), ("clear", "H")]
    assert changes[1].value == 78.39


def test_hovering_at_a_limit_raises_once():
    state = PointState(LIMITS)
    changes, _ = evaluate_series(state, series(80.2, 79.5, 80.1, 79.2, 80.0, 79.9))
    assert events(changes) == [("raise", "H")]


def test_low_alarms_mirror_the_high_ones():
    state = PointState(LIMITS)
    changes, _ = evaluate_series(state, series(25, 20, 9, 11, 11.7, 21, 21.7))
    assert events(changes) == [("raise", "L"), ("raise", "LL"), ("clear", "LL"), ("clear", "L")]


def test_a_point_deadband_replaces_the_default():
    state = PointState(LIMITS, deadband=5.0)
    changes, _ = evaluate_series(state, series(80, 76, 74.9))
    assert events(changes) == [("raise", "H"), ("clear", "H")]
    assert changes[1].value == 74.9


def test_default_deadband_is_two_percent_of_the_span_of_the_limits():
    assert default_deadband(LIMITS) == 80 * 0.02
    assert default_deadband({"LL": None, "L": None, "H": 50.0, "HH": None}) == 1.0
    assert default_deadband({"LL": None, "L": None, "H": None, "HH": None}) == 0.0


def test_missing_limits_raise_nothing():
    state = PointState({"LL": None, "L": None, "H": 100.0, "HH": None})
    changes, _ = evaluate_series(state, series(-1000, 0, 150))
    assert events(changes) == [("raise", "H")]


def test_readings_not_newer_than_the_newest_are_late_and_not_evaluated():
    state = PointState(LIMITS, last_time=T0 + timedelta(minutes=10))
    late_excursion = series(95, start=T0)  # older than the newest reading
    changes, late = evaluate_series(state, late_excursion + series(50, start=T0 + timedelta(minutes=11)))
    assert changes == [] and late == late_excursion
    assert state.last_time == T0 + timedelta(minutes=11)


def test_readings_of_a_batch_are_evaluated_in_time_order():
    state = PointState(LIMITS)
    changes, late = evaluate_series(state, list(reversed(series(50, 85, 50))))
    assert events(changes) == [("raise", "H"), ("clear", "H")] and late == []


def test_a_reading_clears_a_data_loss_alarm():
    state = PointState(LIMITS, active={"data_loss"}, last_time=T0)
    changes, _ = evaluate_series(state, series(50, start=T0 + timedelta(hours=1)))
    assert events(changes) == [("clear", "data_loss")] and state.active == set()


def test_limits_must_be_ordered_when_given():
    assert limits_problem(LIMITS) is None
    assert limits_problem({"LL": None, "L": 5.0, "H": None, "HH": 4.0}) == ("L", "HH")
    assert limits_problem({"LL": 1.0, "L": 1.0, "H": None, "HH": None}) == ("LL", "L")


def test_silence_counts_from_the_newest_reading():
    assert not is_silent(T0, 10, T0 + timedelta(minutes=9, seconds=59))
    assert is_silent(T0, 10, T0 + timedelta(minutes=10))
