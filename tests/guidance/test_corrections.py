"""The inspector who filed a hazard (or an admin) corrects its title, category, location,
description and deadline while it is not closed, audited; a new deadline after the enterprise
acknowledged needs a reason, and the event keeps the deadline it replaced."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from safety_app import lifecycle
from safety_app.extensions import db
from safety_app.figures import history
from safety_app.models import Event

from ..loop.conftest import snapshot


def _form(hazard, **changes):
    data = {"edit-version": hazard.version, "edit-title": hazard.title, "edit-category": hazard.category,
            "edit-location": hazard.location, "edit-description": hazard.description or "",
            "edit-deadline": hazard.deadline.isoformat(), "edit-reason": ""}
    data.update({f"edit-{k}": v for k, v in changes.items()})
    return data


def _last_event(hazard):
    return db.session.scalars(select(Event).where(Event.hazard_id == hazard.id).order_by(Event.seq.desc())).first()


def test_filing_inspector_corrects_through_the_page(client, park, login_as):
    hazard = park.hazard()
    login_as(park.inspector)
    page = client.get(f"/hazards/{hazard.id}").get_data(as_text=True)
    assert f'action="/hazards/{hazard.id}/edit"' in page
    new_deadline = hazard.deadline + timedelta(days=3)
    response = client.post(f"/hazards/{hazard.id}/edit", data=_form(
        hazard, title="储罐安全阀超期未校验", category="fire", location="2号罐区", deadline=new_deadline.isoformat()))
    assert response.status_code == 302
    db.session.expire_all()
    assert (hazard.title, hazard.category, hazard.location, hazard.deadline) == (
        "储罐安全阀超期未校验", "fire", "2号罐区", new_deadline)
    event = _last_event(hazard)
    assert event.action == "edit" and event.actor_id == park.inspector.id
    assert event.data["fields"] == ["category", "deadline", "location", "title"]
    assert event.data["previous_deadline"] == (new_deadline - timedelta(days=3)).isoformat()
    assert history.DEADLINE_KEY in event.data


@pytest.mark.parametrize("who", ["inspector2", "user_a"])
def test_others_may_not_correct(client, park, login_as, who):
    hazard = park.hazard()  # filed by park.inspector
    login_as(getattr(park, who))
    page = client.get(f"/hazards/{hazard.id}").get_data(as_text=True)
    assert f'action="/hazards/{hazard.id}/edit"' not in page
    before = snapshot(hazard)
    assert client.post(f"/hazards/{hazard.id}/edit", data=_form(hazard, title="改")).status_code == 403
    assert snapshot(hazard) == before


def test_admin_may_correct(park):
    hazard = park.hazard()
    lifecycle.edit_hazard(hazard, park.admin, version=hazard.version, location="3号装置区")
    assert hazard.location == "3号装置区"


def test_new_deadline_after_acknowledgement_needs_a_reason(client, park, drive, login_as):
    hazard = drive.hazard_in("rectifying")
    login_as(park.inspector)
    before = snapshot(hazard)
    later = (hazard.deadline + timedelta(days=5)).isoformat()
    response = client.post(f"/hazards/{hazard.id}/edit", data=_form(hazard, deadline=later))
    assert response.status_code == 422
    assert "须填写原因" in response.get_data(as_text=True)
    assert snapshot(hazard) == before
    response = client.post(f"/hazards/{hazard.id}/edit", data=_form(hazard, deadline=later, reason="备件到货推迟"))
    assert response.status_code == 302
    event = _last_event(hazard)
    assert event.comment == "备件到货推迟" and event.data["new_deadline"] == later


def test_closed_hazard_cannot_be_corrected(client, park, drive, login_as):
    hazard = drive.hazard_in("closed")
    login_as(park.inspector)
    assert f'/hazards/{hazard.id}/edit"' not in client.get(f"/hazards/{hazard.id}").get_data(as_text=True)
    with pytest.raises(lifecycle.WrongState):
        lifecycle.edit_hazard(hazard, park.inspector, version=hazard.version, title="改")


def test_bad_input_writes_nothing(client, park, login_as):
    hazard = park.hazard()
    login_as(park.inspector)
    before = snapshot(hazard)
    for bad in ({"title": ""}, {"deadline": "2000-13-40"}, {"category": "nope"},
                {"deadline": (hazard.found_on - timedelta(days=1)).isoformat()}):
        response = client.post(f"/hazards/{hazard.id}/edit", data=_form(hazard, **bad))
        assert response.status_code == 422, bad
        assert snapshot(hazard) == before
