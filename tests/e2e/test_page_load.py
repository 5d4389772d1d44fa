"""Phone page load over a slow mobile network (tests/perf/page_load.py): the dashboard, the ledger,
"my tasks" and a hazard page load their largest content within 4 s and weigh at most 150 KB on the
wire, CSS and JavaScript included, on a first visit. Gross regressions only: the budgets (LCP ≤ 1.5 s,
≤ 60 KB) are the benchmark's report, not an assertion on a shared machine."""
from tests.perf import page_load

from .conftest import ARTIFACTS

GROSS_LCP_MS, GROSS_KB = 4000, 150


def test_phone_pages_load_light_and_fast(browser, live_server):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    rows = page_load.measure_pages(browser, live_server, runs=1, screenshots=ARTIFACTS)
    assert [r["page"] for r in rows] == ["dashboard", "ledger", "my_tasks", "hazard"]
    for row in rows:
        assert row["kb"] <= GROSS_KB, row
        assert row["lcp_ms"] <= GROSS_LCP_MS, row
        assert row["requests"] >= 2, row  # the page and at least its stylesheet were counted
