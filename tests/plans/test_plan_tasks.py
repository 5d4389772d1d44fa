"""Inspection plans and their tasks, on a frozen park clock and through the job ledger: each period's
tasks are generated once, the inspector is reminded once before the period ends, and a task that no
completed inspection fulfilled is flagged missed once after the period."""
from datetime import date

from sqlalchemy import func, select

from safety_app import plans
from safety_app.extensions import db
from safety_app.jobs import ledger
from safety_app.models import InspectionPlan, Notification, PlanTask

from .conftest import inspect


def quarterly_plan(park, enterprises, **overrides):
    values = {"name": "2026年第四季度重点企业检查", "scope_kind": "list", "enterprise_ids": [e.id for e in enterprises],
              "frequency": "quarter", "starts_on": date(2026, 1, 1), "ends_on": date(2026, 12, 31),
              "inspector_ids": [park.inspector.id]}
    values.update(overrides)
    return plans.create_plan(park.admin, **values)


def tasks(**where):
    stmt = select(PlanTask).order_by(PlanTask.period_key, PlanTask.enterprise_id)
    for name, value in where.items():
        stmt = stmt.where(getattr(PlanTask, name) == value)
    return db.session.scalars(stmt).all()


def count(kind):
    return db.session.scalar(select(func.count(Notification.id)).where(Notification.kind == kind))


def test_periods_are_months_quarters_halves_and_years():
    day = date(2026, 11, 5)
    assert plans.period_of("month", day) == plans.Period("2026-11", date(2026, 11, 1), date(2026, 11, 30))
    assert plans.period_of("quarter", day) == plans.Period("2026-Q4", date(2026, 10, 1), date(2026, 12, 31))
    assert plans.period_of("half", day) == plans.Period("2026-H2", date(2026, 7, 1), date(2026, 12, 31))
    assert plans.period_of("year", day) == plans.Period("2026", date(2026, 1, 1), date(2026, 12, 31))


def test_each_periods_tasks_are_generated_once_and_missed_ones_flagged_once(park, at):
    at("2026-11-02 07:05")
    plan = quarterly_plan(park, [park.a, park.b])
    first = ledger.run("plan-tasks", date(2026, 11, 2))
    assert first.outcome == "success" and first.counts["created"] == 2
    assert ledger.run("plan-tasks", date(2026, 11, 2)).outcome == "skipped"
    at("2026-11-03 07:05")
    assert ledger.run("plan-tasks", date(2026, 11, 3)).counts["created"] == 0
    assert ledger.run("plan-tasks", date(2026, 11, 3), force=True).counts["created"] == 0
    assert [(t.enterprise_id, t.period_key, t.due_on, t.inspector_id) for t in tasks(plan_id=plan.id)] == [
        (park.a.id, "2026-Q4", date(2026, 12, 31), park.inspector.id),
        (park.b.id, "2026-Q4", date(2026, 12, 31), park.inspector.id)]

    # A is inspected (completed) in the period: its task is fulfilled; B's is not.
    inspect(park, park.a, date(2026, 11, 3))
    at("2026-12-26 07:05")  # 5 days before the period ends (reminder: 7 days)
    assert ledger.run("plan-tasks", date(2026, 12, 26)).counts["reminded"] == 1
    at("2026-12-27 07:05")
    assert ledger.run("plan-tasks", date(2026, 12, 27)).counts["reminded"] == 0
    assert count("plan_task_due") == 1

    at("2027-01-01 07:05")  # after the period: B's task is missed; the plan has ended, so no new tasks
    result = ledger.run("plan-tasks", date(2027, 1, 1))
    assert result.counts == {"created": 0, "missed": 1, "reminded": 0}
    assert ledger.run("plan-tasks", date(2027, 1, 1), force=True).counts["missed"] == 0
    at("2027-01-02 07:05")
    assert ledger.run("plan-tasks", date(2027, 1, 2)).counts["missed"] == 0
    a_task, b_task = tasks(plan_id=plan.id)
    assert a_task.missed_on is None and b_task.missed_on == date(2027, 1, 1)
    told = db.session.scalars(select(Notification).where(Notification.kind == "plan_task_missed")).all()
    assert sorted(n.user_id for n in told) == sorted([park.inspector.id, park.admin.id])
    assert all(park.b.name in n.title for n in told)


def test_the_next_period_gets_its_own_tasks(park, at):
    at("2026-12-31 07:05")
    plan = quarterly_plan(park, [park.a], ends_on=date(2027, 12, 31))
    assert ledger.run("plan-tasks", date(2026, 12, 31)).counts["created"] == 1
    at("2027-01-01 07:05")
    assert ledger.run("plan-tasks", date(2027, 1, 1)).counts == {"created": 1, "missed": 1, "reminded": 0}
    assert [t.period_key for t in tasks(plan_id=plan.id)] == ["2026-Q4", "2027-Q1"]


def test_an_in_progress_inspection_or_one_of_another_type_does_not_fulfil_the_task(park, at):
    at("2026-11-02 07:05")
    plan = quarterly_plan(park, [park.a, park.b], inspection_type="specialist")
    ledger.run("plan-tasks", date(2026, 11, 2))
    inspect(park, park.a, date(2026, 11, 2), inspection_type="routine")
    inspect(park, park.b, date(2026, 11, 2), inspection_type="specialist", completed=False)
    states = {e.id: state for _t, e, state in plans.task_states(plan, plans.period_of("quarter", date(2026, 11, 2)))}
    assert states == {park.a.id: "open", park.b.id: "open"}
    inspect(park, park.b, date(2026, 11, 2), inspection_type="specialist")
    states = {e.id: state for _t, e, state in plans.task_states(plan, plans.period_of("quarter", date(2026, 11, 2)))}
    assert states == {park.a.id: "open", park.b.id: "done"}


def test_the_scope_is_resolved_by_industry_zone_and_installation_level(park, at):
    at("2026-11-02 07:05")
    park.a.industry, park.b.industry = "石油化工", "精细化工"
    park.a.zone, park.b.zone = "南区", "北区"
    park.b.major_hazard_installation = "level2"
    db.session.commit()
    by_industry = quarterly_plan(park, [], scope_kind="industry", scope_value="石油化工", enterprise_ids=[])
    by_zone = quarterly_plan(park, [], scope_kind="zone", scope_value="北区", enterprise_ids=[])
    by_level = quarterly_plan(park, [], scope_kind="level", scope_value="any", enterprise_ids=[])
    everyone = quarterly_plan(park, [], scope_kind="all", enterprise_ids=[])
    plans.ensure_tasks(date(2026, 11, 2))
    db.session.commit()
    assert [t.enterprise_id for t in tasks(plan_id=by_industry.id)] == [park.a.id]
    assert [t.enterprise_id for t in tasks(plan_id=by_zone.id)] == [park.b.id]
    assert [t.enterprise_id for t in tasks(plan_id=by_level.id)] == [park.b.id]
    assert sorted(t.enterprise_id for t in tasks(plan_id=everyone.id)) == sorted([park.a.id, park.b.id])


def test_bad_plan_input_is_refused_in_chinese_and_writes_nothing(client, park, login_as):
    login_as(park.admin)
    response = client.post("/plans/new", data={
        "name": "无检查人员的计划", "scope_kind": "all", "frequency": "quarter",
        "starts_on": "2026-01-01", "ends_on": "2026-12-31"})
    assert response.status_code == 422
    assert "至少指定一名检查人员" in response.get_data(as_text=True)
    response = client.post("/plans/new", data={
        "name": "日期颠倒的计划", "scope_kind": "all", "frequency": "quarter", "inspectors": [park.inspector.id],
        "starts_on": "2026-12-31", "ends_on": "2026-01-01"})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(InspectionPlan.id))) == 0
    login_as(park.inspector)
    assert client.get("/plans/new").status_code == 403
    assert client.get("/plans/").status_code == 200


def test_the_admin_defines_a_plan_on_the_form(client, park, login_as):
    login_as(park.admin)
    response = client.post("/plans/new", data={
        "name": "重大危险源企业季度检查", "scope_kind": "level", "level": "any", "frequency": "quarter",
        "inspection_type": "specialist", "inspectors": [park.inspector.id, park.inspector2.id],
        "starts_on": "2026-01-01", "ends_on": "2026-12-31"})
    assert response.status_code == 302
    plan = db.session.scalar(select(InspectionPlan))
    assert (plan.scope_kind, plan.scope_value, plan.inspection_type) == ("level", "any", "specialist")
    assert [u.id for u in plan.inspectors] == [park.inspector.id, park.inspector2.id]
