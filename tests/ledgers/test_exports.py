"""Exports of the filtered ledgers: CSV (UTF-8 with BOM) and XLSX, with Chinese column names."""
import csv
import io
from datetime import date, datetime, timedelta

from openpyxl import load_workbook
from sqlalchemy import text

from safety_app import clock, exports
from safety_app.extensions import db
from tests.conftest import login

from .conftest import sql_count


def get_csv(client, query=""):
    response = client.get(f"/ledgers/hazards/export.csv{query}")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the Chinese
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def get_xlsx(client, kind="hazards", query=""):
    response = client.get(f"/ledgers/{kind}/export.xlsx{query}")
    assert response.status_code == 200
    assert "spreadsheetml" in response.headers["Content-Type"]
    assert "attachment" in response.headers["Content-Disposition"]
    return load_workbook(io.BytesIO(response.get_data()), read_only=True).active


def test_csv_has_chinese_headers_and_every_filtered_row(as_user, client):
    as_user("admin")
    table = get_csv(client, "?status=active")
    assert table[0] == [c.title for c in exports.HAZARD_COLUMNS]
    assert table[0][:4] == ["隐患编号", "企业名称", "统一社会信用代码", "隐患名称"]
    assert len(table) - 1 == sql_count("status NOT IN ('closed', 'withdrawn')")
    assert {row[14] for row in table[1:]} <= {"待整改", "整改中", "待复查", "已复查待销号"}


def test_xlsx_matches_the_csv_with_real_dates(as_user, client):
    as_user("admin")
    table = get_csv(client, "?level=major")
    sheet = get_xlsx(client, query="?level=major")
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0] == table[0]
    assert len(values) == len(table) == sql_count("level = 'major'") + 1
    found_on = values[1][10]
    assert isinstance(found_on, datetime | date)
    assert found_on.strftime("%Y-%m-%d") == table[1][10]
    assert [v[0] for v in values[1:]] == [r[0] for r in table[1:]]  # same rows, same order


def test_measures_export_has_its_own_columns(as_user, client):
    as_user("admin")
    sheet = get_xlsx(client, kind="measures", query="?done=1")
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:5] == ("隐患编号", "企业名称", "隐患名称", "隐患状态", "措施内容")
    assert {v[10] for v in values[1:]} == {"是"}


def test_enterprise_user_exports_only_their_enterprise(as_user, client, seeded):
    as_user("enterprise1")
    table = get_csv(client)
    own = seeded["enterprise1"].enterprise
    assert len(table) - 1 == sql_count(f"enterprise_id = {own.id}")
    assert {row[1] for row in table[1:]} == {own.name}


def test_cells_that_look_like_formulas_are_neutralised(app, client, park):
    for title in ("=HYPERLINK(\"http://x\")", "+1+2", "-3", "@SUM(A1)"):
        park.hazard(title=title)
    login(client, park.admin)
    titles = {row[3] for row in get_csv(client)[1:]}
    assert titles == {"'=HYPERLINK(\"http://x\")", "'+1+2", "'-3", "'@SUM(A1)"}
    sheet = get_xlsx(client)
    assert {r[3] for r in list(sheet.iter_rows(values_only=True))[1:]} == titles


def test_overdue_days_are_exported(app, client, park, time_machine):
    time_machine.move_to("2026-11-20 10:00:00+08:00", tick=False)
    park.hazard(deadline=clock.today(), found_on=clock.today() - timedelta(days=3))
    time_machine.move_to("2026-11-25 10:00:00+08:00", tick=False)
    login(client, park.admin)
    row = get_csv(client)[1]
    assert row[15] == "5"


def test_the_export_describes_the_criterion_as_set_clause_and_text(app, client, park):
    from safety_app import lifecycle

    lifecycle.file_hazard(park.inspector, enterprise=park.a, title="罐区紧急切断阀未投用", category="equipment",
                          deadline=date(2026, 10, 1), found_on=date(2026, 9, 1),
                          criterion=("AJZG3-2017-121", "2"))
    login(client, park.admin)
    table = get_csv(client)
    column = [c.title for c in exports.HAZARD_COLUMNS].index("重大隐患判定标准")
    assert table[1][column] == "安监总管三〔2017〕121号 第2条：特种作业人员未持证上岗。"


def test_the_export_describes_a_major_hazard_by_judgment_with_its_ground_and_reason(app, client, park):
    from safety_app import lifecycle

    lifecycle.file_hazard(park.inspector, enterprise=park.a, title="管廊支架沉降", category="equipment",
                          deadline=date(2026, 11, 30), found_on=date(2026, 10, 15), major_ground="external",
                          major_reason="相邻企业施工所致，本企业无法自行排除")
    login(client, park.admin)
    table = get_csv(client)
    column = [c.title for c in exports.HAZARD_COLUMNS].index("重大隐患判定标准")
    assert table[1][column].endswith("：相邻企业施工所致，本企业无法自行排除")


def test_an_export_of_many_batches_streams_every_row_after_the_request_has_ended(as_user, client, monkeypatch):
    """The rows are read in batches while the response streams, after the view has returned and its
    request's session has ended (on PostgreSQL that closed the server-side cursor: the first batch was
    sent, then the download broke). Each download runs in a thread of its own, as on a server: no
    application context of the test's outlives the request."""
    import threading

    monkeypatch.setattr(exports, "YIELD_PER", 7)
    as_user("admin")
    expected = {kind: db.session.execute(text(f"SELECT count(*) FROM {kind}")).scalar()
                for kind in ("hazards", "measures")}
    db.session.remove()
    for kind, fmt in (("hazards", "csv"), ("measures", "csv"), ("hazards", "xlsx")):
        got = {}

        def download(kind=kind, fmt=fmt, got=got):
            try:
                response = client.get(f"/ledgers/{kind}/export.{fmt}?all=1", buffered=False)
                got["status"], got["data"] = response.status_code, b"".join(response.response)
                response.close()
            except Exception as exc:  # noqa: BLE001 - reported below
                got["error"] = exc

        thread = threading.Thread(target=download)
        thread.start()
        thread.join(60)
        assert "error" not in got and got["status"] == 200, got.get("error")
        data = got["data"]
        if fmt == "csv":
            rows = len(list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))) - 1
        else:
            rows = sum(1 for _ in load_workbook(io.BytesIO(data), read_only=True).active.iter_rows()) - 1
        assert rows == expected[kind] > 7 * 3, kind
