"""Re-inspection findings: verify records 合格, reject 不合格, with date, inspectors present and opinion."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from safety_app import audit, clock, lifecycle
from safety_app.extensions import db
from safety_app.models import Event, ReinspectionFinding

from .conftest import snapshot


def _findings():
    return db.session.scalar(select(func.count(ReinspectionFinding.id)))


def test_verify_records_a_passed_finding_carried_by_its_event(park, drive):
    hazard = drive.hazard_in("submitted")
    event = lifecycle.apply(hazard, "verify", park.inspector, version=hazard.version, reinspected_on=clock.today(),
                            inspectors=[park.inspector2.id, park.inspector.id], opinion="安全阀已校验，现场复查合格")
    [finding] = hazard.findings
    assert (finding.result, finding.reinspected_on, finding.opinion) == ("passed", clock.today(),
                                                                          "安全阀已校验，现场复查合格")
    assert finding.inspectors == [park.inspector2, park.inspector]  # in the order named
    assert finding.recorded_by == park.inspector and finding.event_id == event.id
    assert event.comment == "安全阀已校验，现场复查合格"
    assert event.data["finding"] == {"result": "passed", "reinspected_on": clock.today().isoformat(),
                                     "inspectors": [park.inspector2.id, park.inspector.id],
                                     "opinion": "安全阀已校验，现场复查合格"}
    ok, _checked, problem = audit.verify_chain()
    assert ok, problem


def test_reject_records_a_failed_finding_whose_opinion_is_the_reason(park, drive):
    hazard = drive.hazard_in("submitted")
    lifecycle.apply(hazard, "reject", park.inspector2, version=hazard.version, reason="压力表未更换")
    [finding] = hazard.findings
    assert (finding.result, finding.opinion, finding.reinspected_on) == ("failed", "压力表未更换", clock.today())
    assert finding.inspectors == [park.inspector2]  # nobody named: the one who records it
    assert hazard.status == "rectifying"


def test_the_newest_finding_comes_first(park, drive):
    hazard = drive.hazard_in("submitted")
    lifecycle.apply(hazard, "reject", park.inspector, version=hazard.version, reason="第一次复查不合格")
    drive.ready_to_submit(hazard)
    drive.apply(hazard, "submit", park.user_a, note="再次整改")
    drive.apply(hazard, "verify", park.inspector, opinion="第二次复查合格")
    assert [f.opinion for f in hazard.findings] == ["第二次复查合格", "第一次复查不合格"]


@pytest.mark.parametrize("action, data, field", [
    ("verify", {}, "opinion"),
    ("verify", {"opinion": "   "}, "opinion"),
    ("verify", {"opinion": "甲" * 4001}, "opinion"),
    ("reject", {"reason": ""}, "reason"),
    ("verify", {"opinion": "合格", "reinspected_on": "before"}, "reinspected_on"),
    ("verify", {"opinion": "合格", "reinspected_on": "tomorrow"}, "reinspected_on"),
    ("reject", {"reason": "不合格", "inspectors": []}, "inspectors"),
    ("reject", {"reason": "不合格", "inspectors": ["enterprise"]}, "inspectors"),
    ("verify", {"opinion": "合格", "inspectors": [999999]}, "inspectors"),
])
def test_a_finding_without_opinion_or_with_a_bad_date_or_inspector_writes_nothing(park, drive, action, data, field):
    hazard = drive.hazard_in("submitted")
    days = {"before": clock.today() - timedelta(days=1), "tomorrow": clock.today() + timedelta(days=1)}
    data = {k: days.get(v, v) if k == "reinspected_on" else v for k, v in data.items()}
    if data.get("inspectors") == ["enterprise"]:
        data["inspectors"] = [park.user_a.id]
    before, events = snapshot(hazard), db.session.scalar(select(func.count(Event.id)))
    with pytest.raises(lifecycle.Invalid) as refused:
        lifecycle.apply(hazard, action, park.inspector, version=hazard.version, **data)
    assert refused.value.field == field
    assert snapshot(hazard) == before
    assert _findings() == 0 and db.session.scalar(select(func.count(Event.id))) == events


def test_a_date_before_the_submission_names_the_submission_day(park, drive, time_machine):
    hazard = drive.hazard_in("rectifying")
    time_machine.move_to(clock.local_now() + timedelta(days=2))
    drive.ready_to_submit(hazard)
    drive.apply(hazard, "submit", park.user_a, note="已整改")
    with pytest.raises(lifecycle.Invalid) as refused:
        drive.apply(hazard, "verify", park.inspector, opinion="合格", reinspected_on=clock.today() - timedelta(days=1))
    assert clock.today().isoformat() in str(refused.value.message)
    drive.apply(hazard, "verify", park.inspector, opinion="合格", reinspected_on=clock.today())
    assert hazard.status == "closed"


# --------------------------------------------------------------------------- web and API


def test_the_verify_form_records_the_finding_and_the_page_shows_it(client, park, drive, login_as):
    hazard = drive.hazard_in("submitted")
    login_as(park.inspector)
    page = client.get(f"/hazards/{hazard.id}").get_data(as_text=True)
    assert re.search(rf'<input checked[^>]* id="verify-inspectors-\d+" name="verify-inspectors" type="checkbox" '
                     rf'value="{park.inspector.id}">', page)  # the current user is ticked
    assert f'value="{clock.today().isoformat()}"' in page
    response = client.post(f"/hazards/{hazard.id}/actions/verify", data={
        "verify-version": hazard.version, "verify-reinspected_on": clock.today().isoformat(),
        "verify-inspectors": [park.inspector.id, park.inspector2.id], "verify-opinion": "现场复查，已整改到位"})
    assert response.status_code == 302
    page = client.get(f"/hazards/{hazard.id}").get_data(as_text=True)
    findings = page.split('id="findings"')[1].split("</section>")[0]
    assert "合格" in findings and "张检查、李复查" in findings and "现场复查，已整改到位" in findings


def test_the_reject_form_without_opinion_is_refused_beside_the_field(client, park, drive, login_as):
    hazard = drive.hazard_in("submitted")
    before = snapshot(hazard)
    login_as(park.inspector)
    response = client.post(f"/hazards/{hazard.id}/actions/reject", data={
        "reject-version": hazard.version, "reject-reinspected_on": clock.today().isoformat(),
        "reject-inspectors": [park.inspector.id]})
    assert response.status_code == 422 and "该字段是必填字段" in response.get_data(as_text=True)
    assert snapshot(hazard) == before and _findings() == 0


def test_the_verify_form_refuses_a_date_before_the_submission(client, park, drive, login_as):
    hazard = drive.hazard_in("submitted")
    login_as(park.inspector)
    response = client.post(f"/hazards/{hazard.id}/actions/verify", data={
        "verify-version": hazard.version, "verify-opinion": "合格", "verify-inspectors": [park.inspector.id],
        "verify-reinspected_on": (clock.today() - timedelta(days=3)).isoformat()})
    assert response.status_code == 422 and "复查日期不能早于企业提交复查的日期" in response.get_data(as_text=True)
    assert _findings() == 0


def test_the_queue_records_a_finding_for_each_submitted_hazard(client, park, drive, login_as):
    first, second = drive.hazard_in("submitted"), drive.hazard_in("submitted")
    login_as(park.inspector)
    page = client.get("/hazards/queue").get_data(as_text=True)
    for hazard in (first, second):
        for action in ("verify", "reject"):
            assert f'action="/hazards/{hazard.id}/actions/{action}"' in page
    response = client.post(f"/hazards/{second.id}/actions/reject", data={
        "reject-version": second.version, "reject-reinspected_on": clock.today().isoformat(),
        "reject-inspectors": [park.inspector.id], "reject-reason": "仍有渗漏"})
    assert response.status_code == 302
    assert [f.result for f in second.findings] == ["failed"] and first.findings == []
