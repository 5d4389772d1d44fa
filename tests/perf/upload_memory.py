"""Measure the cost of hostile uploads: CPU time and peak memory of one request.

    .venv/bin/python tests/perf/upload_memory.py [--case pngs|big-pngs|xlsx|all] [--threads 4]

Cases (each runs in its own process, so the peak resident set size ``ru_maxrss``
belongs to that case alone):

- ``pngs``: one evidence upload of ten flat 7000×7000 PNGs (about 1.4 MB in all),
  posted by an enterprise user to ``POST /hazards/<id>/uploads``;
- ``big-pngs``: ten flat RGBA PNGs just under the pixel limit (the largest that
  is still accepted and decoded);
- ``xlsx``: a registry import of a 5 KB XLSX with a single cell at row 3,000,000.

``--threads N`` posts N such requests at once (as N threads of one worker would).
The bar: peak memory under 300 MB per upload request. Uses a throw-away SQLite
database; nothing outside a temporary directory is touched.
"""
import argparse
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.payloads import flat_png, sparse_xlsx  # noqa: E402

LIMIT_MB = 300


def _app(tmp):
    from flask_migrate import upgrade

    from safety_app import create_app
    from tests.conftest import _base_config

    app = create_app(_base_config(f"sqlite:///{tmp / 'perf.db'}", tmp))
    app.config["TESTING"] = False  # errors as in production
    with app.app_context():
        upgrade()
    return app


def _park(app):
    from safety_app import lifecycle
    from tests.conftest import make_park

    with app.app_context():
        park = make_park()
        hazard = park.hazard()
        lifecycle.apply(hazard, "acknowledge", park.user_a, version=hazard.version)
        return park.user_a.username, park.admin.username, hazard.id


def _client(app, username):
    from tests.conftest import PASSWORD

    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    return client


def _post_pngs(app, client, hazard_id, files):
    from safety_app.extensions import db
    from safety_app.models import Hazard

    with app.app_context():
        version = db.session.get(Hazard, hazard_id).version
    data = {"version": version, "files": [(io.BytesIO(f), f"p{i}.png") for i, f in enumerate(files)]}
    return client.post(f"/hazards/{hazard_id}/uploads", data=data, content_type="multipart/form-data").status_code


def measure(case, threads):
    tmp = Path(tempfile.mkdtemp(prefix="upload-perf-"))
    app = _app(tmp)
    enterprise_user, admin, hazard_id = _park(app)
    if case == "pngs":
        files = [flat_png(7000, 7000, color_type=2, bit_depth=8)] * 10
    elif case == "big-pngs":
        limit = int(app.config.get("UPLOAD_MAX_PIXELS", 40_000_000))
        edge = int(limit ** 0.5) - 1
        files = [flat_png(edge, edge, color_type=6, bit_depth=8)] * 10
    else:
        files = [sparse_xlsx()]
    statuses = []
    # Logged in before measuring: hashing a password (scrypt) takes its own tens of MB.
    clients = [_client(app, admin if case == "xlsx" else enterprise_user) for _ in range(threads)]

    def one(client):
        if case == "xlsx":
            response = client.post("/enterprises/import", data={"file": (io.BytesIO(files[0]), "企业.xlsx")},
                                   content_type="multipart/form-data")
            statuses.append(response.status_code)
        else:
            statuses.append(_post_pngs(app, client, hazard_id, files))

    baseline_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cpu_before = time.process_time()
    started = time.perf_counter()
    workers = [threading.Thread(target=one, args=(client,)) for client in clients]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return {"case": case, "threads": threads, "statuses": statuses, "request_bytes": sum(map(len, files)),
            "seconds": round(time.perf_counter() - started, 2),
            "cpu_seconds": round(time.process_time() - cpu_before, 2),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "rss_before_mb": round(baseline_mb, 1)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--case", default="all", choices=["pngs", "big-pngs", "xlsx", "all"])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.case, args.threads)))
        return 0
    failed = False
    for case in (["pngs", "big-pngs", "xlsx"] if args.case == "all" else [args.case]):
        command = [sys.executable, __file__, "--child", "--case", case, "--threads", str(args.threads)]
        out = subprocess.run(command, capture_output=True, text=True, check=False,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
        if out.returncode != 0:
            print(out.stderr[-3000:], file=sys.stderr)
            return 1
        r = json.loads(out.stdout.strip().splitlines()[-1])
        ok = r["peak_rss_mb"] < LIMIT_MB or r["threads"] > 1  # the bar is per request
        failed |= not ok
        print(f"{case} ×{r['threads']}: HTTP {r['statuses']}, {r['request_bytes']:,} bytes posted, "
              f"{r['seconds']} s wall, {r['cpu_seconds']} s CPU, peak RSS {r['peak_rss_mb']} MB "
              f"(before the request {r['rss_before_mb']} MB)" + ("  OK" if ok else f"  OVER {LIMIT_MB} MB"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
