"""The dashboard's cache is exact: any write of a hazard or an enterprise shows at once."""
import re

from sqlalchemy import event

from safety_app import dashboard, lifecycle
from safety_app.extensions import db
from tests.conftest import login


def figure(client, name):
    page = client.get("/dashboard").get_data(as_text=True)
    match = re.search(rf'data-figure="{name}">([^<]*)<', page)
    assert match, name
    return int(match.group(1).strip())


def statements_of(fn):
    count = [0]

    def on(*args):
        count[0] += 1

    event.listen(db.engine, "before_cursor_execute", on)
    try:
        fn()
    finally:
        event.remove(db.engine, "before_cursor_execute", on)
    return count[0]


def test_unchanged_dashboard_is_served_from_the_cache(app, park):
    park.hazard()
    dashboard.clear_cache()
    computed = statements_of(lambda: dashboard.figures(park.admin))
    cached = statements_of(lambda: dashboard.figures(park.admin))
    assert cached == 1 < computed  # only the data version is read


def test_cached_dashboard_changes_immediately_after_a_transition(app, client, park):
    hazard = park.hazard()
    park.hazard()
    login(client, park.admin)
    assert figure(client, "open") == 2
    assert figure(client, "open") == 2  # now cached
    lifecycle.apply(hazard, "withdraw", park.admin, version=hazard.version, reason="重复登记")
    assert figure(client, "open") == 1


def test_cached_dashboard_shows_a_new_hazard_at_once(app, client, park):
    park.hazard()
    login(client, park.admin)
    assert figure(client, "open") == 1
    park.hazard(park.b)
    assert figure(client, "open") == 2


def test_cached_dashboard_shows_a_renamed_enterprise_at_once(app, client, park):
    park.hazard()
    login(client, park.admin)
    assert park.a.name in client.get("/dashboard").get_data(as_text=True)
    park.a.name = "天津改名化工有限公司"
    db.session.commit()
    assert "天津改名化工有限公司" in client.get("/dashboard").get_data(as_text=True)


def test_enterprise_and_park_figures_are_cached_apart(app, client, park):
    park.hazard(park.a)
    park.hazard(park.b)
    login(client, park.admin)
    assert figure(client, "open") == 2
    client.get("/logout")
    with client.session_transaction() as s:
        s.clear()
    login(client, park.user_a)
    assert figure(client, "open") == 1


def test_a_rolled_back_write_leaves_the_cache_valid(app, park):
    park.hazard()
    before = dashboard.figures(park.admin).open
    park.hazard()
    db.session.rollback()  # committed already: file_hazard commits; a later rollback changes nothing
    hazard = park.hazard()
    hazard.title = "未提交的修改"
    db.session.flush()
    db.session.rollback()
    assert dashboard.figures(park.admin).open == before + 2


def test_dashboard_links_are_written_exactly_as_url_for_writes_them(app, park):
    from datetime import date

    from flask import url_for

    from safety_app.queries import Filters
    from safety_app.web.dashboard.routes import _ledger_href

    hazard = park.hazard()
    samples = [Filters(), Filters(status=("active",), level="major"), Filters(enterprise=hazard.enterprise_id,
               overdue=True, sort="deadline"), Filters(found_from=date(2026, 11, 1), found_to=date(2026, 11, 30),
               status=("open", "rectifying", "closed")), Filters(category="fire", q="罐区 A&B/1?#%")]
    figures = dashboard.figures(park.admin)
    samples += list(figures.links().values())
    samples += [link for row in figures.enterprises for link in dashboard.enterprise_links(row).values()]
    with app.test_request_context("/dashboard"):
        href = _ledger_href()
        for filters in samples:
            args = {k: v for k, v in filters.to_args().items() if v is not None}
            # no filter at all: the whole ledger (all=1), not its default view of the open hazards
            assert href(filters) == url_for("ledgers.hazards", **(args or {"all": "1"}))


def panel_figure(client, name):
    page = client.get("/dashboard").get_data(as_text=True)
    panel = page.split('data-panel="coverage"')[1].split("</section>")[0]
    return int(re.search(rf'data-figure="{name}">(\d+)<', panel).group(1))


def test_cached_coverage_panel_shows_a_completed_inspection_at_once(app, client, park):
    from safety_app.clock import today

    from ..plans.conftest import complete, inspect

    park.hazard()
    login(client, park.admin)
    before = panel_figure(client, "inspected")
    assert panel_figure(client, "inspected") == before  # now kept
    inspection = inspect(park, park.b, today(), completed=False)
    assert panel_figure(client, "inspected") == before  # in progress: not inspected
    complete(inspection)
    assert panel_figure(client, "inspected") == before + 1


def test_cached_coverage_panel_counts_a_new_enterprise_at_once(app, client, park):
    from ..plans.conftest import add_enterprises

    park.hazard()
    login(client, park.admin)
    before = panel_figure(client, "in_scope")
    add_enterprises(1)
    assert panel_figure(client, "in_scope") == before + 1


def ledger_total(client, query):
    page = client.get(f"/ledgers/hazards?{query}").get_data(as_text=True)
    return int(re.search(r'data-total="(\d+)"', page).group(1))


def test_ledger_totals_are_kept_and_change_at_once_after_a_write(app, client, park):
    from safety_app import queries
    from safety_app.web.ledgers import routes as ledger_routes

    for _ in range(3):
        park.hazard()
    login(client, park.admin)
    query = "all=1&per_page=2"  # more rows than a page: the total is counted
    assert ledger_total(client, query) == 3
    pages = ledger_routes._BODIES
    assert statements_of(lambda: (pages.clear(), client.get(f"/ledgers/hazards?{query}"))) < statements_of(
        lambda: (pages.clear(), queries._COUNTS.clear(), client.get(f"/ledgers/hazards?{query}")))  # kept: no COUNT
    seen = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        client.get(f"/ledgers/hazards?{query}")
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert seen and not [s for s in seen if "FROM hazards" in s]  # the page kept: no hazard is read
    hazard = park.hazard(park.b)
    assert ledger_total(client, query) == 4
    lifecycle.apply(hazard, "withdraw", park.admin, version=hazard.version, reason="重复登记")
    assert ledger_total(client, "status=open&per_page=2") == 3


def test_kept_dashboard_parts_follow_the_language_and_the_view(app, client, park):
    park.hazard()
    login(client, park.admin)
    assert "整改率" in client.get("/dashboard").get_data(as_text=True)
    client.get("/lang/en")
    english = client.get("/dashboard").get_data(as_text=True)
    assert "Rectification rate" in english and "整改率" not in english
    by_name = client.get("/dashboard?sort=name").get_data(as_text=True)
    assert 'aria-sort="ascending"' in by_name and 'aria-sort="ascending"' not in english
