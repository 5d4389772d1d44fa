"""A simulator of installation gateways for the demo and the benchmark (``flask monitoring simulate``).

Each point wanders around its set point (between L and H) with noise; now and then one makes an
excursion past H (sometimes HH) or below L for a few minutes, and now and then one goes silent
for a while (a gap: the data-loss job raises its alarm). Readings go through the same ingest as
the API, one batch of at most ``ingest.max_batch()`` rows per enterprise and tick.
"""
import random
import time as walltime
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select

from ..clock import utcnow
from ..extensions import db
from ..models import Enterprise, MeasurementPoint
from . import ingest

# kind, unit, (LL, L, H, HH), set point, noise
PROFILES = (
    ("temperature", "°C", (5.0, 10.0, 80.0, 95.0), 45.0, 0.6),
    ("pressure", "MPa", (0.05, 0.1, 1.6, 1.8), 0.8, 0.01),
    ("level", "%", (10.0, 20.0, 80.0, 90.0), 55.0, 0.4),
    ("flow", "m³/h", (2.0, 5.0, 45.0, 55.0), 25.0, 0.5),
    ("gas", "%LEL", (None, None, 25.0, 50.0), 2.0, 0.3),
)
EXCURSION_CHANCE = 0.0005   # per point and tick
GAP_CHANCE = 0.0002


@dataclass
class SimPoint:
    id: int
    enterprise_id: int
    kind: str
    limits: tuple
    setpoint: float
    noise: float
    value: float
    excursion: int = 0      # ticks left
    target: float = 0.0
    silent: int = 0         # ticks left


@dataclass
class Simulator:
    points: list
    rng: random.Random = field(default_factory=lambda: random.Random(15))

    def readings_at(self, when):
        """{enterprise_id: [rows]} for one tick at ``when`` (naive UTC)."""
        out = {}
        stamp = when.isoformat() + "Z"
        for p in self.points:
            if p.silent:
                p.silent -= 1
                continue
            if self.rng.random() < GAP_CHANCE:
                p.silent = self.rng.randint(20, 200)
                continue
            if not p.excursion and self.rng.random() < EXCURSION_CHANCE:
                p.excursion = self.rng.randint(10, 80)
                ll, low, high, hh = p.limits
                if low is not None and self.rng.random() < 0.3:
                    p.target = low - (low - (ll if ll is not None else low * 0.5)) * 1.3
                else:
                    p.target = high + ((hh - high) * self.rng.choice((0.5, 1.3)) if hh is not None else high * 0.1)
            goal = p.target if p.excursion else p.setpoint
            if p.excursion:
                p.excursion -= 1
            p.value += (goal - p.value) * 0.15 + self.rng.gauss(0, p.noise)
            out.setdefault(p.enterprise_id, []).append({"point_id": p.id, "time": stamp,
                                                        "value": round(p.value, 4)})
        return out


def ensure_points(installations, points_per_installation):
    """Measurement points ``SIM-<installation>-<n>`` on ``installations`` (created if missing)."""
    existing = {(p.installation_id, p.tag): p for p in db.session.execute(
        select(MeasurementPoint).where(MeasurementPoint.installation_id.in_([i.id for i in installations]))).scalars()}
    for inst in installations:
        for n in range(points_per_installation):
            tag = f"SIM-{inst.id}-{n + 1:02d}"
            if (inst.id, tag) in existing:
                continue
            kind, unit, (ll, low, high, hh), _sp, _noise = PROFILES[n % len(PROFILES)]
            names = {"temperature": "温度", "pressure": "压力", "level": "液位", "flow": "流量", "gas": "可燃气体浓度"}
            point = MeasurementPoint(installation_id=inst.id, enterprise_id=inst.enterprise_id, tag=tag,
                                     name=f"{names[kind]} {n + 1}", kind=kind, unit=unit, ll=ll, l=low, h=high, hh=hh,
                                     silence_minutes=10, active=True)
            db.session.add(point)
            existing[(inst.id, tag)] = point
    db.session.commit()
    return [existing[(inst.id, f"SIM-{inst.id}-{n + 1:02d}")] for inst in installations
            for n in range(points_per_installation)]


def ensure_installations(count):
    """``count`` in-service installations, the existing ones first, then ``SIM-n`` units spread over
    the active enterprises (for a demo database without a register)."""
    from ..models.installations import Installation

    found = db.session.execute(select(Installation).where(Installation.status == "in_service")
                               .order_by(Installation.id).limit(count)).scalars().all()
    enterprises = db.session.execute(select(Enterprise).where(Enterprise.active.is_(True))
                                     .order_by(Enterprise.id)).scalars().all()
    if not enterprises:
        raise RuntimeError("no enterprise: run `flask demo` first")
    n = len(found)
    while len(found) < count:
        enterprise = enterprises[n % len(enterprises)]
        inst = Installation(enterprise_id=enterprise.id, code=f"SIM-{n + 1:04d}", name=f"模拟储罐区 {n + 1}",
                            kind="storage", location="模拟")
        db.session.add(inst)
        found.append(inst)
        n += 1
    db.session.commit()
    return found


def simulator(points, seed=15):
    rng = random.Random(seed)
    sims = []
    for p in points:
        profile = next(pr for pr in PROFILES if pr[0] == p.kind)
        sims.append(SimPoint(p.id, p.enterprise_id, p.kind, (p.ll, p.l, p.h, p.hh), profile[3], profile[4],
                             profile[3] + rng.gauss(0, profile[4])))
    return Simulator(sims, rng)


def _feed(by_enterprise, now, totals):
    for enterprise_id, rows in by_enterprise.items():
        for i in range(0, len(rows), ingest.max_batch()):
            result = ingest.ingest(enterprise_id, rows[i:i + ingest.max_batch()], now=now)
            for key, value in result.counts.items():
                totals[key] += value
            totals["alarms"] += len(result.alarms_raised)


def run(installations, points, every, duration=None, echo=print, backfill_hours=0):
    """Feed readings every ``every`` seconds (wall clock) for ``duration`` seconds (None: until
    interrupted), after ``backfill_hours`` of simulated history (one reading a minute). Returns the totals."""
    sim = simulator(ensure_points(ensure_installations(installations), points))
    totals = {"stored": 0, "late": 0, "duplicate": 0, "rejected": 0, "alarms": 0, "ticks": 0}
    if backfill_hours:
        end = utcnow().replace(second=0, microsecond=0)
        when = end - timedelta(hours=backfill_hours)
        while when < end:
            _feed(sim.readings_at(when), when, totals)
            when += timedelta(minutes=1)
        echo(f"history of {backfill_hours} h: stored {totals['stored']} alarms {totals['alarms']}")
    started = walltime.monotonic()
    while duration is None or walltime.monotonic() - started < duration:
        tick = walltime.monotonic()
        now = utcnow().replace(microsecond=utcnow().microsecond // 1000 * 1000)
        _feed(sim.readings_at(now), now, totals)
        totals["ticks"] += 1
        echo(f"{now:%H:%M:%S} stored {totals['stored']} alarms {totals['alarms']}")
        walltime.sleep(max(0.0, every - (walltime.monotonic() - tick)))
    return totals


def backfill(points, start, end, every, seed=15):
    """Yield {enterprise_id: rows} ticks from ``start`` to ``end`` (simulated time) for benchmarks."""
    sim = simulator(points, seed)
    when = start
    step = timedelta(seconds=every)
    while when < end:
        yield when, sim.readings_at(when)
        when += step


