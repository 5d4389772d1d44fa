"""The streamed XLSX: openpyxl reads back exactly what the former writer (openpyxl's write-only
workbook) produced: values and their types, formula neutralising, number formats, the bold
header, column widths and the frozen header row; the first piece leaves before the last row."""
import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

from openpyxl import load_workbook

from safety_app import exports
from safety_app.exports import Column
from tests.conftest import login

COLUMNS = (Column("编号", 16), Column("名称", 30), Column("金额", 14, "money"), Column("日期", 12, "date"),
           Column("天数", 10, "int"), Column("备注", 40))
ROWS = [
    ("YH-2026-000001", "安全阀超期未校验", Decimal("12345.5"), date(2026, 11, 30), 3, "  前后有空格  "),
    ("=1+2", "+SUM(A1)", None, None, 0, "-危险"),
    ("@cmd", "\t制表", Decimal("0"), date(2000, 1, 1), -2, "第一行\n第二行"),
    ("<b>&amp;</b>", '引号 "quoted" & \'单\'', Decimal("999999999.99"), date(2031, 12, 31), 1_000_000, None),
    ("控制\x01字符", "Ünïcödé 🔥", 1.25, datetime(2026, 12, 2, 8, 30), 7, ""),
]


def _read(data):
    wb = load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    cells = [[(c.value, c.number_format, c.data_type, bool(c.font.b)) for c in row] for row in ws.iter_rows()]
    widths = {k: v.width for k, v in ws.column_dimensions.items() if v.width}
    return ws.title, cells, widths, ws.freeze_panes


def _old(columns, rows, title):
    buffer = io.BytesIO()
    exports.write_xlsx(columns, [tuple(v.replace("\x01", "") if isinstance(v, str) else v for v in r)
                                 for r in rows], buffer, title)
    return buffer.getvalue()


def test_openpyxl_reads_the_streamed_file_as_the_former_writer_wrote_it():
    streamed = b"".join(exports.xlsx_stream(COLUMNS, iter(ROWS), "问题隐患清单"))
    assert zipfile.ZipFile(io.BytesIO(streamed)).testzip() is None
    new, old = _read(streamed), _read(_old(COLUMNS, ROWS, "问题隐患清单"))
    assert new == old
    title, cells, widths, frozen = new
    assert title == "问题隐患清单" and frozen == "A2" and widths["B"] == 30
    assert cells[2][0][0] == "'=1+2" and cells[2][1][0] == "'+SUM(A1)" and cells[3][1][0] == "'\t制表"
    assert cells[1][5][0] == "  前后有空格  " and cells[3][5][0] == "第一行\n第二行"
    assert cells[1][2][:2] == (12345.5, "#,##0.00") and cells[0][0][3] is True  # money; bold header


def test_an_empty_export_is_a_sheet_with_its_header_only():
    streamed = b"".join(exports.xlsx_stream(COLUMNS, iter(()), "空"))
    assert _read(streamed) == _read(_old(COLUMNS, [], "空"))


def test_pieces_leave_while_the_rows_are_still_coming():
    produced = []

    def rows():
        for n in range(5000):
            produced.append(n)
            yield (f"YH-2026-{n:06d}", "隐患" * 20, Decimal(n), date(2026, 1, 1), n, "说明" * 30)

    pieces = exports.xlsx_stream(COLUMNS, rows(), "大")
    first = next(pieces)
    assert first.startswith(b"PK") and len(produced) < 1000
    rest = b"".join(pieces)
    _title, cells, _widths, _frozen = _read(first + rest)
    assert len(cells) == 5001 and cells[-1][0][0] == "YH-2026-004999"


def test_the_ledger_exports_stream_the_same_cells_as_the_former_writer(client, park):
    for n in range(3):
        park.hazard(title=f"=HYPERLINK(\"x\") {n}", major=n == 0)
    login(client, park.admin)
    response = client.get("/ledgers/hazards/export.xlsx", buffered=False)
    assert response.status_code == 200
    streamed = b"".join(response.response)
    response.close()
    from safety_app.queries import Filters

    rows = list(exports.hazard_rows(park.admin, Filters()))
    assert _read(streamed) == _read(_old(exports.HAZARD_COLUMNS, rows, "问题隐患清单"))
    _title, cells, _w, _f = _read(streamed)
    assert len(cells) == 4 and all(row[3][0].startswith("'=HYPERLINK") for row in cells[1:])
