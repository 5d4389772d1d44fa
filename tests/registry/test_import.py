"""Issue 6: importing the registry from XLSX or CSV, all rows or none, with a row-by-row report."""
import io

from openpyxl import load_workbook
from sqlalchemy import func, select

from safety_app import registry
from safety_app.extensions import db
from safety_app.models import Enterprise

from .conftest import HEADER, csv_bytes, row, upload, xlsx_bytes


def _count():
    return db.session.scalar(select(func.count(Enterprise.id)))


def test_good_utf8_bom_csv_imports_every_row(admin_client):
    response = upload(admin_client, csv_bytes([row(1), row(2), row(3)]), "企业.csv")
    assert response.status_code == 302
    assert _count() == 5  # the park's two + three
    imported = db.session.scalar(select(Enterprise).where(Enterprise.name == "天津测试化工2有限公司"))
    # An old file's level column is read and ignored: the level is derived from the installations.
    assert imported.major_hazard_installation == "none"
    assert imported.contact_phone == "13800000002"
    assert imported.active is True


def test_good_utf8_csv_without_bom_imports(admin_client):
    response = upload(admin_client, csv_bytes([row(1)], encoding="utf-8"), "企业.csv")
    assert response.status_code == 302
    assert _count() == 3


def test_good_gbk_csv_imports_with_chinese_intact(admin_client):
    response = upload(admin_client, csv_bytes([row(1), row(2)], encoding="gbk"), "企业.csv")
    assert response.status_code == 302
    names = set(db.session.scalars(select(Enterprise.name)))
    assert {"天津测试化工1有限公司", "天津测试化工2有限公司"} <= names


def test_good_xlsx_imports_every_row(admin_client):
    rows = [row(n) for n in range(1, 6)]
    rows[0][7] = 13800000001  # a phone typed into a number cell
    response = upload(admin_client, xlsx_bytes(rows), "企业.xlsx")
    assert response.status_code == 302
    assert _count() == 7


def test_one_bad_row_imports_nothing_and_report_names_row_and_reason(admin_client):
    bad_code = row(2)[1][:-1] + ("0" if row(2)[1][-1] != "0" else "1")
    response = upload(admin_client, csv_bytes([row(1), row(2, credit_code=bad_code), row(3)]), "企业.csv")
    assert response.status_code == 422
    assert _count() == 2
    page = response.get_data(as_text=True)
    assert "未导入" in page
    assert 'data-row="3"' in page and "第 3 行" in page  # header is row 1, the bad one row 3
    assert "校验" in page  # the check character is named in Chinese


def test_duplicate_credit_code_inside_file_is_reported_against_the_first_row(admin_client):
    twin = row(5, credit_code=row(1)[1])
    response = upload(admin_client, csv_bytes([row(1), row(2), twin]), "企业.csv")
    assert response.status_code == 422
    assert _count() == 2
    page = response.get_data(as_text=True)
    assert 'data-row="4"' in page and "与本文件第 2 行" in page


def test_duplicate_credit_code_against_database_is_reported(admin_client, park):
    response = upload(admin_client, csv_bytes([row(1), row(2, credit_code=park.a.credit_code)]), "企业.csv")
    assert response.status_code == 422
    assert _count() == 2
    page = response.get_data(as_text=True)
    assert 'data-row="3"' in page and "已登记" in page


def test_bad_email_and_phone_are_reported_per_row(admin_client):
    rows = [row(1, email="not-an-address"), row(2, phone="12345")]
    response = upload(admin_client, csv_bytes(rows), "企业.csv")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'data-row="2"' in page and "电子邮箱" in page
    assert 'data-row="3"' in page and "11位" in page
    assert _count() == 2


def test_missing_required_value_is_reported(admin_client):
    response = upload(admin_client, xlsx_bytes([row(1, contact=""), row(2)]), "企业.xlsx")
    assert response.status_code == 422
    assert "请填写安全联系人" in response.get_data(as_text=True)
    assert _count() == 2


def test_missing_required_column_is_refused(admin_client):
    header = [h for h in HEADER if not h.startswith("联系电话")]
    rows = [[c for i, c in enumerate(row(1)) if i != 7]]
    response = upload(admin_client, csv_bytes(rows, header=header), "企业.csv")
    assert response.status_code == 422
    assert "缺少必填列" in response.get_data(as_text=True)


def test_a_file_that_is_not_a_spreadsheet_gets_a_clear_message(admin_client):
    response = upload(admin_client, b"%PDF-1.4\n\x00\x01binary", "企业.pdf")
    assert response.status_code == 422
    assert "不是表格文件" in response.get_data(as_text=True)
    response = upload(admin_client, b"PK\x03\x04 broken zip", "企业.xlsx")
    assert "不是表格文件" in response.get_data(as_text=True)
    assert _count() == 2


def test_old_xls_gets_save_as_xlsx_advice(admin_client):
    response = upload(admin_client, registry.OLE_MAGIC + b"\x00" * 100, "企业.xls")
    assert response.status_code == 422
    assert ".xlsx" in response.get_data(as_text=True)


def test_too_many_rows_are_refused(admin_client, monkeypatch):
    monkeypatch.setattr(registry, "MAX_IMPORT_ROWS", 3)
    response = upload(admin_client, csv_bytes([row(n) for n in range(1, 5)]), "企业.csv")
    assert response.status_code == 422
    assert "行数过多" in response.get_data(as_text=True)
    assert _count() == 2


def test_too_large_file_is_refused(admin_client, monkeypatch):
    monkeypatch.setattr(registry, "MAX_IMPORT_BYTES", 100)
    response = upload(admin_client, csv_bytes([row(1), row(2)]), "企业.csv")
    assert response.status_code == 422
    assert "文件过大" in response.get_data(as_text=True)


def test_template_has_chinese_headers_and_an_example_row_that_validates(admin_client):
    response = admin_client.get("/enterprises/import/template.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True, max_row=2))
    assert rows[0][:2] == ("企业名称*", "统一社会信用代码*")
    records = registry.parse_table([(1, list(rows[0])), (2, list(rows[1]))])
    _values, problems = registry.check_records(records)
    assert problems == []


def test_the_downloaded_template_imports_as_is(admin_client):
    data = admin_client.get("/enterprises/import/template.xlsx").data
    assert upload(admin_client, data, "模板.xlsx").status_code == 302
    assert _count() == 3


def test_inspector_may_not_import(client, park):
    from tests.conftest import login

    login(client, park.inspector)
    assert upload(client, csv_bytes([row(1)]), "企业.csv").status_code == 403
    assert client.get("/enterprises/import/template.xlsx").status_code == 403
    assert _count() == 2
