"""Dates outside the accepted window on the web: a field-level message in Chinese, nothing written;
the cores refuse them too (whoever calls)."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from safety_app import clock, lifecycle
from safety_app.extensions import db
from safety_app.models import ExtensionRequest, ExtensionStatus, Hazard, Inspection, Measure
from safety_app.validation import date_window

WINDOW_MESSAGE = "请填写"  # 请填写 2000-01-01 至 …-12-31 之间的日期。


def _page(response):
    return response.get_data(as_text=True)


def test_web_inspection_dated_1900_is_refused_in_chinese_and_nothing_written(client, park, login_as):
    login_as(park.inspector)
    response = client.post("/inspections/new", data={
        "enterprise_id": park.a.id, "inspection_type": "routine", "inspected_on": "1900-01-01"})
    assert response.status_code == 422
    page = _page(response)
    assert WINDOW_MESSAGE in page and "2000-01-01" in page
    assert db.session.scalar(select(Inspection.id)) is None


def test_web_hazard_with_deadline_in_2099_is_refused_in_chinese_and_nothing_written(client, park, login_as):
    login_as(park.inspector)
    inspection = lifecycle.start_inspection(park.inspector, enterprise=park.a, inspection_type="routine")
    response = client.post(f"/inspections/{inspection.id}/hazards/new", data={
        "title": "可燃气体报警器失效", "category": "equipment", "deadline_preset": "date",
        "deadline": "2099-01-01"}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert WINDOW_MESSAGE in _page(response)
    assert db.session.scalar(select(Hazard.id)) is None


def test_web_measure_with_deadline_in_2099_is_refused_in_chinese_and_nothing_written(client, park, login_as):
    hazard = park.hazard()
    login_as(park.user_a)
    response = client.post(f"/hazards/{hazard.id}/measures/new", data={
        "version": hazard.version, "description": "更换报警器", "deadline": "2099-01-01"})
    assert response.status_code == 422
    assert WINDOW_MESSAGE in _page(response)
    assert db.session.scalar(select(Measure.id)) is None


def test_web_extension_to_2099_is_refused_and_no_request_written(client, park, login_as):
    hazard = park.hazard()
    login_as(park.user_a)
    response = client.post(f"/hazards/{hazard.id}/actions/request_extension", data={
        "request_extension-version": hazard.version, "request_extension-reason": "进口备件未到",
        "request_extension-new_deadline": "2099-01-01"})
    assert response.status_code == 422
    assert WINDOW_MESSAGE in _page(response)
    assert db.session.scalar(select(ExtensionRequest.id)) is None


def test_web_report_for_a_month_before_2000_is_refused_in_chinese(client, park, login_as):
    login_as(park.admin)
    response = client.post("/reports/", data={"kind": "monthly", "period": "1999-12"})
    assert response.status_code == 422
    assert WINDOW_MESSAGE in _page(response)


def test_hazard_found_in_1999_is_refused_by_the_core(park):
    with pytest.raises(lifecycle.Invalid) as refused:
        park.hazard(found_on=date(1999, 12, 31), deadline=clock.today())
    assert refused.value.field == "found_on"
    assert db.session.scalar(select(Hazard.id)) is None


def test_approving_a_stored_request_beyond_the_window_is_refused_and_the_deadline_stays(park):
    hazard = park.hazard()
    deadline = hazard.deadline
    db.session.add(ExtensionRequest(hazard=hazard, requested_by_id=park.user_a.id, current_deadline=deadline,
                                    requested_deadline=date_window()[1] + timedelta(days=1), reason="旧申请",
                                    status=ExtensionStatus.PENDING))
    db.session.commit()
    with pytest.raises(lifecycle.Invalid):
        lifecycle.apply(hazard, "approve_extension", park.admin, version=hazard.version)
    db.session.refresh(hazard)
    assert hazard.deadline == deadline
    assert db.session.scalar(select(ExtensionRequest.status)) == ExtensionStatus.PENDING
