"""Next to 提交复查 the hazard page lists what submitting requires, computed by the same
function the submit rule uses (lifecycle.submit_prerequisites): the list changes as each step
is completed, each unmet item links to its fix, and the button stays disabled until all are met."""
import re

import pytest

from safety_app import clock, lifecycle
from safety_app.extensions import db

from ..loop.conftest import PLAN, add_assessment, add_evidence


def _state(hazard):
    db.session.expire_all()
    return {p.key: p.done for p in lifecycle.submit_prerequisites(hazard)}


def _refusal(hazard, user):
    """What apply(submit) says now (None: it was accepted)."""
    try:
        lifecycle.apply(hazard, "submit", user, version=hazard.version, note="已整改")
    except lifecycle.Invalid as error:
        return error
    return None


def _first_unmet(hazard):
    return next(((p.field, str(p.message)) for p in lifecycle.submit_prerequisites(hazard) if not p.done), None)


def _said(error):
    return (error.field, str(error.message))


def _page_items(page):
    return dict(re.findall(r'data-prerequisite="([a-z_]+)" data-done="(yes|no)"', page))


def test_general_hazard_list_follows_each_step_and_matches_the_refusal(park, drive):
    hazard = drive.hazard_in("rectifying")
    user = park.user_a
    assert _state(hazard) == {"measures": False, "measures_done": False, "evidence": False}
    assert _said(_refusal(hazard, user)) == _first_unmet(hazard) == ("measures", _first_unmet(hazard)[1])

    measure = lifecycle.save_measure(hazard, user, description="更换安全阀")
    assert _state(hazard) == {"measures": True, "measures_done": False, "evidence": False}
    assert _said(_refusal(hazard, user)) == _first_unmet(hazard)
    assert "整改措施" in _first_unmet(hazard)[1]  # "every measure must be marked done"

    lifecycle.save_measure(hazard, user, measure, done_on=clock.today())
    assert _state(hazard) == {"measures": True, "measures_done": True, "evidence": False}
    assert _said(_refusal(hazard, user)) == _first_unmet(hazard)
    assert _first_unmet(hazard)[0] == "evidence"

    add_evidence(hazard, user)
    assert _state(hazard) == {"measures": True, "measures_done": True, "evidence": True}
    assert _refusal(hazard, user) is None
    assert hazard.status == "submitted"


def test_major_hazard_also_needs_plan_and_assessment(park, drive):
    hazard = park.hazard(major=True)
    user = park.user_a
    assert _state(hazard) == {"plan": False, "assessment": False, "measures": False, "measures_done": False,
                              "evidence": False}
    lifecycle.save_plan(hazard, user, **PLAN)
    drive.apply(hazard, "acknowledge", user)
    lifecycle.save_measure(hazard, user, description="隔离", done_on=clock.today())
    add_evidence(hazard, user)
    assert _state(hazard) == {"plan": True, "assessment": False, "measures": True, "measures_done": True,
                              "evidence": True}
    refusal = _refusal(hazard, user)
    assert _said(refusal) == _first_unmet(hazard)
    assert refusal.field == "assessment"
    add_assessment(hazard, user)
    assert all(_state(hazard).values())
    assert _refusal(hazard, user) is None


def test_page_lists_the_steps_links_the_fix_and_disables_submit(client, park, drive, login_as):
    hazard = drive.hazard_in("rectifying")
    login_as(park.user_a)
    page = client.get(f"/hazards/{hazard.id}").get_data(as_text=True)
    assert _page_items(page) == {"measures": "no", "measures_done": "no", "evidence": "no"}
    assert f'href="/hazards/{hazard.id}/measures/new"' in page  # the fix of "no measure yet"
    assert 'href="#files"' in page
    assert re.search(r'<button type="button" class="btn primary block" disabled data-action="submit"', page)
    assert f"/hazards/{hazard.id}/actions/submit" not in page  # no submit form while unmet
    assert "0 / 3" in page

    lifecycle.save_measure(hazard, park.user_a, description="更换安全阀", done_on=clock.today())
    page = client.get(f"/hazards/{hazard.id}").get_data(as_text=True)
    assert _page_items(page) == {"measures": "yes", "measures_done": "yes", "evidence": "no"}
    assert "2 / 3" in page

    add_evidence(hazard, park.user_a)
    page = client.get(f"/hazards/{hazard.id}").get_data(as_text=True)
    assert _page_items(page) == {"measures": "yes", "measures_done": "yes", "evidence": "yes"}
    assert f"/hazards/{hazard.id}/actions/submit" in page
    assert 'disabled data-action="submit"' not in page


@pytest.mark.parametrize("state", ["submitted", "closed"])
def test_no_list_once_handed_in(client, park, drive, login_as, state):
    hazard = drive.hazard_in(state)
    login_as(park.user_a)
    page = client.get(f"/hazards/{hazard.id}").get_data(as_text=True)
    assert "data-prerequisite=" not in page


def test_staff_see_the_list_without_links_to_forms_they_cannot_use(client, park, drive, login_as):
    hazard = drive.hazard_in("rectifying")
    login_as(park.inspector)
    page = client.get(f"/hazards/{hazard.id}").get_data(as_text=True)
    assert _page_items(page)["measures"] == "no"
