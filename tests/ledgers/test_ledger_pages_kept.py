"""Ledger pages are kept per view and data version, and never shown stale: a measure, a user's name,
another language, another user's scope or a new day each show at once."""
from datetime import timedelta

from safety_app import lifecycle
from safety_app.extensions import db
from tests.conftest import login


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_measure_written_alone_shows_at_once_in_the_measures_ledger(client, park):
    hazard = park.hazard()
    measure = lifecycle.save_measure(hazard, park.user_a, description="更换液位计", responsible_person="张工")
    login(client, park.admin)
    assert "张工" in page(client, "/ledgers/measures")
    measure.responsible_person = "李工"  # the measure alone, not its hazard
    db.session.commit()
    body = page(client, "/ledgers/measures")
    assert "李工" in body and "张工" not in body


def test_a_renamed_inspector_shows_at_once_in_the_hazard_ledger(client, park):
    park.hazard()
    login(client, park.admin)
    assert park.inspector.name in page(client, "/ledgers/hazards")
    park.inspector.display_name = "王检查员"
    db.session.commit()
    assert "王检查员" in page(client, "/ledgers/hazards")


def test_the_same_view_in_another_language_or_for_another_user_is_its_own(client, park):
    park.hazard(park.a, title="甲企业的隐患")
    park.hazard(park.b, title="乙企业的隐患")
    login(client, park.admin)
    chinese = page(client, "/ledgers/hazards")
    assert "问题隐患清单" in chinese and "乙企业的隐患" in chinese
    client.get("/lang/en")
    assert "Hazard ledger" in page(client, "/ledgers/hazards")
    client.post("/logout")
    with client.session_transaction() as s:
        s.clear()
    login(client, park.user_a)
    own = page(client, "/ledgers/hazards")
    assert "甲企业的隐患" in own and "乙企业的隐患" not in own


def test_overdue_days_follow_the_day(client, park, time_machine):
    from safety_app import clock

    park.hazard(deadline=clock.today() + timedelta(days=1))
    login(client, park.admin)
    assert "逾期" not in page(client, "/ledgers/hazards").split("<tbody>")[1]
    time_machine.move_to(clock.local_now() + timedelta(days=3))
    assert "逾期 2 天" in page(client, "/ledgers/hazards").split("<tbody>")[1]
