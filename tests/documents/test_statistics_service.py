"""The statistics table from the database: the figures are ``figures.statistics.statistics_table``'s, each
build is a new recorded version (never overwriting), an enterprise builds only its own table."""
import pytest

from safety_app.documents import service
from safety_app.documents.statistics import count_cells
from safety_app.documents.statistics_service import build_statistics, statistics_data
from safety_app.extensions import db
from safety_app.models import Document, Enterprise
from tests.conftest import login

QUARTER = "2026Q3"


def _cells(counts):
    return "".join(count_cells(counts))


def test_the_park_quarterly_pdf_prints_the_figures_totals(seeded, pdf_text):
    from safety_app.figures.statistics import statistics_table

    expected = statistics_table("quarterly", QUARTER)
    document = build_statistics("quarterly", QUARTER, actor=None)
    assert (document.kind, document.period, document.enterprise_id, document.version) == ("quarterly", QUARTER,
                                                                                            None, 1)
    text = pdf_text(service.file_path(document))
    assert "隐患排查治理情况统计表" in text and "2026年第三季度" in text
    assert "合计" + _cells(expected.totals.period) in text
    assert "合计" + _cells(expected.totals.year_to_date) in text
    assert f"排查单位数：{expected.enterprises_inspected}家（在册企业{expected.enterprises_in_scope}家）" in text
    assert f"排查单位数：{expected.enterprises_inspected_ytd}家" in text.split("本年累计")[1]
    assert all("".join(row.name.split()) in text for row in expected.rows)
    assert "截至" not in text.split("注：")[0]  # a closed quarter


def test_the_current_quarter_says_as_of_today(seeded, pdf_text):
    text = pdf_text(service.file_path(build_statistics("quarterly", "2026Q4", actor=None)))
    assert "截至" in text and "统计期尚未结束" in text


def test_the_annual_table_and_the_enterprise_version_signed_by_its_principal(seeded, pdf_text):
    enterprise = db.session.get(Enterprise, 2)
    document = build_statistics("annual", "2026", enterprise, actor=None, signed_by="王建国")
    assert (document.kind, document.period, document.enterprise_id) == ("annual", "2026", enterprise.id)
    text = pdf_text(service.file_path(document))
    assert "2026年度" in text and "（王建国）" in text and f"填报单位（盖章）：{enterprise.name}" in text
    row = statistics_data("annual", "2026", enterprise).rows[0]
    assert "".join(row.name.split()) + _cells(row.period) in text
    assert service.download_name(document) == f"{enterprise.name}2026年度隐患排查治理情况统计表.pdf"


def test_without_a_name_the_legal_representative_signs(seeded):
    enterprise = db.session.get(Enterprise, 2)
    enterprise.legal_representative = "赵法人"
    db.session.commit()
    assert statistics_data("quarterly", QUARTER, enterprise).signed_by == "赵法人"


def test_rebuilding_makes_a_new_version_and_keeps_the_old_file(seeded):
    first = build_statistics("quarterly", QUARTER, actor=None)
    second = build_statistics("quarterly", QUARTER, actor=None)
    assert (second.version, second.supersedes_id) == (2, first.id)
    assert service.file_path(first).is_file() and service.file_path(second).is_file()
    assert first.path != second.path
    again = build_statistics("quarterly", QUARTER, actor=None, idempotency_key="stats-key-1")
    assert build_statistics("quarterly", QUARTER, actor=None, idempotency_key="stats-key-1").id == again.id
    assert db.session.query(Document).count() == 3


@pytest.mark.parametrize(("kind", "period"), [("quarterly", "2026-Q3"), ("quarterly", "2027Q1"),
                                              ("annual", "2027"), ("annual", "26"), ("monthly", "2026")])
def test_a_bad_or_future_period_is_refused_and_nothing_is_written(seeded, kind, period):
    with pytest.raises(service.DocumentError):
        build_statistics(kind, period, actor=None)
    assert db.session.query(Document).count() == 0


def test_an_enterprise_user_builds_and_downloads_its_own_table(client, seeded, pdf_text):
    from safety_app.accounts import create_user

    enterprise = db.session.get(Enterprise, 2)
    from tests.conftest import PASSWORD

    user = create_user("stats_user", PASSWORD, "enterprise", enterprise=enterprise)
    login(client, user)
    response = client.post(f"/reports/enterprises/{enterprise.id}/statistics",
                           data={"kind": "quarterly", "period": "2026q3", "signed_by": "  王 建国 "})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    document = db.session.query(Document).one()
    assert (document.kind, document.period, document.enterprise_id, document.created_by_id) == (
        "quarterly", QUARTER, enterprise.id, user.id)
    assert "（王建国）" in pdf_text(service.file_path(document))
    download = client.get(f"/reports/{document.id}/download")
    assert download.status_code == 200 and download.mimetype == "application/pdf"


def test_an_enterprise_user_gets_404_for_another_enterprise_and_nothing_is_built(client, park):
    response = login(client, park.user_b).post(f"/reports/enterprises/{park.a.id}/statistics",
                                               data={"kind": "quarterly", "period": "2026Q3"})
    assert response.status_code == 404
    assert db.session.query(Document).count() == 0


def test_a_bad_period_is_refused_in_chinese_and_nothing_is_built(client, park):
    response = login(client, park.user_a).post(f"/reports/enterprises/{park.a.id}/statistics",
                                               data={"kind": "annual", "period": "2026Q3"})
    assert response.status_code == 422
    assert "请按“四位年份”填写，例如 2026。" in response.get_data(as_text=True)
    assert db.session.query(Document).count() == 0


def test_the_enterprise_user_sees_the_form_for_its_table_and_staff_the_annual_choice(client, park, login_as):
    page = login_as(park.user_a).get("/reports/").get_data(as_text=True)
    assert f"/reports/enterprises/{park.a.id}/statistics" in page and "本单位隐患排查治理情况统计表" in page
    assert f"/reports/enterprises/{park.b.id}/statistics" not in page
    portal = client.get("/portal/").get_data(as_text=True)
    assert "/reports/#statistics" in portal
    staff = login_as(park.admin).get("/reports/").get_data(as_text=True)
    assert 'value="annual"' in staff and "/statistics\"" not in staff


def test_staff_build_the_annual_park_table_from_the_reports_page(client, seeded):
    from safety_app.accounts import create_user
    from tests.conftest import PASSWORD

    admin = create_user("stats_admin", PASSWORD, "admin")
    response = login(client, admin).post("/reports/", data={"kind": "annual", "period": "2026"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    document = db.session.query(Document).one()
    assert (document.kind, document.period, document.enterprise_id) == ("annual", "2026", None)
    listed = client.get("/reports/").get_data(as_text=True)
    assert "隐患排查治理年度统计表" in listed
