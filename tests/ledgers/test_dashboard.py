"""Dashboard figures against direct SQL counts on a generated park, for the park and for one enterprise."""
import re
from datetime import date
from urllib.parse import unquote

from safety_app import dashboard, reference
from safety_app.extensions import db
from safety_app.models import Enterprise

from .conftest import backlog_sql, overdue_sql, sql_count

OPEN = "status NOT IN ('closed', 'withdrawn')"
MONTH = {"first": date(2026, 11, 1), "last": date(2026, 11, 30), "today": date(2026, 11, 20)}


def expected(scope=""):
    """Every headline figure, counted with plain SQL (``scope``: an extra AND condition)."""
    s = f" AND {scope}" if scope else ""
    found_month = "found_on BETWEEN :first AND :last"
    return {
        "open": sql_count(OPEN + s),
        "overdue": sql_count(overdue_sql() + s, today=MONTH["today"]),
        "backlog": sql_count(backlog_sql() + s, today=MONTH["today"]),
        "major_open": sql_count(OPEN + " AND level = 'major'" + s),
        "found_month": sql_count(found_month + s, **MONTH),
        "closed_month": sql_count("closed_on BETWEEN :first AND :last" + s, **MONTH),
        "found_month_counted": sql_count(found_month + " AND status <> 'withdrawn'" + s, **MONTH),
        "closed_of_found_month": sql_count(found_month + " AND status = 'closed'" + s, **MONTH),
        "found_total_counted": sql_count("status <> 'withdrawn'" + s),
        "closed_total": sql_count("status = 'closed'" + s),
    }


def figure_on_page(page, name):
    match = re.search(rf'data-figure="{name}">([^<]*)<', page)
    assert match, name
    return match.group(1).strip()


def test_park_figures_match_sql_counts(seeded):
    figures = dashboard.figures(seeded["admin"])
    want = expected()
    assert want["open"] > 20 and want["overdue"] > 5 and want["closed_month"] > 0  # the data is interesting
    assert {k: getattr(figures, k) for k in want} == want
    assert figures.rate_month == round(want["closed_of_found_month"] / want["found_month_counted"], 4)
    assert figures.rate_overall == round(want["closed_total"] / want["found_total_counted"], 4)


def test_enterprise_figures_match_sql_counts_of_their_enterprise_only(seeded):
    user = seeded["enterprise1"]
    figures = dashboard.figures(user)
    want = expected(f"enterprise_id = {user.enterprise_id}")
    assert {k: getattr(figures, k) for k in want} == want
    assert want["open"] < expected()["open"]


def test_dashboard_page_shows_the_park_figures(as_user, client):
    as_user("admin")
    page = client.get("/dashboard").get_data(as_text=True)
    want = expected()
    for name in ("open", "overdue", "major_open", "found_month", "closed_month"):
        assert figure_on_page(page, name) == str(want[name]), name
    assert "2026-11" in page  # says which month "this month" is


def test_home_page_redirects_to_the_dashboard(as_user, client):
    as_user("inspector")
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/dashboard")


def test_by_enterprise_rows_match_sql(seeded):
    rows = dashboard.figures(seeded["admin"]).enterprises
    assert rows
    for row in rows:
        e = f"enterprise_id = {row.id}"
        assert row.open == sql_count(OPEN + " AND " + e)
        assert row.overdue == sql_count(overdue_sql() + " AND " + e, today=MONTH["today"])
        assert row.major == sql_count(OPEN + " AND level = 'major' AND " + e)
        oldest = db.session.execute(db.text(
            f"SELECT min(deadline) FROM hazards WHERE status IN ('open', 'rectifying') AND deadline < :today "
            f"AND {e}"), {"today": MONTH["today"]}).scalar()
        days = (MONTH["today"] - date.fromisoformat(str(oldest))).days if oldest else 0
        assert row.oldest_overdue_days == days


def test_by_enterprise_table_sorts_by_the_chosen_column(as_user, client, seeded):
    as_user("admin")
    for key in ("open", "overdue", "major", "oldest_overdue_days"):
        rows = dashboard.figures(seeded["admin"], enterprise_sort=f"-{key}").enterprises
        values = [getattr(r, key) for r in rows]
        assert values == sorted(values, reverse=True), key
        page = client.get(f"/dashboard?sort=-{key}").get_data(as_text=True)
        ids = re.findall(r'<tr data-enterprise="(\d+)"', page)
        assert [int(i) for i in ids] == [r.id for r in rows], key


def test_by_category_rows_match_sql(seeded):
    rows = dashboard.figures(seeded["admin"]).categories
    assert sum(r.open for r in rows) == sql_count(OPEN)
    for row in rows:
        assert row.open == sql_count(OPEN + " AND category = :c", c=row.code)


def test_trend_counts_found_and_closed_per_month_for_twelve_months(seeded):
    trend = dashboard.figures(seeded["admin"]).trend
    assert [t["month"] for t in trend][0] == "2025-12" and trend[-1]["month"] == "2026-11"
    for t in trend:
        y, m = map(int, t["month"].split("-"))
        first = date(y, m, 1)
        nxt = date(y + (m == 12), m % 12 + 1, 1)
        assert t["found"] == sql_count("found_on >= :a AND found_on < :b AND status <> 'withdrawn'", a=first, b=nxt)
        assert t["closed"] == sql_count("closed_on >= :a AND closed_on < :b", a=first, b=nxt)


def test_every_dashboard_number_links_to_exactly_those_hazards(as_user, client):
    as_user("admin")
    page = client.get("/dashboard").get_data(as_text=True)
    links = re.findall(r'href="(/ledgers/hazards[^"]*)"[^>]*>(?:<span class="num" data-figure="\w+">)?(\d+)<', page)
    assert len(links) > 15
    for url, number in links:
        ledger = client.get(unquote(url).replace("&amp;", "&")).get_data(as_text=True)
        total = re.search(r'data-total="(\d+)"', ledger).group(1)
        assert total == number, url


def test_enterprise_user_sees_no_other_enterprise_anywhere_on_the_dashboard(as_user, client, seeded):
    user = seeded["enterprise1"]
    as_user("enterprise1")
    page = client.get("/dashboard").get_data(as_text=True)
    others = db.session.scalars(db.select(Enterprise).where(Enterprise.id != user.enterprise_id)).all()
    for other in others:
        assert other.name not in page
        assert f'data-enterprise="{other.id}"' not in page
    assert re.findall(r'<tr data-enterprise="(\d+)"', page) in ([str(user.enterprise_id)], [])
    # Chart and table labels: only the categories of their own open hazards.
    own = set(db.session.execute(db.text(
        f"SELECT DISTINCT category FROM hazards WHERE {OPEN} AND enterprise_id = :e"), {"e": user.enterprise_id}
    ).scalars())
    for item in reference.categories():
        if item.code not in own:
            assert item.zh not in page, item.code
    assert set(re.findall(r'data-category="(\w+)"', page)) == own


def test_enterprise_user_dashboard_links_count_only_their_hazards(as_user, client, seeded):
    as_user("enterprise1")
    page = client.get("/dashboard").get_data(as_text=True)
    e = seeded["enterprise1"].enterprise_id
    assert figure_on_page(page, "open") == str(sql_count(OPEN + f" AND enterprise_id = {e}"))
    url = re.search(r'href="(/ledgers/hazards\?status=active)"', page).group(1)
    ledger = client.get(url).get_data(as_text=True)
    assert re.search(r'data-total="(\d+)"', ledger).group(1) == figure_on_page(page, "open")
