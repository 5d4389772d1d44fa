"""Coverage (全覆盖) equals a hand-written SQL count, for any period and as of any day: in scope,
inspected (a completed inspection in the period, completed by the as-of day), not yet inspected,
never inspected."""
from datetime import date

import pytest
from sqlalchemy import text

from safety_app.extensions import db
from safety_app.figures import coverage as cov

from ..jobs.conftest import at  # noqa: F401  (fixture)
from ..plans.conftest import add_enterprises, inspect, registered_early

INSPECTED_SQL = """
SELECT COUNT(DISTINCT e.id) FROM enterprises e JOIN inspections i ON i.enterprise_id = e.id
WHERE e.active AND e.created_at < :cut AND i.status = 'completed' AND i.inspected_on BETWEEN :start AND :last
  AND COALESCE(i.completed_at, i.created_at) < :cut
"""
IN_SCOPE_SQL = "SELECT COUNT(*) FROM enterprises e WHERE e.active AND e.created_at < :cut"
NEVER_SQL = """
SELECT COUNT(*) FROM enterprises e WHERE e.active AND e.created_at < :cut AND NOT EXISTS (
  SELECT 1 FROM inspections i WHERE i.enterprise_id = e.id AND i.status = 'completed'
    AND i.inspected_on <= :as_of AND COALESCE(i.completed_at, i.created_at) < :cut)
"""


def sql(query, **params):
    return db.session.execute(text(query), params).scalar_one()


@pytest.fixture
def estate(park, at):  # noqa: F811  (the jobs' clock fixture, imported above)
    """Six enterprises (one inactive); inspections before, inside and after the fourth quarter,
    completed or still in progress, on different days."""
    at("2026-09-15 10:00")
    registered_early(park.a, park.b)
    c, d, e, f, g, inactive = add_enterprises(6)
    inspect(park, park.a, date(2026, 9, 15))             # before the quarter only
    at("2026-10-10 10:00")
    inspect(park, park.b, date(2026, 10, 10))            # in the quarter
    inspect(park, park.b, date(2026, 10, 10))            # twice: counted once
    inspect(park, c, date(2026, 10, 10), completed=False)  # in progress: not inspected
    at("2026-11-20 10:00")
    inspect(park, d, date(2026, 11, 20))
    inspect(park, inactive, date(2026, 11, 20))          # out of scope: no longer active
    inactive.active = False
    db.session.commit()
    at("2026-12-02 10:00")
    inspect(park, e, date(2026, 11, 25))                 # held in November, completed (recorded) on 2 December
    return park


@pytest.mark.parametrize("as_of", [date(2026, 11, 24), date(2026, 11, 30), date(2026, 12, 2)])
def test_coverage_equals_sql_for_the_quarter_as_of_any_day(estate, as_of):
    from safety_app.figures.history import end_of_day_utc

    start, end = date(2026, 10, 1), date(2026, 12, 31)
    figures = cov.coverage(start, end, as_of=as_of)
    cut = end_of_day_utc(as_of)
    inspected = sql(INSPECTED_SQL, start=start, last=min(end, as_of), cut=cut)
    in_scope = sql(IN_SCOPE_SQL, cut=cut)  # registered by the as-of day (the park's A and B: 1 January)
    assert inspected > 0 and in_scope > inspected
    assert len(figures.inspected) == inspected
    assert len(figures.in_scope) == in_scope
    assert len(figures.not_inspected) == in_scope - inspected
    assert len(figures.never_inspected) == sql(NEVER_SQL, as_of=as_of, cut=cut)
    assert figures.share.numerator == inspected and figures.share.denominator == in_scope


def test_the_lists_name_the_enterprises(estate):
    figures = cov.coverage(date(2026, 10, 1), date(2026, 12, 31), as_of=date(2026, 12, 2))
    names = {name for _id, name in figures.inspected}
    assert estate.b.name in names and estate.a.name not in names
    assert estate.a.name in {name for _id, name in figures.not_inspected}
    assert estate.a.name not in {name for _id, name in figures.never_inspected}  # inspected in September
    assert len(figures.inspected) == 3 and figures.share.percent == "42.9%"


def test_the_coverage_page_and_panel_link_every_number_to_its_list(client, estate, login_as):
    login_as(estate.admin)
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert 'data-panel="coverage"' in dashboard
    assert "/plans/coverage?group=not_inspected&amp;start=2026-10-01&amp;end=2026-12-31" in dashboard
    page = client.get("/plans/coverage?group=not_inspected&start=2026-10-01&end=2026-12-31")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and estate.a.name in body and estate.b.name not in body
    assert 'data-rows="4"' in body
    never = client.get("/plans/coverage?group=never_inspected&start=2026-10-01&end=2026-12-31").get_data(as_text=True)
    assert 'data-rows="3"' in never and "测试化工10有限公司" in never
    assert client.get("/plans/coverage?start=2026-13-01").status_code == 400
    login_as(estate.user_a)
    assert 'data-panel="coverage"' not in client.get("/dashboard").get_data(as_text=True)
