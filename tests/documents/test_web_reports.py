"""Reports page, downloads and the issue buttons: only who may see a document gets it."""
from urllib.parse import quote

from flask import render_template
from flask_login import login_user

from safety_app.documents import service
from safety_app.extensions import db
from safety_app.models import Document
from tests.conftest import login


def test_anonymous_download_goes_to_the_login_page(client, park):
    document = service.issue_notice([park.hazard()], park.inspector, officers=park.officers)
    response = client.get(f"/reports/{document.id}/download")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_enterprise_user_downloads_own_notice_with_chinese_file_name(client, park):
    document = service.issue_notice([park.hazard(park.a)], park.inspector, officers=park.officers)
    response = login(client, park.user_a).get(f"/reports/{document.id}/download")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data == service.file_path(document).read_bytes()
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''" + quote(service.download_name(document)) in disposition
    assert "no-store" in response.headers["Cache-Control"]


def test_enterprise_user_cannot_download_another_enterprises_notice(client, park):
    document = service.issue_notice([park.hazard(park.b)], park.inspector, officers=park.officers)
    assert login(client, park.user_a).get(f"/reports/{document.id}/download").status_code == 404


def test_enterprise_user_cannot_download_another_enterprises_report(client, park):
    document = service.build_monthly_report(_this_month(), park.b)
    assert login(client, park.user_a).get(f"/reports/{document.id}/download").status_code == 404


def test_park_report_is_for_staff_only(client, park):
    document = service.build_monthly_report(_this_month())
    assert login(client, park.user_a).get(f"/reports/{document.id}/download").status_code == 404
    client.post("/logout")
    assert login(client, park.inspector).get(f"/reports/{document.id}/download").status_code == 200


def test_missing_document_id_is_404(client, park):
    assert login(client, park.admin).get("/reports/999/download").status_code == 404


def test_enterprise_user_sees_only_own_reports_in_the_list(client, park):
    month = _this_month()
    park_doc = service.build_monthly_report(month)
    own = service.build_monthly_report(month, park.a)
    other = service.build_monthly_report(month, park.b)
    page = login(client, park.user_a).get("/reports/").get_data(as_text=True)
    assert f"/reports/{own.id}/download" in page
    assert f"/reports/{other.id}/download" not in page and f"/reports/{park_doc.id}/download" not in page
    assert park.b.name not in page
    assert 'action="/reports/"' not in page  # no build form for enterprises


def test_staff_builds_a_monthly_report_from_the_form(client, park):
    response = login(client, park.admin).post("/reports/", data={"kind": "monthly", "period": _this_month(),
                                                                "enterprise": str(park.a.id)})
    assert response.status_code == 302
    document = db.session.query(Document).one()
    assert (document.kind, document.enterprise_id, document.created_by_id) == ("monthly", park.a.id, park.admin.id)
    assert f"/reports/{document.id}/download" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_bad_period_is_refused_beside_the_field_and_writes_nothing(client, park):
    response = login(client, park.admin).post("/reports/", data={"kind": "quarterly", "period": "2026-10"})
    assert response.status_code == 422
    assert "请按“年份Q季度”填写，例如 2026Q3。" in response.get_data(as_text=True)
    assert db.session.query(Document).count() == 0


def test_enterprise_user_cannot_build_reports(client, park):
    response = login(client, park.user_a).post("/reports/", data={"kind": "monthly", "period": _this_month()})
    assert response.status_code == 403


def notice_form(hazards, officers, deadlines=None, left_off=(), **extra):
    """The post of the notice's issue form: every hazard listed, ticked unless left off, with its deadline."""
    data = {"officers": [u.id for u in officers], **extra}
    for n, hazard in enumerate(hazards):
        data[f"items-{n}-hazard_id"] = str(hazard.id)
        if hazard not in left_off:
            data[f"items-{n}-include"] = "y"
        data[f"items-{n}-deadline"] = (deadlines or {}).get(hazard.id, hazard.deadline).isoformat()
    return data


def test_inspector_issues_a_notice_for_a_hazard_and_returns_to_the_page(client, park):
    hazard = park.hazard()
    page = login(client, park.inspector).get(f"/reports/hazards/{hazard.id}/notice").get_data(as_text=True)
    assert hazard.code in page and 'name="items-0-deadline"' in page and f'value="{hazard.deadline}"' in page
    assert park.inspector2.certificate_no in page  # the officers to tick
    response = client.post(f"/reports/hazards/{hazard.id}/notice",
                           data=notice_form([hazard], park.officers, next=f"/hazards/{hazard.id}#documents"))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/hazards/{hazard.id}#documents")
    document = db.session.query(Document).one()
    assert document.hazards == [hazard] and document.created_by_id == park.inspector.id
    assert [u.id for u in document.officers] == [park.inspector.id, park.inspector2.id]


def test_second_notice_for_the_same_hazard_is_refused_with_409(client, park):
    hazard = park.hazard()
    login(client, park.inspector).post(f"/reports/hazards/{hazard.id}/notice", data=notice_form([hazard], park.officers))
    response = client.post(f"/reports/hazards/{hazard.id}/notice", data=notice_form([hazard], park.officers))
    assert response.status_code == 409
    assert "已下达整改指令书" in response.get_data(as_text=True)
    assert db.session.query(Document).count() == 1


def test_double_click_with_the_same_key_issues_one_opinion(client, park, rectify):
    hazard = park.hazard()
    notice = service.issue_notice([hazard], park.inspector, officers=park.officers)
    rectify(hazard, "closed")
    park.inspector2.certificate_no = "津应急执120002"
    db.session.commit()
    login(client, park.inspector)
    form = {"key": "k" * 16, "items": [hazard.id], "officers": [park.inspector.id, park.inspector2.id]}
    for _ in range(2):
        assert client.post(f"/reports/{notice.id}/opinion", data=form).status_code == 302
    assert db.session.query(Document).filter_by(kind="opinion").count() == 1


def test_inspector_issues_one_notice_for_an_inspections_hazards(client, park, make_inspection):
    inspection = make_inspection()
    hazards = [park.hazard(inspection=inspection) for _ in range(3)]
    login(client, park.inspector)
    page = client.get(f"/reports/inspections/{inspection.id}/notice").get_data(as_text=True)
    assert all(h.code in page for h in hazards)
    response = client.post(f"/reports/inspections/{inspection.id}/notice",
                           data=notice_form(hazards, park.officers, left_off=hazards[2:]))
    assert response.status_code == 302
    document = db.session.query(Document).one()
    assert document.hazards == hazards[:2] and document.inspection_id == inspection.id


def test_reissue_from_the_web_keeps_both_versions(client, park):
    old = service.issue_notice([park.hazard()], park.inspector, officers=park.officers)
    page = login(client, park.admin).get(f"/reports/{old.id}/reissue").get_data(as_text=True)
    assert old.number in page  # "replaces …"
    assert client.post(f"/reports/{old.id}/reissue", data=notice_form(old.hazards, park.officers)).status_code == 302
    new = db.session.query(Document).filter_by(supersedes_id=old.id).one()
    assert new.version == 2 and service.file_path(old).exists() and new.created_by_id == park.admin.id


def test_enterprise_user_cannot_issue_notices(client, park):
    own, other = park.hazard(park.a), park.hazard(park.b)
    login(client, park.user_a)
    assert client.get(f"/reports/hazards/{own.id}/notice").status_code == 403
    assert client.post(f"/reports/hazards/{own.id}/notice", data=notice_form([own], park.officers)).status_code == 403
    # the role is checked first (permissions.ROUTE_POLICIES), for any id: nothing to learn from it
    assert client.post(f"/reports/hazards/{other.id}/notice").status_code == 403
    assert db.session.query(Document).count() == 0


def test_hazard_panel_lists_documents_and_offers_the_buttons(app, park):
    hazard = park.hazard()
    with app.test_request_context(f"/hazards/{hazard.id}"):
        login_user(park.inspector)
        before = render_template("hazards/_documents.html", hazard=hazard)
    assert f'href="/reports/hazards/{hazard.id}/notice' in before
    notice = service.issue_notice([hazard], park.inspector, officers=park.officers)
    with app.test_request_context(f"/hazards/{hazard.id}"):
        login_user(park.inspector)
        after = render_template("hazards/_documents.html", hazard=hazard)
    assert f"/reports/{notice.id}/download" in after and notice.number in after
    assert f'href="/reports/{notice.id}/reissue' in after
    assert f'href="/reports/hazards/{hazard.id}/notice' not in after
    with app.test_request_context(f"/hazards/{hazard.id}"):
        login_user(park.user_a)
        enterprise_view = render_template("hazards/_documents.html", hazard=hazard)
    assert f"/reports/{notice.id}/download" in enterprise_view and "reissue" not in enterprise_view


def test_inspection_panel_offers_a_notice_for_hazards_without_one(app, park, make_inspection):
    inspection = make_inspection()
    park.hazard(inspection=inspection)
    with app.test_request_context(f"/inspections/{inspection.id}"):
        login_user(park.inspector)
        page = render_template("inspections/_documents.html", inspection=inspection)
    assert f'href="/reports/inspections/{inspection.id}/notice' in page


def _this_month():
    from safety_app.clock import today

    return today().strftime("%Y-%m")
