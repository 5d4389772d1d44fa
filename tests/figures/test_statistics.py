"""The 隐患排查治理情况统计表 data against hand counts on a small park, and a closed quarter rebuilt later."""
from datetime import date, datetime
from decimal import Decimal

import pytest

from safety_app import lifecycle
from safety_app.documents.errors import DocumentError
from safety_app.documents.statistics_data import Counts
from safety_app.extensions import db
from safety_app.figures.statistics import statistics_table
from safety_app.models import Enterprise
from tests.conftest import make_credit_code
from tests.loop.conftest import PLAN, add_evidence

from .conftest import at

D = date
PARTIAL_PLAN = {"goal": "三个月内完成改造", "timeline": "2026年12月至2027年2月"}


def measure(hazard, user, funds, done_on):
    lifecycle.save_measure(hazard, user, description="整改措施", funds=Decimal(funds), done_on=done_on)


def close_general(drive, park, hazard, funds, user=None):
    """Acknowledge, one measure done today with ``funds`` yuan, evidence, submit, verify (closed today)."""
    from safety_app import clock

    user = user or park.user_a
    drive.apply(hazard, "acknowledge", user)
    measure(hazard, user, funds, clock.today())
    add_evidence(hazard, user)
    drive.apply(hazard, "submit", user, note="已整改")
    drive.apply(hazard, "verify", park.inspector, opinion="现场复查合格")
    assert hazard.status == "closed"


@pytest.fixture
def year(park, drive, time_machine):
    """2026 at enterprises A and B; C registered and never inspected. Returns the hazards by name."""
    for e in (park.a, park.b):
        e.created_at = datetime(2025, 12, 1)
    c = Enterprise(name="天津港东物流有限公司", credit_code=make_credit_code(3), created_at=datetime(2026, 3, 1))
    db.session.add(c)
    db.session.commit()
    h = {}
    at(time_machine, D(2026, 5, 10))
    h["g1"] = park.hazard(deadline=D(2026, 5, 20), found_on=D(2026, 5, 10))
    at(time_machine, D(2026, 8, 1))
    h["m1"] = park.hazard(major=True, deadline=D(2027, 3, 1), found_on=D(2026, 8, 1))
    lifecycle.save_plan(h["m1"], park.user_a, **PLAN)
    drive.apply(h["m1"], "acknowledge", park.user_a)
    at(time_machine, D(2026, 8, 15))
    drive.apply(h["m1"], "list_supervision", park.admin, authority="滨海新区应急管理局", supervision_level="district",
                document_no="津滨应急督〔2026〕3号", listed_on=D(2026, 8, 15), required_by=D(2027, 2, 28))
    at(time_machine, D(2026, 10, 12))
    h["g2"] = park.hazard(deadline=D(2026, 10, 25))
    h["g3"] = park.hazard(deadline=D(2026, 10, 30))
    at(time_machine, D(2026, 10, 18))
    close_general(drive, park, h["g2"], 15000)
    at(time_machine, D(2026, 11, 3))
    h["g4"] = park.hazard(park.b, deadline=D(2026, 11, 20))
    drive.apply(h["g4"], "withdraw", park.admin, reason="误报")
    at(time_machine, D(2026, 11, 5))
    close_general(drive, park, h["g1"], 5000)
    at(time_machine, D(2026, 12, 1))
    h["m2"] = park.hazard(park.b, major=True, deadline=D(2027, 3, 1))
    lifecycle.save_plan(h["m2"], park.user_b, **PARTIAL_PLAN)
    h["c"] = c
    return h


def test_quarter_rows_equal_hand_counts(park, year, time_machine):
    at(time_machine, D(2027, 1, 5))
    table = statistics_table("quarterly", "2026Q4")
    assert (table.start, table.end, table.as_of, table.closed) == (D(2026, 10, 1), D(2026, 12, 31), D(2026, 12, 31), True)
    rows = {r.name: r for r in table.rows}
    a, b, c = rows[park.a.name], rows[park.b.name], rows["天津港东物流有限公司"]
    five = dict(plan_targets=1, plan_funds=1, plan_people=1, plan_time=1, plan_measures=1)
    # A: G1 carried over from May and closed in November; G2 and G3 found in the quarter, G2 closed;
    # M1 (found in August, listed in August) carried over, still open, in a complete plan.
    assert a.period == Counts(carried_over_general=1, general_found=2, general_rectified=2, carried_over_major=1,
                              major_found=0, major_closed=0, major_open=1, major_open_in_plan=1, **five,
                              listed_supervision=1, listed_lifted=0, money_wan=Decimal("2"))
    assert a.year_to_date == Counts(carried_over_general=0, general_found=3, general_rectified=2,
                                    carried_over_major=0, major_found=1, major_closed=0, major_open=1,
                                    major_open_in_plan=1, **five, listed_supervision=1, money_wan=Decimal("2"))
    assert a.period.general_rate == Decimal(200) / 3 and a.period.major_rate == 0
    # B: the withdrawn G4 never counts; M2 in a plan with two of the five elements.
    assert b.period == Counts(major_found=1, major_open=1, major_open_in_plan=1, plan_targets=1, plan_time=1)
    assert b.inspected and a.inspected and not c.inspected and c.period == Counts()
    assert (table.enterprises_in_scope, table.enterprises_inspected) == (3, 2)
    assert table.totals.period.general_found == 2 and table.totals.period.major_open == 2
    assert table.totals.year_to_date.money_wan == Decimal("2")


def test_third_quarter_carries_may_and_counts_the_listing(park, year, time_machine):
    at(time_machine, D(2027, 1, 5))
    a = next(r for r in statistics_table("quarterly", "2026Q3").rows if r.name == park.a.name)
    assert (a.period.carried_over_general, a.period.general_found, a.period.general_rectified) == (1, 0, 0)
    assert (a.period.major_found, a.period.major_open, a.period.listed_supervision) == (1, 1, 1)
    assert a.year_to_date.general_found == 1 and a.year_to_date.carried_over_general == 0


def test_a_closed_quarter_rebuilt_later_is_identical(park, drive, year, time_machine):
    at(time_machine, D(2027, 1, 5))
    before = statistics_table("quarterly", "2026Q4")
    annual_before = statistics_table("annual", "2026")
    at(time_machine, D(2027, 1, 6))
    drive.apply(year["g3"], "acknowledge", park.user_a)
    drive.apply(year["g3"], "request_extension", park.user_a, reason="备件未到", new_deadline=D(2027, 1, 31))
    drive.apply(year["g3"], "approve_extension", park.admin)
    lifecycle.save_plan(year["m2"], park.user_b, **PLAN)  # the plan completed after the year's end
    drive.apply(year["m2"], "withdraw", park.admin, reason="复核后撤销")
    at(time_machine, D(2027, 1, 8))
    measure(year["g3"], park.user_a, 8000, D(2026, 12, 30))  # recorded later, dated in the quarter
    db.session.add(Enterprise(name="新登记企业", credit_code=make_credit_code(9)))
    year["c"].active = False
    db.session.commit()
    assert statistics_table("quarterly", "2026Q4") == before
    assert statistics_table("annual", "2026") == annual_before


def test_the_current_period_is_as_of_today_and_an_enterprise_gets_its_own_row(park, year, time_machine):
    at(time_machine, D(2026, 12, 2))
    table = statistics_table("quarterly", "2026Q4", park.a)
    assert (table.as_of, table.closed, table.enterprise_name) == (D(2026, 12, 2), False, park.a.name)
    assert [r.name for r in table.rows] == [park.a.name] and table.totals.period == table.rows[0].period
    with pytest.raises(DocumentError):
        statistics_table("quarterly", "2027Q1")
    with pytest.raises(DocumentError):
        statistics_table("annual", "26")
    half = {r.name: r for r in statistics_table("annual", "2026", as_of=D(2026, 6, 30)).rows}
    assert half[park.a.name].period.general_found == 1 and half[park.b.name].period == Counts()
