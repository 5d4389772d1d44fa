"""双随机 draws reproduce from their recorded seed; inspectors see "my inspections due" with a
pre-filled "start inspection" link, and a completed inspection takes the task off the list."""
from datetime import date

from sqlalchemy import select

from safety_app import plans
from safety_app.extensions import db
from safety_app.models import PlanDraw, PlanTask

from .conftest import add_enterprises, inspect


def test_the_same_seed_and_inputs_give_the_same_draw_whatever_their_order():
    enterprises, inspectors = list(range(1, 51)), [7, 8, 9]
    first = plans.draw(enterprises, inspectors, 10, "3f1c")
    assert first == plans.draw(list(reversed(enterprises)), [9, 7, 8], 10, "3f1c")
    assert len(first) == 10 and len({e for e, _ in first}) == 10
    assert all(i in inspectors for _, i in first)
    assert first != plans.draw(enterprises, inspectors, 10, "3f1d")


def test_a_plans_draw_is_recorded_with_its_seed_and_inputs_and_reproduces(park, at):
    at("2026-12-02 17:05")
    others = add_enterprises(6)
    plan = plans.create_plan(park.admin, name="双随机抽查", scope_kind="all", frequency="month",
                             starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31),
                             inspector_ids=[park.inspector.id, park.inspector2.id], draw_size=3)
    assert plans.generate_now(plan, park.admin) == 3
    row = db.session.scalar(select(PlanDraw).where(PlanDraw.plan_id == plan.id))
    assert row.period_key == "2026-12" and len(row.seed) == 32
    assert row.enterprise_ids == sorted([park.a.id, park.b.id] + [e.id for e in others])
    assert row.inspector_ids == sorted([park.inspector.id, park.inspector2.id])
    # Re-running the draw with the recorded seed gives the recorded result, and the tasks follow it.
    assert plans.reproduce(row) == row.result
    assert [list(p) for p in plans.draw(row.enterprise_ids, row.inspector_ids, 3, row.seed)] == row.result
    tasks = db.session.scalars(select(PlanTask).where(PlanTask.plan_id == plan.id).order_by(PlanTask.enterprise_id))
    assert [[t.enterprise_id, t.inspector_id] for t in tasks] == row.result
    # Generating again in the same period draws nothing new.
    assert plans.generate_now(plan, park.admin) == 0
    assert db.session.scalar(select(PlanDraw.seed).where(PlanDraw.plan_id == plan.id)) == row.seed


def test_my_inspections_due_lists_my_open_tasks_with_a_prefilled_start_link(client, park, at, login_as):
    at("2026-11-02 09:00")
    plan = plans.create_plan(park.admin, name="第四季度专业检查", scope_kind="list",
                             enterprise_ids=[park.a.id, park.b.id], inspection_type="specialist",
                             frequency="quarter", starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31),
                             inspector_ids=[park.inspector.id, park.inspector2.id])
    plans.generate_now(plan, park.admin)
    mine = db.session.scalar(select(PlanTask).where(PlanTask.inspector_id == park.inspector.id))
    theirs = db.session.scalar(select(PlanTask).where(PlanTask.inspector_id == park.inspector2.id))
    login_as(park.inspector)
    page = client.get("/plans/due").get_data(as_text=True)
    assert mine.enterprise.name in page and theirs.enterprise.name not in page
    link = f"/inspections/new?enterprise_id={mine.enterprise_id}&amp;inspection_type=specialist"
    assert link in page
    form = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert 'value="specialist" selected' in form or 'selected value="specialist"' in form
    inspect(park, mine.enterprise, date(2026, 11, 2), inspection_type="specialist")
    assert mine.enterprise.name not in client.get("/plans/due").get_data(as_text=True)


def test_the_plan_page_shows_the_period_tasks_and_the_draw(client, park, at, login_as):
    at("2026-12-02 17:00")
    plan = plans.create_plan(park.admin, name="双随机月度抽查", scope_kind="all", frequency="month",
                             starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31),
                             inspector_ids=[park.inspector.id], draw_size=1)
    login_as(park.admin)
    assert client.post(f"/plans/{plan.id}/generate").status_code == 302
    page = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    seed = db.session.scalar(select(PlanDraw.seed))
    assert seed in page and "已按种子复现" in page
