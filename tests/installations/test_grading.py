"""GB 18218-2018 grading against hand-computed cases, the Σq/Q < 1 case, bad substance lines
(nothing written), CAS check digits and the enterprise's derived level."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from safety_app import installations
from safety_app.extensions import db
from safety_app.models import Event, Installation, InstallationSubstance

from .conftest import AMMONIA, METHANOL, data, register


def line(q, big_q, beta="1", name="物质"):
    return {"name": name, "max_quantity": q, "critical_quantity": big_q, "beta": beta}


@pytest.mark.parametrize("lines, people, alpha, sum_ratio, r, level", [
    # 液氨 50/10 ×β2 = 10, 甲醇 200/500 ×1 = 0.4: Σq/Q = 5.4, Σβq/Q = 10.4; 60 people → α 1.5; R = 15.6 → 三级
    ([line("50", "10", "2"), line("200", "500")], 60, "1.5", "5.4", "15.6", "level3"),
    # 1 substance at exactly Q, β 1, nobody around: α 0.5, R = 0.5 → 四级 (Σq/Q = 1 is major)
    ([line("10", "10")], 0, "0.5", "1", "0.5", "level4"),
    # 500/10 × β 2 = 100, 150 people → α 2: R = 200 → 一级
    ([line("500", "10", "2")], 150, "2.0", "50", "200", "level1"),
    # R exactly 100 with α 1 (29 people): 一级; exactly 50: 二级; exactly 10: 三级
    ([line("100", "1")], 29, "1.0", "100", "100", "level1"),
    ([line("50", "1")], 1, "1.0", "50", "50", "level2"),
    ([line("10", "1")], 5, "1.0", "10", "10", "level3"),
    # 30–49 people: α 1.2; 3 × 8/2 = 12 → 14.4 → 三级
    ([line("8", "2", "3")], 30, "1.2", "4", "14.4", "level3"),
    # 50 people is the first of 50–99: α 1.5; 100 people the first of ≥ 100: α 2.0
    ([line("2", "1")], 50, "1.5", "2", "3", "level4"),
    ([line("2", "1")], 100, "2.0", "2", "4", "level4"),
])
def test_r_and_level_match_the_hand_computed_values(lines, people, alpha, sum_ratio, r, level):
    calc = installations.calculate(lines, people)
    assert calc.alpha == Decimal(alpha)
    assert calc.sum_ratio == Decimal(sum_ratio)
    assert calc.r == Decimal(r)
    assert calc.is_major and calc.level == level


def test_below_one_is_not_a_major_hazard_installation_whatever_r_says():
    # Σq/Q = 0.5 + 0.4 = 0.9 < 1, although α·Σβq/Q = 2 × (3·0.5 + 0.4) = 3.8
    calc = installations.calculate([line("5", "10", "3"), line("4", "10")], 120)
    assert calc.sum_ratio == Decimal("0.9")
    assert calc.r == Decimal("3.8")
    assert not calc.is_major and calc.level == "none"


def test_each_term_is_shown(app):
    calc = installations.calculate([AMMONIA, METHANOL], 60)
    assert [calc.shown(t.value) for t in calc.terms] == [Decimal("10.00"), Decimal("0.40")]
    assert [calc.shown(t.ratio) for t in calc.terms] == [Decimal("5.00"), Decimal("0.40")]


@pytest.mark.parametrize("cas, ok", [("7664-41-7", True), ("67-56-1", True), ("7732-18-5", True),
                                     ("7664-41-8", False), ("67561", False), ("1-56-1", False)])
def test_cas_numbers_are_checked_by_their_check_digit(cas, ok):
    assert installations.cas_is_valid(cas) is ok


def _counts():
    return (db.session.scalar(select(func.count(Installation.id))),
            db.session.scalar(select(func.count(InstallationSubstance.id))),
            db.session.scalar(select(func.count(Event.id)).where(Event.action.like("installation.%"))))


@pytest.mark.parametrize("field, value", [("max_quantity", "0"), ("max_quantity", "-3"),
                                          ("critical_quantity", "0"), ("critical_quantity", "-0.5"),
                                          ("max_quantity", "abc"), ("critical_quantity", "")])
def test_q_or_big_q_not_above_zero_is_refused_and_nothing_is_written(park, field, value):
    bad = {**METHANOL, field: value}
    with pytest.raises(installations.InstallationError) as refused:
        register(park, substances=[dict(AMMONIA), bad])
    assert f"substances.1.{field}" in refused.value.errors
    assert "substances.0.max_quantity" not in refused.value.errors
    assert _counts() == (0, 0, 0)


def test_a_bad_cas_number_is_refused(park):
    with pytest.raises(installations.InstallationError) as refused:
        register(park, substances=[{**AMMONIA, "cas": "7664-41-8"}])
    assert "substances.0.cas" in refused.value.errors
    assert _counts() == (0, 0, 0)


def test_the_enterprise_level_is_its_highest_in_service_installation(park):
    assert park.a.major_hazard_installation == "none"
    third = register(park)  # R 15.6 → 三级
    assert third.level == "level3" and park.a.major_hazard_installation == "level3"
    first = register(park, code="RA-02", people_within_500m="150",
                     substances=[{"name": "液化石油气", "max_quantity": "500", "critical_quantity": "50",
                                  "beta": "5"}])  # 2 × 50 = 100 → 一级
    assert first.level == "level1" and park.a.major_hazard_installation == "level1"
    installations.write_off(first, park.admin)
    assert park.a.major_hazard_installation == "level3"
    installations.update(third, data(substances=[{**METHANOL}]), park.user_a)  # Σq/Q 0.4: not major
    assert third.level == "none" and park.a.major_hazard_installation == "none"
    assert park.b.major_hazard_installation == "none"


def test_codes_are_unique_per_enterprise_only(park):
    register(park)
    with pytest.raises(installations.InstallationError) as refused:
        register(park)
    assert "code" in refused.value.errors
    register(park, enterprise=park.b, actor=park.user_b)  # the same code in another enterprise


def test_a_person_must_be_an_active_user_of_the_enterprise_with_a_phone(park):
    park.user_b.phone = "13900000000"
    with pytest.raises(installations.InstallationError) as refused:
        register(park, principal_id=park.user_b.id)  # a user of enterprise B
    assert "principal_id" in refused.value.errors
    with pytest.raises(installations.InstallationError) as refused:
        register(park, technical_id=park.user_a.id)  # no phone
    assert "technical_id" in refused.value.errors
    with pytest.raises(installations.InstallationError) as refused:
        register(park, operations_id=park.inspector.id)  # staff
    assert "operations_id" in refused.value.errors
    assert _counts() == (0, 0, 0)


def test_assessment_due_is_the_validity_after_the_assessment(park):
    from datetime import date

    assert register(park).assessment_due == date(2029, 3, 1)
    assert register(park, code="RA-02", validity_years="2").assessment_due == date(2028, 3, 1)
