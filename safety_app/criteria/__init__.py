"""The major-hazard criteria catalogue: which set applies on a day, its clauses,
and the one description of a hazard's criterion (pages, documents, exports, API).

Sets and clauses live in the database (models/criteria.py), seeded by migration
0006 from ``safety_app/reference/data/criteria/*.json``; the office loads the
clause texts with ``flask reference import criteria`` or the admin page
(``importer.py``). A reference is (set code, clause) and never changes meaning.
"""
from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from ..extensions import db
from ..models import CriteriaSet, Criterion

CHECKLIST_PREFIX = "criterion:"


def set_in_force(day):
    """The criteria set that applies to a hazard found on ``day`` (None if none is defined)."""
    return db.session.execute(
        select(CriteriaSet)
        .where(or_(CriteriaSet.in_force_from.is_(None), CriteriaSet.in_force_from <= day))
        .where(or_(CriteriaSet.in_force_until.is_(None), CriteriaSet.in_force_until > day))
        .order_by(CriteriaSet.in_force_from.desc().nulls_last()).limit(1)
    ).scalar_one_or_none()


def get_set(code):
    return db.session.get(CriteriaSet, code) if code else None


def all_sets():
    return db.session.execute(
        select(CriteriaSet).order_by(CriteriaSet.in_force_from.desc().nulls_last(), CriteriaSet.code)
    ).scalars().all()


def clauses(set_code):
    """The criteria of a set in their published order."""
    return db.session.execute(
        select(Criterion).where(Criterion.set_code == set_code).order_by(Criterion.position)
    ).scalars().all()


def find(set_code, clause):
    if not set_code or clause in (None, ""):
        return None
    return db.session.get(Criterion, (str(set_code), str(clause)))


def missing_texts(set_code):
    """How many clauses of the set have no text yet."""
    return db.session.execute(
        select(func.count()).select_from(Criterion)
        .where(Criterion.set_code == set_code, func.trim(Criterion.text) == "")
    ).scalar_one()


@dataclass(frozen=True)
class Missing:
    label: str
    total: int
    missing: int


def missing_in_force(day):
    """For the admin's home: the set in force on ``day`` and how many of its clauses lack text."""
    in_force = set_in_force(day)
    if in_force is None:
        return None
    total = db.session.execute(
        select(func.count()).select_from(Criterion).where(Criterion.set_code == in_force.code)).scalar_one()
    return Missing(in_force.label, total, missing_texts(in_force.code))


@dataclass(frozen=True)
class Group:
    name: str
    criteria: tuple


def grouped(criteria):
    """Consecutive criteria of the same clause group, in order."""
    groups = []
    for c in criteria:
        if groups and groups[-1][0] == c.group:
            groups[-1][1].append(c)
        else:
            groups.append((c.group, [c]))
    return [Group(name, tuple(items)) for name, items in groups]


# --- references as text ---------------------------------------------------------------------------

def checklist_code(set_code, clause):
    return f"{CHECKLIST_PREFIX}{set_code}:{clause}"


def shipped_set_codes():
    """The codes of the shipped sets (an import loads texts into them; it never adds a set)."""
    from .seed import reference_sets

    return [data["code"] for data in reference_sets()]


def shipped_checklist_codes():
    """The checklist codes of every clause of the shipped sets (their numbering is fixed by the data)."""
    from .seed import reference_sets

    return [checklist_code(data["code"], item["clause"]) for data in reference_sets() for item in data["clauses"]]


def parse_checklist_code(code):
    """'criterion:SET:CLAUSE' -> (SET, CLAUSE), else None."""
    if not isinstance(code, str) or not code.startswith(CHECKLIST_PREFIX):
        return None
    rest = code[len(CHECKLIST_PREFIX):]
    set_code, sep, clause = rest.rpartition(":")
    return (set_code, clause) if sep and set_code and clause else None


def form_value(set_code, clause):
    """The value of a criterion in a form (the filing form's radio list)."""
    return f"{set_code}:{clause}"


def parse_form_value(value):
    """'SET:CLAUSE' -> (SET, CLAUSE); '' -> None; anything else -> ('', value) (refused by the lifecycle)."""
    value = (value or "").strip()
    if not value:
        return None
    set_code, sep, clause = value.rpartition(":")
    return (set_code, clause) if sep else ("", value)


def _wordings():
    return (_("%(set)s clause %(clause)s: %(text)s"), _("%(set)s clause %(clause)s (text not imported)"))


def chinese_wordings():
    """The wordings of documents and exports, which are Chinese whatever the user's language."""
    with force_locale("zh_CN"):
        return _wordings()


def describe(set_label, clause, text, wordings=None):
    """The one wording of a criterion: set + clause + text, or "条文未导入" while the text is missing."""
    with_text, without_text = wordings or _wordings()
    text = (text or "").strip()
    values = {"set": set_label, "clause": clause, "text": text}
    return (with_text if text else without_text) % values


def describe_criterion(criterion, wordings=None):
    return describe(criterion.criteria_set.label, criterion.clause, criterion.text, wordings)


def describe_hazard(hazard, wordings=None):
    """The hazard's criterion as printed on its page, documents and exports ('' when none)."""
    if not hazard.criteria_set:
        return ""
    criterion = hazard.criterion
    if criterion is None:  # cannot happen with the foreign key; never fail a page for it
        return describe(hazard.criteria_set, hazard.criterion_clause, "", wordings)
    return describe_criterion(criterion, wordings)


def describe_row(set_code, clause, text, set_label=None, wordings=None):
    """For queries that select the columns (exports): same wording as ``describe_hazard``."""
    if not set_code:
        return ""
    return describe(set_label or set_code, clause, text, wordings)
