"""The major-hazard regime in the documents: the statistics table counts listed supervision (and lifting),
the monthly report lists the month's new major hazards with their basis and counts the
suspensions, and the admin exports the major-hazard reports (重大事故隐患报告) as PDF and XLSX."""
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from safety_app import clock
from safety_app.basis import describe_basis
from safety_app.documents import service
from safety_app.documents.major_report import FIELDS
from tests.conftest import login
from tests.loop.conftest import Driver
from tests.loop.test_major_regime import major_in, suspension


@pytest.fixture
def drive(park):
    return Driver(park)


def _month():
    return f"{clock.today():%Y-%m}"


def _quarter():
    today = clock.today()
    return f"{today.year}Q{(today.month - 1) // 3 + 1}"


def _statistics_row(park):
    from safety_app.documents.statistics_service import statistics_data

    return next(r for r in statistics_data("quarterly", _quarter()).rows if r.name == park.a.name).period


def test_quarterly_table_counts_listed_supervision(park, drive):
    major_in(park, drive, "open", listed=True)
    major_in(park, drive, "open")
    row = _statistics_row(park)
    assert (row.major_found, row.listed_supervision, row.listed_lifted) == (2, 1, 0)


def test_quarterly_table_keeps_counting_a_lifted_listing(park, drive):
    hazard = major_in(park, drive, "closed", listed=True)
    drive.apply(hazard, "lift_supervision", park.admin, lifted_on=clock.today(), lift_document_no="摘〔2026〕1号")
    row = _statistics_row(park)
    assert (row.listed_supervision, row.listed_lifted) == (1, 1)


def test_monthly_report_lists_the_months_new_major_hazards_with_their_basis(park, drive, pdf_text):
    hazard = major_in(park, drive, "open")
    park.hazard(title="一般隐患不列入")
    data = service.monthly_data(_month())
    assert [(r.code, r.basis) for r in data.new_major] == [(hazard.code, describe_basis(hazard))]
    text = pdf_text(service.file_path(service.build_monthly_report(_month())))
    assert "本月新增重大事故隐患1项" in text
    assert describe_basis(hazard).replace(" ", "")[:20] in text


def test_monthly_report_leaves_out_a_withdrawn_major_hazard(park, drive):
    major_in(park, drive, "withdrawn")
    assert service.monthly_data(_month()).new_major == []


def test_monthly_report_counts_the_suspensions_of_the_month(park, drive):
    hazard = major_in(park, drive, "open", suspended=True)
    last_month_end = clock.today().replace(day=1) - timedelta(days=1)
    drive.apply(hazard, "record_suspension", park.inspector, **suspension(
        area="三号装置", starts_on=last_month_end - timedelta(days=3), ends_on=last_month_end))
    drive.apply(hazard, "record_suspension", park.inspector, **suspension(
        area="一号装置", starts_on=last_month_end - timedelta(days=3)))  # still in force
    data = service.monthly_data(_month())
    assert (data.suspensions_in_month, data.suspensions_started) == (2, 1)
    assert service.monthly_data(_month(), park.b).suspensions_in_month == 0


def test_admin_exports_the_major_hazard_reports_as_pdf(client, park, drive, pdf_text, tmp_path):
    hazard = major_in(park, drive, "rectifying", listed=True, suspended=True)
    login(client, park.admin)
    response = client.get(f"/reports/major-hazards/export.pdf?month={_month()}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    path = tmp_path / "report.pdf"
    path.write_bytes(response.get_data())
    text = pdf_text(path)
    for expected in ("重大事故隐患报告", hazard.code, park.a.name, "罐区", "张检查",
                     describe_basis(hazard).replace(" ", "")[:20], "津滨应急督〔2026〕3号", "局部停产停业：二号罐区",
                     "已制定（六项要素齐全）"):
        assert expected in text, expected


def test_admin_exports_the_major_hazard_reports_as_xlsx(client, park, drive):
    hazard = major_in(park, drive, "open", listed=True)
    park.hazard(title="一般隐患")
    login(client, park.admin)
    response = client.get("/reports/major-hazards/export.xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.get_data())).active.iter_rows(values_only=True))
    assert list(rows[0]) == [label for _name, label in FIELDS]
    assert len(rows) == 2 and rows[1][0] == hazard.code
    assert rows[1][9] == describe_basis(hazard) and "区级挂牌督办" in rows[1][13]


def test_major_hazard_report_page_lists_every_new_major_hazard(client, park, drive):
    hazard = major_in(park, drive, "open")
    general = park.hazard(title="一般隐患")
    login(client, park.admin)
    page = client.get("/reports/major-hazards").get_data(as_text=True)
    assert hazard.code in page and general.code not in page


@pytest.mark.parametrize("who", ["inspector", "user_a"])
def test_only_the_admin_reaches_the_major_hazard_reports(client, park, who):
    login(client, getattr(park, who))
    assert client.get("/reports/major-hazards").status_code == 403
    assert client.get("/reports/major-hazards/export.xlsx").status_code == 403


def test_a_bad_month_is_refused_in_chinese(client, park):
    login(client, park.admin)
    response = client.get("/reports/major-hazards/export.pdf?month=2026-13")
    assert response.status_code == 422
    assert "请按“年-月”填写" in response.get_data(as_text=True)



