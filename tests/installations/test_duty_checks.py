"""A duty check: recorded by the person named for the duty, marks the period's task done, and
files hazards from its findings through the lifecycle core (source 包保检查, linked to the
installation) — all in one transaction."""
from datetime import date

import pytest
from sqlalchemy import func, select

from safety_app import duties, lifecycle
from safety_app.extensions import db
from safety_app.lifecycle_errors import Invalid, NotAllowed
from safety_app.models import DutyCheck, DutyTask, Hazard

from .conftest import with_persons


def test_the_check_marks_the_period_task_done_and_files_hazards_from_the_findings(people, at):
    at("2026-12-03 09:00")
    installation = with_persons(people)
    check, filed = duties.record_check(
        installation, people.operations, role="operations", checked_on=date(2026, 12, 3), scope="液氨罐区巡检",
        findings="2号罐液位计失灵",
        hazards=[{"title": "2号罐液位计失灵", "category": "equipment", "deadline": date(2026, 12, 10)}])
    task = db.session.scalars(select(DutyTask)).one()
    assert (task.duty_role, task.period_key, task.status, task.done_on) == (
        "operations", "2026-W49", "done", date(2026, 12, 3))
    assert check.task_id == task.id and check.user_id == people.operations.id
    hazard, = filed
    assert (hazard.source, hazard.installation_id, hazard.enterprise_id, hazard.found_by_id, hazard.status) == (
        "duty_check", installation.id, people.a.id, people.operations.id, "open")
    assert hazard.location == installation.name


def test_only_the_named_person_records_their_duty(people, at):
    at("2026-12-03 09:00")
    installation = with_persons(people)
    for actor, role in ((people.technical, "operations"), (people.user_a, "principal"),
                        (people.inspector, "principal"), (people.user_b, "technical")):
        with pytest.raises(NotAllowed):
            duties.record_check(installation, actor, role=role, checked_on=date(2026, 12, 3), scope="检查")
    assert db.session.scalar(select(func.count(DutyCheck.id))) == 0


def test_a_bad_hazard_writes_neither_the_check_nor_any_hazard(people, at):
    at("2026-12-03 09:00")
    installation = with_persons(people)
    with pytest.raises(Invalid):
        duties.record_check(installation, people.principal, role="principal", checked_on=date(2026, 12, 3),
                            scope="季度检查", findings="两处问题", hazards=[
                                {"title": "消防通道堵塞", "category": "fire", "deadline": date(2026, 12, 20)},
                                {"title": "", "category": "equipment", "deadline": date(2026, 12, 20)}])
    assert db.session.scalar(select(func.count(DutyCheck.id))) == 0
    assert db.session.scalar(select(func.count(Hazard.id))) == 0
    assert db.session.scalar(select(func.count(DutyTask.id))) == 0


def test_the_date_of_a_check_is_today_or_the_last_week(people, at):
    at("2026-12-03 09:00")
    installation = with_persons(people)
    for day in (date(2026, 12, 4), date(2026, 11, 25)):
        with pytest.raises(Invalid):
            duties.record_check(installation, people.principal, role="principal", checked_on=day, scope="检查")
    with pytest.raises(Invalid):
        duties.record_check(installation, people.principal, role="principal", checked_on=date(2026, 12, 3),
                            scope="  ")


def test_enterprise_users_file_only_self_found_hazards_of_their_own_enterprise(people):
    with pytest.raises(NotAllowed):  # an official inspection's hazard is filed by staff
        lifecycle.file_hazard(people.user_a, enterprise=people.a, title="自查发现", category="equipment",
                              deadline=date(2026, 12, 30))
    with pytest.raises(NotAllowed):
        lifecycle.file_hazard(people.user_a, enterprise=people.b, title="别人的", category="equipment",
                              deadline=date(2026, 12, 30), source="self_inspection")
    hazard = lifecycle.file_hazard(people.user_a, enterprise=people.a, title="自查发现", category="equipment",
                                   deadline=date(2026, 12, 30), source="self_inspection")
    assert hazard.source == "self_inspection"


def test_a_hazard_links_only_an_installation_of_its_enterprise(people):
    installation = with_persons(people)
    with pytest.raises(Invalid) as refused:
        lifecycle.file_hazard(people.inspector, enterprise=people.b, title="错挂", category="equipment",
                              deadline=date(2026, 12, 30), installation=installation)
    assert refused.value.field == "installation"
    hazard = lifecycle.file_hazard(people.inspector, enterprise=people.a, title="罐区问题", category="equipment",
                                   deadline=date(2026, 12, 30), installation=installation)
    assert hazard.installation_id == installation.id and hazard.source == "government_inspection"


def test_self_found_hazards_get_no_automatic_notice(people, at):
    from safety_app.jobs import notices

    at("2026-12-03 09:00")
    installation = with_persons(people)
    duties.record_check(installation, people.operations, role="operations", checked_on=date(2026, 12, 3),
                        scope="巡检", hazards=[{"title": "阀门泄漏", "category": "equipment",
                                               "deadline": date(2026, 12, 10)}])
    official = people.hazard(title="检查发现")
    at("2026-12-03 10:00")
    from safety_app.clock import utcnow

    groups = notices.pending_groups(date(2026, 12, 3), utcnow())
    assert [ids for ids in groups.values()] == [[official.id]]
