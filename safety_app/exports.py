"""CSV and XLSX exports of the two ledgers, streamed.

Rows are selected as plain columns (no ORM objects) with ``yield_per``, which
uses a server-side cursor on PostgreSQL, so 200,000 rows never sit in memory
at once. The CSV is UTF-8 with a BOM so Excel reads the Chinese; the XLSX is
built with openpyxl's write-only mode (rows go to a temporary file) and then
streamed in chunks. Column names and values are plain Chinese, like the
documents. Text that a spreadsheet would run as a formula is neutralised.
"""
import csv
import io
import os
import tempfile
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

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
    for r in db.session.execute(stmt.execution_options(yield_per=YIELD_PER)):
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
    for r in db.session.execute(stmt.execution_options(yield_per=YIELD_PER)):
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


def xlsx_stream(columns, rows, sheet_title):
    """Build the XLSX in a temporary file, then yield it in chunks; the file is removed after."""
    fd, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    try:
        write_xlsx(columns, rows, path, sheet_title)
        with open(path, "rb") as f:
            while chunk := f.read(CHUNK):
                yield chunk
    finally:
        os.unlink(path)


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
