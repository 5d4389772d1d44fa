"""Figures by source (figures.sources), defined once and usable as of any day: they equal plain SQL
on the hazards table, the dashboard shows them with links to the ledger filtered by source, and the
ledger, its export and the monthly report carry the source."""
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import time_machine
from sqlalchemy import text

from safety_app import clock, dashboard, lifecycle
from safety_app.extensions import db
from safety_app.figures.sources import SOURCES, by_source

from .conftest import rectify_and_submit, self_filed


def _sql(day):
    """The same figures in plain SQL on today's table (valid for today)."""
    rows = db.session.execute(text(
        "SELECT source, "
        " SUM(CASE WHEN status <> 'withdrawn' THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN status = 'closed' THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN status IN ('open','rectifying','submitted','verified') THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN status IN ('open','rectifying') AND deadline < :day THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN status IN ('open','rectifying','submitted','verified') AND level = 'major'"
        "     THEN 1 ELSE 0 END)"
        " FROM hazards WHERE found_on <= :day GROUP BY source"), {"day": day}).all()
    return {r[0]: tuple(int(x) for x in r[1:]) for r in rows}


def _figures(day, *where, start=None):
    return {r.source: (r.found, r.closed, r.open, r.overdue, r.major_open)
            for r in by_source(day, *where, start=start) if (r.found or r.closed or r.open)}


def _park_with_sources(park, acceptor, drive):
    self_closed = rectify_and_submit(self_filed(park), park.user_a)
    lifecycle.apply(self_closed, "accept", acceptor, version=self_closed.version, opinion="验收合格",
                    accepted_on=clock.today())
    self_filed(park, major=True)
    self_filed(park, actor=park.user_a)
    gov = park.hazard()
    drive.apply(gov, "withdraw", park.admin, reason="误报")
    park.hazard(enterprise=park.b)
    lifecycle.file_hazard(park.user_a, enterprise=park.a, title="包保检查发现", category="equipment",
                          deadline=clock.today() + timedelta(days=2), source="duty_check")
    return self_closed


def test_by_source_equals_sql_and_lists_every_source(park, acceptor, drive):
    _park_with_sources(park, acceptor, drive)
    day = clock.today()
    assert [r.source for r in by_source(day)] == list(SOURCES)
    assert _figures(day) == _sql(day)
    assert _figures(day)["self_inspection"] == (3, 1, 2, 0, 1)
    from safety_app.models import Hazard

    own = _figures(day, Hazard.enterprise_id == park.b.id)
    assert own == {"government_inspection": (1, 0, 1, 0, 0)}


def test_by_source_as_of_an_earlier_day_undoes_later_changes(park, acceptor, drive):
    with time_machine.travel(clock.utcnow() - timedelta(days=10), tick=False):
        hazard = self_filed(park)
    later = rectify_and_submit(hazard, park.user_a)
    lifecycle.apply(later, "accept", acceptor, version=later.version, opinion="合格", accepted_on=clock.today())
    before = clock.today() - timedelta(days=1)
    assert _figures(before)["self_inspection"] == (1, 0, 1, 1, 0)  # open and overdue then (deadline +7)
    assert _figures(clock.today())["self_inspection"] == (1, 1, 0, 0, 0)
    assert _figures(clock.today(), start=clock.today())["self_inspection"] == (0, 1, 0, 0, 0)


def test_the_dashboard_shows_the_split_with_links_to_the_ledger_by_source(client, park, acceptor, drive, login_as):
    _park_with_sources(park, acceptor, drive)
    dashboard.clear_cache()
    login_as(park.admin)
    html = client.get("/dashboard").get_data(as_text=True)
    section = html[html.index('id="by-source"'):]
    row = section[section.index('data-source="self_inspection"'):]
    link = row[row.index('href="') + 6:row.index('"', row.index('href="') + 6)].replace("&amp;", "&")
    assert parse_qs(urlparse(link).query)["source"] == ["self_inspection"]
    ledger = client.get(link).get_data(as_text=True)
    found = ledger.count('data-source="self_inspection"')
    assert found == 3 and 'data-source="duty_check"' not in ledger
    figures = dashboard.figures(park.admin)
    assert {r.source: r.found for r in figures.sources}["self_inspection"] == 3
    assert "self_inspection" in str(figures.as_dict()["sources"])


def test_the_export_and_the_monthly_report_carry_the_source(client, park, acceptor, drive, login_as):
    _park_with_sources(park, acceptor, drive)
    login_as(park.admin)
    csv = client.get("/ledgers/hazards/export.csv?source=self_inspection")
    body = csv.get_data().decode("utf-8-sig")
    assert "隐患来源" in body.splitlines()[0] and body.count("企业自查") == 3
    from safety_app.documents.service import monthly_data

    data = monthly_data(clock.today().strftime("%Y-%m"))
    assert ("企业自查", 3, 1, 2) in data.by_source and ("包保检查", 1, 0, 1) in data.by_source


def test_the_park_figures_today_come_from_the_source_index_and_equal_the_general_query(park, acceptor, drive):
    from sqlalchemy import inspect

    from safety_app.models import Hazard

    _park_with_sources(park, acceptor, drive)
    today = clock.today()
    late, future = park.hazard(), self_filed(park)
    # Overdue on the enterprise's side, and (not normally possible) found after the day: not counted.
    db.session.execute(text("UPDATE hazards SET deadline = :d WHERE id = :id"),
                       {"d": today - timedelta(days=3), "id": late.id})
    db.session.execute(text("UPDATE hazards SET found_on = :d WHERE id = :id"),
                       {"d": today + timedelta(days=5), "id": future.id})
    db.session.commit()
    indexes = {i["name"]: i["column_names"] for i in inspect(db.engine).get_indexes("hazards")}
    assert indexes["ix_hazards_source"][:2] == ["source", "status"]
    general = _figures(today, Hazard.id.is_not(None))  # any condition: the query for one enterprise
    assert _figures(today) == general == _sql(today)
    assert general["government_inspection"][3] == 1 and general["self_inspection"] == (3, 1, 2, 0, 1)
