"""催办: staff tick overdue or due-soon hazards and each enterprise is reminded once, one message
listing its ticked hazards (in-app to every active user, e-mail in the outbox), not twice the same day."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from safety_app import audit, lifecycle, reminders
from safety_app.extensions import db
from safety_app.models import Event, Hazard, Notification, OutboxMessage

DAY = date(2026, 11, 20)


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def written():
    return count(Notification), count(OutboxMessage), count(Event)


def overdue(park, enterprise, days=3, title="安全阀超期未校验"):
    """A hazard of ``enterprise`` whose deadline passed ``days`` days ago (found two weeks earlier)."""
    return park.hazard(enterprise, title=title, found_on=DAY - timedelta(days=14), deadline=DAY - timedelta(days=days))


def send(client, hazards, which="overdue"):
    data = MultiDict([("hazards", str(h.id)) for h in hazards] + [("list", which)])
    return client.post("/hazards/reminders", data=data)


def test_the_lists_show_hazards_waiting_on_the_enterprise_overdue_or_due_soon(client, park, drive, login_as):
    late = overdue(park, park.a, title="逾期未整改的隐患")
    soon = park.hazard(park.b, title="三天内到期的隐患", deadline=DAY + timedelta(days=2))
    later = park.hazard(park.b, title="下月到期的隐患", deadline=DAY + timedelta(days=30))
    handed_in = drive.hazard_in("submitted")  # waits on the office: never reminded
    login_as(park.inspector)
    page = client.get("/hazards/reminders").get_data(as_text=True)
    assert "逾期未整改的隐患" in page and f'name="hazards" value="{late.id}"' in page
    assert "3 天" in page or "逾期 3" in page
    for h in (soon, later, handed_in):
        assert f'value="{h.id}"' not in page
    page = client.get("/hazards/reminders?list=due_soon").get_data(as_text=True)
    assert f'value="{soon.id}"' in page and f'value="{late.id}"' not in page and f'value="{later.id}"' not in page
    assert 'name="csrf_token"' in page
    assert client.get("/hazards/reminders?list=everything").status_code == 404


def test_one_notification_per_enterprise_listing_its_selected_hazards(client, park, login_as):
    a1, a2 = overdue(park, park.a, title="甲企业隐患一"), overdue(park, park.a, days=10, title="甲企业隐患二")
    b1 = overdue(park, park.b, title="乙企业隐患")
    not_selected = overdue(park, park.a, title="未勾选的隐患")
    login_as(park.inspector)
    response = send(client, [a1, a2, b1])
    assert response.status_code == 302
    to_a = db.session.scalars(select(Notification).where(Notification.user_id == park.user_a.id,
                                                         Notification.kind == "reminder")).all()
    to_b = db.session.scalars(select(Notification).where(Notification.user_id == park.user_b.id,
                                                         Notification.kind == "reminder")).all()
    assert len(to_a) == 1 and len(to_b) == 1
    assert a1.code in to_a[0].body and a2.code in to_a[0].body and b1.code not in to_a[0].body
    assert not_selected.code not in to_a[0].body
    assert "已逾期 10 天" in to_a[0].body and "2 项" in to_a[0].title
    assert b1.code in to_b[0].body and a1.code not in to_b[0].body
    mails = {m.recipient for m in db.session.scalars(select(OutboxMessage))}
    assert mails == {"ua@example.com", "ub@example.com", "a@example.com", "b@example.com"}  # users and contacts
    events = db.session.scalars(select(Event).where(Event.action == "hazard.remind")).all()
    assert sorted(e.hazard_id for e in events) == sorted([a1.id, a2.id, b1.id])
    assert all(e.actor_id == park.inspector.id for e in events)
    ok, _checked, problem = audit.verify_chain()
    assert ok, problem
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已向天津渤海石油化工有限公司发送催办（2 项隐患）" in page


def test_a_double_submit_sends_nothing_twice_the_same_day_but_again_the_next_day(client, park, login_as,
                                                                                 time_machine):
    hazards = [overdue(park, park.a), overdue(park, park.a)]
    login_as(park.inspector)
    assert send(client, hazards).status_code == 302
    once = written()
    response = send(client, list(reversed(hazards)))  # the same list, ticked in another order
    assert response.status_code == 302
    assert written() == once
    assert "未重复发送" in client.get(response.headers["Location"]).get_data(as_text=True)
    login_as(park.admin)  # another office user, the same list, the same day: still once
    send(client, hazards)
    assert written() == once
    time_machine.move_to("2026-11-21 10:00:00+08:00", tick=False)
    login_as(park.inspector)
    send(client, hazards)
    assert count(Notification, Notification.user_id == park.user_a.id, Notification.kind == "reminder") == 2


def test_a_hazard_no_longer_waiting_on_the_enterprise_refuses_the_sending(client, park, drive, login_as):
    late = overdue(park, park.a)
    handed_in = drive.hazard_in("submitted")
    login_as(park.inspector)
    before = written()
    response = send(client, [late, handed_in])
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert written() == before
    error = page[page.index('id="remind-error"'):][:400]
    assert handed_in.code in error and "未发送任何催办" in error
    assert f'value="{late.id}" checked' in page  # the ticks are kept


def test_no_selection_and_more_than_200_are_refused(client, park, login_as):
    hazard = overdue(park, park.a)
    login_as(park.inspector)
    before = written()
    response = send(client, [])
    assert response.status_code == 422 and "请至少勾选一项隐患" in response.get_data(as_text=True)
    data = MultiDict([("hazards", str(hazard.id))] + [("hazards", str(10_000 + i)) for i in range(200)])
    response = client.post("/hazards/reminders", data=data)
    assert response.status_code == 422
    assert "每次最多 200 项隐患（已勾选 201 项）" in response.get_data(as_text=True)
    assert written() == before


def test_another_id_than_a_listed_hazard_is_refused(client, park, login_as):
    hazard = overdue(park, park.a)
    login_as(park.inspector)
    before = written()
    for bad in (["999999"], [str(hazard.id), "abc"]):
        response = client.post("/hazards/reminders", data=MultiDict([("hazards", x) for x in bad]))
        assert response.status_code == 422
    assert written() == before


def test_enterprise_users_may_not_see_or_send_reminders(client, park, login_as):
    hazard = overdue(park, park.a)
    login_as(park.user_a)
    before = written()
    assert client.get("/hazards/reminders").status_code == 403
    assert send(client, [hazard]).status_code == 403
    assert written() == before


def test_the_core_refuses_enterprise_users(park):
    hazard = overdue(park, park.a)
    with pytest.raises(lifecycle.NotAllowed):
        reminders.send(park.user_a, [hazard.id])
    assert db.session.get(Hazard, hazard.id).status == "open"


def test_the_ledger_of_overdue_hazards_leads_staff_to_the_reminders(client, park, login_as):
    login_as(park.inspector)
    assert 'href="/hazards/reminders"' in client.get("/ledgers/hazards?overdue=1").get_data(as_text=True)
    assert 'href="/hazards/reminders"' not in client.get("/ledgers/hazards").get_data(as_text=True)
    login_as(park.user_a)
    assert 'href="/hazards/reminders"' not in client.get("/ledgers/hazards?overdue=1").get_data(as_text=True)
