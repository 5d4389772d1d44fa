"""Major hazards in the lifecycle core: major by a ground of 16号令 Art. 3, reclassification,
governance-plan integrity and the two-step close-out (assessment, acceptance)."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from safety_app import clock, lifecycle
from safety_app.extensions import db
from safety_app.models import Event, Notification
from tests.conftest import major_criterion

from .conftest import PLAN, acceptance, add_assessment, add_evidence, snapshot


def _file(park, **kwargs):
    return lifecycle.file_hazard(park.inspector, enterprise=park.a, title="罐区防火堤破损", category="equipment",
                                 deadline=clock.today() + timedelta(days=30), **kwargs)


def _last_event(hazard):
    return db.session.scalars(select(Event).where(Event.hazard_id == hazard.id).order_by(Event.seq.desc())).first()


def _notified(user, hazard):
    return db.session.scalars(select(Notification).where(Notification.user_id == user.id,
                                                         Notification.hazard_id == hazard.id)).all()


# --- major by judgment when filing ---------------------------------------------------------------

def test_staff_file_a_major_hazard_by_a_ground_with_a_reason(park):
    hazard = _file(park, major_ground="suspension", major_reason="防火堤需局部停产后重建")
    assert hazard.level == "major" and hazard.criterion is None
    assert (hazard.major_ground, hazard.major_reason) == ("suspension", "防火堤需局部停产后重建")
    assert _last_event(hazard).data["major_ground"] == "suspension"


@pytest.mark.parametrize("ground, reason, criterion, field", [
    ("suspension", "  ", None, "major_reason"),
    ("no_such_ground", "理由", None, "major_ground"),
    ("", "只有理由没有情形", None, "major_ground"),
    ("external", "理由", major_criterion(), "major_ground"),
])
def test_filing_as_major_by_judgment_needs_a_known_ground_and_a_reason(park, ground, reason, criterion, field):
    with pytest.raises(lifecycle.Invalid) as refused:
        _file(park, major_ground=ground, major_reason=reason, criterion=criterion)
    assert refused.value.field == field and str(refused.value.message)
    assert db.session.scalar(select(db.func.count(Event.id))) == 0


# --- reclassify ------------------------------------------------------------------------------------

def test_inspector_reclassifies_a_general_hazard_as_major_with_a_ground_and_reason(park, drive):
    hazard = drive.hazard_in("rectifying")
    drive.apply(hazard, "reclassify", park.inspector, level="major", major_ground="long_rectification",
                reason="需更换整段管线，短期内无法完成")
    assert hazard.level == "major" and hazard.status == "rectifying"
    assert hazard.major_ground == "long_rectification" and hazard.major_reason.startswith("需更换整段管线")
    event = _last_event(hazard)
    assert event.action == "reclassify" and event.comment == hazard.major_reason
    assert (event.data["from_level"], event.data["to_level"]) == ("general", "major")


def test_reclassify_to_major_needs_a_ground(park, drive):
    hazard = drive.hazard_in("open")
    before = snapshot(hazard)
    with pytest.raises(lifecycle.Invalid) as refused:
        drive.apply(hazard, "reclassify", park.admin, level="major", reason="危害较大")
    assert refused.value.field == "major_ground"
    assert snapshot(hazard) == before and hazard.level == "general"


def test_reclassify_needs_a_reason(park, drive):
    hazard = drive.hazard_in("open", major=True)
    before = snapshot(hazard)
    with pytest.raises(lifecycle.Invalid) as refused:
        drive.apply(hazard, "reclassify", park.admin, level="general", reason=" ")
    assert refused.value.field == "reason"
    assert snapshot(hazard) == before


def test_reclassify_to_the_same_level_is_refused(park, drive):
    hazard = drive.hazard_in("open", major=True)
    with pytest.raises(lifecycle.Invalid) as refused:
        drive.apply(hazard, "reclassify", park.admin, level="major", reason="重复")
    assert refused.value.field == "level"


def test_becoming_major_tells_the_enterprise_to_make_the_plan(park, drive, monkeypatch):
    hazard = drive.hazard_in("open")
    called = []
    original = lifecycle._became_major
    monkeypatch.setattr(lifecycle, "_became_major", lambda h, a: (called.append((h.id, a.id)), original(h, a)))
    drive.apply(hazard, "reclassify", park.inspector, level="major", major_ground="external",
                reason="受相邻企业管廊影响，企业自身难以排除")
    assert called == [(hazard.id, park.inspector.id)]
    [note] = [n for n in _notified(park.user_a, hazard) if n.kind == "reclassify"]
    assert "重大事故隐患" in note.title and "治理方案" in note.body and "因外部因素" in note.body


def test_reclassify_to_general_clears_the_basis_keeps_it_in_the_event_and_tells_the_enterprise(park, drive):
    hazard = drive.hazard_in("rectifying", major=True)
    set_code, clause = major_criterion(hazard.found_on)
    assert (hazard.criteria_set, hazard.criterion_clause) == (set_code, clause)
    drive.apply(hazard, "reclassify", park.admin, level="general", reason="复核后不符合判定标准")
    assert (hazard.level, hazard.criteria_set, hazard.criterion_clause, hazard.major_ground) == (
        "general", None, None, None)
    assert _last_event(hazard).data["previous_criterion"] == {"set": set_code, "clause": clause}
    assert any(n.kind == "reclassify" for n in _notified(park.user_a, hazard))


def test_a_hazard_reclassified_as_general_is_closed_on_verification(park, drive):
    hazard = drive.hazard_in("rectifying", major=True)
    drive.apply(hazard, "reclassify", park.admin, level="general", reason="复核后不符合判定标准")
    drive.ready_to_submit(hazard)
    drive.apply(hazard, "submit", park.user_a, note="已整改")
    drive.apply(hazard, "verify", park.inspector, opinion="复查合格")
    assert hazard.status == "closed"


def test_a_hazard_reclassified_as_major_while_rectifying_needs_the_plan_before_measures_are_done(park, drive):
    hazard = drive.hazard_in("rectifying")
    drive.apply(hazard, "reclassify", park.inspector, level="major", major_ground="suspension", reason="需停产")
    with pytest.raises(lifecycle.Invalid) as refused:
        lifecycle.save_measure(hazard, park.user_a, description="更换管线", done_on=clock.today())
    assert refused.value.field == "done_on"
    drive.complete_plan(hazard)
    lifecycle.save_measure(hazard, park.user_a, description="更换管线", done_on=clock.today())
    assert hazard.measures[-1].is_done


def test_a_hazard_reclassified_as_major_cannot_be_submitted_until_its_plan_is_complete(park, drive):
    hazard = drive.hazard_in("rectifying")
    drive.ready_to_submit(hazard)  # measure done and evidence while it was still general
    drive.apply(hazard, "reclassify", park.inspector, level="major", major_ground="suspension", reason="需停产")
    add_assessment(hazard, park.user_a)
    before = snapshot(hazard)
    with pytest.raises(lifecycle.Invalid) as refused:
        drive.apply(hazard, "submit", park.user_a, note="已整改")
    assert refused.value.field == "plan" and snapshot(hazard) == before
    drive.complete_plan(hazard)
    drive.apply(hazard, "submit", park.user_a, note="已整改")
    drive.apply(hazard, "verify", park.inspector, opinion="复查合格")
    assert hazard.status == "verified"  # the two-step close-out came with the level


# --- governance plan integrity (regression tests of the two bypasses) ---------------------------

def test_measure_of_a_major_hazard_cannot_be_marked_done_before_its_plan_exists(park):
    hazard = park.hazard(major=True)
    before = snapshot(hazard)
    with pytest.raises(lifecycle.Invalid) as refused:
        lifecycle.save_measure(hazard, park.user_a, description="更换安全阀", done_on=clock.today())
    assert refused.value.field == "done_on" and "治理方案" in str(refused.value.message)
    assert snapshot(hazard) == before


def test_measure_of_a_major_hazard_cannot_be_marked_done_while_its_plan_is_incomplete(park):
    hazard = park.hazard(major=True)
    lifecycle.save_plan(hazard, park.user_a, goal="目标")
    measure = lifecycle.save_measure(hazard, park.user_a, description="更换安全阀")  # not done: allowed
    with pytest.raises(lifecycle.Invalid):
        lifecycle.save_measure(hazard, park.user_a, measure, done_on=clock.today())
    db.session.refresh(measure)
    assert measure.done_on is None


def test_complete_plan_cannot_be_blanked_after_acknowledge(park, drive):
    hazard = drive.hazard_in("rectifying", major=True)
    before = snapshot(hazard)
    with pytest.raises(lifecycle.Invalid) as refused:
        lifecycle.save_plan(hazard, park.user_a, **{**PLAN, "funds_materials": "", "timeline": "  "})
    assert refused.value.field == "funds_materials"
    assert snapshot(hazard) == before
    db.session.refresh(hazard.plan)
    assert hazard.plan.is_complete


def test_blanking_the_plan_cannot_lead_the_hazard_to_close_out(park, drive):
    """The old bypass: acknowledge, blank the plan, submit, verify, close."""
    hazard = drive.hazard_in("rectifying", major=True)
    try:
        lifecycle.save_plan(hazard, park.user_a, **{name: "" for name in PLAN})
    except lifecycle.Invalid:
        pass
    drive.ready_to_submit(hazard)
    drive.apply(hazard, "submit", park.user_a, note="已整改")
    drive.apply(hazard, "verify", park.inspector, opinion="复查合格")
    drive.apply(hazard, "close", park.admin, **acceptance())
    assert hazard.status == "closed"
    assert hazard.plan.is_complete


def test_complete_plan_can_be_edited_into_another_complete_plan(park, drive):
    hazard = drive.hazard_in("rectifying", major=True)
    lifecycle.save_plan(hazard, park.user_a, **{**PLAN, "goal": "新的治理目标"})
    assert hazard.plan.goal == "新的治理目标" and hazard.plan.is_complete


def test_an_incomplete_plan_may_still_be_saved_half_done(park):
    hazard = park.hazard(major=True)
    lifecycle.save_plan(hazard, park.user_a, goal="目标")
    lifecycle.save_plan(hazard, park.user_a, goal="", methods="方法")
    assert not hazard.plan.is_complete and hazard.plan.methods == "方法"


# --- assessment before submit ---------------------------------------------------------------------

def test_major_hazard_cannot_be_submitted_without_the_assessment(park, drive):
    hazard = drive.hazard_in("rectifying", major=True)
    lifecycle.save_measure(hazard, park.user_a, description="更换安全阀", done_on=clock.today())
    add_evidence(hazard, park.user_a)
    before = snapshot(hazard)
    with pytest.raises(lifecycle.Invalid) as refused:
        drive.apply(hazard, "submit", park.user_a, note="已整改")
    assert refused.value.field == "assessment" and "评估报告" in str(refused.value.message)
    assert snapshot(hazard) == before
    add_assessment(hazard, park.user_a)
    drive.apply(hazard, "submit", park.user_a, note="已整改")
    assert hazard.status == "submitted"


def test_general_hazard_has_no_assessment(park, drive):
    hazard = drive.hazard_in("rectifying")
    before = snapshot(hazard)
    with pytest.raises(lifecycle.Invalid):
        add_assessment(hazard, park.user_a)
    assert snapshot(hazard) == before


def test_staff_cannot_upload_the_assessment(park, drive):
    hazard = drive.hazard_in("rectifying", major=True)
    with pytest.raises(lifecycle.NotAllowed):
        add_assessment(hazard, park.inspector)


def test_assessment_cannot_be_added_once_submitted(park, drive):
    hazard = drive.hazard_in("submitted", major=True)
    with pytest.raises(lifecycle.WrongState):
        add_assessment(hazard, park.user_a)


# --- acceptance (验收销号) ---------------------------------------------------------------------------

def test_admin_close_stores_the_acceptance_and_audits_it(park, drive):
    hazard = drive.hazard_in("verified")
    drive.apply(hazard, "close", park.admin, **acceptance())
    assert hazard.status == "closed"
    assert hazard.accepted_on == clock.today() and hazard.accepted_by == "王验收、赵专家"
    assert hazard.acceptance_opinion.startswith("经验收")
    event = _last_event(hazard)
    assert event.data["accepted_by"] == "王验收、赵专家" and event.comment == hazard.acceptance_opinion


@pytest.mark.parametrize("change, field", [
    ({"acceptance_opinion": "  "}, "acceptance_opinion"),
    ({"accepted_on": None}, "accepted_on"),
    ({"accepted_on": "2026-12-01"}, "accepted_on"),
    ({"accepted_by": ""}, "accepted_by"),
    ({"accepted_by": "名" * 301}, "accepted_by"),
])
def test_close_needs_opinion_date_and_people(park, drive, change, field):
    hazard = drive.hazard_in("verified")
    before = snapshot(hazard)
    with pytest.raises(lifecycle.Invalid) as refused:
        drive.apply(hazard, "close", park.admin, **{**acceptance(), **change})
    assert refused.value.field == field
    assert snapshot(hazard) == before and hazard.accepted_on is None


def test_acceptance_date_cannot_be_in_the_future(park, drive):
    hazard = drive.hazard_in("verified")
    with pytest.raises(lifecycle.Invalid) as refused:
        drive.apply(hazard, "close", park.admin, **acceptance(clock.today() + timedelta(days=1)))
    assert refused.value.field == "accepted_on"
    assert hazard.status == "verified"


def test_acceptance_date_cannot_be_before_the_verification(park, drive):
    hazard = drive.hazard_in("verified")
    with pytest.raises(lifecycle.Invalid) as refused:
        drive.apply(hazard, "close", park.admin, **acceptance(clock.today() - timedelta(days=1)))
    assert refused.value.field == "accepted_on" and clock.today().isoformat() in str(refused.value.message)
    assert hazard.status == "verified"
