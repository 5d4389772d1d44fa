"""CSV and XLSX exports of the two ledgers, streamed.

Rows are selected as plain columns (no ORM objects) with ``yield_per``, which
uses a server-side cursor on PostgreSQL, so 200,000 rows never sit in memory
at once. The CSV is UTF-8 with a BOM so Excel reads the Chinese; the XLSX is
built with openpyxl's write-only mode (rows go to a temporary file) and then
streamed in chunks. Column names and values are plain Chinese, like the
documents. Text that a spreadsheet would run as a formula is neutralised.

The XLSX is written as it goes (:func:`xlsx_stream`): the package's small parts first,
then the sheet's XML row by row into a deflated zip entry, each compressed piece sent as
soon as there is enough of it, so the first bytes leave with the first rows and memory
stays flat (no temporary file, no workbook in memory). The cells are what openpyxl's
write-only mode wrote before (:func:`write_xlsx`, still used for small reports): inline
strings, numbers, dates as serial numbers with a yyyy-mm-dd format, money with #,##0.00,
a bold header row, the column widths and the header frozen.
"""
import csv
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import and_
from sqlalchemy.orm import aliased

from . import basis, criteria, labels, queries, reference
from .clock import today as park_today
from .extensions import db
from .figures import definitions
from .figures.history import park_date_of
from .models import FINAL_STATUSES, CriteriaSet, Criterion, Enterprise, Hazard, Measure, User

YIELD_PER = 2000
CHUNK = 1 << 16
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FINAL = {s.value for s in FINAL_STATUSES}
Finder = aliased(User)


@dataclass(frozen=True)
class Column:
    title: str
    width: int
    kind: str = "text"  # text | date | int | money


HAZARD_COLUMNS = (
    Column("隐患编号", 16), Column("企业名称", 30), Column("统一社会信用代码", 21), Column("隐患名称", 36),
    Column("隐患描述", 40), Column("部位", 16), Column("隐患类别", 22), Column("隐患等级", 14),
    Column("重大隐患判定标准", 40), Column("依据", 30), Column("发现日期", 12, "date"),
    Column("发现人", 12), Column("原定整改期限", 13, "date"), Column("整改期限", 12, "date"),
    Column("状态", 14), Column("逾期天数", 10, "int"), Column("企业责任人", 12),
    Column("销号日期", 12, "date"), Column("隐患来源", 12),
)
MEASURE_COLUMNS = (
    Column("隐患编号", 16), Column("企业名称", 30), Column("隐患名称", 36), Column("隐患状态", 14),
    Column("措施内容", 40), Column("责任人", 12), Column("资金（元）", 14, "money"),
    Column("完成期限", 12, "date"), Column("临时安全措施", 30), Column("完成日期", 12, "date"),
    Column("是否完成", 10), Column("整改证据说明", 30),
)


def neutralise(value):
    """Prefix text a spreadsheet would treat as a formula with a quote (CSV/formula injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _category(code):
    item = reference.category(code)
    return item.zh if item else code


def _overdue_days(status, deadline, submitted_at, on):
    return definitions.days_overdue(status, deadline, park_date_of(submitted_at), on)


def _stream(stmt):
    """The rows of ``stmt`` in batches of ``YIELD_PER``, read on a connection of their own. A streamed
    response outlives its request's session: ending that session (the app context's teardown, once the
    view has returned) would close PostgreSQL's server-side cursor after the first batch."""
    with db.engine.connect() as connection:
        yield from connection.execution_options(yield_per=YIELD_PER).execute(stmt)


def hazard_rows(user, filters):
    """Yield one tuple per hazard of the filtered ledger, in ledger order."""
    on = park_today()
    stmt = queries.hazards(
        user, filters, Hazard.code, Enterprise.name, Enterprise.credit_code, Hazard.title, Hazard.description,
        Hazard.location, Hazard.category, Hazard.level, Hazard.criteria_set, Hazard.legal_basis, Hazard.found_on,
        Finder.display_name, Finder.username, Hazard.original_deadline, Hazard.deadline, Hazard.status,
        Hazard.responsible_person, Hazard.closed_on, Hazard.criterion_clause, Criterion.text,
        CriteriaSet.document_number, Hazard.major_ground, Hazard.major_reason, Hazard.submitted_at, Hazard.source,
    ).outerjoin(Finder, Finder.id == Hazard.found_by_id).outerjoin(
        Criterion, and_(Criterion.set_code == Hazard.criteria_set, Criterion.clause == Hazard.criterion_clause)
    ).outerjoin(CriteriaSet, CriteriaSet.code == Hazard.criteria_set)
    wordings = criteria.chinese_wordings()
    for r in _stream(stmt):
        yield (r[0], r[1], r[2], r[3], r[4], r[5], _category(r[6]), labels.LEVEL_ZH.get(r[7], r[7]),
               criteria.describe_row(r[8], r[18], r[19], r[20], wordings) or basis.describe_ground(r[21], r[22]),
               r[9], r[10], r[11] or r[12], r[13], r[14], labels.STATUS_ZH.get(r[15], r[15]),
               _overdue_days(r[15], r[14], r[23], on), r[16], r[17], labels.SOURCE_ZH.get(r[24], r[24]))


def measure_rows(user, filters):
    """Yield one tuple per measure of the filtered measures ledger."""
    stmt = queries.measures(
        user, filters, Hazard.code, Enterprise.name, Hazard.title, Hazard.status, Measure.description,
        Measure.responsible_person, Measure.funds, Measure.deadline, Measure.interim_precautions,
        Measure.done_on, Measure.evidence_note,
    )
    for r in _stream(stmt):
        yield (r[0], r[1], r[2], labels.STATUS_ZH.get(r[3], r[3]), r[4], r[5], r[6], r[7], r[8], r[9],
               "是" if r[9] else "否", r[10])


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return neutralise(value)


def csv_stream(columns, rows):
    """Yield the CSV (UTF-8 with BOM, CRLF) in chunks of bytes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow([c.title for c in columns])
    for n, row in enumerate(rows, start=1):
        writer.writerow([_csv_value(v) for v in row])
        if n % 1000 == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def _xlsx_value(value, column):
    if value is None:
        return None
    if column.kind == "money":
        return float(value)
    return neutralise(value)


def write_xlsx(columns, rows, target, sheet_title):
    """Write an XLSX to ``target`` (path or binary file) in write-only mode."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=sheet_title)
    for i, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = column.width
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=column.title)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    money = [i for i, c in enumerate(columns) if c.kind == "money"]
    for row in rows:
        values = [_xlsx_value(v, c) for v, c in zip(row, columns, strict=True)]
        if money:
            for i in money:
                if values[i] is not None:
                    cell = WriteOnlyCell(ws, value=values[i])
                    cell.number_format = "#,##0.00"
                    values[i] = cell
        ws.append(values)
    wb.save(target)


# ----------------------------------------------------------------------------- streamed XLSX

XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in XML 1.0
EXCEL_EPOCH = datetime(1899, 12, 30)
STYLE_HEADER, STYLE_DATE, STYLE_MONEY, STYLE_DATETIME = 1, 2, 3, 4
ROWS_PER_CHECK = 200  # rows written between two looks at how much compressed output waits
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"

CONTENT_TYPES = (
    XML_HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{SHEET_TYPE}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{SHEET_TYPE}.worksheet+xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{SHEET_TYPE}.styles+xml"/>'
    '</Types>')
PACKAGE_RELS = (
    XML_HEAD + f'<Relationships xmlns="{PKG_REL_NS}">'
    f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK_RELS = (
    XML_HEAD + f'<Relationships xmlns="{PKG_REL_NS}">'
    f'<Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{REL_NS}/styles" Target="styles.xml"/></Relationships>')
STYLES = (
    XML_HEAD + f'<styleSheet xmlns="{MAIN_NS}">'
    '<numFmts count="3"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="#,##0.00"/><numFmt numFmtId="166" formatCode="yyyy-mm-dd h:mm:ss"/>'
    '</numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b val="1"/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>')


def _workbook(sheet_title):
    return (XML_HEAD + f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><bookViews><workbookView/></bookViews>'
            f'<sheets><sheet name={quoteattr(sheet_title)} sheetId="1" r:id="rId1"/></sheets></workbook>')


def _sheet_start(columns):
    widths = "".join(f'<col min="{i}" max="{i}" width="{c.width}" customWidth="1"/>'
                     for i, c in enumerate(columns, start=1))
    return (XML_HEAD + f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
            '<sheetViews><sheetView workbookViewId="0">'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
            f'<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/><cols>{widths}</cols><sheetData>')


def _text_cell(ref, value, style=""):
    text = escape(XML_ILLEGAL.sub("", value))
    if not text:
        return f'<c r="{ref}"{style} t="inlineStr"/>'  # as openpyxl writes an empty text: read back as None
    space = ' xml:space="preserve"' if text != text.strip() or "\n" in text else ""
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{text}</t></is></c>'


def _cell(ref, value, money):
    """One cell's XML ("" for an empty cell), typed as openpyxl types it."""
    kind = type(value)
    if value is None:
        return ""
    if kind is str:
        return _text_cell(ref, value)
    if kind is bool:
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if kind is datetime:
        return f'<c r="{ref}" s="{STYLE_DATETIME}"><v>{(value - EXCEL_EPOCH).total_seconds() / 86400!r}</v></c>'
    if kind is date:
        return f'<c r="{ref}" s="{STYLE_DATE}"><v>{(value - EXCEL_EPOCH.date()).days}</v></c>'
    if kind in (int, float, Decimal):
        style = f' s="{STYLE_MONEY}"' if money else ""
        return f'<c r="{ref}"{style}><v>{float(value)!r}</v></c>' if money or kind is not int \
            else f'<c r="{ref}"><v>{value}</v></c>'
    return _text_cell(ref, str(value))


class _Sink:
    """A write-only, unseekable file for zipfile: it keeps what was written until taken."""

    def __init__(self):
        self.parts = []
        self.size = 0

    def write(self, data):
        self.parts.append(bytes(data))
        self.size += len(data)
        return len(data)

    def flush(self):
        pass

    def take(self):
        data = b"".join(self.parts)
        self.parts.clear()
        self.size = 0
        return data


def xlsx_stream(columns, rows, sheet_title):
    """Yield the XLSX of ``rows`` in compressed pieces as the rows come (see the module's note).

    The rows' iterator is started before the first piece, so a query that fails does so while
    the caller can still answer with an error page."""
    rows = iter(rows)
    first = next(rows, None)
    letters = [get_column_letter(i) for i in range(1, len(columns) + 1)]
    money = [c.kind == "money" for c in columns]
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as package:
        for name, text in (("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", PACKAGE_RELS),
                           ("xl/workbook.xml", _workbook(sheet_title)),
                           ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS), ("xl/styles.xml", STYLES)):
            package.writestr(name, text)
        with package.open("xl/worksheets/sheet1.xml", "w") as sheet:
            header = "".join(_text_cell(f"{letter}1", c.title, f' s="{STYLE_HEADER}"')
                             for letter, c in zip(letters, columns, strict=True))
            sheet.write((_sheet_start(columns) + f'<row r="1">{header}</row>').encode())
            number = 1
            batch = []
            row = first
            while row is not None:
                number += 1
                cells = "".join(_cell(f"{letter}{number}", _xlsx_value(value, column), is_money)
                                for letter, value, column, is_money in zip(letters, row, columns, money, strict=True))
                batch.append(f'<row r="{number}">{cells}</row>')
                if len(batch) == ROWS_PER_CHECK:
                    sheet.write("".join(batch).encode())
                    batch.clear()
                    if sink.size >= CHUNK or number == ROWS_PER_CHECK + 1:  # the first rows leave at once
                        yield sink.take()
                row = next(rows, None)
            sheet.write(("".join(batch) + "</sheetData></worksheet>").encode())
    yield sink.take()


def export(kind, fmt, user, filters):
    """(filename stem, chunk iterator) of the ``kind`` ledger ('hazards'/'measures') as ``fmt``."""
    if kind == "hazards":
        columns, rows, title = HAZARD_COLUMNS, hazard_rows(user, filters), "问题隐患清单"
    else:
        columns, rows, title = MEASURE_COLUMNS, measure_rows(user, filters), "制度措施清单"
    stem = f"{title}-{park_today():%Y%m%d}"
    if fmt == "csv":
        return stem, csv_stream(columns, rows)
    return stem, xlsx_stream(columns, rows, title)
