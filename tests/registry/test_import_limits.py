"""Issue 12: a spreadsheet is streamed, and a sheet longer than the row limit is refused before it is read."""
import time

from sqlalchemy import func, select

from safety_app.extensions import db
from safety_app.models import Enterprise
from tests.payloads import sparse_xlsx, xlsx

from .conftest import HEADER, csv_bytes, row, upload, xlsx_bytes


def _count():
    return db.session.scalar(select(func.count(Enterprise.id)))


def _sheet(rows, dimension):
    return xlsx({n: [str(c) for c in cells] for n, cells in rows.items()}, dimension=dimension)


def test_a_sparse_xlsx_is_refused_quickly_with_a_row_limit_message(admin_client):
    data = sparse_xlsx(3_000_000)  # one cell at row 3,000,000: 2 KB
    started = time.perf_counter()
    response = upload(admin_client, data, "企业.xlsx")
    elapsed = time.perf_counter() - started
    assert response.status_code == 422
    assert "工作表行数过多：超过 20000 行" in response.get_data(as_text=True)
    assert elapsed < 5, f"the refusal took {elapsed:.1f} s"
    assert _count() == 2


def test_a_declared_dimension_beyond_the_limit_is_refused_before_a_row_is_read(app, admin_client, monkeypatch):
    from openpyxl.worksheet import _read_only

    def no_reading(*args, **kwargs):
        raise AssertionError("a row was read")

    monkeypatch.setattr(_read_only.ReadOnlyWorksheet, "_cells_by_row", no_reading)
    data = _sheet({1: HEADER, 2: row(1)}, dimension="A1:K20001")
    response = upload(admin_client, data, "企业.xlsx")
    assert response.status_code == 422
    assert "工作表行数过多" in response.get_data(as_text=True)
    assert _count() == 2


def test_rows_beyond_the_limit_are_refused_while_streaming_when_the_declared_dimension_lies(app, admin_client):
    app.config["IMPORT_MAX_SHEET_ROWS"] = 10
    data = _sheet({1: HEADER, 2: row(1), 3: row(2), 500: row(3)}, dimension="A1:K3")
    response = upload(admin_client, data, "企业.xlsx")
    assert response.status_code == 422
    assert "工作表行数过多：超过 10 行" in response.get_data(as_text=True)
    assert _count() == 2


def test_a_row_below_a_lying_declared_dimension_is_imported_not_dropped(admin_client):
    data = _sheet({1: HEADER, 2: row(1), 3: row(2)}, dimension="A1:K2")
    response = upload(admin_client, data, "企业.xlsx")
    assert response.status_code == 302
    assert _count() == 2 + 2


def test_the_sheet_row_limit_is_a_setting_and_counts_empty_rows(app, admin_client):
    app.config["IMPORT_MAX_SHEET_ROWS"] = 5
    response = upload(admin_client, _sheet({1: HEADER, 2: row(1), 6: row(2)}, dimension=None), "企业.xlsx")
    assert response.status_code == 422
    assert "超过 5 行" in response.get_data(as_text=True)
    assert _count() == 2


def test_a_sheet_within_the_limit_still_imports(app, admin_client):
    app.config["IMPORT_MAX_SHEET_ROWS"] = 5
    response = upload(admin_client, xlsx_bytes([row(1), row(2), row(3), row(4)]), "企业.xlsx")
    assert response.status_code == 302
    assert _count() == 2 + 4


def test_a_csv_longer_than_the_sheet_limit_is_refused(app, admin_client):
    app.config["IMPORT_MAX_SHEET_ROWS"] = 5
    data = csv_bytes([row(1), row(2)]) + b"\r\n" * 10
    response = upload(admin_client, data, "企业.csv")
    assert response.status_code == 422
    assert "工作表行数过多" in response.get_data(as_text=True)
    assert _count() == 2
