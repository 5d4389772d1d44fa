"""The re-inspection opinion's issue form: items with a finding since the notice, officers, quoting."""
from safety_app.documents import service
from safety_app.extensions import db
from safety_app.models import Document
from tests.conftest import login


def _certify(park):
    park.inspector2.certificate_no = "津应急执120002"
    db.session.commit()


def test_the_form_offers_only_items_with_a_finding_and_ticks_the_officers_present(client, park, rectify):
    _certify(park)
    done, waiting = park.hazard(), park.hazard(title="消防通道被物料占用")
    notice = service.issue_notice([done, waiting], park.inspector, officers=park.officers)
    rectify(done, "closed")  # verified by 李复查 with 张检查 present
    page = login(client, park.inspector).get(f"/reports/{notice.id}/opinion").get_data(as_text=True)
    assert f'name="items" value="{done.id}" checked' in page
    assert f'name="items" value="{waiting.id}"' not in page and "消防通道被物料占用" in page
    assert "自发出指令书后尚无复查结论" in page
    for user in (park.inspector, park.inspector2):
        assert f'name="officers" type="checkbox" value="{user.id}"' in page.replace('checked ', '')


def test_posting_the_form_issues_the_opinion_with_the_chosen_officers(client, park, rectify):
    _certify(park)
    hazard = park.hazard()
    notice = service.issue_notice([hazard], park.inspector, officers=park.officers)
    rectify(hazard, "closed")
    login(client, park.admin)
    response = client.post(f"/reports/{notice.id}/opinion", data={
        "items": [hazard.id], "officers": [park.inspector.id, park.inspector2.id], "quote_notes": "y",
        "next": f"/hazards/{hazard.id}#documents"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/hazards/{hazard.id}#documents")
    opinion = db.session.query(Document).filter_by(kind="opinion").one()
    assert opinion.officers == [park.inspector, park.inspector2] and opinion.created_by_id == park.admin.id


def test_one_officer_is_refused_on_the_form_and_nothing_is_written(client, park, rectify):
    hazard = park.hazard()
    notice = service.issue_notice([hazard], park.inspector, officers=park.officers)
    rectify(hazard, "closed")
    response = login(client, park.inspector).post(f"/reports/{notice.id}/opinion", data={
        "items": [hazard.id], "officers": [park.inspector.id]})
    assert response.status_code == 422
    assert "至少需要两名持有执法证号的执法人员" in response.get_data(as_text=True)
    assert db.session.query(Document).filter_by(kind="opinion").count() == 0


def test_a_notice_without_findings_shows_why_no_opinion_can_be_issued(client, park):
    _certify(park)
    hazard = park.hazard()
    notice = service.issue_notice([hazard], park.inspector, officers=park.officers)
    login(client, park.inspector)
    page = client.get(f"/reports/{notice.id}/opinion").get_data(as_text=True)
    assert "尚无复查结论" in page and 'type="submit"' not in page.split('id="opinion-items"')[1].split("</form>")[0]
    response = client.post(f"/reports/{notice.id}/opinion", data={
        "items": [hazard.id], "officers": [park.inspector.id, park.inspector2.id]})
    assert response.status_code == 409 and hazard.code in response.get_data(as_text=True)
    assert db.session.query(Document).filter_by(kind="opinion").count() == 0


def test_enterprise_user_gets_404_for_the_form_of_its_own_notice(client, park):
    notice = service.issue_notice([park.hazard()], park.inspector, officers=park.officers)
    assert login(client, park.user_a).get(f"/reports/{notice.id}/opinion").status_code in (403, 404)
