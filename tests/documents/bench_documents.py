"""Time the document builders on realistic volumes (not collected by pytest).

Run: .venv/bin/python tests/documents/bench_documents.py
Prints the notice build time (warm, median of 20) and the 5,000-hazard /
500-enterprise monthly report's wall time and peak memory (fresh process).
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parents[1])]

from conftest import make_monthly_data, make_notice_data  # noqa: E402

from safety_app.documents import build_monthly_report, build_notice, register_cjk_font  # noqa: E402


def bench_notice(out: Path) -> None:
    t0 = time.perf_counter()
    register_cjk_font()
    build_notice(make_notice_data(), out / "cold.pdf")
    print(f"notice (cold, incl. font registration): {(time.perf_counter() - t0) * 1000:.0f} ms")
    times = []
    for i in range(20):
        data = make_notice_data()
        t0 = time.perf_counter()
        build_notice(data, out / f"notice-{i}.pdf")
        times.append(time.perf_counter() - t0)
    print(f"notice (warm): median {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms")


def bench_monthly(out: Path) -> None:
    data = make_monthly_data(hazards=5000, enterprises=500)
    t0 = time.perf_counter()
    written = build_monthly_report(data, out / "monthly.pdf")
    elapsed = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    from pypdf import PdfReader

    pages = len(PdfReader(out / "monthly.pdf").pages)
    print(f"monthly 5,000 hazards / 500 enterprises ({len(data.overdue_list)} overdue rows, "
          f"{pages} pages, {written.size / 1e6:.1f} MB): {elapsed:.2f} s, peak RSS {peak_mb:.0f} MB")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        {"notice": bench_notice, "monthly": bench_monthly}[sys.argv[1]](Path(sys.argv[2]))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            for which in ("notice", "monthly"):  # a fresh process each, so peak RSS is honest
                subprocess.run([sys.executable, __file__, which, tmp], check=True)
