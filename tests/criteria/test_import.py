"""Loading clause texts: CSV or XLSX (clause, group, text), all or nothing, row errors in Chinese."""
import io

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from safety_app import criteria
from safety_app.criteria import importer
from safety_app.extensions import db
from safety_app.models import Criterion, Event
from safety_app.registry import ImportFileError
from tests.conftest import login

AQ = "AQ3067-2026"
# Placeholder wording made up for the tests: recognisably not a clause of the standard.
TEXTS = {c: f"测试条文 {c}（非标准原文）" for c in
         [f"5.{g}.{n}" for g, size in enumerate((5, 10, 6, 9, 12, 4, 7), start=1) for n in range(1, size + 1)]}


def _xlsx(rows, header=("条款号", "分组", "条文")):
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _csv(rows, header=("clause", "group", "text")):
    lines = [",".join(header)] + [",".join(f'"{v}"' for v in row) for row in rows]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def _good_rows():
    return [(clause, clause.rsplit(".", 1)[0], text) for clause, text in TEXTS.items()]


def _texts():
    return {c.clause: c.text for c in criteria.clauses(AQ)}


def test_a_good_xlsx_file_loads_every_text(app):
    result = importer.import_file(AQ, "aq3067.xlsx", _xlsx(_good_rows()))
    assert result.ok and result.rows == 53 and result.changed == 53
    assert _texts() == TEXTS and criteria.missing_texts(AQ) == 0


def test_a_good_csv_file_loads_every_text(app):
    result = importer.import_file(AQ, "aq3067.csv", _csv(_good_rows()))
    assert result.ok and _texts() == TEXTS


def test_a_file_with_one_bad_row_loads_nothing_and_names_the_row_and_why(app):
    rows = _good_rows()
    rows[9] = ("5.9.1", "5.9", "不存在的条款")
    result = importer.import_file(AQ, "aq3067.xlsx", _xlsx(rows))
    assert not result.ok and [p.row for p in result.problems] == [11]  # header is row 1
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert str(result.problems[0].message) == "第11行：条款号“5.9.1”不是 AQ 3067-2026 的条款。"
    assert set(_texts().values()) == {""}
    assert db.session.execute(select(Event)).first() is None


@pytest.mark.parametrize("bad, why", [
    (("", "5.1", "条文"), "第3行：缺少条款号。"),
    (("5.1.1", "5.1", "重复"), "第3行：条款号“5.1.1”与第2行重复。"),
    (("5.1.2", "5.1", "长" * 4001), "第3行：第5.1.2条的条文过长（最多 4000 个字符）。"),
])
def test_each_kind_of_bad_row_is_named_in_chinese(app, bad, why):
    result = importer.import_file(AQ, "x.csv", _csv([("5.1.1", "5.1", "一"), bad]))
    with app.test_request_context():
        assert [str(p.message) for p in result.problems] == [why]
    assert set(_texts().values()) == {""}


def test_an_empty_text_leaves_the_clause_as_it_is(app):
    importer.import_file(AQ, "a.csv", _csv([("5.1.1", "5.1", "第一次")]))
    result = importer.import_file(AQ, "b.csv", _csv([("5.1.1", "5.1", ""), ("5.1.2", "5.1", "第二条")]))
    assert result.ok and result.changed == 1
    assert _texts()["5.1.1"] == "第一次" and _texts()["5.1.2"] == "第二条"


def test_a_file_over_the_row_limit_is_refused_whole(app):
    rows = [("5.1.1", "5.1", "x")] * (importer.MAX_ROWS + 1)
    with pytest.raises(ImportFileError):
        importer.import_file(AQ, "big.csv", _csv(rows))


def test_a_file_without_the_text_column_is_refused(app):
    with pytest.raises(ImportFileError):
        importer.import_file(AQ, "x.csv", _csv([("5.1.1", "5.1")], header=("clause", "group")))


def test_the_export_can_be_edited_and_imported_again(app):
    importer.import_file(AQ, "a.xlsx", _xlsx(_good_rows()))
    _stem, chunks = importer.export(AQ, "xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(chunks))).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["条款号", "分组", "条文"] and len(rows) == 54
    rows[1][2] = "改过的测试条文"
    assert importer.import_file(AQ, "b.xlsx", _xlsx([[v or "" for v in r] for r in rows[1:]])).ok
    assert _texts()["5.1.1"] == "改过的测试条文"


def test_the_cli_imports_criteria_texts(app, runner, tmp_path):
    path = tmp_path / "aq3067.xlsx"
    path.write_bytes(_xlsx(_good_rows()))
    result = runner.invoke(args=["reference", "import", "criteria", str(path), "--set", AQ])
    assert result.exit_code == 0, result.output
    assert "0 clauses still without text" in result.output and _texts() == TEXTS


def test_the_cli_names_the_bad_row_and_imports_nothing(app, runner, tmp_path):
    path = tmp_path / "aq3067.csv"
    path.write_bytes(_csv([("5.1.1", "5.1", "一"), ("9.9", "", "二")]))
    result = runner.invoke(args=["reference", "import", "criteria", str(path)])
    assert result.exit_code != 0
    assert "第3行：条款号“9.9”不是 AQ 3067-2026 的条款。" in result.output
    assert set(_texts().values()) == {""}


def test_admin_imports_texts_on_the_criteria_page(client, park):
    login(client, park.admin)
    response = client.post("/admin/criteria/import", data={
        "set_code": AQ, "file": (io.BytesIO(_xlsx(_good_rows())), "aq3067.xlsx")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    assert _texts() == TEXTS
    assert db.session.execute(select(Event).where(Event.action == "criteria.import")).scalar_one()


def test_admin_sees_each_bad_row_and_nothing_is_imported(client, park):
    login(client, park.admin)
    rows = _good_rows()
    rows[0] = ("5.1.1", "5.1", "")
    rows[4] = ("5.1.50", "5.1", "x")
    response = client.post("/admin/criteria/import", data={
        "set_code": AQ, "file": (io.BytesIO(_csv(rows)), "aq3067.csv")}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "第6行：条款号“5.1.50”不是 AQ 3067-2026 的条款。" in response.get_data(as_text=True)
    assert set(_texts().values()) == {""}


@pytest.mark.parametrize("who", ["inspector", "user_a"])
def test_only_admin_may_import_or_export_criteria(client, park, who):
    login(client, getattr(park, who))
    assert client.get("/admin/criteria").status_code == 403
    assert client.get(f"/admin/criteria/export/{AQ}.csv").status_code == 403
    response = client.post("/admin/criteria/import", data={
        "set_code": AQ, "file": (io.BytesIO(_csv(_good_rows())), "x.csv")}, content_type="multipart/form-data")
    assert response.status_code == 403 and set(_texts().values()) == {""}


def test_the_admin_home_says_how_many_clauses_of_the_set_in_force_lack_text(client, park, time_machine):
    time_machine.move_to("2026-12-02 09:00 +08:00", tick=False)
    importer.import_file(AQ, "a.csv", _csv([("5.1.1", "5.1", "一"), ("5.1.2", "5.1", "二")]))
    login(client, park.admin)
    page = client.get("/dashboard").get_data(as_text=True)
    assert 'data-missing-criteria="51"' in page and "共 53 条，其中 51 条尚无条文（条文未导入）" in page


def test_the_criterion_rows_keep_their_clause_numbers_after_an_import(app):
    importer.import_file(AQ, "a.xlsx", _xlsx(_good_rows()))
    assert db.session.query(Criterion).filter_by(set_code=AQ).count() == 53
