"""Bulk 复查合格 in the re-inspection queue: one shared finding (date, inspectors present, opinion)
for every ticked submitted hazard, applied hazard by hazard through the lifecycle, all or nothing."""
from datetime import date

import pytest
from sqlalchemy import func, select

from safety_app import audit
from safety_app.extensions import db
from safety_app.models import Event, Hazard, Notification, ReinspectionFinding

OPINION = "现场复查：安全阀均已更换并经校验合格，同意销号。"


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def state():
    """What a refused batch must leave unchanged."""
    db.session.expire_all()
    rows = db.session.execute(select(Hazard.id, Hazard.status, Hazard.version).order_by(Hazard.id)).all()
    return rows, count(Event), count(ReinspectionFinding), count(Notification)


def form(park, hazards, *, versions=None, inspectors=None, opinion=OPINION, day="2026-11-20", extra=()):
    data = [("hazards", str(h.id)) for h in hazards]
    data += [(f"version-{h.id}", str((versions or {}).get(h.id, h.version))) for h in hazards]
    data += [("bulk-reinspected_on", day), ("bulk-opinion", opinion)]
    data += [("bulk-inspectors", str(u.id)) for u in (inspectors or [park.inspector])]
    return data + list(extra)


def post(client, data):
    from werkzeug.datastructures import MultiDict

    return client.post("/hazards/queue/verify", data=MultiDict(data))


def test_the_queue_offers_a_checkbox_per_submitted_hazard_and_one_shared_finding(client, park, drive, login_as):
    hazards = [drive.hazard_in("submitted") for _ in range(2)]
    login_as(park.inspector)
    page = client.get("/hazards/queue").get_data(as_text=True)
    for h in hazards:
        assert f'form="bulk-verify" name="hazards" value="{h.id}"' in page
        assert f'name="version-{h.id}" value="{h.version}"' in page
    assert 'id="bulk-verify"' in page and 'name="bulk-opinion"' in page and 'name="bulk-inspectors"' in page
    assert 'name="csrf_token"' in page
    assert "逾期催办" in page or "催办" in page


def test_staff_verify_several_hazards_with_one_finding(client, park, drive, login_as):
    general = [drive.hazard_in("submitted") for _ in range(3)]
    major = drive.hazard_in("submitted", major=True)
    untouched = drive.hazard_in("submitted")
    login_as(park.inspector)
    response = post(client, form(park, general + [major], inspectors=[park.inspector, park.inspector2]))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    assert [db.session.get(Hazard, h.id).status for h in general] == ["closed"] * 3
    assert db.session.get(Hazard, major.id).status == "verified"  # a major hazard waits for the admin
    assert db.session.get(Hazard, untouched.id).status == "submitted"
    for h in general + [major]:
        finding = db.session.scalar(select(ReinspectionFinding).where(ReinspectionFinding.hazard_id == h.id))
        assert finding.result == "passed" and finding.opinion == OPINION
        assert finding.reinspected_on == date(2026, 11, 20)
        assert {u.id for u in finding.inspectors} == {park.inspector.id, park.inspector2.id}
        assert db.session.get(Event, finding.event_id).action == "verify"
    ok, _checked, problem = audit.verify_chain()
    assert ok, problem
    page = client.get("/hazards/queue").get_data(as_text=True)
    assert "已复查合格 4 项" in page


@pytest.mark.parametrize("spoil", ["stale", "not_submitted", "withdrawn"])
def test_one_refused_hazard_writes_nothing_and_the_page_names_it(client, park, drive, login_as, spoil):
    good = [drive.hazard_in("submitted") for _ in range(2)]
    if spoil == "not_submitted":
        bad = drive.hazard_in("rectifying")
        versions = {}
    elif spoil == "withdrawn":
        bad = drive.hazard_in("withdrawn")
        versions = {}
    else:
        bad = drive.hazard_in("submitted")
        versions = {bad.id: bad.version - 1}  # the page was opened before the last change
    login_as(park.inspector)
    before = state()
    response = post(client, form(park, [good[0], bad, good[1]], versions=versions))
    assert response.status_code in (409, 422)
    page = response.get_data(as_text=True)
    assert state() == before
    message = page[page.index('id="bulk-error"'):]
    assert "未记录任何复查结论" in message[:400] and bad.code in message[:400]
    if spoil == "stale":  # still in the queue: its row is marked (a hazard not submitted is not listed)
        assert f'id="queue-{bad.id}" class="bulk-failed"' in page
    for h in good:  # the ticks are kept for a second try
        assert f'value="{h.id}" checked' in page


def test_a_date_before_a_submission_refuses_the_whole_batch_beside_the_date(client, park, drive, login_as):
    hazards = [drive.hazard_in("submitted") for _ in range(2)]
    login_as(park.inspector)
    before = state()
    response = post(client, form(park, hazards, day="2026-11-01"))
    assert response.status_code == 422
    assert state() == before
    page = response.get_data(as_text=True)
    assert "不能早于" in page or "之前" in page


@pytest.mark.parametrize("field, data, message", [
    ("opinion", {"opinion": ""}, "bulk-opinion"),
    ("reinspected_on", {"day": "2026-13-01"}, "bulk-reinspected_on"),
])
def test_bad_form_input_writes_nothing_and_is_said_beside_the_field(client, park, drive, login_as, field, data,
                                                                     message):
    hazards = [drive.hazard_in("submitted") for _ in range(2)]
    login_as(park.inspector)
    before = state()
    response = post(client, form(park, hazards, **data))
    assert response.status_code == 422
    assert state() == before
    page = response.get_data(as_text=True)
    block = page[page.index(f'name="{message}"'):]
    assert 'class="error"' in block[:600]


def test_no_selection_and_too_many_are_refused_with_a_clear_message(client, park, drive, login_as):
    hazard = drive.hazard_in("submitted")
    login_as(park.inspector)
    before = state()
    response = post(client, form(park, []))
    assert response.status_code == 422 and "请至少勾选一项隐患" in response.get_data(as_text=True)
    too_many = form(park, [hazard]) + [("hazards", str(10_000 + i)) for i in range(200)]
    response = post(client, too_many)
    assert response.status_code == 422
    assert "每次最多 200 项隐患（已勾选 201 项）" in response.get_data(as_text=True)
    assert state() == before


def test_an_unknown_or_invisible_id_refuses_the_batch(client, park, drive, login_as):
    hazard = drive.hazard_in("submitted")
    login_as(park.inspector)
    before = state()
    response = post(client, form(park, [hazard], extra=[("hazards", "999999")]))
    assert response.status_code == 422
    assert state() == before


def test_enterprise_users_may_not_bulk_verify(client, park, drive, login_as):
    hazard = drive.hazard_in("submitted")
    login_as(park.user_a)
    before = state()
    assert post(client, form(park, [hazard])).status_code == 403
    assert state() == before
