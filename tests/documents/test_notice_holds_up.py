"""The rectification notice as a legal reviewer reads it (issue 14, part 2).

Every element printed, read back from the PDF with pypdf; every refusal leaves nothing
behind: no document, no number taken, no file, no deadline changed, no event.
"""
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from safety_app import clock, lifecycle, settings
from safety_app.documents import cn_date, service
from safety_app.documents.service import DocumentError
from safety_app.extensions import db
from safety_app.models import Counter, Document, Event, Hazard
from tests.conftest import login
from tests.documents.test_web_reports import notice_form


def _file(document):
    return service.file_path(document)


def _nothing_written(app, hazards_before):
    """No document, no counter moved, no file, the hazards' deadlines and events as they were."""
    assert db.session.scalar(select(func.count(Document.id))) == 0
    assert db.session.scalar(select(func.coalesce(func.max(Counter.value), 0))
                             .where(Counter.name.like("notice:%"))) == 0
    assert list(Path(app.config["REPORTS_DIR"]).rglob("*.pdf")) == []
    db.session.expire_all()
    for ident, (deadline, events) in hazards_before.items():
        hazard = db.session.get(Hazard, ident)
        assert hazard.deadline == deadline
        assert db.session.scalar(select(func.count(Event.seq)).where(Event.hazard_id == ident)) == events


def _snapshot(*hazards):
    return {h.id: (h.deadline, db.session.scalar(select(func.count(Event.seq)).where(Event.hazard_id == h.id)))
            for h in hazards}


def test_the_notice_prints_every_element_a_legal_review_asks_for(park, make_inspection, pdf_text):
    inspection = make_inspection(on=clock.today() - timedelta(days=1))
    general = lifecycle.file_hazard(
        park.inspector, enterprise=park.a, inspection=inspection, title="消防通道被物料占用", category="fire",
        description="二号仓库北侧消防通道堆放空桶约20只，宽度不足4米", location="二号仓库",
        legal_basis="《中华人民共和国消防法》第二十八条", deadline=clock.today() + timedelta(days=7),
        found_on=inspection.inspected_on)
    major = park.hazard(inspection=inspection, major=True, title="罐区紧急切断阀未投用",
                        deadline=clock.today() + timedelta(days=30), found_on=inspection.inspected_on)
    document = service.issue_notice([general, major], park.inspector, officers=park.officers, inspection=inspection)
    text = pdf_text(_file(document))
    # the addressee
    assert f"{park.a.name}：" in text
    assert f"统一社会信用代码：{park.a.credit_code}" in text
    assert "法定代表人：王建华" in text and "单位地址：天津市滨海新区大港石化产业园区海港路18号" in text
    # the inspection: date and place (address and the hazards' locations)
    assert (f"本机关执法人员于{cn_date(inspection.inspected_on)}在天津市滨海新区大港石化产业园区海港路18号"
            "（二号仓库、罐区）依法对你单位进行安全生产检查") in text
    # each hazard: description, location, basis, its own deadline; the major one's criterion
    assert "二号仓库北侧消防通道堆放空桶约20只，宽度不足4米" in text
    assert "《中华人民共和国消防法》第二十八条" in text
    assert cn_date(general.deadline) in text and cn_date(major.deadline) in text
    assert "第5.4.1条" in text  # AQ 3067-2026 clause of the major hazard (text not imported in tests)
    # the order: its legal basis, per-item deadlines only, the liability sentence
    assert ("依据《中华人民共和国安全生产法》第六十五条的规定，现责令你单位对上述问题分别于表列整改期限前整改完毕"
            in text)
    assert "责令你单位于" not in text
    assert "由此造成事故的，依法追究有关人员的责任。" in text
    # remedies from the office settings
    assert "向天津市滨海新区人民政府申请行政复议" in text and "向天津市滨海新区人民法院提起行政诉讼" in text
    # the two officers with their certificates, the copies note
    assert "张检查（执法证号：津应急执120001）；李复查（执法证号：津应急执120002）" in text
    assert text.endswith("本文书一式两份，一份由安全生产监管部门留存，一份交被检查单位。")


def test_the_order_basis_and_the_closing_sentences_are_office_settings(park, pdf_text):
    settings.set_many({"notice_order_basis": "根据《中华人民共和国安全生产法》第六十五条第一款第（三）项",
                       "notice_liability_sentence": "逾期未整改的，依法处理。", "notice_copies_note": "本文书一式三份。"})
    text = pdf_text(_file(service.issue_notice([park.hazard()], park.inspector, officers=park.officers)))
    assert "根据《中华人民共和国安全生产法》第六十五条第一款第（三）项，现责令你单位" in text
    assert "逾期未整改的，依法处理。" in text and text.endswith("本文书一式三份。")


def test_a_reissued_notice_names_the_number_it_replaces(park, pdf_text):
    old = service.issue_notice([park.hazard()], park.inspector, officers=park.officers)
    new = service.reissue_notice(old, park.admin)
    assert f"本指令书代替{old.number}" in pdf_text(_file(new))
    assert [u.id for u in new.officers] == [u.id for u in old.officers] and new.created_by_id == park.admin.id


# --------------------------------------------------------------------------- refusals


def test_a_closed_item_is_refused(app, park, rectify):
    closed, other = rectify(park.hazard(), "closed"), park.hazard()
    before = _snapshot(closed, other)
    with pytest.raises(DocumentError, match=f"{closed.code} 已销号"):
        service.issue_notice([other, closed], park.inspector, officers=park.officers,
                             deadlines={other.id: clock.today() + timedelta(days=20)})
    _nothing_written(app, before)


def test_a_withdrawn_item_is_refused(app, park):
    withdrawn = park.hazard()
    lifecycle.apply(withdrawn, "withdraw", park.admin, version=withdrawn.version, reason="录入错误")
    before = _snapshot(withdrawn)
    with pytest.raises(DocumentError, match=f"{withdrawn.code} 已撤销"):
        service.issue_notice([withdrawn], park.inspector, officers=park.officers)
    _nothing_written(app, before)


def test_an_item_due_before_the_issue_date_is_refused_until_a_new_deadline_is_set(app, park, time_machine):
    time_machine.move_to("2026-11-02 10:00:00+08:00", tick=False)
    late = park.hazard(deadline=date(2026, 11, 20))
    time_machine.move_to("2026-12-02 10:00:00+08:00", tick=False)  # the issue of the report: a month later
    before = _snapshot(late)
    with pytest.raises(DocumentError, match="早于签发日期"):
        service.issue_notice([late], park.inspector, officers=park.officers)
    _nothing_written(app, before)
    with pytest.raises(DocumentError, match="早于签发日期"):  # a new deadline before today is no better
        service.issue_notice([late], park.inspector, officers=park.officers, deadlines={late.id: date(2026, 12, 1)})
    _nothing_written(app, before)
    document = service.issue_notice([late], park.inspector, officers=park.officers,
                                    deadlines={late.id: date(2026, 12, 31)})
    assert document.hazards[0].deadline == date(2026, 12, 31)


def test_fewer_than_two_officers_are_refused(app, park):
    hazard = park.hazard()
    before = _snapshot(hazard)
    with pytest.raises(DocumentError, match="至少需要两名"):
        service.issue_notice([hazard], park.inspector, officers=[park.inspector])
    _nothing_written(app, before)


def test_an_officer_without_a_certificate_number_is_refused(app, park):
    hazard = park.hazard()
    before = _snapshot(hazard)
    with pytest.raises(DocumentError, match="未登记执法证号"):
        service.issue_notice([hazard], park.admin, officers=[park.inspector, park.admin])
    _nothing_written(app, before)


@pytest.mark.parametrize("missing", ["reconsideration_body", "litigation_court"])
def test_a_notice_waits_for_the_reconsideration_body_and_court_in_the_settings(app, park, missing):
    settings.set_many({missing: ""})
    hazard = park.hazard()
    before = _snapshot(hazard)
    with pytest.raises(DocumentError, match="请先在系统设置中填写"):
        service.issue_notice([hazard], park.inspector, officers=park.officers)
    _nothing_written(app, before)


def test_a_job_cannot_issue_a_notice(app, park):
    hazard = park.hazard()
    with pytest.raises(DocumentError, match="不能由定时任务签发"):
        service.issue_notice([hazard], None, officers=park.officers)
    _nothing_written(app, _snapshot(hazard))


# --------------------------------------------------------------------------- the issue form


def test_a_deadline_changed_on_the_form_is_applied_and_audited_with_the_notice(client, park, time_machine):
    time_machine.move_to("2026-11-02 10:00:00+08:00", tick=False)
    late, fine = park.hazard(deadline=date(2026, 11, 20)), park.hazard(deadline=date(2026, 12, 20))
    time_machine.move_to("2026-12-02 10:00:00+08:00", tick=False)
    login(client, park.inspector)
    response = client.post(f"/reports/hazards/{late.id}/notice?also={fine.id}",
                           data=notice_form([late, fine], park.officers, deadlines={late.id: date(2026, 12, 16)}))
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    db.session.expire_all()
    assert late.deadline == date(2026, 12, 16) and fine.deadline == date(2026, 12, 20)
    event = db.session.scalar(select(Event).where(Event.hazard_id == late.id, Event.action == "notice_deadline"))
    assert event.actor_id == park.inspector.id
    assert event.data == {"previous_deadline": "2026-11-20", "new_deadline": "2026-12-16"}
    assert db.session.scalar(select(Event).where(Event.hazard_id == fine.id, Event.action == "notice_deadline")) is None
    document = db.session.scalar(select(Document))
    assert {h.id for h in document.hazards} == {late.id, fine.id}
    history = client.get(f"/hazards/{late.id}").get_data(as_text=True)
    assert "签发整改指令书时设定整改期限" in history


def test_the_form_refuses_an_overdue_item_left_unchanged_and_writes_nothing(app, client, park, time_machine):
    time_machine.move_to("2026-11-02 10:00:00+08:00", tick=False)
    late = park.hazard(deadline=date(2026, 11, 20))
    time_machine.move_to("2026-12-02 10:00:00+08:00", tick=False)
    before = _snapshot(late)
    response = login(client, park.inspector).post(f"/reports/hazards/{late.id}/notice",
                                                  data=notice_form([late], park.officers))
    assert response.status_code == 422
    assert f"{late.code} 的整改期限（2026-11-20）早于签发日期（2026-12-02）" in response.get_data(as_text=True)
    _nothing_written(app, before)


def test_the_form_with_one_officer_ticked_says_why_and_writes_nothing(app, client, park):
    hazard = park.hazard()
    before = _snapshot(hazard)
    response = login(client, park.inspector).post(f"/reports/hazards/{hazard.id}/notice",
                                                  data=notice_form([hazard], [park.inspector]))
    assert response.status_code == 422
    assert "执法文书至少需要两名持有执法证号的执法人员" in response.get_data(as_text=True)
    _nothing_written(app, before)


def test_a_deadline_outside_the_date_window_is_refused_beside_the_field(app, client, park):
    hazard = park.hazard()
    before = _snapshot(hazard)
    response = login(client, park.inspector).post(
        f"/reports/hazards/{hazard.id}/notice",
        data=notice_form([hazard], park.officers, deadlines={hazard.id: date(2099, 1, 1)}))
    assert response.status_code == 422
    _nothing_written(app, before)
