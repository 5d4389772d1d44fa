"""Listed supervision (挂牌督办) and suspension (停产停业) of a major hazard: the rules of the
four lifecycle actions that record them (no status change), and the report record made
when a hazard becomes major.

Called only from ``lifecycle`` (``apply`` and ``_became_major``), which owns the
transaction, the event and the notifications; nothing here commits. It does not import
the lifecycle (its refusals come from ``lifecycle_errors``).
"""
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .clock import today
from .extensions import db
from .lifecycle_errors import Invalid, WrongState
from .models import (
    Hazard,
    HazardLevel,
    MajorHazardReport,
    ReportSource,
    Supervision,
    SupervisionLevel,
    Suspension,
    SuspensionKind,
)

ACTIONS = ("list_supervision", "lift_supervision", "record_suspension", "end_suspension")
SUPERVISION_LEVEL_ZH = {SupervisionLevel.CITY: "市级", SupervisionLevel.DISTRICT: "区级",
                        SupervisionLevel.STREET: "街道"}
SUSPENSION_KIND_ZH = {SuspensionKind.PARTIAL: "局部停产停业", SuspensionKind.FULL: "全部停产停业",
                      SuspensionKind.EQUIPMENT: "设备设施停止使用"}


def current_supervision_clause():
    """SQL: the hazard is under listed supervision now (listed, not lifted). The one definition
    behind the ledger filter and the dashboard figure."""
    return Hazard.id.in_(select(Supervision.hazard_id).where(Supervision.lifted_on.is_(None)))


def open_suspension(hazard, suspension_id):
    try:
        ident = int(suspension_id)
    except (TypeError, ValueError):
        return None
    return next((s for s in hazard.suspensions if s.id == ident and s.ends_on is None), None)


def check_state(hazard, action):
    """Raise when ``action`` is not possible for ``hazard`` as it stands (data aside)."""
    if hazard.level != HazardLevel.MAJOR:
        raise WrongState(_l("Only a major hazard can be listed for supervision or have production suspended."))
    supervision = hazard.supervision
    if action == "list_supervision" and supervision is not None:
        raise WrongState(_l("This hazard is already listed for supervision."))
    if action == "lift_supervision" and (supervision is None or not supervision.is_current):
        raise WrongState(_l("This hazard is not under listed supervision."))
    if action == "end_suspension" and not any(s.ends_on is None for s in hazard.suspensions):
        raise WrongState(_l("There is no suspension without an end date."))


def _text(data, name, size, message):
    value = data.get(name)
    value = value.strip() if isinstance(value, str) else ""
    if not value:
        raise Invalid(message, field=name)
    if len(value) > size:
        raise Invalid(_l("This text is too long (at most %(n)d characters).", n=size), field=name)
    return value


def _date(data, name, message=None):
    value = data.get(name)
    if not isinstance(value, date):
        raise Invalid(message or _l("Give the date as YYYY-MM-DD."), field=name)
    return value


def _not_future(value, name):
    if value > today():
        raise Invalid(_l("This date cannot be in the future."), field=name)


def check_data(hazard, action, data):
    """Validate the data of ``action``; return the clean values (raise Invalid)."""
    if action == "list_supervision":
        values = {
            "authority": _text(data, "authority", 200, _l("Name the supervising authority.")),
            "level": data.get("supervision_level"),
            "document_no": _text(data, "document_no", 100, _l("The document number is required.")),
            "listed_on": _date(data, "listed_on"),
            "required_by": _date(data, "required_by"),
        }
        if values["level"] not in {lv.value for lv in SupervisionLevel}:
            raise Invalid(_l("Choose a level from the list."), field="supervision_level")
        _not_future(values["listed_on"], "listed_on")
        if values["required_by"] < values["listed_on"]:
            raise Invalid(_l("The required completion date cannot be before the listing date."),
                          field="required_by")
        return values
    if action == "lift_supervision":
        values = {"lifted_on": _date(data, "lifted_on"),
                  "lift_document_no": _text(data, "lift_document_no", 100,
                                            _l("The document number is required."))}
        _not_future(values["lifted_on"], "lifted_on")
        earliest = max(hazard.supervision.listed_on, hazard.closed_on or hazard.supervision.listed_on)
        if values["lifted_on"] < earliest:
            raise Invalid(_l("The listing can only be lifted on or after the close-out and the listing date."),
                          field="lifted_on")
        return values
    if action == "record_suspension":
        values = {"kind": data.get("kind"),
                  "area": _text(data, "area", 200, _l("Say which area, unit or equipment is concerned.")),
                  "starts_on": _date(data, "starts_on"), "ends_on": data.get("ends_on")}
        if values["kind"] not in {k.value for k in SuspensionKind}:
            raise Invalid(_l("Choose a kind of suspension from the list."), field="kind")
        if values["ends_on"] is not None and not isinstance(values["ends_on"], date):
            raise Invalid(_l("Give the date as YYYY-MM-DD."), field="ends_on")
        if values["ends_on"] is not None and values["ends_on"] < values["starts_on"]:
            raise Invalid(_l("The end date is before the start date."), field="ends_on")
        return values
    # end_suspension
    suspension = open_suspension(hazard, data.get("suspension_id"))
    if suspension is None:
        raise Invalid(_l("Choose a suspension from the list."), field="suspension_id")
    ends_on = _date(data, "ends_on")
    if ends_on < suspension.starts_on:
        raise Invalid(_l("The end date is before the start date."), field="ends_on")
    return {"suspension": suspension, "ends_on": ends_on}


def apply(hazard, action, actor, values):
    """Write the checked ``values``; return (comment, event data) for the event and the notices."""
    if action == "list_supervision":
        supervision = Supervision(hazard=hazard, listed_by_id=actor.id, **values)
        db.session.add(supervision)
        level = SUPERVISION_LEVEL_ZH[SupervisionLevel(values["level"])]
        comment = (f"{level}挂牌督办：{values['authority']}，文号 {values['document_no']}，"
                   f"{values['listed_on'].isoformat()} 挂牌，要求 {values['required_by'].isoformat()} 前完成整改")
        return comment, {"level": values["level"], "document_no": values["document_no"],
                         "listed_on": values["listed_on"].isoformat(),
                         "required_by": values["required_by"].isoformat()}
    if action == "lift_supervision":
        supervision = hazard.supervision
        supervision.lifted_on = values["lifted_on"]
        supervision.lift_document_no = values["lift_document_no"]
        supervision.lifted_by_id = actor.id
        comment = f"摘牌：{values['lifted_on'].isoformat()}，文号 {values['lift_document_no']}"
        return comment, {"lifted_on": values["lifted_on"].isoformat(),
                         "document_no": values["lift_document_no"]}
    if action == "record_suspension":
        suspension = Suspension(hazard=hazard, recorded_by_id=actor.id, **values)
        db.session.add(suspension)
        kind = SUSPENSION_KIND_ZH[SuspensionKind(values["kind"])]
        until = f"至 {values['ends_on'].isoformat()}" if values["ends_on"] else "结束日期待定"
        comment = f"{kind}：{values['area']}，自 {values['starts_on'].isoformat()} 起，{until}"
        return comment, {"kind": values["kind"], "starts_on": values["starts_on"].isoformat(),
                         "ends_on": values["ends_on"].isoformat() if values["ends_on"] else None}
    suspension = values["suspension"]
    suspension.ends_on = values["ends_on"]
    suspension.ended_by_id = actor.id
    comment = f"停产停业结束：{suspension.area}，{values['ends_on'].isoformat()}"
    return comment, {"suspension_id": suspension.id, "ends_on": values["ends_on"].isoformat()}


def record_report(hazard, actor, source=ReportSource.FILED):
    """The report record of a hazard that has just become major (once per hazard)."""
    if hazard.major_report is not None:
        return hazard.major_report
    report = MajorHazardReport(hazard=hazard, enterprise_id=hazard.enterprise_id, reported_on=today(),
                               source=str(source), created_by_id=actor.id)
    db.session.add(report)
    return report



def suspensions_in_force(enterprise_id, on):
    """The enterprise's suspensions not ended before ``on`` (of hazards not withdrawn), oldest first."""
    return db.session.execute(
        select(Suspension, Hazard).join(Hazard, Hazard.id == Suspension.hazard_id)
        .where(Hazard.enterprise_id == enterprise_id, Hazard.status != "withdrawn",
               (Suspension.ends_on.is_(None)) | (Suspension.ends_on >= on))
        .order_by(Suspension.starts_on, Suspension.id)).all()
