"""Listed supervision (挂牌督办) and suspension (停产停业) of a major hazard: lifecycle actions
without a status change, allowed only for their roles and states, refused (clear message,
nothing written) otherwise; audited and told to the enterprise."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from safety_app import clock, lifecycle
from safety_app.extensions import db
from safety_app.models import MajorHazardReport, Notification, Supervision, Suspension

from .conftest import acceptance, snapshot

STATES = ["open", "rectifying", "submitted", "verified", "closed", "withdrawn"]
NOT_FINAL = {"open", "rectifying", "submitted", "verified"}

# The spec's table (issue 13 items 4 and 5), written out here on purpose.
MAJOR_SPEC = {
    "list_supervision": ({"admin"}, NOT_FINAL),
    "lift_supervision": ({"admin"}, {"closed"}),
    "record_suspension": ({"inspector", "admin"}, NOT_FINAL),
    "end_suspension": ({"inspector", "admin"}, NOT_FINAL | {"closed"}),
}


def listing(**changes):
    today = clock.today()
    return {"authority": "天津市滨海新区应急管理局", "supervision_level": "district", "document_no": "津滨应急督〔2026〕3号",
            "listed_on": today, "required_by": today + timedelta(days=60), **changes}


def suspension(**changes):
    return {"kind": "partial", "area": "二号罐区", "starts_on": clock.today(), "ends_on": None, **changes}


def full_snapshot(hazard):
    """A refused action leaves the hazard, its events, listing and suspensions unchanged."""
    base = snapshot(hazard)
    rows = db.session.execute(select(Supervision.lifted_on, Supervision.lift_document_no)
                              .where(Supervision.hazard_id == hazard.id)).all()
    ends = db.session.execute(select(Suspension.id, Suspension.ends_on)
                              .where(Suspension.hazard_id == hazard.id).order_by(Suspension.id)).all()
    notes = db.session.scalar(select(func.count(Notification.id)).where(Notification.hazard_id == hazard.id))
    return base, rows, ends, notes


def major_in(park, drive, state, *, listed=False, suspended=False, major=True):
    """A hazard of enterprise A in ``state``, listed and/or suspended while still open."""
    hazard = park.hazard(major=major)
    if major:
        drive.complete_plan(hazard)
        if listed:
            drive.apply(hazard, "list_supervision", park.admin, **listing())
        if suspended:
            drive.apply(hazard, "record_suspension", park.inspector, **suspension())
    if state == "withdrawn":
        drive.apply(hazard, "withdraw", park.admin, reason="误报")
        return hazard
    if state == "open":
        return hazard
    drive.apply(hazard, "acknowledge", park.user_a)
    if state == "rectifying":
        return hazard
    drive.ready_to_submit(hazard)
    drive.apply(hazard, "submit", park.user_a, note="已整改")
    if state == "submitted":
        return hazard
    drive.apply(hazard, "verify", park.inspector, opinion="复查合格")
    if state == "verified":
        return hazard
    drive.apply(hazard, "close", park.admin, **acceptance())
    return hazard


def data_for(action, hazard):
    if action == "list_supervision":
        return listing()
    if action == "lift_supervision":
        return {"lifted_on": clock.today(), "lift_document_no": "津滨应急摘〔2026〕1号"}
    if action == "record_suspension":
        return suspension()
    open_ones = [s for s in hazard.suspensions if s.ends_on is None]
    return {"suspension_id": open_ones[0].id if open_ones else 0, "ends_on": clock.today()}


def test_the_major_regime_actions_are_lifecycle_actions():
    assert set(MAJOR_SPEC) <= set(lifecycle.TRANSITIONS)
    assert all(lifecycle.TRANSITIONS[a].to_state is None for a in MAJOR_SPEC)


@pytest.mark.parametrize("action", sorted(MAJOR_SPEC))
def test_major_regime_action_is_allowed_only_for_its_roles_and_states(park, drive, action):
    roles, states = MAJOR_SPEC[action]
    actors = {"admin": park.admin, "inspector": park.inspector, "own enterprise": park.user_a,
              "other enterprise": park.user_b}
    problems = []
    for state in STATES:
        hazard = None
        for who, actor in actors.items():
            if hazard is None:
                hazard = major_in(park, drive, state, listed=action == "lift_supervision",
                                  suspended=action == "end_suspension")
            role = "enterprise" if "enterprise" in who else who
            expected = role in roles and state in states and who != "other enterprise"
            before = full_snapshot(hazard)
            try:
                lifecycle.apply(hazard, action, actor, version=hazard.version, **data_for(action, hazard))
            except lifecycle.LifecycleError as error:
                if expected:
                    problems.append(f"{who} in {state}: refused ({error.message})")
                elif full_snapshot(hazard) != before:
                    problems.append(f"{who} in {state}: refused but something was written")
                elif not str(error.message):
                    problems.append(f"{who} in {state}: refused without a message")
                continue
            used, hazard = hazard, None
            if not expected:
                problems.append(f"{who} in {state}: allowed but should be refused")
                continue
            if used.status != state:
                problems.append(f"{who} in {state}: status changed to {used.status}")
            if full_snapshot(used)[0][3] != before[0][3] + 1:
                problems.append(f"{who} in {state}: no event written")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("action", ["list_supervision", "record_suspension"])
def test_a_general_hazard_cannot_be_listed_or_suspended(park, drive, action):
    hazard = major_in(park, drive, "open", major=False)
    before = full_snapshot(hazard)
    with pytest.raises(lifecycle.WrongState) as refused:
        lifecycle.apply(hazard, action, park.admin, version=hazard.version, **data_for(action, hazard))
    assert "重大事故隐患" in str(refused.value.message)
    assert full_snapshot(hazard) == before


def test_listing_records_the_authority_level_document_and_dates(park, drive):
    hazard = major_in(park, drive, "rectifying")
    lifecycle.apply(hazard, "list_supervision", park.admin, version=hazard.version, **listing(supervision_level="city"))
    s = hazard.supervision
    assert (s.authority, s.level, s.document_no, s.listed_on, s.listed_by_id) == (
        "天津市滨海新区应急管理局", "city", "津滨应急督〔2026〕3号", clock.today(), park.admin.id)
    assert s.required_by == clock.today() + timedelta(days=60) and s.is_current


def test_a_hazard_cannot_be_listed_twice(park, drive):
    hazard = major_in(park, drive, "open", listed=True)
    before = full_snapshot(hazard)
    with pytest.raises(lifecycle.WrongState):
        lifecycle.apply(hazard, "list_supervision", park.admin, version=hazard.version, **listing())
    assert full_snapshot(hazard) == before


@pytest.mark.parametrize("field, changes", [
    ("authority", {"authority": "  "}),
    ("document_no", {"document_no": ""}),
    ("supervision_level", {"supervision_level": "province"}),
    ("listed_on", {"listed_on": None}),
    ("listed_on", {"listed_on": clock.today() + timedelta(days=1)}),
    ("required_by", {"required_by": clock.today() - timedelta(days=1)}),
    ("authority", {"authority": "局" * 201}),
])
def test_a_listing_with_bad_data_is_refused_and_writes_nothing(park, drive, field, changes):
    hazard = major_in(park, drive, "open")
    before = full_snapshot(hazard)
    with pytest.raises(lifecycle.Invalid) as refused:
        lifecycle.apply(hazard, "list_supervision", park.admin, version=hazard.version, **listing(**changes))
    assert refused.value.field == field and str(refused.value.message)
    assert full_snapshot(hazard) == before


def test_listing_cannot_be_lifted_before_close_out(park, drive):
    hazard = major_in(park, drive, "verified", listed=True)
    before = full_snapshot(hazard)
    with pytest.raises(lifecycle.WrongState):
        lifecycle.apply(hazard, "lift_supervision", park.admin, version=hazard.version,
                        **data_for("lift_supervision", hazard))
    assert full_snapshot(hazard) == before and hazard.supervision.is_current


def test_lifting_needs_a_document_number_and_a_date_not_before_close_out(park, drive):
    hazard = major_in(park, drive, "closed", listed=True)
    before = full_snapshot(hazard)
    with pytest.raises(lifecycle.Invalid) as refused:
        lifecycle.apply(hazard, "lift_supervision", park.admin, version=hazard.version,
                        lifted_on=clock.today(), lift_document_no=" ")
    assert refused.value.field == "lift_document_no"
    with pytest.raises(lifecycle.Invalid) as refused:
        lifecycle.apply(hazard, "lift_supervision", park.admin, version=hazard.version,
                        lifted_on=hazard.closed_on - timedelta(days=1), lift_document_no="摘〔2026〕1号")
    assert refused.value.field == "lifted_on"
    assert full_snapshot(hazard) == before


def test_lifting_after_close_out_records_date_and_document(park, drive):
    hazard = major_in(park, drive, "closed", listed=True)
    lifecycle.apply(hazard, "lift_supervision", park.admin, version=hazard.version,
                    lifted_on=clock.today(), lift_document_no="津滨应急摘〔2026〕1号")
    s = hazard.supervision
    assert (s.lifted_on, s.lift_document_no, s.lifted_by_id) == (clock.today(), "津滨应急摘〔2026〕1号",
                                                                  park.admin.id)
    assert not s.is_current
    with pytest.raises(lifecycle.WrongState):  # lifted once
        lifecycle.apply(hazard, "lift_supervision", park.admin, version=hazard.version,
                        lifted_on=clock.today(), lift_document_no="again")


def test_enterprise_is_notified_of_the_listing_and_the_event_names_it(park, drive):
    hazard = major_in(park, drive, "open")
    event = lifecycle.apply(hazard, "list_supervision", park.admin, version=hazard.version, **listing())
    assert event.action == "list_supervision" and "津滨应急督〔2026〕3号" in event.comment
    titles = db.session.scalars(select(Notification.title).where(
        Notification.user_id == park.user_a.id, Notification.kind == "list_supervision")).all()
    assert titles and "挂牌督办" in titles[0]


def test_suspension_records_kind_area_and_dates_and_the_end_can_follow(park, drive):
    hazard = major_in(park, drive, "rectifying")
    lifecycle.apply(hazard, "record_suspension", park.inspector, version=hazard.version,
                    **suspension(kind="equipment", area="1号反应釜"))
    s = hazard.suspensions[0]
    assert (s.kind, s.area, s.starts_on, s.ends_on) == ("equipment", "1号反应釜", clock.today(), None)
    assert s.in_force_on(clock.today())
    notified = db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == park.user_a.id, Notification.kind == "record_suspension"))
    assert notified == 1
    end = clock.today() + timedelta(days=3)
    lifecycle.apply(hazard, "end_suspension", park.inspector, version=hazard.version, suspension_id=s.id,
                    ends_on=end)
    assert s.ends_on == end and not s.in_force_on(end + timedelta(days=1))


@pytest.mark.parametrize("field, changes", [
    ("kind", {"kind": "some"}),
    ("area", {"area": ""}),
    ("starts_on", {"starts_on": "2026-01-01"}),
    ("ends_on", {"ends_on": clock.today() - timedelta(days=1)}),
])
def test_a_suspension_with_bad_data_is_refused_and_writes_nothing(park, drive, field, changes):
    hazard = major_in(park, drive, "open")
    before = full_snapshot(hazard)
    with pytest.raises(lifecycle.Invalid) as refused:
        lifecycle.apply(hazard, "record_suspension", park.admin, version=hazard.version, **suspension(**changes))
    assert refused.value.field == field
    assert full_snapshot(hazard) == before


def test_ending_a_suspension_needs_one_of_the_hazards_open_suspensions(park, drive):
    hazard = major_in(park, drive, "open", suspended=True)
    other = major_in(park, drive, "open", suspended=True)
    before = full_snapshot(hazard)
    with pytest.raises(lifecycle.Invalid) as refused:
        lifecycle.apply(hazard, "end_suspension", park.admin, version=hazard.version,
                        suspension_id=other.suspensions[0].id, ends_on=clock.today())
    assert refused.value.field == "suspension_id"
    with pytest.raises(lifecycle.Invalid) as refused:
        lifecycle.apply(hazard, "end_suspension", park.admin, version=hazard.version,
                        suspension_id=hazard.suspensions[0].id, ends_on=clock.today() - timedelta(days=1))
    assert refused.value.field == "ends_on"
    assert full_snapshot(hazard) == before


def test_a_stale_page_cannot_list_the_hazard(park, drive):
    hazard = major_in(park, drive, "open")
    seen = hazard.version
    lifecycle.save_measure(hazard, park.user_a, description="先加一条措施")
    before = full_snapshot(hazard)
    with pytest.raises(lifecycle.StaleVersion):
        lifecycle.apply(hazard, "list_supervision", park.admin, version=seen, **listing())
    assert full_snapshot(hazard) == before


# --- the major-hazard report record (重大事故隐患报告) ----------------------------------------

def test_filing_a_major_hazard_creates_its_report_record(park):
    hazard = park.hazard(major=True)
    report = db.session.scalar(select(MajorHazardReport).where(MajorHazardReport.hazard_id == hazard.id))
    assert report is not None
    assert (report.source, report.reported_on, report.created_by_id, report.enterprise_id) == (
        "filed", clock.today(), park.inspector.id, park.a.id)


def test_filing_a_general_hazard_creates_no_report_record(park):
    hazard = park.hazard()
    assert db.session.scalar(select(func.count(MajorHazardReport.id))
                             .where(MajorHazardReport.hazard_id == hazard.id)) == 0


def test_becoming_major_later_records_a_reclassified_report_once(park):
    hazard = park.hazard()
    first = lifecycle._became_major(hazard, park.admin)
    again = lifecycle._became_major(hazard, park.admin)
    db.session.commit()
    assert first is again and first.source == "reclassified"
    assert db.session.scalar(select(func.count(MajorHazardReport.id))
                             .where(MajorHazardReport.hazard_id == hazard.id)) == 1


def test_a_failed_filing_leaves_no_report_record(park, monkeypatch):
    from safety_app import notifications

    def broken(*args, **kwargs):
        raise RuntimeError("mail server down")

    monkeypatch.setattr(notifications, "on_filed", broken)
    with pytest.raises(RuntimeError):
        park.hazard(major=True)
    assert db.session.scalar(select(func.count(MajorHazardReport.id))) == 0



