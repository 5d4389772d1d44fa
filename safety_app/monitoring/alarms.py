"""Alarm evaluation: pure functions, no database.

Each limit is its own alarm condition (as in IEC 62682 / ISA-18.2): a value that reaches HH has
both H and HH active. A high limit is *reached* when value >= limit and clears when the value
falls below limit - deadband; a low limit is reached when value <= limit and clears when the
value rises above limit + deadband. The deadband (hysteresis) keeps a value hovering at a limit
from raising an alarm with every reading.

Deadband: the point's own value when set; otherwise ``DEFAULT_DEADBAND_SHARE`` (2 %) of the span
between its lowest and highest limit; with a single limit, 2 % of that limit's magnitude (at
least ``MIN_DEADBAND``). The office can set each point's deadband explicitly.
"""
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

HIGH = ("H", "HH")
LOW = ("L", "LL")
LIMIT_KINDS = ("LL", "L", "H", "HH")
DATA_LOSS = "data_loss"
DEFAULT_DEADBAND_SHARE = 0.02
MIN_DEADBAND = 1e-6


def default_deadband(limits):
    """2 % of the span of the given limits (or of the single limit's magnitude)."""
    given = [v for v in limits.values() if v is not None]
    if not given:
        return 0.0
    span = max(given) - min(given) if len(given) > 1 else abs(given[0])
    return max(span * DEFAULT_DEADBAND_SHARE, MIN_DEADBAND)


def deadband_of(limits, deadband=None):
    return default_deadband(limits) if deadband is None else float(deadband)


def limits_problem(limits):
    """None when LL < L < H < HH for the limits given (any may be missing); else the offending pair."""
    given = [(k, limits.get(k)) for k in LIMIT_KINDS if limits.get(k) is not None]
    for (k1, v1), (k2, v2) in zip(given, given[1:], strict=False):
        if not v1 < v2:
            return (k1, k2)
    for k, v in given:
        if not math.isfinite(v):
            return (k, k)
    return None


def is_finite_number(value):
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def condition(kind, limit, value, active, deadband):
    """Whether alarm ``kind`` holds after ``value``, given whether it was ``active`` before."""
    if limit is None:
        return False
    if kind in HIGH:
        return value >= limit if not active else value >= limit - deadband
    return value <= limit if not active else value <= limit + deadband


@dataclass
class Change:
    """One alarm event found by the evaluation: raise or clear ``kind`` at ``time`` with ``value``."""

    action: str  # 'raise' | 'clear'
    kind: str
    time: datetime
    value: float | None
    limit: float | None = None


@dataclass
class PointState:
    """What the evaluation needs of a point: limits, deadband, active alarm kinds, newest time."""

    limits: dict
    deadband: float | None = None
    active: set = field(default_factory=set)
    last_time: datetime | None = None


def evaluate(state, time, value):
    """The changes a new reading (newer than ``state.last_time``) causes; updates ``state``."""
    band = deadband_of(state.limits, state.deadband)
    changes = []
    if DATA_LOSS in state.active:
        state.active.discard(DATA_LOSS)
        changes.append(Change("clear", DATA_LOSS, time, value))
    for kind in LIMIT_KINDS:
        limit = state.limits.get(kind)
        was = kind in state.active
        now = condition(kind, limit, value, was, band)
        if now and not was:
            state.active.add(kind)
            changes.append(Change("raise", kind, time, value, limit))
        elif was and not now:
            state.active.discard(kind)
            changes.append(Change("clear", kind, time, value, limit))
    state.last_time = time
    return changes


def evaluate_series(state, readings):
    """Evaluate ``(time, value)`` pairs newer than ``state.last_time`` in time order.

    Returns ``(changes, late)``: the alarm changes, and the readings that were not newer than the
    point's newest reading (stored, but not evaluated: the alarm state follows the newest value)."""
    changes, late = [], []
    for time, value in sorted(readings, key=lambda r: r[0]):
        if state.last_time is not None and time <= state.last_time:
            late.append((time, value))
            continue
        changes += evaluate(state, time, value)
    return changes, late


def is_silent(last_seen, silence_minutes, now):
    """True when nothing arrived for ``silence_minutes`` (since the newest reading, or since the
    point was created when it never reported)."""
    return last_seen is not None and now - last_seen >= timedelta(minutes=silence_minutes)
