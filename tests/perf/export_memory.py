"""Measure a 200,000-row ledger export: time and peak memory.

    .venv/bin/python tests/perf/export_memory.py [--db /tmp/big.db] [--format csv|xlsx|both]
                                                 [--xlsx-writer stream|openpyxl]

Copies the big SQLite database (never modifies it), logs in as the admin and
streams GET /ledgers/hazards/export.<fmt> through the test client, reading the
body chunk by chunk like a browser would. Each format runs in its own process
so the peak resident set size (``ru_maxrss``) belongs to that export alone.
The bar: peak memory under 300 MB; for the XLSX also 200,000 rows in 20 s and the
first byte within 1 s. ``--xlsx-writer openpyxl`` times the former XLSX export
(openpyxl's write-only workbook saved to a temporary file, then sent) for comparison.
"""
import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIMIT_MB = 300


def openpyxl_stream(columns, rows, sheet_title):
    """The former XLSX export: the whole workbook written to a temporary file, then sent."""
    from safety_app import exports

    fd, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    try:
        exports.write_xlsx(columns, rows, path, sheet_title)
        with open(path, "rb") as f:
            while chunk := f.read(exports.CHUNK):
                yield chunk
    finally:
        os.unlink(path)


def measure(db_path, fmt, kind, trace=True, writer="stream"):
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("APP_ENV", "development")
    from safety_app import create_app, exports

    if writer == "openpyxl":
        exports.xlsx_stream = openpyxl_stream

    tmp = Path(tempfile.mkdtemp(prefix="export-perf-"))
    copy = tmp / "big.db"
    shutil.copyfile(db_path, copy)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{copy}", "WTF_CSRF_ENABLED": False,
                      "REPORTS_DIR": str(tmp / "reports"), "UPLOAD_DIR": str(tmp / "uploads"),
                      "SCHEDULER_ENABLED": False})
    client = app.test_client()
    password = app.config["DEMO_PASSWORD"]
    assert client.post("/login", data={"username": "admin", "password": password}).status_code == 302
    baseline_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    response = client.get(f"/ledgers/{kind}/export.{fmt}", buffered=False)
    size = 0
    first_chunk_at = None
    lines = 0
    for chunk in response.response:
        if first_chunk_at is None:
            first_chunk_at = time.perf_counter() - started
        size += len(chunk)
        if fmt == "csv":
            lines += chunk.count(b"\n")
    response.close()
    elapsed = time.perf_counter() - started
    traced_peak = tracemalloc.get_traced_memory()[1] if trace else 0
    tracemalloc.stop()
    shutil.rmtree(tmp, ignore_errors=True)
    return {"format": fmt, "kind": kind, "status": response.status_code, "bytes": size,
            "csv_rows": lines - 1 if fmt == "csv" else None, "seconds": round(elapsed, 1),
            "first_byte_seconds": round(first_chunk_at or 0, 2),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "rss_before_export_mb": round(baseline_mb, 1),
            "tracemalloc_peak_mb": round(traced_peak / 1024 / 1024, 1) if trace else None}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="/tmp/big.db")
    parser.add_argument("--format", default="both", choices=["csv", "xlsx", "both"])
    parser.add_argument("--kind", default="hazards", choices=["hazards", "measures"])
    parser.add_argument("--no-tracemalloc", action="store_true",
                        help="time without tracemalloc (which slows Python down several times)")
    parser.add_argument("--xlsx-writer", default="stream", choices=["stream", "openpyxl"])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.db, args.format, args.kind, trace=not args.no_tracemalloc,
                                 writer=args.xlsx_writer)))
        return 0
    failed = False
    for fmt in (["csv", "xlsx"] if args.format == "both" else [args.format]):
        command = [sys.executable, __file__, "--child", "--db", args.db, "--format", fmt, "--kind", args.kind,
                   "--xlsx-writer", args.xlsx_writer]
        if args.no_tracemalloc:
            command.append("--no-tracemalloc")
        out = subprocess.run(command, capture_output=True, text=True, check=False)
        if out.returncode != 0:
            print(out.stderr[-3000:], file=sys.stderr)
            return 1
        result = json.loads(out.stdout.strip().splitlines()[-1])
        ok = result["status"] == 200 and result["peak_rss_mb"] < LIMIT_MB
        failed |= not ok
        print(f"{fmt}: {result['seconds']} s, peak RSS {result['peak_rss_mb']} MB "
              f"(before export {result['rss_before_export_mb']} MB), tracemalloc peak "
              f"{result['tracemalloc_peak_mb']} MB, first byte after {result['first_byte_seconds']} s, "
              f"{result['bytes']:,} bytes"
              + (f", {result['csv_rows']:,} rows" if result["csv_rows"] is not None else "")
              + ("  OK" if ok else f"  OVER {LIMIT_MB} MB"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
