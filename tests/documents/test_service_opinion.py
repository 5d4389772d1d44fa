"""Re-inspection opinions answering a notice: they print the inspectors' findings since the notice."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from safety_app import lifecycle
from safety_app.clock import today
from safety_app.documents import cn_date, service
from safety_app.documents.service import DocumentError
from safety_app.extensions import db
from safety_app.models import Counter, Document, ReinspectionFinding, document_officers


@pytest.fixture
def officers(park):
    """Two officers with certificate numbers (the inspector has one; the second gets one)."""
    park.inspector2.certificate_no = "津应急执120002"
    db.session.commit()
    return [park.inspector, park.inspector2]


@pytest.fixture
def on_day(time_machine):
    """Move park time to ``day`` at 10:00 (ticking)."""
    def move(day):
        time_machine.move_to(f"{day.isoformat()} 10:00:00+08:00")
    return move


def _reject(hazard, actor, reason, **data):
    lifecycle.apply(hazard, "reject", actor, version=hazard.version, reason=reason, **data)


def _written():
    """What a refused opinion must leave as it was: documents, their officers, the counters."""
    return (db.session.scalar(select(func.count(Document.id))),
            db.session.scalar(select(func.count()).select_from(document_officers)),
            sorted(db.session.execute(select(Counter.name, Counter.value)).all()))


def test_opinion_prints_each_finding_with_its_own_date_inspectors_and_opinion(
        park, rectify, officers, on_day, pdf_text):
    start = today()
    on_day(start)
    passed = park.hazard(title="安全阀超期未校验")
    failed = park.hazard(title="动火作业票证审批不规范")
    waiting = park.hazard(title="消防通道被物料占用")
    notice = service.issue_notice([passed, failed, waiting], park.inspector, officers=park.officers)
    rectify(passed, "submitted")
    rectify(failed, "submitted")
    on_day(start + timedelta(days=3))
    lifecycle.apply(passed, "verify", park.inspector, version=passed.version,
                    reinspected_on=start + timedelta(days=2), inspectors=[park.inspector, park.inspector2],
                    opinion="现场复查，安全阀已送检并取得校验报告，合格。")
    _reject(failed, park.inspector2, "动火作业票仍缺少监护人签字，整改不到位。",
            reinspected_on=start + timedelta(days=3), inspectors=[park.inspector2])
    on_day(start + timedelta(days=5))
    opinion = service.issue_opinion(notice, park.inspector, officers=officers, quote_notes=True)
    text = pdf_text(service.file_path(opinion))
    assert opinion.number in text and notice.number in text
    assert ("复查结果合格复查日期" + cn_date(start + timedelta(days=2)) + "复查人员张检查、李复查"
            "复查意见现场复查，安全阀已送检并取得校验报告，合格。") in text
    assert ("复查结果不合格复查日期" + cn_date(start + timedelta(days=3)) + "复查人员李复查"
            "复查意见动火作业票仍缺少监护人签字，整改不到位。") in text
    assert text.count("企业整改情况已加装可燃气体报警仪") == 2  # the account each finding answered
    assert "张检查（执法证号：津应急执120001）；李复查（执法证号：津应急执120002）" in text
    assert cn_date(start + timedelta(days=5)) in text  # the issue date
    assert waiting.code not in text  # no finding since the notice: not on the opinion
    assert [h.id for h in opinion.hazards] == [passed.id, failed.id]
    assert opinion.officers == officers and opinion.created_by_id == park.inspector.id


def test_the_enterprise_account_is_quoted_only_when_chosen(park, rectify, officers, pdf_text):
    hazard = park.hazard()
    notice = service.issue_notice([hazard], park.inspector, officers=park.officers)
    rectify(hazard, "closed")
    text = pdf_text(service.file_path(service.issue_opinion(notice, park.inspector, officers=officers)))
    assert "企业整改情况" not in text and "复查结果合格" in text


def test_the_newest_finding_since_the_notice_is_printed(park, rectify, officers, pdf_text):
    hazard = park.hazard()
    notice = service.issue_notice([hazard], park.inspector, officers=park.officers)
    rectify(hazard, "submitted")
    _reject(hazard, park.inspector, "报警仪未标定")
    lifecycle.save_measure(hazard, park.user_a, description="标定报警仪", done_on=today())
    lifecycle.apply(hazard, "submit", park.user_a, version=hazard.version, note="已标定")
    lifecycle.apply(hazard, "verify", park.inspector, version=hazard.version, opinion="已标定，复查合格")
    text = pdf_text(service.file_path(service.issue_opinion(notice, park.inspector, officers=officers)))
    assert "已标定，复查合格" in text and "报警仪未标定" not in text


def test_an_issuer_who_is_not_chosen_is_recorded_but_not_printed(park, rectify, officers, pdf_text):
    hazard = park.hazard()
    notice = service.issue_notice([hazard], park.inspector, officers=park.officers)
    rectify(hazard, "closed")
    opinion = service.issue_opinion(notice, park.admin, officers=officers)
    assert opinion.created_by_id == park.admin.id
    assert park.admin.name not in pdf_text(service.file_path(opinion))


def test_a_notice_without_a_finding_since_it_was_issued_gets_no_opinion(park, rectify, officers):
    hazard = park.hazard()
    rectify(hazard, "submitted")
    _reject(hazard, park.inspector, "照片不清晰")  # a finding before the notice does not count
    notice = service.issue_notice([hazard], park.inspector, officers=park.officers)
    before = _written()
    with pytest.raises(DocumentError) as refused:
        service.issue_opinion(notice, park.inspector, officers=officers)
    assert refused.value.status == 409 and "复查结论" in str(refused.value.message)
    assert _written() == before


def test_an_item_without_a_finding_cannot_be_chosen(park, rectify, officers):
    done, waiting = park.hazard(), park.hazard(title="消防通道被物料占用")
    notice = service.issue_notice([done, waiting], park.inspector, officers=park.officers)
    rectify(done, "closed")
    before = _written()
    with pytest.raises(DocumentError) as refused:
        service.issue_opinion(notice, park.inspector, officers=officers, hazard_ids=[done.id, waiting.id])
    assert waiting.code in str(refused.value.message)
    assert _written() == before
    assert service.issue_opinion(notice, park.inspector, officers=officers, hazard_ids=[done.id]).hazards == [done]


@pytest.mark.parametrize("who", ["one", "uncertified"])
def test_an_opinion_needs_two_officers_with_certificate_numbers(park, rectify, who):
    hazard = park.hazard()
    notice = service.issue_notice([hazard], park.inspector, officers=park.officers)
    rectify(hazard, "closed")
    if who == "uncertified":
        park.inspector2.certificate_no = ""
        db.session.commit()
    chosen = [park.inspector] if who == "one" else [park.inspector, park.inspector2]  # inspector2: no number
    before = _written()
    with pytest.raises(DocumentError) as refused:
        service.issue_opinion(notice, park.inspector, officers=chosen)
    assert ("至少" in str(refused.value.message)) if who == "one" else ("李复查" in str(refused.value.message))
    assert _written() == before


def test_a_refused_opinion_takes_no_number(park, rectify, officers):
    hazard = park.hazard()
    notice = service.issue_notice([hazard], park.inspector, officers=park.officers)
    rectify(hazard, "closed")
    with pytest.raises(DocumentError):
        service.issue_opinion(notice, park.inspector, officers=[park.inspector])
    assert service.issue_opinion(notice, park.inspector, officers=officers).number.endswith(
        f"复查〔{today().year}〕第001号")


def test_opinion_answers_the_newest_version_of_the_notice(park, rectify, officers, pdf_text):
    hazard = park.hazard()
    old = service.issue_notice([hazard], park.inspector, officers=park.officers)
    new = service.reissue_notice(old, park.inspector, officers=park.officers)
    rectify(hazard, "closed")
    text = pdf_text(service.file_path(service.issue_opinion(old, park.inspector, officers=officers)))
    assert new.number in text and old.number not in text


def test_only_a_notice_gets_an_opinion(park, rectify, officers):
    hazard = park.hazard()
    notice = service.issue_notice([hazard], park.inspector, officers=park.officers)
    rectify(hazard, "closed")
    opinion = service.issue_opinion(notice, park.inspector, officers=officers)
    with pytest.raises(DocumentError):
        service.issue_opinion(opinion, park.inspector, officers=officers)


def test_thirty_items_with_long_opinions_all_print(park, rectify, officers, page_texts):
    hazards = [park.hazard(title=f"第{i + 1}项：储罐区安全附件未按期校验") for i in range(30)]
    notice = service.issue_notice(hazards, park.inspector, officers=park.officers)
    for i, hazard in enumerate(hazards):
        rectify(hazard, "submitted")
        text = f"第{i + 1}项复查意见。" + "复查发现安全阀铅封完好，校验标签在有效期内，现场压力表指示正常。" * 64
        action = "verify" if i % 3 else "reject"
        lifecycle.apply(hazard, action, park.inspector, version=hazard.version,
                        **({"opinion": text} if action == "verify" else {"reason": text}))
    assert all(len(f.opinion) > 2000 for f in db.session.scalars(select(ReinspectionFinding)))
    pages = page_texts(service.file_path(service.issue_opinion(notice, park.inspector, officers=officers,
                                                               quote_notes=True)))
    text = "".join(pages)
    for i, hazard in enumerate(hazards):
        assert hazard.code in text and f"第{i + 1}项复查意见。" in text
    assert "共复查30项：合格20项，不合格10项" in text
    assert "执法证号：津应急执120002" in pages[-1]
