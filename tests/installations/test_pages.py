"""The installation pages: the calculation shown term by term, the Σq/Q < 1 case said, the form's
errors beside the lines with nothing written, the report PDF checked, the board PDF (pypdf text),
"my 包保 tasks", the park table with missed duties, and the filing form's installation choice."""
import io
from datetime import date

from pypdf import PdfReader
from sqlalchemy import func, select

from safety_app import duties
from safety_app.extensions import db
from safety_app.jobs import ledger
from safety_app.models import Hazard, Installation

from ..loop.conftest import image_bytes
from .conftest import pdf_bytes, register, with_persons

FORM = {
    "code": "RA-09", "name": "液氯库", "kind": "storage", "location": "西库区", "people_within_500m": "35",
    "assessed_on": "2026-06-01", "validity_years": "3", "filed_on": "", "filing_no": "",
    "principal_id": "", "technical_id": "", "operations_id": "",
    "substances-0-name": "液氯", "substances-0-cas": "7782-50-5", "substances-0-max_quantity": "20",
    "substances-0-critical_quantity": "5", "substances-0-beta": "4",
}


def test_the_page_shows_each_term_the_sums_alpha_r_and_the_level(client, people, login_as):
    installation = register(people)
    login_as(people.user_a)
    page = client.get(f"/installations/{installation.id}").get_data(as_text=True)
    assert 'data-term="0">10.00<' in page and 'data-term="1">0.40<' in page
    assert "data-sum-ratio>5.40<" in page and "data-sum-terms>10.40<" in page
    assert "R = α · Σ β·q/Q = 1.5 × 10.40 = <span data-r>15.60</span>" in page
    assert 'data-level="level3"' in page


def test_the_page_says_when_a_unit_is_not_a_major_hazard_installation(client, people, login_as):
    installation = register(people, substances=[{"name": "甲醇", "max_quantity": "200", "critical_quantity": "500"}])
    login_as(people.inspector)
    page = client.get(f"/installations/{installation.id}").get_data(as_text=True)
    assert "data-not-major" in page and 'data-level="none"' in page and "0.40" in page


def test_the_form_registers_and_its_errors_stand_beside_the_line(client, people, login_as):
    login_as(people.user_a)
    bad = {**FORM, "substances-0-critical_quantity": "0"}
    response = client.post("/installations/new", data=bad)
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(Installation.id))) == 0
    page = response.get_data(as_text=True)
    assert page.count("has-error") == 1 and 'data-line="0"' in page
    assert page.count("data-line=") == 1 + 3  # the line and three empty ones to add more
    # The form's empty lines (β keeps its default 1) are not substances.
    empty = {f"substances-{n}-{k}": v for n in (1, 2) for k, v in (("name", ""), ("cas", ""), ("max_quantity", ""),
                                                                   ("critical_quantity", ""), ("beta", "1"))}
    response = client.post("/installations/new", data={**FORM, **empty})
    assert response.status_code == 302
    created = db.session.scalar(select(Installation))
    # α for 35 people is 1.2; Σβq/Q = 4 × 20/5 = 16 → R = 19.2 → 三级
    assert created.enterprise_id == people.a.id and created.level == "level3"


def test_staff_register_for_the_enterprise_they_name(client, people, login_as):
    login_as(people.inspector)
    assert client.post(f"/installations/new?enterprise={people.b.id}", data=FORM).status_code == 302
    assert db.session.scalar(select(Installation.enterprise_id)) == people.b.id


def test_the_enterprise_form_no_longer_edits_the_level(client, people, login_as):
    login_as(people.admin)
    page = client.get(f"/enterprises/{people.a.id}/edit").get_data(as_text=True)
    assert "major_hazard_installation" not in page


def test_the_report_must_be_a_pdf(client, people, login_as):
    installation = register(people)
    login_as(people.user_a)
    client.post(f"/installations/{installation.id}/report",
                data={"file": (io.BytesIO(image_bytes()), "报告.pdf")}, content_type="multipart/form-data")
    db.session.refresh(installation)
    assert installation.report_stored_name is None
    client.post(f"/installations/{installation.id}/report",
                data={"file": (io.BytesIO(pdf_bytes()), "安全评估报告.pdf")}, content_type="multipart/form-data")
    db.session.refresh(installation)
    assert installation.report_name == "安全评估报告.pdf"
    download = client.get(f"/installations/{installation.id}/report.pdf")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")


def test_the_board_pdf_names_the_three_persons_and_phones(client, people, login_as):
    installation = with_persons(people)
    login_as(people.inspector)
    response = client.get(f"/installations/{installation.id}/board.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    for expected in ("重大危险源安全包保公示牌", "液氨罐区", "主要负责人", "王总", "13800000011", "技术负责人", "李工",
                     "13800000012", "操作负责人", "赵班长", "13800000013", "三级", "每周至少一次包保检查"):
        assert expected in text, expected


def test_my_duty_tasks_and_recording_a_check_on_the_page(client, people, login_as, at):
    at("2026-12-02 09:00")
    installation = with_persons(people)
    ledger.run("duty-tasks", date(2026, 12, 2))
    login_as(people.operations)
    page = client.get("/installations/my-duties").get_data(as_text=True)
    assert "2026-W49" in page and 'data-task-status="open"' in page
    response = client.post(f"/installations/{installation.id}/duty-check", data={
        "role": "operations", "checked_on": "2026-12-02", "scope": "罐区巡检", "findings": "呼吸阀锈蚀",
        "file_hazard": "y", "hazard_title": "呼吸阀锈蚀", "hazard_category": "equipment",
        "hazard_deadline": "2026-12-09"})
    assert response.status_code == 302
    assert 'data-task-status="done"' in client.get("/installations/my-duties").get_data(as_text=True)
    hazard = db.session.scalar(select(Hazard))
    assert (hazard.source, hazard.installation_id) == ("duty_check", installation.id)
    page = client.get(f"/installations/{installation.id}").get_data(as_text=True)
    assert "呼吸阀锈蚀" in page and hazard.code in page  # listed under its open hazards
    page = client.get(f"/hazards/{hazard.id}").get_data(as_text=True)
    assert f'data-installation="{installation.id}"' in page and 'data-source="duty_check"' in page


def test_the_park_table_lists_installations_with_missed_duties(client, people, login_as, at):
    at("2026-12-02 09:00")
    late = with_persons(people)
    fine = with_persons(people, code="RA-02", name="乙醇罐区")
    ledger.run("duty-tasks", date(2026, 12, 2))
    at("2026-12-05 09:00")
    duties.record_check(fine, people.operations, role="operations", checked_on=date(2026, 12, 5), scope="巡检")
    at("2026-12-07 09:00")
    ledger.run("duty-tasks", date(2026, 12, 7))
    login_as(people.admin)
    page = client.get("/installations/?missed=1").get_data(as_text=True)
    assert late.name in page and fine.name not in page and 'data-missed="1"' in page
    assert fine.name in client.get("/installations/").get_data(as_text=True)


def test_the_filing_form_links_only_an_installation_of_the_inspected_enterprise(client, people, login_as):
    from safety_app import lifecycle

    mine = register(people)
    other = register(people, enterprise=people.b, actor=people.user_b, code="RB-01")
    inspection = lifecycle.start_inspection(people.inspector, enterprise=people.a, inspection_type="routine")
    login_as(people.inspector)
    form = {"title": "罐区问题", "category": "equipment", "deadline_preset": "7", "installation": str(other.id)}
    response = client.post(f"/inspections/{inspection.id}/hazards/new", data=form)
    assert response.status_code == 422 and db.session.scalar(select(func.count(Hazard.id))) == 0
    response = client.post(f"/inspections/{inspection.id}/hazards/new", data={**form, "installation": str(mine.id)})
    assert response.status_code == 302
    assert db.session.scalar(select(Hazard.installation_id)) == mine.id


def test_the_api_links_only_an_installation_of_the_hazards_enterprise(client, people, token_of):
    mine = register(people)
    other = register(people, enterprise=people.b, actor=people.user_b, code="RB-01")
    auth = {"Authorization": f"Bearer {token_of(people.inspector)}"}
    body = {"enterprise_id": people.a.id, "title": "罐区问题", "category": "equipment", "deadline": "2030-01-01"}
    refused = client.post("/api/v1/hazards", json={**body, "installation_id": other.id}, headers=auth)
    assert refused.status_code == 422 and refused.get_json()["error"]["field"] == "installation_id"
    created = client.post("/api/v1/hazards", json={**body, "installation_id": mine.id}, headers=auth)
    assert created.status_code == 201
    assert created.get_json()["installation_id"] == mine.id and created.get_json()["source"] == "government_inspection"


def test_the_edit_form_shows_the_quantities_plainly(client, people, login_as):
    installation = register(people)
    login_as(people.user_a)
    page = client.get(f"/installations/{installation.id}/edit").get_data(as_text=True)
    assert 'value="50"' in page and 'value="0.5"' not in page and "50.000" not in page
    assert 'name="substances-1-critical_quantity"' in page and 'value="500"' in page
