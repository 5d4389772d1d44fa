"""The HTTP benchmark: the app under a real server on loopback, a mixed load of pages and API calls.

    .venv/bin/python -m tests.perf.http_bench [--server gunicorn|granian] [--db sqlite|postgresql]
        [--clients 16] [--duration 30] [--workers N] [--threads N] [--json PATH]

Data: the park of ``tests/perf/bench.py`` (500 enterprises, 200,000 hazards; SQLite file
``/tmp/bench-500-200000.db`` or the PostgreSQL database ``bench``, never ``test``), built by its
data builder when missing. The server runs in its own processes (``gunicorn -c gunicorn.conf.py
wsgi:app``, or ``granian --interface wsgi wsgi:app`` with the same workers and threads), the
client in this one (asyncio + httpx), so the client never competes for the server's GIL.

The client logs in as the three roles (inspector, admin, enterprise user, each through the login
form; the API through a bearer token), warms up, then runs two timed phases of ``--duration``
seconds each with ``--clients`` concurrent connections:

1. ``/healthz`` only (one trivial SELECT): what the server and the stack can do at most;
2. the mixed workload, each client picking the next request from ``WORKLOAD`` in turn: park
   dashboard, an enterprise's dashboard, ledger first page and a filtered page, a hazard page,
   "my tasks", API hazard list and detail, notifications.

It prints pages per second, p50 / p95 / max, per-request-kind medians, healthz per second and the
ratio pages ÷ healthz, the CPU time per request of the server (all its processes) and of this client,
with the load average before and after (the machine may be shared), and
``--json`` writes the same. Requests ask for ``br, gzip`` like a browser; bodies are not decoded
(the transferred bytes are reported). Budgets (2 cores, 16 clients): ≥ 200 pages/s, p95 ≤ 150 ms,
ratio ≥ 0.25.
"""
import argparse
import asyncio
import itertools
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from tests.perf import bench

ROOT = Path(__file__).resolve().parents[2]
BUDGET_RPS, BUDGET_P95_MS, BUDGET_RATIO = 200, 150, 0.25
PASSWORD = "demo-password"
TIMEOUT = 120  # seconds for one answer; a slower one counts as an error

# (name, role, path template): one round of the mixed workload. ``{hazard}`` is any hazard,
# ``{own}`` one of enterprise1's hazards; each client walks the list from its own offset.
WORKLOAD = [
    ("dashboard_park", "admin", "/dashboard"),
    ("ledger_first", "inspector", "/ledgers/hazards"),
    ("hazard_page", "inspector", "/hazards/{hazard}"),
    ("my_tasks", "enterprise", "/portal/"),
    ("api_list", "api", "/api/v1/hazards?per_page=50"),
    ("ledger_filtered", "admin", "/ledgers/hazards?status=rectifying&overdue=1&sort=deadline"),
    ("api_detail", "api", "/api/v1/hazards/{hazard}"),
    ("dashboard_enterprise", "enterprise", "/dashboard"),
    ("notifications", "inspector", "/notifications/"),
    ("hazard_page_own", "enterprise", "/hazards/{own}"),
]


def load_average():
    return tuple(round(x, 2) for x in os.getloadavg())


def group_cpu_seconds(pgid):
    """CPU seconds (user + system) used so far by the processes of group ``pgid`` (the server)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # pgrp
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def command_cpu_seconds(name):
    """CPU seconds used so far by every process whose command is ``name`` (the database server)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        if text[text.index("(") + 1:text.rindex(")")] == name:
            fields = text.rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sample_hazards(url, n=200):
    """Ids of ``n`` hazards spread over the table, and of enterprise1's hazards."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            total = conn.scalar(text("SELECT max(id) FROM hazards"))
            step = max(1, total // n)
            spread = [r[0] for r in conn.execute(text(
                "SELECT id FROM hazards WHERE id % :step = 0 ORDER BY id LIMIT :n"), {"step": step, "n": n})]
            own = [r[0] for r in conn.execute(text(
                "SELECT h.id FROM hazards h JOIN users u ON u.enterprise_id = h.enterprise_id "
                "WHERE u.username = 'enterprise1' ORDER BY h.id DESC LIMIT :n"), {"n": n})]
    finally:
        engine.dispose()
    return spread, own


def server_settings(url):
    """``gunicorn.conf.py`` as the server reads it for the database ``url`` (its defaults depend on it)."""
    import runpy

    saved = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = url
    try:
        return runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    finally:
        if saved is None:
            os.environ.pop("DATABASE_URL")
        else:
            os.environ["DATABASE_URL"] = saved


def server_command(kind, port, workers, threads):
    python = sys.executable
    if kind == "gunicorn":
        return [python, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "-b", f"127.0.0.1:{port}",
                "--workers", str(workers), "--threads", str(threads), "wsgi:app"]
    return [python, "-m", "granian", "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port),
            "--workers", str(workers), "--blocking-threads", str(threads), "--no-ws", "--log-level", "warning",
            "wsgi:app"]


def start_server(kind, url, port, workers, threads, log_path, tmp):
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": secrets.token_hex(16), "APP_ENV": "production",
           "SCHEDULER_ENABLED": "0", "DEMO_PASSWORD": PASSWORD, "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
           "REPORTS_DIR": str(tmp / "reports"), "UPLOAD_DIR": str(tmp / "uploads"), "PYTHONPATH": str(ROOT)}
    env.pop("FLASK_DEBUG", None)
    log = open(log_path, "w")
    process = subprocess.Popen(server_command(kind, port, workers, threads), cwd=ROOT, env=env, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return process
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                stop_server(process)
                raise SystemExit(f"the server did not start:\n{Path(log_path).read_text()[-3000:]}") from None
            time.sleep(0.2)


def stop_server(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


async def log_in(client, username):
    """Cookies of a session logged in through the form, as a browser does."""
    import httpx

    page = await client.get("/login")
    token = CSRF.search(page.text).group(1)
    response = await client.post("/login", data={"csrf_token": token, "username": username, "password": PASSWORD})
    if response.status_code != 302:
        raise SystemExit(f"{username} could not log in: {response.status_code}")
    return httpx.Cookies(client.cookies)


async def api_token(client, username):
    response = await client.post("/api/v1/tokens", json={"username": username, "password": PASSWORD})
    if response.status_code != 201:
        raise SystemExit(f"no token for {username}: {response.status_code} {response.text[:200]}")
    return {"Authorization": f"Bearer {response.json()['token']}"}


class Phase:
    def __init__(self, server_pgid=None):
        self.times = {}  # name -> [ms]
        self.errors = {}  # name -> count
        self.bytes = 0
        self.seconds = 0.0
        self.server_pgid = server_pgid
        self.server_cpu = self.client_cpu = self.db_cpu = 0.0  # CPU seconds used during the phase

    def all_times(self):
        return [t for times in self.times.values() for t in times]


async def drive(base, requests_for, clients, duration, phase):
    """``clients`` connections, each sending its requests one after the other for ``duration`` s."""
    import httpx

    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    stop_at = time.perf_counter() + duration

    async def one_client(index):
        async with httpx.AsyncClient(base_url=base, limits=limits, timeout=TIMEOUT,
                                     headers={"Accept-Encoding": "br, gzip"}) as client:
            for name, path, cookies, headers in requests_for(index):
                if time.perf_counter() >= stop_at:
                    return
                client.cookies = cookies
                started = time.perf_counter()
                try:
                    async with client.stream("GET", path, headers=headers) as response:
                        size = 0
                        async for chunk in response.aiter_raw():
                            size += len(chunk)
                except httpx.TimeoutException:
                    phase.errors[name] = phase.errors.get(name, 0) + 1
                    print(f"  ! {name} {path}: no answer within {TIMEOUT} s", flush=True)
                    continue
                ms = (time.perf_counter() - started) * 1000
                if response.status_code != 200:
                    phase.errors[name] = phase.errors.get(name, 0) + 1
                    if phase.errors[name] <= 3:
                        print(f"  ! {name} {path} -> {response.status_code}", flush=True)
                    continue
                phase.times.setdefault(name, []).append(ms)
                phase.bytes += size

    started = time.perf_counter()
    server_cpu = group_cpu_seconds(phase.server_pgid) if phase.server_pgid else 0.0
    db_cpu = command_cpu_seconds("postgres")
    client_cpu = time.process_time()
    await asyncio.gather(*(one_client(i) for i in range(clients)))
    phase.seconds = time.perf_counter() - started
    phase.client_cpu = time.process_time() - client_cpu
    phase.db_cpu = command_cpu_seconds("postgres") - db_cpu
    if phase.server_pgid:
        phase.server_cpu = group_cpu_seconds(phase.server_pgid) - server_cpu


def pct(values, q):
    return bench.pct(values, q) if values else None


def summary(phase):
    times = phase.all_times()
    return {"requests": len(times), "seconds": round(phase.seconds, 1),
            "req_per_s": round(len(times) / phase.seconds, 1) if phase.seconds else 0,
            "p50_ms": round(pct(times, 0.5), 1) if times else None,
            "p95_ms": round(pct(times, 0.95), 1) if times else None,
            "max_ms": round(max(times), 1) if times else None,
            "errors": sum(phase.errors.values()),
            "kb_per_request": round(phase.bytes / len(times) / 1024, 1) if times else None,
            # CPU per answered request: what the server spends on one (all processes), and this client
            "server_cpu_ms": round(phase.server_cpu * 1000 / len(times), 2) if times else None,
            "client_cpu_ms": round(phase.client_cpu * 1000 / len(times), 2) if times else None,
            "postgres_cpu_ms": round(phase.db_cpu * 1000 / len(times), 2) if times else None,
            "by_kind": {name: {"n": len(ts), "p50_ms": round(pct(ts, 0.5), 1), "p95_ms": round(pct(ts, 0.95), 1)}
                        for name, ts in sorted(phase.times.items())}}


async def run_load(base, url, clients, duration, warmup, server_pgid=None):
    import httpx

    spread, own = sample_hazards(url)
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        cookies = {"admin": await log_in(client, "admin")}
        client.cookies = httpx.Cookies()
        cookies["inspector"] = await log_in(client, "inspector")
        client.cookies = httpx.Cookies()
        cookies["enterprise"] = await log_in(client, "enterprise1")
        client.cookies = httpx.Cookies()
        api = await api_token(client, "admin")
        # Every kind of request once, one at a time: the first figures of each scope are computed
        # here, not in the timed phases (as on a server that has been up for a while).
        for _name, role, path in WORKLOAD:
            path = path.format(hazard=spread[0], own=own[0])
            client.cookies = httpx.Cookies() if role == "api" else cookies[role]
            await client.get(path, headers=api if role == "api" else None)
    empty = httpx.Cookies()

    def pages_for(index):
        hazards, owned = itertools.cycle(spread[index::clients] or spread), itertools.cycle(own[index::clients] or own)
        for round_ in itertools.count():
            for k in range(len(WORKLOAD)):
                name, role, path = WORKLOAD[(index + k + round_) % len(WORKLOAD)]
                path = path.format(hazard=next(hazards), own=next(owned))
                if role == "api":
                    yield name, path, empty, api
                else:
                    yield name, path, cookies[role], None

    def healthz_for(index):
        while True:
            yield "healthz", "/healthz", empty, None

    if warmup:
        await drive(base, pages_for, clients, warmup, Phase())
    healthz = Phase(server_pgid)
    await drive(base, healthz_for, clients, duration, healthz)
    pages = Phase(server_pgid)
    await drive(base, pages_for, clients, duration, pages)
    return summary(pages), summary(healthz)


def print_report(report):
    pages, healthz = report["pages"], report["healthz"]
    print(f"\n== {report['server']} ({report['workers']} workers × {report['threads']} threads), {report['db']}, "
          f"{report['clients']} clients, {report['duration']} s per phase; "
          f"load average before {report['load_before']}, after {report['load_after']}")
    print(f"{'kind':<22}{'n':>7}{'p50 ms':>9}{'p95 ms':>9}")
    for name, row in pages["by_kind"].items():
        print(f"{name:<22}{row['n']:>7}{row['p50_ms']:>9.1f}{row['p95_ms']:>9.1f}")
    print(f"pages:   {pages['req_per_s']:>7.1f} req/s  p50 {pages['p50_ms']} ms  p95 {pages['p95_ms']} ms  "
          f"max {pages['max_ms']} ms  errors {pages['errors']}  {pages['kb_per_request']} KB/request on the wire")
    print(f"healthz: {healthz['req_per_s']:>7.1f} req/s  p50 {healthz['p50_ms']} ms  p95 {healthz['p95_ms']} ms")
    print(f"CPU per request (server / client / PostgreSQL): pages {pages['server_cpu_ms']} / "
          f"{pages['client_cpu_ms']} / {pages['postgres_cpu_ms']} ms, healthz {healthz['server_cpu_ms']} / "
          f"{healthz['client_cpu_ms']} / {healthz['postgres_cpu_ms']} ms")
    ok = report["ok"]
    print(f"ratio pages ÷ healthz: {report['ratio']}   budgets ≥ {BUDGET_RPS} req/s, p95 ≤ {BUDGET_P95_MS} ms, "
          f"ratio ≥ {BUDGET_RATIO}: {'ok' if all(ok.values()) else 'OVER: ' + ', '.join(k for k, v in ok.items() if not v)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--server", default="gunicorn", choices=["gunicorn", "granian"])
    parser.add_argument("--db", default="sqlite", choices=["sqlite", "postgresql"])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--duration", type=float, default=30, help="seconds of each timed phase")
    parser.add_argument("--warmup", type=float, default=10, help="seconds of mixed load before timing")
    parser.add_argument("--workers", type=int, default=None, help="server processes (default: gunicorn.conf.py's)")
    parser.add_argument("--threads", type=int, default=None, help="threads per process (default: gunicorn.conf.py's)")
    parser.add_argument("--enterprises", type=int, default=500)
    parser.add_argument("--hazards", type=int, default=200000)
    parser.add_argument("--sqlite-file", help="the SQLite data file (default /tmp/bench-<enterprises>-<hazards>.db)")
    parser.add_argument("--json", dest="json_path")
    args = parser.parse_args()

    url = bench.ensure_data(args.db, args.enterprises, args.hazards, sqlite_file=args.sqlite_file)
    conf = server_settings(url)
    workers = args.workers or conf.get("workers", 1)
    threads = args.threads or conf.get("threads", 1)
    tmp = Path(tempfile.mkdtemp(prefix="http-bench-"))
    port = free_port()
    load_before = load_average()
    process = start_server(args.server, url, port, workers, threads, tmp / "server.log", tmp)
    try:
        pages, healthz = asyncio.run(run_load(f"http://127.0.0.1:{port}", url, args.clients, args.duration,
                                              args.warmup, server_pgid=process.pid))
    finally:
        stop_server(process)
    ratio = round(pages["req_per_s"] / healthz["req_per_s"], 3) if healthz["req_per_s"] else None
    report = {"server": args.server, "db": args.db, "workers": workers, "threads": threads,
              "clients": args.clients, "duration": args.duration, "when": time.strftime("%Y-%m-%d %H:%M:%S"),
              "load_before": load_before, "load_after": load_average(), "cpus": os.cpu_count(),
              "pages": pages, "healthz": healthz, "ratio": ratio,
              "ok": {"req_per_s": pages["req_per_s"] >= BUDGET_RPS,
                     "p95_ms": pages["p95_ms"] is not None and pages["p95_ms"] <= BUDGET_P95_MS,
                     "ratio": ratio is not None and ratio >= BUDGET_RATIO,
                     "no_errors": pages["errors"] == 0}}
    print_report(report)
    if args.json_path:
        Path(args.json_path).write_text(json.dumps(report, ensure_ascii=False, indent=2))
        print(f"JSON: {args.json_path}")
    return 0 if all(report["ok"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
