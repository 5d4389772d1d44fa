"""Text that looks like an attack is valid data: stored verbatim, shown escaped on every page,
written as plain text into PDFs, and neutralised in CSV/XLSX cells against formula injection."""
import csv
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from safety_app import lifecycle
from safety_app.documents import service
from safety_app.extensions import db
from safety_app.models import Enterprise, Hazard

from ..conftest import make_credit_code
from .hostile import SCRIPT, SQL

ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
FORMULAS = ["=1+2", "+SUM(A1)", "-2+3", "@cmd|' /C calc'!A0"]


def _file(client, inspection_id, title):
    return client.post(f"/inspections/{inspection_id}/hazards/new", data={
        "title": title, "category": "equipment", "deadline_preset": "7", "location": SQL,
        "description": SCRIPT + "\n" + SQL}, content_type="multipart/form-data")


def test_a_script_in_a_hazard_title_is_stored_verbatim_and_shown_escaped(client, park, estate, login_as):
    login_as(park.inspector)
    assert _file(client, estate.a.inspection, SCRIPT).status_code == 302
    hazard = db.session.scalars(select(Hazard).where(Hazard.title == SCRIPT)).one()
    assert hazard.location == SQL and hazard.description == SCRIPT + "\n" + SQL
    pages = [f"/hazards/{hazard.id}", f"/inspections/{estate.a.inspection}", "/ledgers/hazards", "/hazards/queue",
             "/dashboard"]
    for user in (park.inspector, park.user_a):
        login_as(user)
        for url in pages + (["/portal/"] if user is park.user_a else []):
            response = client.get(url)
            if response.status_code == 403:
                continue
            body = response.get_data(as_text=True)
            assert SCRIPT not in body, url
        assert ESCAPED in client.get(f"/hazards/{hazard.id}").get_data(as_text=True)


def test_the_sql_fragment_did_nothing_to_the_database(client, park, estate, login_as):
    login_as(park.inspector)
    assert _file(client, estate.a.inspection, SQL).status_code == 302
    assert db.session.scalars(select(Hazard).where(Hazard.title == SQL)).one()
    assert client.get("/ledgers/hazards", query_string={"q": SQL}).status_code == 200
    assert db.session.query(Hazard).count() == 5  # the estate's four and this one


def test_a_script_in_an_enterprise_name_is_stored_verbatim_and_shown_escaped(client, park, login_as):
    login_as(park.admin)
    response = client.post("/enterprises/new", data={"name": SCRIPT, "credit_code": make_credit_code(77),
                                                     "major_hazard_installation": "none", "contact_name": SCRIPT,
                                                     "contact_phone": "13820001234", "address": SQL})
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    enterprise = db.session.scalars(select(Enterprise).where(Enterprise.name == SCRIPT)).one()
    park.hazard(enterprise)
    for url in ("/enterprises/", f"/enterprises/{enterprise.id}", "/ledgers/hazards", "/dashboard",
                "/inspections/new", "/admin/users/new"):
        body = client.get(url).get_data(as_text=True)
        assert SCRIPT not in body, url
    assert ESCAPED in client.get(f"/enterprises/{enterprise.id}").get_data(as_text=True)


def test_a_script_in_a_measure_is_stored_verbatim_and_shown_escaped(client, park, drive, login_as):
    hazard = drive.hazard_in("rectifying")
    login_as(park.user_a)
    response = client.post(f"/hazards/{hazard.id}/measures/new", data={
        "version": hazard.version, "description": SCRIPT, "interim_precautions": SQL, "responsible_person": SCRIPT})
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    db.session.expire_all()
    measure = db.session.get(Hazard, hazard.id).measures[-1]
    assert (measure.description, measure.interim_precautions, measure.responsible_person) == (SCRIPT, SQL, SCRIPT)
    for url in (f"/hazards/{hazard.id}", "/ledgers/measures", f"/hazards/{hazard.id}/measures/{measure.id}"):
        assert SCRIPT not in client.get(url).get_data(as_text=True), url


def test_text_in_a_pdf_is_plain_text_not_markup(park, estate):
    hazard = park.hazard(title=SCRIPT + ' <b>粗体</b> & <font size="90">大</font>')
    document = service.issue_notice([hazard], park.admin, officers=park.officers)
    text = "".join(page.extract_text() for page in PdfReader(service.file_path(document)).pages)
    assert "<script>alert(1)</script>" in text.replace("\n", "")
    assert "<b>粗体</b>" in text.replace("\n", "")


@pytest.fixture
def formula_park(park):
    hazard = park.hazard(title=FORMULAS[0])
    hazard.location, hazard.description, hazard.responsible_person = FORMULAS[1], FORMULAS[2], FORMULAS[3]
    db.session.commit()
    lifecycle.save_measure(hazard, park.user_a, description=FORMULAS[0], responsible_person=FORMULAS[3],
                           interim_precautions=FORMULAS[1], evidence_note=FORMULAS[2])
    return park


def _neutral(value):
    return not isinstance(value, str) or not value.startswith(("=", "+", "-", "@"))


@pytest.mark.parametrize("kind", ["hazards", "measures"])
def test_csv_cells_that_start_a_formula_are_neutralised(client, formula_park, login_as, kind):
    login_as(formula_park.admin)
    body = client.get(f"/ledgers/{kind}/export.csv").get_data().decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(body)) for cell in row]
    for formula in FORMULAS:
        assert "'" + formula in cells
    assert all(_neutral(c) for c in cells)


@pytest.mark.parametrize("kind", ["hazards", "measures"])
def test_xlsx_cells_that_start_a_formula_are_text_not_formulas(client, formula_park, login_as, kind):
    login_as(formula_park.admin)
    workbook = load_workbook(io.BytesIO(client.get(f"/ledgers/{kind}/export.xlsx").get_data()))
    cells = [cell for row in workbook.active.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert all(_neutral(c.value) for c in cells)
    assert "'" + FORMULAS[0] in [c.value for c in cells]


def test_control_characters_in_a_form_are_refused_with_a_message_and_nothing_is_stored(client, park, estate,
                                                                                       login_as):
    login_as(park.inspector)
    response = _file(client, estate.a.inspection, "安全阀\x00超期\x1b")
    assert response.status_code == 422
    assert "控制字符" in response.get_data(as_text=True)
    assert db.session.query(Hazard).count() == 4


def test_tabs_and_line_breaks_are_kept(client, park, estate, login_as):
    login_as(park.inspector)
    client.post(f"/inspections/{estate.a.inspection}/hazards/new", data={
        "title": "安全阀\t超期", "category": "equipment", "deadline_preset": "7", "description": "一\r\n二\n三"},
        content_type="multipart/form-data")
    hazard = db.session.scalars(select(Hazard).where(Hazard.title == "安全阀\t超期")).one()
    assert "二\n三" in hazard.description


def test_control_characters_in_json_are_refused_with_the_field_untouched(client, park, estate, token_of):
    auth = {"Authorization": f"Bearer {token_of(park.admin)}"}
    response = client.post("/api/v1/hazards", headers=auth, json={
        "enterprise_id": estate.a.enterprise, "title": "安全阀\x07", "category": "equipment",
        "deadline": "2030-01-01"})
    assert response.status_code == 422 and response.get_json()["error"]["message"]
    assert db.session.query(Hazard).count() == 4
