"""Load run with nothing lost, and the fault drill (loopback only, bounded).

    .venv/bin/python -m tests.load.run_load [--seconds 180] [--users 30] [--faults] [--pg-port 5432]
        [--pg-cluster main]

Serves the app with gunicorn (2 workers x 8 threads) on PostgreSQL (a fresh
database ``loadtest`` on 127.0.0.1:5432, or ``--pg-port``), seeds a park, and runs mixed
traffic from simulated users: ledger pages, hazard detail, API lists, filing
hazards, transitions and CSV exports. Afterwards it checks that every write
the server accepted is in the database and that the audit chain verifies.

With ``--faults``: restarts the PostgreSQL cluster ``--pg-cluster`` (it must serve ``--pg-port``;
on a shared machine use a cluster of your own, e.g. ``pg_createcluster 15 drill -p 5433 --
--auth=trust``) in the middle of the load (requests
must fail cleanly with 503 and recover), and kills a scheduled job with
SIGKILL half-way, then reruns it and checks nothing was sent twice.
Prints a summary and writes it as JSON (``--json``).
"""
import argparse
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[2]
DB_NAME = "loadtest"
PG_PORT = 5432  # --pg-port
PG_CLUSTER = "main"  # --pg-cluster: the cluster the fault drill restarts


def pg_admin_url():
    return f"postgresql+psycopg://postgres@127.0.0.1:{PG_PORT}/postgres"


def db_url():
    return f"postgresql+psycopg://postgres@127.0.0.1:{PG_PORT}/{DB_NAME}"
PASSWORD = "demo-password"
MAX_REQUESTS = 200_000  # hard bound, whatever the duration


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fresh_database():
    engine = create_engine(pg_admin_url(), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {DB_NAME}"))
    engine.dispose()


def env_for(base, tmp):
    env = {**os.environ, "DATABASE_URL": db_url(), "SECRET_KEY": "load-secret", "APP_ENV": "production",
           "REPORTS_DIR": str(tmp / "reports"), "UPLOAD_DIR": str(tmp / "uploads"), "PUBLIC_BASE_URL": base,
           "SCHEDULER_ENABLED": "0", "FLASK_APP": "wsgi:app", "DEMO_PASSWORD": PASSWORD}
    env.pop("FLASK_DEBUG", None)
    return env


def flask(env, *args, check=True):
    return subprocess.run([str(ROOT / ".venv/bin/flask"), *args], cwd=ROOT, env=env, check=check,
                          capture_output=True, text=True)


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latency = defaultdict(list)
        self.status = Counter()
        self.by_op = defaultdict(Counter)
        self.created = []  # hazard ids the server answered 201 for
        self.transitions = []  # (hazard_id, action) answered 200
        self.requests = 0
        self.errors_5xx = []

    def record(self, op, status, seconds, detail=""):
        with self.lock:
            self.requests += 1
            self.latency[op].append(seconds * 1000)
            self.status[status // 100 * 100 if status else 0] += 1
            self.by_op[op][status] += 1
            if status >= 500 or status == 0:
                self.errors_5xx.append((time.time(), op, status, detail[:200]))


class User:
    """A simulated user: a web session (cookie + CSRF) and an API token."""

    def __init__(self, base, username, role, enterprise_id=None):
        self.base, self.username, self.role, self.enterprise_id = base, username, role, enterprise_id
        self.web = requests.Session()
        self.api = requests.Session()

    def login(self):
        page = self.web.get(self.base + "/login", timeout=10).text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        r = self.web.post(self.base + "/login", data={"csrf_token": token, "username": self.username,
                                                       "password": PASSWORD}, allow_redirects=False, timeout=10)
        assert r.status_code == 302, f"{self.username} login failed: {r.status_code}"
        r = self.api.post(self.base + "/api/v1/tokens", json={"username": self.username, "password": PASSWORD},
                          timeout=10)
        assert r.status_code in (200, 201), r.text
        self.api.headers["Authorization"] = "Bearer " + r.json()["token"]


def timed(stats, op, fn):
    start = time.perf_counter()
    try:
        response = fn()
        status, body = response.status_code, response.text if response.status_code >= 500 else ""
    except requests.RequestException as exc:
        response, status, body = None, 0, str(exc)
    stats.record(op, status, time.perf_counter() - start, body)
    return response


def one_action(user, stats, rng, hazard_ids, enterprises, categories):
    r = rng.random()
    if r < 0.30:
        page = rng.randint(1, 20)
        timed(stats, "ledger page", lambda: user.web.get(
            f"{user.base}/ledgers/hazards?status=open&status=rectifying&sort=deadline&page={page}", timeout=30))
    elif r < 0.50:
        hid = rng.choice(hazard_ids)
        timed(stats, "hazard detail", lambda: user.web.get(f"{user.base}/hazards/{hid}", timeout=30))
    elif r < 0.65:
        timed(stats, "api list", lambda: user.api.get(f"{user.base}/api/v1/hazards?per_page=50&overdue=1",
                                                      timeout=30))
    elif r < 0.80 and user.role in ("inspector", "admin"):
        body = {"enterprise_id": rng.choice(enterprises), "title": f"压力测试隐患{rng.randint(1, 10**9)}",
                "category": rng.choice(categories), "deadline": "2027-01-15", "location": "罐区"}
        resp = timed(stats, "file hazard", lambda: user.api.post(f"{user.base}/api/v1/hazards", json=body,
                                                                 timeout=30))
        if resp is not None and resp.status_code == 201:
            with stats.lock:
                stats.created.append(resp.json()["id"])
    elif r < 0.95:
        # A transition: staff withdraw a hazard they filed in this run; enterprises acknowledge.
        with stats.lock:
            candidates = list(stats.created[-200:])
        if user.role == "admin" and candidates:
            hid = rng.choice(candidates)
            got = timed(stats, "hazard get", lambda: user.api.get(f"{user.base}/api/v1/hazards/{hid}", timeout=30))
            if got is not None and got.status_code == 200 and got.json()["status"] == "open":
                resp = timed(stats, "transition", lambda: user.api.post(
                    f"{user.base}/api/v1/hazards/{hid}/transitions",
                    json={"action": "withdraw", "version": got.json()["version"], "reason": "压力测试撤销"}, timeout=30))
                if resp is not None and resp.status_code == 200:
                    with stats.lock:
                        stats.transitions.append((hid, "withdraw"))
        else:
            timed(stats, "my tasks" if user.role == "enterprise" else "dashboard",
                  lambda: user.web.get(user.base + ("/portal/" if user.role == "enterprise" else "/dashboard"),
                                       timeout=30))
    else:
        ent = rng.choice(enterprises)
        timed(stats, "csv export", lambda: user.web.get(
            f"{user.base}/ledgers/hazards/export.csv?enterprise={ent}", timeout=60))


def run_users(base, users, seconds, stats, hazard_ids, enterprises, categories):
    stop = time.monotonic() + seconds

    def loop(i, user):
        rng = random.Random(i)
        while time.monotonic() < stop and stats.requests < MAX_REQUESTS:
            one_action(user, stats, rng, hazard_ids, enterprises, categories)

    threads = [threading.Thread(target=loop, args=(i, u)) for i, u in enumerate(users)]
    for t in threads:
        t.start()
    return threads


def pg_restart():
    version = sorted(os.listdir("/etc/postgresql"))[0]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, PG_CLUSTER, "stop", "-m", "fast"], check=True)
    time.sleep(4)
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, PG_CLUSTER, "start"], check=True)


def main():
    global PG_PORT, PG_CLUSTER
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=180)
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--faults", action="store_true")
    parser.add_argument("--json", default="/tmp/load-result.json")
    parser.add_argument("--pg-port", type=int, default=PG_PORT, help="port of the PostgreSQL cluster")
    parser.add_argument("--pg-cluster", default=PG_CLUSTER, help="the cluster --faults restarts (pg_ctlcluster)")
    args = parser.parse_args()
    PG_PORT, PG_CLUSTER = args.pg_port, args.pg_cluster

    import tempfile

    tmp = Path(tempfile.mkdtemp(prefix="load-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = env_for(base, tmp)
    fresh_database()
    flask(env, "db", "upgrade")
    flask(env, "demo", "seed", "--enterprises", "60", "--hazards", "6000", "--seed", "5")
    engine = create_engine(db_url(), pool_pre_ping=True)
    with engine.connect() as conn:
        hazard_ids = [r[0] for r in conn.execute(text("SELECT id FROM hazards"))]
        enterprises = [r[0] for r in conn.execute(text("SELECT id FROM enterprises"))]
        ent_users = conn.execute(text("SELECT username, enterprise_id FROM users WHERE role='enterprise'")).all()
    from safety_app.reference import category_codes

    log = open(tmp / "gunicorn.log", "w")
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "--threads", "8", "-b",
                               f"127.0.0.1:{port}", "--timeout", "60", "--keep-alive", "30", "wsgi:app"],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    result = {}
    try:
        for _ in range(100):
            try:
                if requests.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        people = [("admin", "admin", None)] + [("inspector", "inspector", None), ("inspector2", "inspector", None)]
        people += [(u, "enterprise", e) for u, e in ent_users]
        users = []
        for i in range(args.users):
            username, role, ent = people[i % len(people)]
            u = User(base, username, role, ent)
            u.login()
            users.append(u)
        stats = Stats()
        started = time.monotonic()
        threads = run_users(base, users, args.seconds, stats, hazard_ids, enterprises, category_codes())
        fault_log = {}
        if args.faults:
            time.sleep(args.seconds / 3)
            before = len(stats.errors_5xx)
            down_at = time.time()
            pg_restart()
            up_at = time.time()
            time.sleep(5)
            fault_log["db_restart"] = {"down_seconds": round(up_at - down_at, 1),
                                       "errors_during": len(stats.errors_5xx) - before}
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started

        # Nothing lost: every accepted write is in the database.
        with engine.connect() as conn:
            created = set(stats.created)
            found = {r[0] for r in conn.execute(text("SELECT id FROM hazards WHERE id = ANY(:ids)"),
                                                {"ids": list(created)})} if created else set()
            withdrawn = {r[0] for r in conn.execute(text(
                "SELECT hazard_id FROM events WHERE action='withdraw' AND hazard_id = ANY(:ids)"),
                {"ids": [h for h, _ in stats.transitions]})} if stats.transitions else set()
        audit = flask(env, "audit", "verify", check=False)
        all_ms = [x for v in stats.latency.values() for x in v]
        five_xx_outside_fault = [e for e in stats.errors_5xx
                                 if not (args.faults and fault_log and down_at - 1 <= e[0] <= up_at + 10)]
        result = {
            "seconds": round(elapsed, 1), "users": args.users, "requests": stats.requests,
            "throughput_rps": round(stats.requests / elapsed, 1),
            "p50_ms": round(statistics.median(all_ms), 1),
            "p95_ms": round(statistics.quantiles(all_ms, n=20)[18], 1),
            "status_classes": dict(stats.status),
            "per_operation": {op: {"n": len(v), "p50_ms": round(statistics.median(v), 1),
                                   "p95_ms": round(statistics.quantiles(v, n=20)[18], 1) if len(v) > 1 else None,
                                   "statuses": dict(stats.by_op[op])} for op, v in stats.latency.items()},
            "accepted_hazards": len(created), "accepted_hazards_in_db": len(found),
            "lost_hazards": len(created - found),
            "accepted_transitions": len(stats.transitions), "transitions_in_db": len(withdrawn),
            "lost_transitions": len({h for h, _ in stats.transitions} - withdrawn),
            "errors_5xx_total": len(stats.errors_5xx), "errors_5xx_outside_fault": len(five_xx_outside_fault),
            "bare_500s": sum(1 for e in stats.errors_5xx if e[2] == 500),
            "errors_by_status": dict(Counter(e[2] for e in stats.errors_5xx)),
            "five_xx_samples": [e[1:] for e in stats.errors_5xx[:5]],
            "audit_verify": audit.stdout.strip() or audit.stderr.strip(),
            "faults": fault_log,
        }
        if args.faults:
            result["faults"]["scheduler_sigkill"] = scheduler_kill_drill(env)
        if args.faults and stats.errors_5xx:
            # During the outage answers must be clean 503 pages, never stack traces.
            probe = requests.get(base + "/healthz", timeout=5)
            result["faults"]["after_restart_healthz"] = probe.status_code
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(20)
        log.close()
        engine.dispose()
    print(json.dumps(result, ensure_ascii=False, indent=1))
    Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=1))
    ok = (result.get("lost_hazards") == 0 and result.get("lost_transitions") == 0
          and result.get("errors_5xx_outside_fault") == 0 and "intact" in result.get("audit_verify", ""))
    sys.exit(0 if ok else 1)


def scheduler_kill_drill(env, day="2027-03-02"):
    """Kill the overdue scan with SIGKILL half-way, rerun it, and count notifications per key."""
    due = (date.fromisoformat(day) - timedelta(days=1)).isoformat()
    engine = create_engine(db_url(), pool_pre_ping=True)
    with engine.begin() as conn:
        # Drill data only: make every open hazard due the day before, so one scan has thousands to alert.
        conn.execute(text("UPDATE hazards SET deadline = :due WHERE status IN "
                          "('open','rectifying','submitted','verified')"), {"due": due})
        before = conn.execute(text("SELECT count(*) FROM notifications")).scalar()
    proc = subprocess.Popen([str(ROOT / ".venv/bin/flask"), "jobs", "run", "overdue-scan", "--today", day],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    killed = False
    stop = time.monotonic() + 60
    while time.monotonic() < stop and proc.poll() is None:
        with engine.connect() as conn:
            if conn.execute(text("SELECT count(*) FROM notifications")).scalar() > before:
                proc.send_signal(signal.SIGKILL)  # half-way: the first batch is committed, the rest is not
                killed = True
                break
        time.sleep(0.02)
    proc.wait()
    with engine.connect() as conn:
        after_kill = conn.execute(text("SELECT count(*) FROM notifications")).scalar() - before
    rerun = flask(env, "jobs", "run", "overdue-scan", "--today", day, check=False)
    again = flask(env, "jobs", "run", "overdue-scan", "--today", day, check=False)
    with engine.connect() as conn:
        total = conn.execute(text("SELECT count(*) FROM notifications")).scalar() - before
        dup = conn.execute(text("SELECT count(*) FROM (SELECT user_id, hazard_id, kind, count(*) c FROM notifications "
                                "WHERE idempotency_key IS NOT NULL GROUP BY idempotency_key, user_id, hazard_id, kind "
                                "HAVING count(*) > 1) d")).scalar()
        outbox_dup = conn.execute(text("SELECT count(*) FROM (SELECT idempotency_key FROM outbox_messages WHERE "
                                       "idempotency_key IS NOT NULL GROUP BY idempotency_key HAVING count(*) > 1) d")).scalar()
    engine.dispose()
    return {"killed_mid_run": killed, "notifications_after_kill": after_kill, "notifications_after_rerun": total,
            "rerun_exit": rerun.returncode, "second_rerun_exit": again.returncode,
            "second_rerun_output": again.stdout.strip()[-200:], "duplicate_notifications": dup,
            "duplicate_outbox": outbox_dup}


if __name__ == "__main__":
    main()
