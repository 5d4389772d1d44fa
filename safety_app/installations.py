"""Major hazard installations (重大危险源, regulations §8.4): the one place of their rules.

- Grading under GB 18218-2018: ``calculate(lines, people)`` gives every term β·q/Q, Σq/Q,
  Σβ·q/Q, α (from the people within 500 m), R = α·Σβ·q/Q and the level (一级–四级 from R);
  only a unit with Σq/Q ≥ 1 is a major hazard installation (level 'none' otherwise). The α
  table and the level thresholds are data: ``reference/data/major_hazard_grading.json``.
  β and Q are entered per substance (the standard's tables are not shipped).
- ``validate`` / ``create`` / ``update``: one installation with its substance lines and its
  three 包保 persons, all or nothing; a q or Q ≤ 0 is refused with a clear message.
- The enterprise's ``major_hazard_installation`` is derived: its highest in-service
  installation, recomputed here whenever an installation changes (``derive_enterprise_level``).
- ``attach_report`` (the assessment report, a PDF checked like any upload), ``write_off`` (核销).
- ``import_file`` / ``export_rows``: XLSX/CSV, one row per substance line (see ``IMPORT_COLUMNS``),
  all or nothing like the enterprise registry.
"""
import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from . import audit, registry, uploads
from .clock import today
from .extensions import db
from .models import (
    Enterprise,
    Installation,
    InstallationKind,
    InstallationStatus,
    InstallationSubstance,
    Role,
    User,
)
from .validation import date_window

GRADING_FILE = Path(__file__).parent / "reference" / "data" / "major_hazard_grading.json"
LEVEL_ORDER = ("none", "level4", "level3", "level2", "level1")
LEVEL_ZH = {"none": "不构成重大危险源", "level1": "一级", "level2": "二级", "level3": "三级", "level4": "四级"}
KIND_ZH = {"production": "生产单元", "storage": "储存单元"}
STATUS_ZH = {"in_service": "在用", "written_off": "已核销"}
ROLES = ("principal", "technical", "operations")
ROLE_ZH = {"principal": "主要负责人", "technical": "技术负责人", "operations": "操作负责人"}
MAX_SUBSTANCES = 50
MAX_QUANTITY = Decimal("99999999999.999")  # Numeric(14, 3)
MAX_BETA = Decimal("9999.99")
CAS = re.compile(r"^(\d{2,7})-(\d{2})-(\d)$")
TWO = Decimal("0.01")


class InstallationError(ValueError):
    """The installation's data is not valid; ``errors`` maps field names to messages."""

    def __init__(self, errors):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


# --- grading (GB 18218-2018) --------------------------------------------------------------------

@cache
def grading():
    return json.loads(GRADING_FILE.read_text(encoding="utf-8"))


def alpha_for(people):
    """α for the number of people within 500 m (the table of ``major_hazard_grading.json``)."""
    for row in grading()["alpha"]:
        if people >= row["min_people"]:
            return Decimal(row["alpha"]), row["zh"]
    raise ValueError("negative number of people")


def level_for(r):
    for row in grading()["levels"]:
        if r >= Decimal(row["min_r"]):
            return row["level"]
    return grading()["levels"][-1]["level"]


@dataclass(frozen=True)
class Term:
    name: str
    beta: Decimal
    q: Decimal
    big_q: Decimal

    @property
    def ratio(self):
        return self.q / self.big_q

    @property
    def value(self):
        return self.beta * self.q / self.big_q


@dataclass(frozen=True)
class Calculation:
    terms: tuple
    people: int
    alpha: Decimal
    alpha_band: str
    sum_ratio: Decimal   # Σ q/Q: ≥ 1 makes the unit a major hazard installation
    sum_terms: Decimal   # Σ β·q/Q
    r: Decimal           # α · Σ β·q/Q
    is_major: bool
    level: str           # 'none' or level1..level4

    def shown(self, value):
        return value.quantize(TWO)


def calculate(lines, people):
    """R and the level of a unit from its substance lines (objects or dicts with name, beta, q, Q)."""
    terms = tuple(Term(_get(line, "name"), Decimal(_get(line, "beta")), Decimal(_get(line, "max_quantity")),
                       Decimal(_get(line, "critical_quantity"))) for line in lines)
    alpha, band = alpha_for(int(people or 0))
    sum_ratio = sum((t.ratio for t in terms), Decimal(0))
    sum_terms = sum((t.value for t in terms), Decimal(0))
    r = alpha * sum_terms
    is_major = bool(terms) and sum_ratio >= 1
    return Calculation(terms, int(people or 0), alpha, band, sum_ratio, sum_terms, r, is_major,
                       level_for(r) if is_major else "none")


def _get(line, name):
    return line[name] if isinstance(line, dict) else getattr(line, name)


def cas_is_valid(value):
    """A CAS registry number: 2–7 digits, 2 digits, a check digit = Σ(digit × position from the right) mod 10."""
    match = CAS.match(value or "")
    if not match:
        return False
    digits = (match.group(1) + match.group(2))[::-1]
    return sum(int(d) * i for i, d in enumerate(digits, start=1)) % 10 == int(match.group(3))


# --- one installation ---------------------------------------------------------------------------

def _text(value, limit=None):
    text = registry._text(value)
    return text[:limit + 1] if limit else text


def _decimal(value):
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        result = Decimal(str(value))
    else:
        try:
            result = Decimal(registry._narrow(value).replace(",", ""))
        except InvalidOperation:
            raise ValueError from None
    if not result.is_finite():
        raise ValueError
    return result


def _date(value):
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(registry._narrow(value).replace("/", "-").replace(".", "-"))
    except ValueError:
        raise ValueError from None


SUBSTANCE_LABELS = {
    "name": _l("Substance"), "cas": _l("CAS number"), "max_quantity": _l("Maximum quantity q (t)"),
    "critical_quantity": _l("Critical quantity Q (t)"), "beta": _l("Correction factor β"),
}


def validate_substance(raw):
    """One substance line → (values, errors by field)."""
    values, errors = {}, {}
    values["name"] = _text(raw.get("name"))
    if not values["name"]:
        errors["name"] = _l("Name the substance.")
    elif len(values["name"]) > 200:
        errors["name"] = _l("At most %(n)d characters.", n=200)
    values["cas"] = registry._narrow(raw.get("cas")).replace(" ", "")
    if values["cas"] and not cas_is_valid(values["cas"]):
        errors["cas"] = _l("Not a valid CAS number (e.g. 7664-41-7): check the digits and the check digit.")
    for name, label in (("max_quantity", "q"), ("critical_quantity", "Q")):
        try:
            number = _decimal(raw.get(name))
        except ValueError:
            number = None
            errors[name] = _l("%(what)s must be a number of tonnes.", what=label)
            continue
        if number is None:
            errors[name] = _l("%(what)s is required (tonnes).", what=label)
        elif number <= 0:
            errors[name] = _l("%(what)s must be greater than 0 t.", what=label)
        elif number > MAX_QUANTITY or number != number.quantize(Decimal("0.001")):
            errors[name] = _l("%(what)s: at most 11 digits before and 3 after the decimal point.", what=label)
        values[name] = number
    try:
        beta = _decimal(raw.get("beta"))
    except ValueError:
        beta = None
        errors["beta"] = _l("β must be a number (default 1).")
    else:
        if beta is None:
            beta = Decimal(1)
        if beta <= 0 or beta > MAX_BETA or beta != beta.quantize(TWO):
            errors["beta"] = _l("β must be greater than 0, with at most 2 decimals.")
    values["beta"] = beta
    return values, errors


FIELD_LABELS = {
    "code": _l("Code"), "name": _l("Name"), "kind": _l("Kind"), "location": _l("Location"),
    "people_within_500m": _l("People within 500 m"), "assessed_on": _l("Assessment date"),
    "validity_years": _l("Validity (years)"), "filed_on": _l("Filing date"), "filing_no": _l("Filing number"),
    "principal_id": _l("Principal (主要负责人)"), "technical_id": _l("Technical lead (技术负责人)"),
    "operations_id": _l("Operations lead (操作负责人)"), "substances": _l("Substances"),
}


def validate(data, enterprise, current=None):
    """Clean one installation's fields and substance lines. Returns ``(values, lines, errors)``.

    ``errors`` maps a field name (or ``substances.N.field``) to one message.
    """
    values, errors = {}, {}
    for name, limit, required in (("code", 40, True), ("name", 200, True), ("location", 200, False),
                                  ("filing_no", 100, False)):
        values[name] = _text(data.get(name))
        if required and not values[name]:
            errors[name] = _l("%(field)s is required.", field=FIELD_LABELS[name])
        elif len(values[name]) > limit:
            errors[name] = _l("At most %(n)d characters.", n=limit)
    kind = str(data.get("kind") or "")
    kind = {"生产单元": "production", "储存单元": "storage", "生产": "production", "储存": "storage"}.get(kind, kind)
    if kind not in {k.value for k in InstallationKind}:
        errors["kind"] = _l("Choose production unit or storage unit.")
    values["kind"] = kind
    try:
        people = _decimal(data.get("people_within_500m"))
    except ValueError:
        people = None
        errors["people_within_500m"] = _l("Give a whole number of people (0 or more).")
    if people is None:
        people = Decimal(0)
    if "people_within_500m" not in errors and (people < 0 or people != people.to_integral_value()
                                              or people > 10_000_000):
        errors["people_within_500m"] = _l("Give a whole number of people (0 or more).")
    values["people_within_500m"] = int(people) if "people_within_500m" not in errors else 0
    first, last = date_window()
    for name in ("assessed_on", "filed_on"):
        try:
            values[name] = _date(data.get(name))
        except ValueError:
            values[name] = None
            errors[name] = _l("Give the date as YYYY-MM-DD.")
            continue
        if values[name] is not None and not (first <= values[name] <= min(last, today())):
            errors[name] = _l("The date must be between %(first)s and today.", first=first.isoformat())
    try:
        years = _decimal(data.get("validity_years"))
    except ValueError:
        years = Decimal(-1)
    years = Decimal(3) if years is None else years
    if years != years.to_integral_value() or not 1 <= years <= 10:
        errors["validity_years"] = _l("The validity is 1 to 10 years.")
        years = Decimal(3)
    values["validity_years"] = int(years)
    values["assessment_due"] = (_add_years(values["assessed_on"], values["validity_years"])
                                if values["assessed_on"] else None)
    for role in ROLES:
        key = f"{role}_id"
        person, problem = _person(data.get(key), enterprise)
        values[key] = person
        if problem:
            errors[key] = problem

    lines = []
    raw_lines = [(index, line) for index, line in enumerate(data.get("substances") or []) if not blank_line(line)]
    if not raw_lines:
        errors["substances"] = _l("Enter at least one dangerous substance with q and Q.")
    if len(raw_lines) > MAX_SUBSTANCES:
        errors["substances"] = _l("At most %(n)d substances per installation.", n=MAX_SUBSTANCES)
    for index, raw in raw_lines[:MAX_SUBSTANCES]:
        line, line_errors = validate_substance(raw)
        lines.append(line)
        for name, message in line_errors.items():
            errors[f"substances.{index}.{name}"] = message

    if "code" not in errors and _code_taken(enterprise.id, values["code"], current):
        errors["code"] = _l("This enterprise already has an installation with this code.")
    return values, lines, errors


def blank_line(line):
    """A substance line with no name, CAS, q or Q is an empty row of the form (β alone has its default)."""
    return not any(_text(line.get(name)) for name in ("name", "cas", "max_quantity", "critical_quantity"))


def _add_years(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _person(raw, enterprise):
    """A 包保 person: an active user of the enterprise with a phone number (or none yet)."""
    if raw in (None, "", 0, "0"):
        return None, None
    try:
        user_id = int(raw)
    except (TypeError, ValueError):
        return None, _l("Choose a user of this enterprise.")
    user = db.session.get(User, user_id)
    if user is None or user.role != Role.ENTERPRISE or user.enterprise_id != enterprise.id or not user.active:
        return None, _l("Choose an active user of this enterprise.")
    if not (user.phone or "").strip():
        return None, _l("%(name)s has no phone number; add it to the user first.", name=user.name)
    return user.id, None


def _code_taken(enterprise_id, code, current=None):
    stmt = select(Installation.id).where(Installation.enterprise_id == enterprise_id, Installation.code == code)
    if current is not None and current.id is not None:
        stmt = stmt.where(Installation.id != current.id)
    return db.session.scalar(stmt.limit(1)) is not None


def _apply(installation, values, lines):
    for key, value in values.items():
        setattr(installation, key, value)
    installation.substances = [InstallationSubstance(position=i, **line) for i, line in enumerate(lines)]
    installation.level = calculate(lines, values["people_within_500m"]).level


def create(enterprise, data, actor):
    """Register an installation of ``enterprise``. Raises ``InstallationError``; commits."""
    values, lines, errors = validate(data, enterprise)
    if errors:
        raise InstallationError(errors)
    installation = Installation(enterprise_id=enterprise.id, status=InstallationStatus.IN_SERVICE.value)
    _apply(installation, values, lines)
    db.session.add(installation)
    return _save(installation, actor, "installation.create")


def update(installation, data, actor):
    """Change an installation (fields, substance lines, persons). Raises ``InstallationError``; commits."""
    values, lines, errors = validate(data, installation.enterprise, current=installation)
    if errors:
        raise InstallationError(errors)
    _apply(installation, values, lines)
    from . import duties

    duties.reassign_open_tasks(installation)
    return _save(installation, actor, "installation.update")


def _save(installation, actor, action):
    try:
        db.session.flush()
        derive_enterprise_level(installation.enterprise_id)
        audit.append_event(action=action, actor=actor, data={
            "installation_id": installation.id, "enterprise_id": installation.enterprise_id,
            "code": installation.code, "level": installation.level})
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise InstallationError({"code": _l("This enterprise already has an installation with this code.")}) \
            from None
    return installation


def derive_enterprise_level(enterprise_id):
    """The enterprise's level = its highest in-service installation's (in the caller's transaction)."""
    levels = db.session.scalars(select(Installation.level).where(
        Installation.enterprise_id == enterprise_id,
        Installation.status == InstallationStatus.IN_SERVICE.value)).all()
    highest = max(levels or ["none"], key=LEVEL_ORDER.index)
    enterprise = db.session.get(Enterprise, enterprise_id)
    if enterprise.major_hazard_installation != highest:
        enterprise.major_hazard_installation = highest
    return highest


def write_off(installation, actor, on=None):
    """核销: the unit is no longer a major hazard installation (or no longer exists); commits."""
    on = on or today()
    if not installation.in_service:
        raise InstallationError({"status": _l("This installation is already written off.")})
    first, _last = date_window()
    if not first <= on <= today():
        raise InstallationError({"written_off_on": _l("The date must be between %(first)s and today.",
                                                      first=first.isoformat())})
    installation.status = InstallationStatus.WRITTEN_OFF.value
    installation.written_off_on = on
    db.session.flush()
    derive_enterprise_level(installation.enterprise_id)
    audit.append_event(action="installation.write_off", actor=actor, data={
        "installation_id": installation.id, "enterprise_id": installation.enterprise_id,
        "written_off_on": on.isoformat()})
    db.session.commit()
    return installation


def attach_report(installation, storage, actor):
    """Store the assessment report (a PDF, checked by content like every upload); commits."""
    checked = uploads.check(storage, allow_pdf=True)
    if checked.content_type != uploads.PDF[0]:
        raise uploads.UploadError(_l("The assessment report must be a PDF file."))
    stored = uploads.store(checked, "assessment")
    old = installation.report_stored_name
    try:
        installation.report_name = checked.original_name[:255]
        installation.report_stored_name = stored.stored_name
        installation.report_sha256 = hashlib.sha256(checked.data).hexdigest()
        audit.append_event(action="installation.report", actor=actor, data={
            "installation_id": installation.id, "file": installation.report_name,
            "sha256": installation.report_sha256})
        db.session.commit()
    except BaseException:
        db.session.rollback()
        uploads.discard([stored])
        raise
    if old:
        uploads.discard_names([old])
    return installation


# --- lists --------------------------------------------------------------------------------------

def open_hazards(installation):
    from .lifecycle import NOT_FINAL
    from .models import Hazard

    return db.session.scalars(select(Hazard).where(
        Hazard.installation_id == installation.id, Hazard.status.in_([s.value for s in NOT_FINAL]))
        .order_by(Hazard.deadline, Hazard.id)).all()


def hazard_history(installation, limit=50):
    from .lifecycle import NOT_FINAL
    from .models import Hazard

    return db.session.scalars(select(Hazard).where(
        Hazard.installation_id == installation.id, Hazard.status.not_in([s.value for s in NOT_FINAL]))
        .order_by(Hazard.found_on.desc(), Hazard.id.desc()).limit(limit)).all()


# --- import and export: one row per substance line ------------------------------------------------

@dataclass(frozen=True)
class ImportColumn:
    name: str
    header: str
    required: bool = False
    export_only: bool = False


IMPORT_COLUMNS = (
    ImportColumn("credit_code", "统一社会信用代码", True),
    ImportColumn("enterprise_name", "企业名称", export_only=True),
    ImportColumn("code", "单元编号", True),
    ImportColumn("name", "单元名称", True),
    ImportColumn("kind", "单元类型", True),
    ImportColumn("location", "位置"),
    ImportColumn("people_within_500m", "500米内人数"),
    ImportColumn("assessed_on", "评估日期"),
    ImportColumn("validity_years", "有效期（年）"),
    ImportColumn("filed_on", "备案日期"),
    ImportColumn("filing_no", "备案编号"),
    ImportColumn("substance", "物质名称", True),
    ImportColumn("cas", "CAS号"),
    ImportColumn("max_quantity", "最大量q（吨）", True),
    ImportColumn("critical_quantity", "临界量Q（吨）", True),
    ImportColumn("beta", "校正系数β"),
    ImportColumn("r", "R值", export_only=True),
    ImportColumn("level", "级别", export_only=True),
    ImportColumn("status", "状态", export_only=True),
)
INSTALLATION_FIELDS = ("kind", "name", "location", "people_within_500m", "assessed_on", "validity_years",
                       "filed_on", "filing_no")
_HEADERS = {registry._header_key(c.header): c.name for c in IMPORT_COLUMNS}


ImportResult = registry.ImportResult


def _columns(header):
    columns, unknown = {}, []
    for index, cell in enumerate(header):
        title = registry._text(cell)
        if not title:
            continue
        name = _HEADERS.get(registry._header_key(title))
        if name is None:
            unknown.append(title)
        elif name not in columns.values():
            columns[index] = name
    if unknown:
        raise registry.ImportFileError(_l("Unknown columns: %(cols)s. Use the column headers of the template.",
                                          cols="、".join(unknown)))
    missing = [c.header for c in IMPORT_COLUMNS if c.required and c.name not in columns.values()]
    if missing:
        raise registry.ImportFileError(_l("Required columns are missing: %(cols)s. Use the template.",
                                          cols="、".join(missing)))
    return columns


def import_file(filename, data, actor, visible_enterprises):
    """Import every installation of the file, or none. ``visible_enterprises``: a SELECT of the
    enterprises the actor may write to (an enterprise user: their own). Returns an ``ImportResult``.

    Rows with the same (credit code, unit code) are one installation: its fields come from its
    first row (later rows may leave them blank, or must repeat the same values).
    """
    rows = [(n, r) for n, r in registry.read_rows(filename, data) if not registry._blank(r)]
    if not rows:
        raise registry.ImportFileError(_l("The file has no rows."))
    (_n, header), body = rows[0], rows[1:]
    columns = _columns(header)
    if not body:
        raise registry.ImportFileError(_l("The file has a header but no substance rows."))
    if len(body) > registry.MAX_IMPORT_ROWS:
        raise registry.ImportFileError(_l("Too many rows: at most %(n)d per file. Split the file.",
                                          n=registry.MAX_IMPORT_ROWS))
    problems, groups = [], {}
    codes = {registry._narrow(row[i]) for n, row in body for i, name in columns.items()
             if name == "credit_code" and i < len(row)}
    enterprises = {e.credit_code: e for e in db.session.scalars(
        visible_enterprises.where(Enterprise.credit_code.in_(codes)))}
    for number, row in body:
        record = {name: (row[i] if i < len(row) else None) for i, name in columns.items()}
        enterprise = enterprises.get(registry._narrow(record.get("credit_code")))
        if enterprise is None:
            problems.append(registry.RowProblem(number, _l("Unified social credit code"),
                                                _l("No enterprise with this credit code that you may edit.")))
            continue
        key = (enterprise.id, registry._text(record.get("code")))
        group = groups.setdefault(key, {"enterprise": enterprise, "first": number, "data": None, "lines": []})
        if group["data"] is None:
            group["data"] = {name: record.get(name) for name in ("code", *INSTALLATION_FIELDS)}
        else:
            for name in INSTALLATION_FIELDS:
                value = registry._text(record.get(name))
                if value and value != registry._text(group["data"].get(name)):
                    problems.append(registry.RowProblem(number, FIELD_LABELS[name], _l(
                        "Differs from row %(row)d of the same installation.", row=group["first"])))
        group["lines"].append((number, {"name": record.get("substance"), "cas": record.get("cas"),
                                        "max_quantity": record.get("max_quantity"),
                                        "critical_quantity": record.get("critical_quantity"),
                                        "beta": record.get("beta")}))
    prepared = []
    for (_eid, _code), group in groups.items():
        data = {**group["data"], "substances": [line for _n, line in group["lines"]]}
        values, lines, errors = validate(data, group["enterprise"])
        for name, message in errors.items():
            if name.startswith("substances."):
                _s, index, field_name = name.split(".")
                row = group["lines"][int(index)][0]
                problems.append(registry.RowProblem(row, SUBSTANCE_LABELS[field_name], message))
            else:
                problems.append(registry.RowProblem(group["first"], FIELD_LABELS.get(name, name), message))
        prepared.append((group["enterprise"], values, lines))
    problems.sort(key=lambda p: p.row)
    result = ImportResult(rows=len(body), problems=problems)
    if problems:
        return result
    created = []
    try:
        for enterprise, values, lines in prepared:
            installation = Installation(enterprise_id=enterprise.id, status=InstallationStatus.IN_SERVICE.value)
            _apply(installation, values, lines)
            db.session.add(installation)
            created.append(installation)
        db.session.flush()
        for enterprise_id in {i.enterprise_id for i in created}:
            derive_enterprise_level(enterprise_id)
        audit.append_event(action="installation.import", actor=actor, data={
            "file": (filename or "")[:200], "count": len(created),
            "installations": [[i.enterprise_id, i.code] for i in created]})
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise registry.ImportFileError(_l("Another user registered one of these installations at the same "
                                          "moment. Nothing was imported; please try again.")) from None
    result.created = created
    return result


def export_rows(installations):
    """The header and one row per substance line (the import's columns, plus R, level and status)."""
    yield [c.header for c in IMPORT_COLUMNS]
    for inst in installations:
        calc = calculate(inst.substances, inst.people_within_500m)
        for line in inst.substances:
            yield [inst.enterprise.credit_code, inst.enterprise.name, inst.code, inst.name, KIND_ZH[inst.kind],
                   inst.location, inst.people_within_500m, inst.assessed_on, inst.validity_years, inst.filed_on,
                   inst.filing_no, line.name, line.cas, line.max_quantity, line.critical_quantity, line.beta,
                   calc.shown(calc.r), LEVEL_ZH[calc.level], STATUS_ZH[inst.status]]


def of_enterprise(enterprise_id):
    """The enterprise's in-service installations (for the filing form's choice)."""
    return db.session.scalars(select(Installation).where(
        Installation.enterprise_id == enterprise_id, Installation.status == InstallationStatus.IN_SERVICE.value)
        .order_by(Installation.code)).all()


def chosen(raw, user):
    """The installation a form or the API names (``None`` for none); one the user cannot see is
    refused like a missing one. The lifecycle core checks that it is of the hazard's enterprise."""
    from .lifecycle_errors import Invalid
    from .permissions import get_visible

    if raw in (None, ""):
        return None
    installation = get_visible(Installation, raw, user)
    if installation is None:
        raise Invalid(_l("Choose an installation of this enterprise."), field="installation")
    return installation
