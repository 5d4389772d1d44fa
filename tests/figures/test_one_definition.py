"""Each figure has one definition: the dashboard, the ledgers, the portal, the API, the alert job
and the monthly report give the same numbers for the same frozen day; and a closed month's report
rebuilt after later changes gives the same figures."""
import re
from dataclasses import replace
from datetime import date, datetime

import pytest

from safety_app import dashboard, lifecycle
from safety_app.documents import service
from safety_app.extensions import db
from safety_app.figures.statistics import statistics_table
from safety_app.jobs import alerts
from safety_app.models import Enterprise, Notification
from tests.api.conftest import issue_token
from tests.conftest import login, make_credit_code
from tests.loop.conftest import add_evidence

from .conftest import at

D = date
DAY = D(2026, 11, 20)


def submitted(drive, park, hazard):
    drive.apply(hazard, "acknowledge", park.user_a)
    drive.ready_to_submit(hazard)
    drive.apply(hazard, "submit", park.user_a, note="已整改")


@pytest.fixture
def november(park, drive, time_machine):
    """Enterprise A's November, seen on 20 November; B inspected-and-cleared; C never inspected."""
    for e in (park.a, park.b):
        e.created_at = datetime(2026, 1, 1)
    db.session.add(Enterprise(name="天津港东物流有限公司", credit_code=make_credit_code(3),
                              created_at=datetime(2026, 1, 1)))
    db.session.commit()
    h = {}
    at(time_machine, D(2026, 10, 20))
    h["verified_on_time"] = drive.hazard_in("verified")  # submitted 20 Oct, deadline 27 Oct
    at(time_machine, D(2026, 11, 2))
    h["open_late"] = park.hazard(deadline=D(2026, 11, 10))
    h["rectifying_late"] = park.hazard(deadline=D(2026, 11, 15))
    h["submitted_on_time"] = park.hazard(deadline=D(2026, 11, 14))
    h["submitted_late"] = park.hazard(deadline=D(2026, 11, 16))
    h["withdrawn"] = park.hazard(deadline=D(2026, 11, 5))
    h["not_due"] = park.hazard(deadline=D(2026, 12, 31))
    h["open_since_yesterday"] = park.hazard(deadline=D(2026, 11, 19))
    h["handed_in_before_yesterday"] = park.hazard(deadline=D(2026, 11, 19))
    h["b_closed"] = park.hazard(park.b, deadline=D(2026, 11, 30))
    drive.apply(h["rectifying_late"], "acknowledge", park.user_a)
    drive.apply(h["withdrawn"], "withdraw", park.admin, reason="误报")
    drive.apply(h["b_closed"], "acknowledge", park.user_b)
    at(time_machine, D(2026, 11, 12))
    submitted(drive, park, h["submitted_on_time"])
    at(time_machine, D(2026, 11, 18))
    submitted(drive, park, h["submitted_late"])
    submitted(drive, park, h["handed_in_before_yesterday"])
    at(time_machine, D(2026, 11, 19))
    lifecycle.save_measure(h["b_closed"], park.user_b, description="更换", done_on=D(2026, 11, 19))
    add_evidence(h["b_closed"], park.user_b)
    drive.apply(h["b_closed"], "submit", park.user_b, note="已整改")
    drive.apply(h["b_closed"], "verify", park.inspector, opinion="现场复查合格")
    at(time_machine, DAY)
    return h


OVERDUE = {"open_late", "rectifying_late", "submitted_late", "open_since_yesterday"}
BACKLOG = {"verified_on_time", "submitted_on_time"}  # waiting on the office more than 5 days


def test_overdue_and_backlog_are_the_same_everywhere(park, november, client):
    codes = {name: h.code for name, h in november.items()}
    figures = dashboard.figures(park.admin, DAY)
    assert (figures.overdue, figures.backlog, figures.backlog_days) == (len(OVERDUE), len(BACKLOG), 5)
    assert {r.id: r.overdue for r in figures.enterprises} == {park.a.id: len(OVERDUE)}
    assert figures.enterprises[0].oldest_overdue_days == 10  # open_late; a late submission's days stop
    assert figures.open == 8 and figures.waiting_on_office == 4

    data = service.monthly_data("2026-11")
    assert (data.overdue_total, data.backlog_total) == (len(OVERDUE), len(BACKLOG))
    assert {r.code: r.days_overdue for r in data.overdue_list} == {
        codes["open_late"]: 10, codes["rectifying_late"]: 5, codes["submitted_late"]: 2,
        codes["open_since_yesterday"]: 1}
    assert data.rectification.numerator == 1 and data.rectification.denominator == 8  # B's, of November's 8

    login(client, park.admin)
    for query, want in (("overdue=1", OVERDUE), ("backlog=1", BACKLOG)):
        page = client.get(f"/ledgers/hazards?{query}").get_data(as_text=True)
        assert set(re.findall(r"YH-\d{4}-\d{6}", page)) == {codes[n] for n in want}, query
    token = issue_token(client, park.admin)
    api = client.get("/api/v1/dashboard", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert (api["overdue"], api["backlog"]) == (len(OVERDUE), len(BACKLOG))

    # The alert job tells the enterprise of what waits on it only: newly overdue yesterday's deadline,
    # not the hazard handed in on time whose deadline also passed yesterday.
    result = alerts.overdue_scan(DAY, None)
    assert result["hazards"] == 1
    alerted = {n.hazard_id for n in db.session.query(Notification).filter(Notification.kind == "overdue")}
    assert alerted == {november["open_since_yesterday"].id}


def test_the_portal_never_says_overdue_for_a_hazard_waiting_on_the_office(park, november, client):
    login(client, park.user_a)
    page = client.get("/portal/").get_data(as_text=True)
    items = {code: item for item in page.split("<li")[1:] for code in re.findall(r"YH-\d{4}-\d{6}", item)}
    tags = {name: re.findall(r'class="tag overdue">([^<]*)<', items[h.code])
            for name, h in november.items() if h.code in items}
    assert {name for name, t in tags.items() if t} == OVERDUE
    assert tags["submitted_on_time"] == [] and tags["verified_on_time"] == []
    assert "2" in tags["submitted_late"][0] and tags["submitted_late"] != tags["open_late"]
    assert re.search(rf"{len(OVERDUE)}\D", re.search(r'class="danger-text">([^<]*)<', page).group(1))


def test_cleared_to_zero_lists_never_inspected_enterprises_apart(park, november):
    figures = dashboard.figures(park.admin, DAY)
    assert (figures.cleared, figures.with_hazards, figures.not_inspected) == (1, 2, 1)
    assert figures.rates()["rate_cleared"].numerator == 1 and figures.rates()["rate_cleared"].denominator == 2
    rows = {r.enterprise_name: r for r in service.monthly_data("2026-11").clearing}
    assert rows[park.b.name].cleared and not rows[park.a.name].cleared
    assert not rows["天津港东物流有限公司"].inspected and not rows["天津港东物流有限公司"].cleared
    # the statistics table agrees: the open majors and the enterprises inspected
    table = statistics_table("quarterly", "2026Q4")
    assert table.totals.period.major_open == figures.major_open == 1
    assert table.enterprises_inspected == 2 and table.enterprises_in_scope == 3


def test_withdrawn_hazards_count_nowhere(park, november):
    figures = dashboard.figures(park.admin, DAY)
    data = service.monthly_data("2026-11")
    assert figures.found_month_counted == data.found_total == 8  # the withdrawn one left out
    assert figures.trend[-1]["found"] == data.trend.found[-1] == 8
    assert figures.trend[-1]["closed"] == data.trend.closed[-1] == 1


def test_november_rebuilt_in_december_is_identical(park, drive, november, time_machine):
    at(time_machine, D(2026, 12, 1))
    before = service.monthly_data("2026-11")
    first = service.build_monthly_report("2026-11")
    assert before.closed and before.as_of == D(2026, 11, 30)
    at(time_machine, D(2026, 12, 2))
    h = november
    drive.apply(h["open_late"], "request_extension", park.user_a, reason="备件未到", new_deadline=D(2026, 12, 20))
    drive.apply(h["open_late"], "approve_extension", park.admin)
    drive.apply(h["not_due"], "reclassify", park.inspector, level="major", major_ground="harm_difficulty",
                reason="复核认定")
    drive.apply(h["rectifying_late"], "withdraw", park.admin, reason="重复登记")
    drive.apply(h["submitted_on_time"], "verify", park.inspector, opinion="现场复查合格")
    drive.apply(h["submitted_late"], "reject", park.inspector, reason="证据不足")
    park.hazard(deadline=D(2026, 12, 10), found_on=D(2026, 11, 28))  # recorded late, found in November
    db.session.add(Enterprise(name="天津新登记化工有限公司", credit_code=make_credit_code(8)))
    park.b.active = False
    db.session.commit()
    after = service.monthly_data("2026-11")
    assert replace(after, generated_on=None) == replace(before, generated_on=None)
    again = service.build_monthly_report("2026-11")
    assert again.version == first.version + 1


def test_the_current_month_says_as_of_which_day(park, november, pdf_text):
    document = service.build_monthly_report("2026-11")
    text = pdf_text(service.file_path(document))
    assert "截至2026年11月20日" in text
    assert "待复查超期" in text and "尚未检查" in text
