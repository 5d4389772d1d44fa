"""Checklist results: each item 合格 / 不合格 / 不适用, saved the moment it is tapped, by the inspection's
own inspectors (or an admin) while it is in progress; filing a hazard marks its item 不合格."""
from sqlalchemy import func, select

from safety_app import inspections, lifecycle
from safety_app.extensions import db
from safety_app.models import Hazard, InspectionResult
from safety_app.models.enums import InspectionStatus

from ..conftest import major_criterion
from .conftest import tap


def _results(inspection):
    return {r.item: r.result for r in db.session.scalars(
        select(InspectionResult).where(InspectionResult.inspection_id == inspection.id))}


def test_a_started_inspection_is_in_progress(inspection):
    assert inspection.status == InspectionStatus.IN_PROGRESS
    assert inspection.completed_at is None


def test_a_tap_saves_the_result_at_once_and_a_second_tap_changes_it(client, park, inspection, as_inspector):
    response = tap(client, inspection, "fire", "passed")
    assert response.status_code == 200
    body = response.get_json()
    assert body["item"] == "fire" and body["result"] == "passed" and body["message"] == "已保存"
    assert body["counts"] == {"passed": 1, "failed": 0, "not_applicable": 0, "unanswered": 17}
    assert _results(inspection) == {"fire": "passed"}

    assert tap(client, inspection, "fire", "not_applicable").status_code == 200
    assert tap(client, inspection, "equipment", "failed", note="安全阀铅封缺失").status_code == 200
    assert _results(inspection) == {"fire": "not_applicable", "equipment": "failed"}
    assert db.session.scalar(select(func.count()).select_from(InspectionResult)) == 2
    row = db.session.scalar(select(InspectionResult).where(InspectionResult.item == "equipment"))
    assert row.note == "安全阀铅封缺失" and row.recorded_by_id == park.inspector.id
    db.session.refresh(inspection)
    assert inspection.checklist == ["fire", "equipment"]  # what was looked at follows the results


def test_without_javascript_the_same_buttons_post_and_come_back_to_the_item(client, inspection, as_inspector):
    response = tap(client, inspection, "fire", "failed", json=False)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/inspections/{inspection.id}#item-fire")
    page = client.get(f"/inspections/{inspection.id}").get_data(as_text=True)
    assert 'name="result" value="failed" class="res res-failed" aria-pressed="true"' in page
    assert 'name="result" value="passed" class="res res-passed" aria-pressed="false"' in page


def test_the_page_shows_the_counts_and_the_results_of_every_visit(client, inspection, as_inspector):
    tap(client, inspection, "fire", "passed")
    tap(client, inspection, "equipment", "failed")
    tap(client, inspection, "storage", "not_applicable")
    page = client.get(f"/inspections/{inspection.id}").get_data(as_text=True)
    for label, key, count in (("合格", "passed", 1), ("不合格", "failed", 1), ("不适用", "not_applicable", 1),
                              ("未查", "unanswered", 15)):
        assert f'{label} <b data-count="{key}">{count}</b>' in page


def test_a_criterion_item_can_be_recorded_too(client, inspection, as_inspector):
    set_code, clause = major_criterion()
    code = f"criterion:{set_code}:{clause}"
    assert tap(client, inspection, code, "passed").status_code == 200
    assert _results(inspection) == {code: "passed"}


def test_an_unknown_item_or_result_is_refused_and_writes_nothing(client, inspection, as_inspector):
    response = tap(client, inspection, "no-such-item", "passed")
    assert response.status_code == 422 and response.get_json()["error"]["message"] == "未知的检查项目。"
    response = tap(client, inspection, "fire", "maybe")
    assert response.status_code == 422 and "合格" in response.get_json()["error"]["message"]
    assert _results(inspection) == {}


def test_only_the_inspections_own_inspectors_or_an_admin_record_results(client, park, inspection, login_as):
    from safety_app.accounts import create_user

    from ..conftest import PASSWORD

    other = create_user("inspector3", PASSWORD, "inspector", display_name="王其他")
    login_as(other)
    assert tap(client, inspection, "fire", "passed").status_code == 403
    assert client.get(f"/inspections/{inspection.id}/complete").status_code == 403
    login_as(park.admin)
    assert tap(client, inspection, "fire", "passed").status_code == 200
    login_as(park.inspector2)  # a co-inspector
    assert tap(client, inspection, "fire", "failed").status_code == 200
    assert _results(inspection) == {"fire": "failed"}


def test_enterprise_users_may_not_record_results_and_another_enterprise_does_not_see_it(client, park, inspection,
                                                                                        login_as):
    login_as(park.user_a)
    assert tap(client, inspection, "fire", "passed").status_code == 403
    assert client.get(f"/inspections/{inspection.id}/complete").status_code == 403
    page = client.get(f"/inspections/{inspection.id}").get_data(as_text=True)
    assert 'name="result"' not in page  # read-only for the enterprise
    login_as(park.user_b)
    assert tap(client, inspection, "fire", "passed").status_code == 403
    assert client.get(f"/inspections/{inspection.id}").status_code == 404
    assert _results(inspection) == {}


def test_the_core_refuses_other_users_too(park, inspection):
    import pytest

    with pytest.raises(lifecycle.NotAllowed):
        inspections.record_result(inspection, park.user_a, "fire", "passed")
    assert _results(inspection) == {}


def test_filing_a_hazard_marks_its_item_failed_in_the_same_transaction(client, park, inspection, as_inspector):
    tap(client, inspection, "equipment", "passed")
    response = client.post(f"/inspections/{inspection.id}/hazards/new", data={
        "title": "可燃气体报警器失效", "category": "equipment", "location": "罐区", "deadline_preset": "7"},
        content_type="multipart/form-data")
    assert response.status_code == 302
    assert _results(inspection) == {"equipment": "failed"}
    set_code, clause = major_criterion()
    park.hazard(inspection=inspection, major=True, category="fire")
    assert _results(inspection) == {"equipment": "failed", "fire": "failed",
                                    f"criterion:{set_code}:{clause}": "failed"}


def test_a_refused_hazard_marks_nothing(park, inspection):
    import pytest

    with pytest.raises(lifecycle.Invalid):
        lifecycle.file_hazard(park.inspector, enterprise=park.a, inspection=inspection, title="", category="fire",
                              deadline=inspection.inspected_on)
    assert _results(inspection) == {}


def test_the_inspections_list_shows_the_status_with_a_filter(client, park, inspection, as_inspector):
    done = lifecycle.start_inspection(park.inspector, enterprise=park.b, inspection_type="routine")
    done.status = InspectionStatus.COMPLETED.value
    db.session.commit()
    page = client.get("/inspections/").get_data(as_text=True)
    assert "进行中" in page and "已完成" in page
    page = client.get("/inspections/?status=in_progress").get_data(as_text=True)
    assert park.a.name in page and park.b.name not in page
    page = client.get("/inspections/?status=completed").get_data(as_text=True)
    assert park.b.name in page and park.a.name not in page
    assert client.get("/inspections/?status=bogus").status_code == 400


def test_hazards_filed_on_site_still_count(park, inspection):
    park.hazard(inspection=inspection)
    assert db.session.scalar(select(func.count()).select_from(Hazard).where(Hazard.inspection_id == inspection.id)) == 1
