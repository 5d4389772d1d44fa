"""Every lifecycle action: allowed for the right role and state, refused (clear message,
nothing written) for every other role and state."""
from datetime import timedelta

import pytest

from safety_app import clock, lifecycle
from safety_app.figures import definitions

from .conftest import PLAN, acceptance, snapshot

NOT_FINAL = {"open", "rectifying", "submitted", "verified"}
STATES = ["open", "rectifying", "submitted", "verified", "closed", "withdrawn"]

# The spec's table, written out here on purpose (not read from the code under test).
SPEC = {
    "acknowledge": ({"enterprise"}, {"open"}, "rectifying"),
    "submit": ({"enterprise"}, {"rectifying"}, "submitted"),
    "reject": ({"inspector", "admin"}, {"submitted"}, "rectifying"),
    "verify": ({"inspector", "admin"}, {"submitted"}, "closed"),
    "close": ({"admin"}, {"verified"}, "closed"),
    "withdraw": ({"admin"}, NOT_FINAL, "withdrawn"),
    "request_extension": ({"enterprise"}, {"open", "rectifying"}, None),
    "approve_extension": ({"admin"}, NOT_FINAL, None),
    "refuse_extension": ({"admin"}, NOT_FINAL, None),
    "reclassify": ({"inspector", "admin"}, {"open", "rectifying"}, None),
}


def _data(action, hazard):
    return {
        "submit": {"note": "已整改完毕"},
        "reject": {"reason": "整改不到位"},
        "verify": {"opinion": "现场复查，已按要求整改"},
        "withdraw": {"reason": "录入错误"},
        "request_extension": {"reason": "备件未到", "new_deadline": hazard.deadline + timedelta(days=20)},
        "close": acceptance(),
        "reclassify": {"level": "general", "reason": "复核后不属于重大事故隐患"} if hazard.is_major else
        {"level": "major", "major_ground": "suspension", "reason": "需局部停产停业整改"},
    }.get(action, {})


def _actors(park):
    return {"admin": park.admin, "inspector": park.inspector, "own enterprise": park.user_a,
            "other enterprise": park.user_b}


def test_the_transition_table_covers_the_spec():
    from .test_major_regime import MAJOR_SPEC  # no status change; tested there

    # accept (企业验收): only self-found general hazards; tested in tests/selfinspection
    assert set(lifecycle.TRANSITIONS) == set(SPEC) | set(MAJOR_SPEC) | {"accept"}


@pytest.mark.parametrize("major", [False, True], ids=["general", "major"])
@pytest.mark.parametrize("action", sorted(SPEC))
def test_action_is_allowed_only_for_its_roles_and_states(park, drive, action, major):
    roles, states, to_state = SPEC[action]
    problems = []
    for state in STATES:
        hazard = None  # a refused attempt writes nothing, so the next actor may reuse the hazard
        for who, actor in _actors(park).items():
            if hazard is None:
                hazard = drive.hazard_in(state, major=major,
                                         pending_extension=action in ("approve_extension", "refuse_extension")
                                         and state in NOT_FINAL)
                if action == "submit" and state == "rectifying":
                    drive.ready_to_submit(hazard)
            role = "enterprise" if "enterprise" in who else who
            expected = role in roles and state in states and who != "other enterprise"
            before = snapshot(hazard)
            try:
                lifecycle.apply(hazard, action, actor, version=hazard.version, **_data(action, hazard))
            except lifecycle.LifecycleError as error:
                if expected:
                    problems.append(f"{who} in {state}: refused ({error.message})")
                elif snapshot(hazard) != before:
                    problems.append(f"{who} in {state}: refused but something was written")
                elif not str(error.message):
                    problems.append(f"{who} in {state}: refused without a message")
                continue
            used, hazard = hazard, None
            if not expected:
                problems.append(f"{who} in {state}: allowed but should be refused")
                continue
            want = to_state or state
            if action == "verify" and used.is_major:
                want = "verified"
            if used.status != want:
                problems.append(f"{who} in {state}: became {used.status}, expected {want}")
            if snapshot(used)[3] != before[3] + 1:
                problems.append(f"{who} in {state}: no event written")
    assert not problems, "\n".join(problems)


def test_other_enterprise_user_is_refused_as_not_allowed(park, drive):
    hazard = drive.hazard_in("open")
    with pytest.raises(lifecycle.NotAllowed):
        lifecycle.apply(hazard, "acknowledge", park.user_b, version=hazard.version)


def test_major_hazard_cannot_be_acknowledged_without_a_governance_plan(park):
    hazard = park.hazard(major=True)
    before = snapshot(hazard)
    with pytest.raises(lifecycle.Invalid) as refused:
        lifecycle.apply(hazard, "acknowledge", park.user_a, version=hazard.version)
    assert "治理方案" in str(refused.value.message)
    assert snapshot(hazard) == before


def test_major_hazard_with_an_incomplete_plan_cannot_be_acknowledged(park):
    hazard = park.hazard(major=True)
    lifecycle.save_plan(hazard, park.user_a, **{**PLAN, "safety_emergency": "  "})
    with pytest.raises(lifecycle.Invalid):
        lifecycle.apply(hazard, "acknowledge", park.user_a, version=hazard.version)
    assert hazard.status == "open"


def test_major_hazard_with_the_complete_plan_can_be_acknowledged(park):
    hazard = park.hazard(major=True)
    lifecycle.save_plan(hazard, park.user_a, **PLAN)
    lifecycle.apply(hazard, "acknowledge", park.user_a, version=hazard.version)
    assert hazard.status == "rectifying"


def test_general_hazard_needs_no_plan(park):
    hazard = park.hazard()
    lifecycle.apply(hazard, "acknowledge", park.user_a, version=hazard.version)
    assert hazard.status == "rectifying"


def test_verified_major_hazard_waits_for_the_admins_close(park, drive):
    hazard = drive.hazard_in("submitted", major=True)
    lifecycle.apply(hazard, "verify", park.inspector, version=hazard.version, opinion="复查合格")
    assert hazard.status == "verified"
    with pytest.raises(lifecycle.NotAllowed):
        lifecycle.apply(hazard, "close", park.inspector, version=hazard.version)
    lifecycle.apply(hazard, "close", park.admin, version=hazard.version, **acceptance())
    assert hazard.status == "closed" and hazard.closed_on == clock.today()


def test_verified_general_hazard_is_closed_at_once(park, drive):
    hazard = drive.hazard_in("submitted")
    lifecycle.apply(hazard, "verify", park.inspector2, version=hazard.version, opinion="复查合格")
    assert hazard.status == "closed"


@pytest.mark.parametrize("missing", ["description", "evidence", "measures", "done"])
def test_submit_needs_description_evidence_and_every_measure_done(park, drive, missing):
    hazard = drive.hazard_in("rectifying")
    if missing != "measures":
        lifecycle.save_measure(hazard, park.user_a, description="措施一", done_on=clock.today())
    if missing == "done":
        lifecycle.save_measure(hazard, park.user_a, description="措施二（未完成）")
    if missing != "evidence":
        from .conftest import add_evidence

        add_evidence(hazard, park.user_a)
    before = snapshot(hazard)
    with pytest.raises(lifecycle.Invalid) as refused:
        lifecycle.apply(hazard, "submit", park.user_a, version=hazard.version,
                        note="" if missing == "description" else "已整改")
    assert refused.value.field == {"description": "note", "evidence": "evidence", "measures": "measures",
                                   "done": "measures"}[missing]
    assert snapshot(hazard) == before


def test_reject_needs_a_reason_and_returns_to_rectifying(park, drive):
    hazard = drive.hazard_in("submitted")
    with pytest.raises(lifecycle.Invalid) as refused:
        lifecycle.apply(hazard, "reject", park.inspector, version=hazard.version, reason="   ")
    assert refused.value.field == "reason"
    lifecycle.apply(hazard, "reject", park.inspector, version=hazard.version, reason="照片不清晰")
    assert hazard.status == "rectifying"
    assert hazard.events.all()[-1].comment == "照片不清晰"


def test_withdraw_needs_a_reason(park):
    hazard = park.hazard()
    with pytest.raises(lifecycle.Invalid):
        lifecycle.apply(hazard, "withdraw", park.admin, version=hazard.version)
    assert hazard.status == "open"


def test_stale_version_is_refused_as_changed_by_someone_else(park):
    hazard = park.hazard()
    seen = hazard.version
    lifecycle.save_measure(hazard, park.user_a, description="先加一条措施")  # someone else changes it
    before = snapshot(hazard)
    with pytest.raises(lifecycle.StaleVersion) as refused:
        lifecycle.apply(hazard, "acknowledge", park.user_a, version=seen)
    assert "已被他人修改" in str(refused.value.message)
    assert refused.value.status == 409
    assert snapshot(hazard) == before


def test_stale_version_wins_over_wrong_state(park, drive):
    hazard = drive.hazard_in("open")
    seen = hazard.version
    drive.apply(hazard, "acknowledge", park.user_a)
    with pytest.raises(lifecycle.StaleVersion):
        lifecycle.apply(hazard, "acknowledge", park.user_a, version=seen)


def test_stale_version_is_refused_for_measures_and_plans(park):
    hazard = park.hazard(major=True)
    seen = hazard.version
    lifecycle.save_plan(hazard, park.user_a, goal="目标")
    with pytest.raises(lifecycle.StaleVersion):
        lifecycle.save_measure(hazard, park.user_a, description="措施", version=seen)
    with pytest.raises(lifecycle.StaleVersion):
        lifecycle.save_plan(hazard, park.user_a, goal="另一个目标", version=seen)
    assert hazard.plan.goal == "目标" and hazard.measures == []


def test_extension_keeps_the_original_deadline_and_moves_the_current_one_on_approval(park, drive):
    hazard = drive.hazard_in("rectifying")
    original = hazard.deadline
    new = original + timedelta(days=30)
    drive.apply(hazard, "request_extension", park.user_a, reason="设备采购周期长", new_deadline=new)
    assert hazard.deadline == original
    drive.apply(hazard, "approve_extension", park.admin)
    assert hazard.deadline == new
    assert hazard.original_deadline == original
    assert hazard.extension_requests[0].status == "approved"


def test_refused_extension_leaves_the_deadline(park, drive):
    hazard = drive.hazard_in("open")
    original = hazard.deadline
    drive.apply(hazard, "request_extension", park.user_a, reason="理由", new_deadline=original + timedelta(days=5))
    drive.apply(hazard, "refuse_extension", park.admin, comment="期限合理，不予延期")
    assert hazard.deadline == original == hazard.original_deadline
    assert hazard.extension_requests[0].status == "refused"


def test_at_most_one_pending_extension(park, drive):
    hazard = drive.hazard_in("open")
    drive.apply(hazard, "request_extension", park.user_a, reason="一", new_deadline=hazard.deadline + timedelta(days=5))
    before = snapshot(hazard)
    with pytest.raises(lifecycle.WrongState) as refused:
        drive.apply(hazard, "request_extension", park.user_a, reason="二",
                    new_deadline=hazard.deadline + timedelta(days=9))
    assert "已有一条延期申请" in str(refused.value.message)
    assert snapshot(hazard) == before


def test_extension_must_move_the_deadline_later(park, drive):
    hazard = drive.hazard_in("open")
    with pytest.raises(lifecycle.Invalid) as refused:
        drive.apply(hazard, "request_extension", park.user_a, reason="理由", new_deadline=hazard.deadline)
    assert refused.value.field == "new_deadline"


def test_measures_cannot_be_changed_once_submitted(park, drive):
    hazard = drive.hazard_in("submitted")
    with pytest.raises(lifecycle.WrongState):
        lifecycle.save_measure(hazard, park.user_a, description="补充措施")


def test_inspector_cannot_write_the_enterprises_measures(park):
    hazard = park.hazard()
    with pytest.raises(lifecycle.NotAllowed):
        lifecycle.save_measure(hazard, park.inspector, description="代填")


def test_overdue_days_count_from_the_day_after_the_deadline(park, time_machine):
    time_machine.move_to("2026-03-01 10:00 +08:00", tick=False)
    hazard = park.hazard(deadline=clock.today() + timedelta(days=2))
    assert definitions.overdue_days(hazard) == 0
    time_machine.move_to("2026-03-03 23:00 +08:00", tick=False)
    assert definitions.overdue_days(hazard) == 0
    time_machine.move_to("2026-03-06 00:30 +08:00", tick=False)
    assert definitions.overdue_days(hazard) == 3
