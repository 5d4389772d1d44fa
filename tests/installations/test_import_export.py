"""XLSX/CSV import of installations, one row per substance line: every row or none."""
import io

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from safety_app.extensions import db
from safety_app.models import Installation, InstallationSubstance

HEADER = ["统一社会信用代码", "单元编号", "单元名称", "单元类型", "500米内人数", "评估日期", "物质名称", "CAS号",
          "最大量q（吨）", "临界量Q（吨）", "校正系数β"]


def rows_for(park):
    a, b = park.a.credit_code, park.b.credit_code
    return [
        [a, "RA-01", "液氨罐区", "储存单元", 60, "2026-03-01", "液氨", "7664-41-7", 50, 10, 2],
        [a, "RA-01", "", "", "", "", "甲醇", "67-56-1", 200, 500, 1],
        [a, "PU-02", "合成装置", "生产单元", 10, "", "氢气", "1333-74-0", 3, 5, 1.5],
        [b, "RB-01", "乙的罐区", "储存单元", 0, "", "苯", "71-43-2", 30, 50, 1],
    ]


def xlsx(rows):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows):
    lines = [",".join(HEADER)] + [",".join(str(v) for v in row) for row in rows]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def upload(client, data, name):
    return client.post("/installations/import", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def counts():
    return (db.session.scalar(select(func.count(Installation.id))),
            db.session.scalar(select(func.count(InstallationSubstance.id))))


def test_staff_import_every_installation_of_the_file(client, park, login_as):
    login_as(park.admin)
    response = upload(client, xlsx(rows_for(park)), "重大危险源.xlsx")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert counts() == (3, 4)
    tank = db.session.scalar(select(Installation).where(Installation.code == "RA-01",
                                                         Installation.enterprise_id == park.a.id))
    assert [s.name for s in tank.substances] == ["液氨", "甲醇"]
    assert tank.level == "level3" and tank.people_within_500m == 60
    assert park.a.major_hazard_installation == "level3"
    unit = db.session.scalar(select(Installation).where(Installation.code == "PU-02"))
    assert unit.kind == "production" and unit.level == "none"  # 3/5 < 1


def test_one_bad_line_imports_nothing_and_names_its_row(client, park, login_as):
    login_as(park.admin)
    rows = rows_for(park)
    rows[1][9] = 0  # Q of 甲醇 (row 3 of the sheet)
    rows[2][7] = "1333-74-1"  # bad CAS check digit (row 4)
    response = upload(client, csv_bytes(rows), "重大危险源.csv")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'data-row="3"' in page and 'data-row="4"' in page
    assert counts() == (0, 0)
    assert park.a.major_hazard_installation == "none"


def test_an_enterprise_user_imports_only_their_own_enterprise(client, park, login_as):
    login_as(park.user_a)
    response = upload(client, csv_bytes(rows_for(park)), "重大危险源.csv")
    assert response.status_code == 422
    assert 'data-row="5"' in response.get_data(as_text=True)  # enterprise B's row
    assert counts() == (0, 0)
    ok = upload(client, csv_bytes(rows_for(park)[:3]), "重大危险源.csv")
    assert ok.status_code == 302 and counts() == (2, 3)


def test_a_code_already_registered_or_repeated_differently_is_refused(client, park, login_as):
    login_as(park.admin)
    assert upload(client, csv_bytes(rows_for(park)[:2]), "a.csv").status_code == 302
    again = upload(client, csv_bytes(rows_for(park)[:2]), "a.csv")
    assert again.status_code == 422 and counts() == (1, 2)
    rows = rows_for(park)[2:3] + [[park.a.credit_code, "PU-02", "别的名字", "", "", "", "氮气", "", 1, 5, 1]]
    differs = upload(client, csv_bytes(rows), "b.csv")
    assert differs.status_code == 422 and 'data-row="3"' in differs.get_data(as_text=True)
    assert counts() == (1, 2)


def test_the_export_reads_back_as_an_import(client, park, login_as):
    login_as(park.admin)
    upload(client, xlsx(rows_for(park)), "重大危险源.xlsx")
    exported = client.get("/installations/export.xlsx")
    assert exported.status_code == 200
    sheet = load_workbook(io.BytesIO(exported.data)).active
    values = list(sheet.values)
    assert values[0][:3] == ("统一社会信用代码", "企业名称", "单元编号")
    assert len(values) == 1 + 4
    assert {v[-2] for v in values[1:]} == {"三级", "不构成重大危险源"}
    # Delete everything, import the export: the same register again.
    db.session.query(InstallationSubstance).delete()
    db.session.query(Installation).delete()
    db.session.commit()
    assert upload(client, exported.data, "export.xlsx").status_code == 302
    assert counts() == (3, 4)


def test_an_enterprise_users_export_holds_only_their_installations(client, park, login_as):
    login_as(park.admin)
    upload(client, xlsx(rows_for(park)), "重大危险源.xlsx")
    login_as(park.user_b)
    text = client.get("/installations/export.csv").data.decode("utf-8-sig")
    assert "乙的罐区" in text and "液氨罐区" not in text and park.a.credit_code not in text
