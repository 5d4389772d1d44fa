"""The enterprise registry: one set of rules for the web form, the XLSX/CSV import and the API.

- ``validate(data, current=None)`` cleans one enterprise's fields and returns
  ``(values, errors)``; errors map a field name to a translatable message.
- ``create`` / ``update`` write one enterprise (or raise ``RegistryError``).
- ``import_file(filename, data, actor)`` reads an XLSX or CSV file and imports
  every row or none: a file with any bad row writes nothing and the result
  lists each problem with its spreadsheet row number.
- ``template_xlsx()`` is the downloadable template (Chinese headers, one example row).
"""
import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from . import audit, credit_code, spreadsheets
from .extensions import db
from .labels import MAJOR_HAZARD_INSTALLATION
from .models import Enterprise, MajorHazardInstallation

MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_ROWS = 2000
MAX_COLUMNS = 50


@dataclass(frozen=True)
class Field:
    name: str
    label: object  # lazy translatable label for forms and the error report
    header: str  # the Chinese column header of the import template
    required: bool = False
    max_length: int = 100
    aliases: tuple = ()


FIELDS = (
    Field("name", _l("Enterprise name"), "企业名称", True, 200, ("名称", "单位名称")),
    Field("credit_code", _l("Unified social credit code"), "统一社会信用代码", True, 18,
          ("信用代码", "社会信用代码")),
    Field("address", _l("Address"), "地址", True, 300, ("企业地址", "注册地址", "经营地址")),
    Field("zone", _l("Park zone"), "所在园区片区", False, 100, ("园区片区", "片区", "园区", "所在片区")),
    Field("industry", _l("Industry"), "行业", False, 100, ("所属行业", "行业类别")),
    Field("legal_representative", _l("Legal representative"), "法定代表人", False, 100, ("法人", "法人代表")),
    Field("contact_name", _l("Safety contact"), "安全联系人", True, 100, ("联系人", "安全负责人")),
    Field("contact_phone", _l("Contact phone"), "联系电话", True, 30,
          ("联系人电话", "安全联系人电话", "电话", "手机")),
    Field("contact_email", _l("Contact e-mail"), "电子邮箱", False, 200,
          ("邮箱", "联系人邮箱", "安全联系人邮箱", "e-mail", "email")),
    Field("active", _l("Active"), "是否在用", False, 10, ("在用", "状态")),
)
FIELD_BY_NAME = {f.name: f for f in FIELDS}
# The major hazard installation level is derived from the installations (safety_app.installations):
# a file that still has the old column is read, and the column is ignored.
IGNORED_HEADERS = ("重大危险源等级", "重大危险源", "重大危险源级别", "major_hazard_installation")

# Values a spreadsheet may carry for the major-hazard level and the active flag.
MHI_VALUES = {
    "": "none", "无": "none", "没有": "none", "否": "none", "none": "none", "0": "none",
    "一级": "level1", "二级": "level2", "三级": "level3", "四级": "level4",
    "1级": "level1", "2级": "level2", "3级": "level3", "4级": "level4",
    "1": "level1", "2": "level2", "3": "level3", "4": "level4",
    **{level.value: level.value for level in MajorHazardInstallation},
}
MHI_ZH = {"none": "无", "level1": "一级", "level2": "二级", "level3": "三级", "level4": "四级"}
TRUE_WORDS = {"", "是", "在用", "有效", "正常", "y", "yes", "true", "1"}
FALSE_WORDS = {"否", "停用", "无效", "注销", "n", "no", "false", "0"}

MOBILE = re.compile(r"^(?:\+?86-?)?1[3-9]\d{9}$")
LANDLINE = re.compile(r"^(?:\+?86-?)?0\d{2,3}-?\d{7,8}(?:-\d{1,6})?$")
LOCAL = re.compile(r"^[2-9]\d{6,7}(?:-\d{1,6})?$")
SERVICE = re.compile(r"^[48]00-?\d{3}-?\d{4}$")
EMAIL = re.compile(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")


class RegistryError(ValueError):
    """The enterprise's data is not valid; ``errors`` maps field names to messages."""

    def __init__(self, errors):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class ImportFileError(ValueError):
    """The file as a whole cannot be imported (not a spreadsheet, too big, wrong columns...)."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass
class RowProblem:
    row: int  # the row number as the spreadsheet program shows it (header = 1)
    column: object  # the field's label, or "" for the whole row
    message: object


@dataclass
class ImportResult:
    rows: int = 0
    created: list = field(default_factory=list)
    problems: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.problems


# --- single values -----------------------------------------------------------------------------

def _text(value):
    """A cell or form value as a clean one-line string."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # phone numbers and all-digit codes typed into a number cell
    return " ".join(str(value).split())


def _narrow(value):
    """Full-width digits, letters and signs (typed with a Chinese IME) to ASCII."""
    return unicodedata.normalize("NFKC", _text(value))


def normalise_phone(value):
    return re.sub(r"[\s()（）]", "", _narrow(value)).replace("—", "-")


def is_valid_phone(value):
    """Mainland mobile (11 digits), landline with area code, local 7/8-digit or 400/800 numbers."""
    return any(p.match(value) for p in (MOBILE, LANDLINE, LOCAL, SERVICE))


def is_valid_email(value, allow_local_host=False):
    if allow_local_host:  # e.g. a sender like park-safety@localhost
        return re.match(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+$", value) is not None
    return EMAIL.match(value) is not None


def parse_mhi(value):
    return MHI_VALUES.get(_narrow(value).lower().replace(" ", ""))


def parse_active(value):
    if isinstance(value, bool):
        return value
    word = _narrow(value).lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


# --- one enterprise ----------------------------------------------------------------------------

def validate(data, current=None, check_unique=True):
    """Clean one enterprise's fields. Returns ``(values, errors)``.

    ``data`` maps field names to raw values (form strings or spreadsheet cells);
    missing keys count as empty. ``current`` is the enterprise being edited (its
    own credit code is not a duplicate). ``errors`` maps a field name to one message.
    """
    values, errors = {}, {}
    for f in FIELDS:
        if f.name in ("major_hazard_installation", "active"):
            continue
        raw = data.get(f.name)
        value = _narrow(raw) if f.name in ("credit_code", "contact_email") else _text(raw)
        if f.name == "contact_phone":
            value = normalise_phone(raw)
        values[f.name] = value
        if f.required and not value:
            errors[f.name] = _l("%(field)s is required.", field=f.label)
        elif len(value) > f.max_length:
            errors[f.name] = _l("%(field)s may have at most %(n)d characters.", field=f.label, n=f.max_length)

    if "credit_code" not in errors:
        try:
            values["credit_code"] = credit_code.validate(values["credit_code"])
        except credit_code.CreditCodeError as exc:
            errors["credit_code"] = exc.message
        else:
            if check_unique and is_code_taken(values["credit_code"], current):
                errors["credit_code"] = _l("An enterprise with this credit code is already registered.")
    if "contact_phone" not in errors and values["contact_phone"] and not is_valid_phone(values["contact_phone"]):
        errors["contact_phone"] = _l(
            "Not a valid phone number: a mobile number has 11 digits; a landline needs the area code, "
            "e.g. 022-12345678."
        )
    if "contact_email" not in errors and values["contact_email"] and not is_valid_email(values["contact_email"]):
        errors["contact_email"] = _l("Not a valid e-mail address (for example name@example.com).")

    active = parse_active(data.get("active", True))
    if active is None:
        errors["active"] = _l("Write yes or no.")
    values["active"] = True if active is None else active
    return values, errors


def is_code_taken(code, current=None):
    stmt = select(Enterprise.id).where(Enterprise.credit_code == code)
    if current is not None and current.id is not None:
        stmt = stmt.where(Enterprise.id != current.id)
    return db.session.scalar(stmt.limit(1)) is not None


def _duplicate_code_error():
    return RegistryError({"credit_code": _l("An enterprise with this credit code is already registered.")})


def create(data, actor):
    """Register a new enterprise. Raises ``RegistryError``; commits."""
    values, errors = validate(data)
    if errors:
        raise RegistryError(errors)
    enterprise = Enterprise(**values)
    db.session.add(enterprise)
    try:
        db.session.flush()
        audit.append_event(action="enterprise.create", actor=actor,
                           data={"enterprise_id": enterprise.id, "credit_code": enterprise.credit_code})
        db.session.commit()
    except IntegrityError:  # registered at the same moment by someone else
        db.session.rollback()
        raise _duplicate_code_error() from None
    return enterprise


def update(enterprise, data, actor):
    """Change an enterprise's fields. Raises ``RegistryError``; commits."""
    values, errors = validate(data, current=enterprise)
    if errors:
        raise RegistryError(errors)
    changed = {k: v for k, v in values.items() if getattr(enterprise, k) != v}
    for key, value in changed.items():
        setattr(enterprise, key, value)
    if not changed:
        return enterprise
    try:
        audit.append_event(action="enterprise.update", actor=actor,
                           data={"enterprise_id": enterprise.id, "fields": sorted(changed)})
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise _duplicate_code_error() from None
    return enterprise


# --- reading a file ----------------------------------------------------------------------------

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old binary .xls / .doc


def _not_a_spreadsheet():
    return ImportFileError(_l("This file is not a spreadsheet. Upload the template saved as .xlsx or .csv."))


def read_rows(filename, data):
    """The file's rows as lists of cell values, with the spreadsheet's row numbers.

    Accepts .xlsx and .csv (UTF-8 with or without BOM, or GBK/GB18030 as saved by
    Excel in China). Raises ``ImportFileError`` for anything else.
    """
    if not data:
        raise ImportFileError(_l("The file is empty."))
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportFileError(_l("The file is too large (at most %(mb)d MB).", mb=MAX_IMPORT_BYTES // (1024 * 1024)))
    ext = (filename or "").rsplit(".", 1)[-1].lower() if "." in (filename or "") else ""
    if data.startswith(OLE_MAGIC) or ext == "xls":
        raise ImportFileError(_l("Old Excel files (.xls) cannot be read. In Excel choose "
                                 "\"Save as\" → \"Excel workbook (.xlsx)\" and upload again."))
    if data.startswith(XLSX_MAGIC):
        return _xlsx_rows(data)
    if ext in ("xlsx", "xlsm"):
        raise _not_a_spreadsheet()
    if ext not in ("csv", "txt", ""):
        raise _not_a_spreadsheet()
    return _csv_rows(data)


def _xlsx_rows(data):
    """Streamed in read-only mode; a sheet longer than the import's row limit is refused before reading."""
    try:
        with spreadsheets.xlsx_rows(data, max_columns=MAX_COLUMNS) as numbered:
            rows, filled = [], 0
            for number, row in numbered:
                rows.append((number, row))
                filled += not _blank(row)
                if filled > MAX_IMPORT_ROWS + 1:
                    break  # enough to know it is too long
            return rows
    except spreadsheets.SpreadsheetError as exc:
        raise ImportFileError(exc.message) from None


def decode_text(data):
    """UTF-8 (with or without BOM) first, else GB18030 (a superset of GBK)."""
    if data.startswith(b"\xef\xbb\xbf"):
        encodings = ("utf-8-sig",)
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_l("The text encoding of this CSV file is not recognised. Save it as "
                             "\"CSV UTF-8\" or as .xlsx and upload again."))


def _csv_rows(data):
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _not_a_spreadsheet()
    text = decode_text(data)
    if any(unicodedata.category(ch) == "Cc" and ch not in "\r\n\t" for ch in text[:4096]):
        raise _not_a_spreadsheet()
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        reader = spreadsheets.limit_rows(csv.reader(io.StringIO(text, newline=""), dialect))
        rows, filled = [], 0
        for row in reader:
            rows.append(row[:MAX_COLUMNS])
            filled += not _blank(row)
            if filled > MAX_IMPORT_ROWS + 1:
                break  # enough to know it is too long
    except csv.Error:
        raise _not_a_spreadsheet() from None
    except spreadsheets.SpreadsheetError as exc:
        raise ImportFileError(exc.message) from None
    # Numbered by record, as Excel numbers rows (a quoted cell may span several lines).
    return list(enumerate(rows, start=1))


def _blank(row):
    return all(_text(cell) == "" for cell in row)


def _header_key(text):
    text = unicodedata.normalize("NFKC", _text(text)).strip("*＊ ").lower()
    return re.sub(r"\(.*?\)$", "", text).strip()


HEADER_INDEX = {}
for _f in FIELDS:
    for _name in (_f.header, _f.name, *_f.aliases):
        HEADER_INDEX[_header_key(_name)] = _f.name


_IGNORED = {_header_key(name) for name in IGNORED_HEADERS}


def map_columns(header):
    """Which field each column holds. Raises ``ImportFileError`` for unknown, repeated or missing columns."""
    columns, unknown, repeated = {}, [], []
    for index, cell in enumerate(header):
        title = _text(cell)
        if not title:
            continue
        name = HEADER_INDEX.get(_header_key(title))
        if name is None and _header_key(title) in _IGNORED:
            continue
        if name is None:
            unknown.append(title)
        elif name in columns.values():
            repeated.append(title)
        else:
            columns[index] = name
    if unknown:
        raise ImportFileError(_l("Unknown columns: %(cols)s. Use the column headers of the template.",
                                 cols="、".join(unknown)))
    if repeated:
        raise ImportFileError(_l("Columns given twice: %(cols)s.", cols="、".join(repeated)))
    missing = [f.header for f in FIELDS if f.required and f.name not in columns.values()]
    if missing:
        raise ImportFileError(_l("Required columns are missing: %(cols)s. Use the template.",
                                 cols="、".join(missing)))
    return columns


def parse_table(rows):
    """Turn raw rows into ``[(row_number, {field: value})]`` (blank rows skipped)."""
    rows = [(n, r) for n, r in rows if not _blank(r)]
    if not rows:
        raise ImportFileError(_l("The file has no rows."))
    (_header_number, header), body = rows[0], rows[1:]
    columns = map_columns(header)
    if not body:
        raise ImportFileError(_l("The file has a header but no enterprise rows."))
    if len(body) > MAX_IMPORT_ROWS:
        raise ImportFileError(_l("Too many rows: at most %(n)d enterprises per file. Split the file.",
                                 n=MAX_IMPORT_ROWS))
    records = []
    for number, row in body:
        record = {name: (row[index] if index < len(row) else None) for index, name in columns.items()}
        if "active" in record and _text(record["active"]) == "":
            record["active"] = True
        records.append((number, record))
    return records


# --- importing ---------------------------------------------------------------------------------

def check_records(records):
    """Validate every record, duplicates within the file and against the database.

    Returns ``(values_list, problems)``.
    """
    problems, cleaned, first_row_of_code = [], [], {}
    for number, record in records:
        values, errors = validate(record, check_unique=False)
        for name, message in errors.items():
            problems.append(RowProblem(number, FIELD_BY_NAME[name].label, message))
        code = values["credit_code"]
        if "credit_code" not in errors:
            if code in first_row_of_code:
                problems.append(RowProblem(number, FIELD_BY_NAME["credit_code"].label,
                                           _l("The same credit code is already in row %(row)d of this file.",
                                              row=first_row_of_code[code])))
            else:
                first_row_of_code[code] = number
        cleaned.append((number, values))
    if first_row_of_code:
        taken = set()
        codes = list(first_row_of_code)
        for start in range(0, len(codes), 500):
            taken |= set(db.session.scalars(
                select(Enterprise.credit_code).where(Enterprise.credit_code.in_(codes[start:start + 500]))
            ))
        for code in sorted(taken, key=first_row_of_code.get):
            problems.append(RowProblem(first_row_of_code[code], FIELD_BY_NAME["credit_code"].label,
                                       _l("An enterprise with this credit code is already registered.")))
    problems.sort(key=lambda p: p.row)
    return [values for _n, values in cleaned], problems


def import_file(filename, data, actor):
    """Import every enterprise of the file, or none. Returns an ``ImportResult``.

    Raises ``ImportFileError`` when the file as a whole is unusable.
    """
    records = parse_table(read_rows(filename, data))
    values_list, problems = check_records(records)
    result = ImportResult(rows=len(records), problems=problems)
    if problems:
        return result
    enterprises = [Enterprise(**values) for values in values_list]
    db.session.add_all(enterprises)
    try:
        db.session.flush()
        audit.append_event(action="enterprise.import", actor=actor,
                           data={"file": (filename or "")[:200], "count": len(enterprises),
                                 "credit_codes": [e.credit_code for e in enterprises]})
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ImportFileError(_l("Another user registered one of these credit codes at the same moment. "
                                 "Nothing was imported; please try again.")) from None
    result.created = enterprises
    return result


# --- the template ------------------------------------------------------------------------------

EXAMPLE = {
    "name": "天津示例石油化工有限公司",
    "credit_code": credit_code.compose("MA05T8KJ"),
    "address": "天津市滨海新区大港石化产业园区示例路1号",
    "zone": "石化产业园区",
    "industry": "石油化工",
    "legal_representative": "王明",
    "contact_name": "李强",
    "contact_phone": "13820001234",
    "contact_email": "safety@example.com",
    "active": "是",
}

INSTRUCTIONS = [
    "1. 第一行为表头，请勿修改；带 * 的列为必填。每行一家企业，第2行为示例，导入前请删除或替换。",
    "2. 统一社会信用代码：18位，数字和大写字母（不含I、O、Z、S、V），最后一位为校验码。",
    "3. 联系电话：11位手机号，或带区号的座机号（如 022-12345678）。",
    "4. 是否在用：是 / 否；留空视为“是”。",
    f"5. 每个文件最多 {MAX_IMPORT_ROWS} 行，文件不超过 {MAX_IMPORT_BYTES // (1024 * 1024)} MB；"
    "可保存为 .xlsx，或 CSV（UTF-8 或 GBK 编码）。",
    "6. 全部行校验通过才会导入；任一行有误则全部不导入，并逐行列出错误原因。",
    "7. 信用代码与系统中已登记企业或本文件其他行重复的，视为错误。",
]


def template_xlsx():
    """The import template as XLSX bytes: Chinese headers, one example row, dropdowns, instructions."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = "企业名录"
    sheet.append([f"{f.header}*" if f.required else f.header for f in FIELDS])
    sheet.append([EXAMPLE[f.name] for f in FIELDS])
    for index, f in enumerate(FIELDS, start=1):
        letter = get_column_letter(index)
        head = sheet.cell(row=1, column=index)
        head.font = Font(bold=True, color="B91C1C" if f.required else "000000")
        head.fill = PatternFill("solid", fgColor="E5E7EB")
        sheet.column_dimensions[letter].width = max(12, min(40, f.max_length // 4 + len(f.header) * 2))
        if f.name in ("credit_code", "contact_phone"):
            for row in range(2, MAX_IMPORT_ROWS + 2):
                sheet.cell(row=row, column=index).number_format = "@"  # keep leading zeros, no 1E+17
    sheet.freeze_panes = "A2"
    columns = {f.name: get_column_letter(i) for i, f in enumerate(FIELDS, start=1)}
    last = MAX_IMPORT_ROWS + 1
    for name, options in (("active", "是,否"),):
        rule = DataValidation(type="list", formula1=f'"{options}"', allow_blank=True)
        rule.add(f"{columns[name]}2:{columns[name]}{last}")
        sheet.add_data_validation(rule)
    notes = book.create_sheet("填写说明")
    notes.column_dimensions["A"].width = 100
    for line in INSTRUCTIONS:
        notes.append([line])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def mhi_label(value):
    return MAJOR_HAZARD_INSTALLATION.get(value, value)
