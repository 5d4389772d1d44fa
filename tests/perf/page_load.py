"""Phone page load: Largest Contentful Paint and bytes on the wire over a slow mobile network.

    .venv/bin/python -m tests.perf.page_load [--base-url URL] [--runs 3] [--json PATH]

Without ``--base-url`` it serves a fresh demo park itself (``flask demo seed``, default size, in a
temporary SQLite file) with gunicorn on loopback. Debian's Chromium (``/usr/bin/chromium``, or
``CHROMIUM_PATH``) is driven by Playwright; for every page, a new phone-sized browser context of
the logged-in user, and through the DevTools protocol:

- ``Network.emulateNetworkConditions``: 1.6 Mbit/s down, 750 kbit/s up, 150 ms latency;
- ``Network.setCacheDisabled``: a first visit, nothing cached (service workers blocked too);
- bytes: the sum of ``encodedDataLength`` of ``Network.loadingFinished`` (headers and compressed
  bodies of the document, CSS, JS, images) until the page has loaded and its network is idle;
- LCP: the last ``largest-contentful-paint`` entry (PerformanceObserver, buffered), in ms from the
  start of the navigation.

Pages: the park dashboard (admin), the ledger (inspector), "my tasks" (enterprise1), a hazard page
(enterprise1's newest hazard). Budgets: LCP ≤ 1.5 s, ≤ 60 KB per page. The median of ``--runs``
visits is reported.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PASSWORD = "demo-password"
PHONE = {"width": 390, "height": 844}
# 1.6 Mbit/s down, 750 kbit/s up, 150 ms latency (bytes per second for the protocol).
NETWORK = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8, "uploadThroughput": 750_000 / 8}
BUDGET_LCP_MS, BUDGET_KB = 1500, 60

LCP_JS = """() => new Promise(resolve => {
  let last = null;
  new PerformanceObserver(list => { for (const e of list.getEntries()) last = e.startTime; })
    .observe({type: 'largest-contentful-paint', buffered: true});
  setTimeout(() => resolve(last), 250);
})"""

# (name, user, path); "{own}" is enterprise1's newest hazard.
PAGES = [
    ("dashboard", "admin", "/dashboard"),
    ("ledger", "inspector", "/ledgers/hazards"),
    ("my_tasks", "enterprise1", "/portal/"),
    ("hazard", "enterprise1", "/hazards/{own}"),
]


def launch(playwright):
    return playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
              "--no-first-run", "--disable-sync", "--disable-quic"])


def log_in(browser, base, username, password=PASSWORD):
    """The cookies of a session logged in through the form (no throttling: that is not measured)."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + "/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    if "/login" in page.url:
        raise RuntimeError(f"{username} could not log in")
    cookies = context.cookies()
    context.close()
    return cookies


def own_hazard(browser, base, cookies):
    """The id of the first hazard linked from "my tasks"."""
    context = browser.new_context()
    context.add_cookies(cookies)
    page = context.new_page()
    page.goto(base + "/portal/")
    href = page.locator("a[href^='/hazards/']").first.get_attribute("href")
    context.close()
    return int(href.split("/")[2].split("?")[0].split("#")[0])


def measure(browser, base, cookies, path, screenshot=None):
    """One cold visit of ``path`` on a throttled phone: {lcp_ms, bytes, requests, status}; ``screenshot``:
    a PNG path for the page as loaded."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN",
                                  service_workers="block")
    context.add_cookies(cookies)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", NETWORK)
    sizes = {}
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
    try:
        response = page.goto(base + path, wait_until="load", timeout=60000)
        page.wait_for_load_state("networkidle", timeout=60000)
        lcp = page.evaluate(LCP_JS)
        if screenshot:
            page.screenshot(path=str(screenshot))
        return {"lcp_ms": round(lcp) if lcp is not None else None, "bytes": sum(sizes.values()),
                "requests": len(sizes), "status": response.status if response else None}
    finally:
        context.close()


def measure_pages(browser, base, runs=3, screenshots=None):
    """Every page of ``PAGES``, ``runs`` cold visits each: one row per page with the medians;
    ``screenshots``: a folder for one PNG per page."""
    cookies = {user: log_in(browser, base, user) for user in {u for _n, u, _p in PAGES}}
    own = own_hazard(browser, base, cookies["enterprise1"])
    rows = []
    for name, user, path in PAGES:
        path = path.format(own=own)
        shot = Path(screenshots) / f"page-load-{name}.png" if screenshots else None
        visits = [measure(browser, base, cookies[user], path, shot if i == 0 else None) for i in range(runs)]
        bad = [v for v in visits if v["status"] != 200 or v["lcp_ms"] is None]
        if bad:
            raise RuntimeError(f"{name} {path}: {bad[0]}")
        lcp = statistics.median(v["lcp_ms"] for v in visits)
        size = statistics.median(v["bytes"] for v in visits)
        rows.append({"page": name, "path": path, "user": user, "lcp_ms": round(lcp), "kb": round(size / 1024, 1),
                     "requests": visits[0]["requests"], "runs": runs,
                     "ok": lcp <= BUDGET_LCP_MS and size / 1024 <= BUDGET_KB})
    return rows


def serve_demo(tmp):
    """gunicorn on a free loopback port with a fresh demo park; returns (base URL, process)."""
    from tests.perf.http_bench import free_port, start_server

    url = f"sqlite:///{tmp / 'demo.db'}"
    env = {**os.environ, "DATABASE_URL": url, "FLASK_APP": "wsgi:app", "APP_ENV": "development",
           "DEMO_PASSWORD": PASSWORD, "SCHEDULER_ENABLED": "0"}
    for args in (["db", "upgrade"], ["demo", "seed"]):
        subprocess.run([sys.executable, "-m", "flask", *args], cwd=ROOT, env=env, check=True, capture_output=True)
    port = free_port()
    return f"http://127.0.0.1:{port}", start_server("gunicorn", url, port, 2, 4, tmp / "server.log", tmp)


def print_table(rows, load):
    print(f"\n== phone page load: 1.6 Mbit/s down, 750 kbit/s up, 150 ms latency, cold cache; load average {load}")
    print(f"{'page':<12}{'LCP ms':>8}{'KB':>8}{'reqs':>6}  path")
    for r in rows:
        print(f"{r['page']:<12}{r['lcp_ms']:>8}{r['kb']:>8.1f}{r['requests']:>6}  {r['path']}"
              f"  {'ok' if r['ok'] else 'OVER'}")
    failed = [r["page"] for r in rows if not r["ok"]]
    print(f"budgets LCP ≤ {BUDGET_LCP_MS} ms, ≤ {BUDGET_KB} KB: {'ok' if not failed else 'OVER: ' + ', '.join(failed)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base-url", help="a running server with the demo accounts (default: serve a fresh demo)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", dest="json_path")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from playwright.sync_api import sync_playwright

    from tests.perf.http_bench import stop_server

    tmp = Path(tempfile.mkdtemp(prefix="page-load-"))
    process = None
    base = args.base_url
    if not base:
        base, process = serve_demo(tmp)
    try:
        with sync_playwright() as p:
            browser = launch(p)
            try:
                rows = measure_pages(browser, base, args.runs)
            finally:
                browser.close()
    finally:
        if process:
            stop_server(process)
    load = tuple(round(x, 2) for x in os.getloadavg())
    print_table(rows, load)
    if args.json_path:
        Path(args.json_path).write_text(json.dumps({"when": time.strftime("%Y-%m-%d %H:%M:%S"), "load": load,
                                                    "network": NETWORK, "pages": rows}, indent=2))
        print(f"JSON: {args.json_path}")
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
