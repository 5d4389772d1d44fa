"""The ledger search on SQLite at park scale: the trigram index (migration 0019) against the LIKE scan.

    .venv/bin/python -m tests.perf.search_bench [--sqlite-file /tmp/bench-500-200000.db] [--runs 20]

Runs the searches of ``tests/perf/bench.py`` through the test client on the benchmark
data (which must be at revision 0019 or later: ``flask db upgrade`` it, or a copy of it),
once with the index and once with ``search.matches`` switched off, i.e. the LIKE scan the
ledger used before, back to back in one process. It prints the median and p95 wall time
and the median CPU time of the process per request: on a shared, busy machine the CPU
time is what the request itself costs, the wall time adds the wait for a core. The budget:
a search ≤ 30 ms median.
"""
import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from tests.perf import bench

SEARCHES = [
    ("安全阀 (admin)", "admin", "q=%E5%AE%89%E5%85%A8%E9%98%80"),
    ("精馏塔 (admin)", "admin", "q=%E7%B2%BE%E9%A6%8F%E5%A1%94"),
    ("code prefix (admin)", "admin", None),
    ("安全阀 sorted by deadline", "admin", "q=%E5%AE%89%E5%85%A8%E9%98%80&sort=deadline"),
    ("安全阀 (enterprise1)", "enterprise1", "q=%E5%AE%89%E5%85%A8%E9%98%80"),
    ("罐区, 2 characters (LIKE)", "admin", "q=%E7%BD%90%E5%8C%BA"),
]
BUDGET_MS = 30


def measure(client, url, runs):
    walls, cpus = [], []
    for i in range(runs + 3):
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        if i >= 3:
            walls.append((time.perf_counter() - wall) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
    return statistics.median(walls), bench.pct(walls, 0.95), statistics.median(cpus)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sqlite-file", default="/tmp/bench-500-200000.db")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    url = f"sqlite:///{args.sqlite_file}"
    app = bench.make_app(url, Path(tempfile.mkdtemp(prefix="search-bench-")))
    from sqlalchemy import select

    from safety_app import search
    from safety_app.extensions import db
    from safety_app.models import Hazard

    with app.app_context():
        if not search.available():
            raise SystemExit(f"{url} has no search index: upgrade it to revision 0019 first")
        code = db.session.scalar(select(Hazard.code).order_by(Hazard.id).offset(100000).limit(1))[:-2]
        db.session.remove()
    clients = {name: bench.login(app, name) for name in ("admin", "enterprise1")}
    original = search.matches
    print(f"{'search':<28}{'index: median':>14}{'p95':>8}{'cpu':>8}   {'LIKE: median':>13}{'p95':>8}{'cpu':>8}")
    over = []
    for label, user, query in SEARCHES:
        path = f"/ledgers/hazards?{query or 'q=' + code}"
        with_index = measure(clients[user], path, args.runs)
        search.matches = lambda _text: None
        try:
            without = measure(clients[user], path, args.runs)
        finally:
            search.matches = original
        if with_index[0] > BUDGET_MS:
            over.append(label)
        print(f"{label:<28}{with_index[0]:>14.1f}{with_index[1]:>8.1f}{with_index[2]:>8.1f}   "
              f"{without[0]:>13.1f}{without[1]:>8.1f}{without[2]:>8.1f}")
    print(f"ms per request; budget {BUDGET_MS} ms median; over: {', '.join(over) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
