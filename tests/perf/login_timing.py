"""Measure the login answer time for an unknown and a known username (wrong password).

    .venv/bin/python -m tests.perf.login_timing [--runs 300]

A fresh SQLite database (migrated), one user; each run posts a wrong password to
/login, alternating unknown and known usernames, with the failure records cleared
between runs so the throttle never answers instead of the password check. Prints
median and p95 in ms per kind: the two must be close (no username enumeration by
response time).
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("APP_ENV", "development")
    from flask_migrate import upgrade
    from sqlalchemy import delete

    from safety_app import create_app
    from safety_app.accounts import create_user
    from safety_app.extensions import db
    from safety_app.models import LoginAttempt

    tmp = Path(tempfile.mkdtemp(prefix="login-timing-"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 't.db'}", "WTF_CSRF_ENABLED": False,
                      "REPORTS_DIR": str(tmp / "reports"), "UPLOAD_DIR": str(tmp / "uploads"),
                      "SCHEDULER_ENABLED": False, "TESTING": True})
    with app.app_context():
        upgrade()
        create_user("known_user", "correct-horse-battery", "admin")
    client = app.test_client()
    times = {"unknown": [], "known": []}
    for i in range(2 * args.runs):
        kind = "known" if i % 2 else "unknown"
        username = "known_user" if kind == "known" else f"nobody{i}"
        start = time.perf_counter()
        response = client.post("/login", data={"username": username, "password": "wrong-password-x"},
                               environ_base={"REMOTE_ADDR": f"10.1.{i // 250}.{i % 250}"})
        times[kind].append((time.perf_counter() - start) * 1000)
        assert response.status_code == 401, response.status_code
        with app.app_context():
            db.session.execute(delete(LoginAttempt))
            db.session.commit()
    for kind, values in times.items():
        values.sort()
        print(f"{kind:8s} n={len(values)} median={statistics.median(values):.1f} ms "
              f"p95={values[int(len(values) * 0.95)]:.1f} ms")


if __name__ == "__main__":
    main()
