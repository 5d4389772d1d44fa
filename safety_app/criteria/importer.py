"""Loading and exporting the clause texts of a criteria set (CSV or XLSX: clause, group, text).

All or nothing: every row is checked first; one bad row loads nothing, and each
problem names the row (as the spreadsheet shows it) and why. The set's clauses
are fixed by the published numbering (seeded by migration 0006): a file can
fill in texts and group names, never add or remove clauses. An empty text (or
group) leaves the clause as it is, so an exported file can be filled in part by part.
"""
import unicodedata
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from .. import audit
from ..exports import Column, csv_stream, xlsx_stream
from ..extensions import db
from ..registry import ImportFileError, read_rows
from . import clauses, get_set

MAX_ROWS = 500          # the longest published list has 53 clauses
MAX_TEXT = 4000
MAX_GROUP = 100
HEADERS = {             # accepted column titles (exported titles first)
    "clause": ("条款号", "条款", "clause", "序号", "编号"),
    "group": ("分组", "组", "group", "类别"),
    "text": ("条文", "text", "内容", "条文内容", "判定情形"),
}
EXPORT_COLUMNS = (Column("条款号", 10), Column("分组", 24), Column("条文", 100))


@dataclass
class RowProblem:
    row: int
    message: object


@dataclass
class ImportResult:
    set_code: str
    rows: int = 0
    changed: int = 0
    problems: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.problems


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a clause number typed into a number cell: 5 -> "5"
    return str(value)


def _clean_text(value):
    text = _cell(value).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()


def _has_control_characters(text):
    return any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in text)


def _key(title):
    return unicodedata.normalize("NFKC", _cell(title)).strip(" *＊").lower()


def _columns(header):
    known = {_key(name): column for column, names in HEADERS.items() for name in names}
    columns, unknown = {}, []
    for index, title in enumerate(header):
        if not _cell(title).strip():
            continue
        column = known.get(_key(title))
        if column is None:
            unknown.append(_cell(title).strip())
        elif column in columns.values():
            raise ImportFileError(_l("Columns given twice: %(cols)s.", cols=_cell(title).strip()))
        else:
            columns[index] = column
    if unknown:
        raise ImportFileError(_l("Unknown columns: %(cols)s. Use the columns clause, group and text "
                                 "(条款号, 分组, 条文) as in the export.", cols="、".join(unknown)))
    if not {"clause", "text"} <= set(columns.values()):
        raise ImportFileError(_l("The file needs the columns clause and text (条款号, 条文); group (分组) "
                                 "is optional."))
    return columns


def check_file(criteria_set, filename, data):
    """(ImportResult, [(criterion, group or None, text)]) for the rows of the file; nothing is written."""
    rows = [(n, r) for n, r in read_rows(filename, data) if any(_cell(c).strip() for c in r)]
    if not rows:
        raise ImportFileError(_l("The file has no rows."))
    (_, header), body = rows[0], rows[1:]
    columns = _columns(header)
    if not body:
        raise ImportFileError(_l("The file has a header but no clause rows."))
    if len(body) > MAX_ROWS:
        raise ImportFileError(_l("Too many rows: at most %(n)d clauses per file.", n=MAX_ROWS))
    by_clause = {c.clause: c for c in clauses(criteria_set.code)}
    result, updates, seen = ImportResult(set_code=criteria_set.code, rows=len(body)), [], {}
    for number, row in body:
        record = {name: (row[i] if i < len(row) else None) for i, name in columns.items()}
        clause = unicodedata.normalize("NFKC", _cell(record.get("clause"))).strip()
        text = _clean_text(record.get("text"))
        group = _clean_text(record["group"]) if "group" in record else None

        def problem(message, number=number):
            result.problems.append(RowProblem(number, message))

        if not clause:
            problem(_l("Row %(row)d: the clause number is missing.", row=number))
            continue
        criterion = by_clause.get(clause)
        if criterion is None:
            problem(_l("Row %(row)d: clause %(clause)s is not a clause of %(set)s.", row=number, clause=clause,
                       set=criteria_set.label))
            continue
        if clause in seen:
            problem(_l("Row %(row)d: clause %(clause)s was already given in row %(first)d.", row=number,
                       clause=clause, first=seen[clause]))
            continue
        seen[clause] = number
        if len(text) > MAX_TEXT:
            problem(_l("Row %(row)d: the text of clause %(clause)s is too long (at most %(n)d characters).",
                       row=number, clause=clause, n=MAX_TEXT))
        elif group is not None and len(group) > MAX_GROUP:
            problem(_l("Row %(row)d: the group is too long (at most %(n)d characters).", row=number, n=MAX_GROUP))
        elif _has_control_characters(text) or (group and _has_control_characters(group)):
            problem(_l("Row %(row)d: the text contains control characters (invisible characters).", row=number))
        else:
            updates.append((criterion, group, text))
    return result, updates


def import_file(set_code, filename, data, actor=None):
    """Load the texts of the file into the set, all or nothing. Returns an ``ImportResult``.

    Raises ``ImportFileError`` when the set is unknown or the file as a whole is unusable.
    """
    criteria_set = get_set(set_code)
    if criteria_set is None:
        raise ImportFileError(_l("Unknown list of criteria."))
    result, updates = check_file(criteria_set, filename, data)
    if result.problems:
        return result
    changed = []
    for criterion, group, text in updates:
        before = (criterion.group, criterion.text)
        if text:
            criterion.text = text
        if group:
            criterion.group = group
        if (criterion.group, criterion.text) != before:
            changed.append(criterion.clause)
    try:
        audit.append_event(action="criteria.import", actor=actor,
                           data={"set": criteria_set.code, "file": (filename or "")[:200], "rows": result.rows,
                                 "changed": changed})
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    result.changed = len(changed)
    return result


def export(set_code, fmt):
    """(file name stem, byte chunks) of the set's clauses as CSV or XLSX, ready to edit and re-import."""
    criteria_set = get_set(set_code)
    if criteria_set is None:
        raise ImportFileError(_l("Unknown list of criteria."))
    rows = [(c.clause, c.group, c.text) for c in clauses(criteria_set.code)]
    stem = f"criteria-{criteria_set.code}"
    if fmt == "csv":
        return stem, csv_stream(EXPORT_COLUMNS, rows)
    return stem, xlsx_stream(EXPORT_COLUMNS, rows, criteria_set.code[:31])
