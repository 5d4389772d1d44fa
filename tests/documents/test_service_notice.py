"""Issuing rectification notices from the database (numbers, versions, files, records)."""
from datetime import timedelta
from pathlib import Path

import pytest

from safety_app import settings
from safety_app.clock import today
from safety_app.documents import cn_date, service
from safety_app.documents.service import DocumentError
from safety_app.extensions import db
from safety_app.models import Counter, Document


def _issue(park):
    return service.issue_notice([park.hazard()], park.inspector, officers=park.officers)


def _file(document):
    return service.file_path(document)


def test_notice_shows_number_enterprise_every_hazard_and_deadline_in_chinese(park, make_inspection, pdf_text):
    inspection = make_inspection()
    first = park.hazard(inspection=inspection, title="可燃气体检测报警器未定期标定", deadline=today() + timedelta(days=7))
    second = park.hazard(inspection=inspection, title="罐区紧急切断阀未投用", major=True,
                         deadline=today() + timedelta(days=30))
    document = service.issue_notice(inspection.hazards, park.inspector, officers=park.officers, inspection=inspection)
    text = pdf_text(_file(document))
    assert document.number == f"（大港应急）责改〔{today().year}〕第001号"
    assert document.number in text
    assert "天津渤海石油化工有限公司" in text
    assert first.title in text and second.title in text
    assert cn_date(first.deadline) in text and cn_date(second.deadline) in text  # each item's own deadline
    assert "分别于表列整改期限前整改完毕" in text
    assert "上述第2项为重大事故隐患" in text


def test_notice_names_the_chosen_officers_with_certificates(park, make_inspection, pdf_text):
    inspection = make_inspection(inspectors=[park.inspector])
    park.hazard(inspection=inspection, inspector=park.inspector2)
    document = service.issue_notice(inspection.hazards, park.inspector, officers=[park.inspector2, park.inspector],
                                    inspection=inspection)
    text = pdf_text(_file(document))
    assert "李复查（执法证号：津应急执120002）；张检查（执法证号：津应急执120001）" in text
    assert [u.id for u in document.officers] == [park.inspector2.id, park.inspector.id]


def test_the_issuer_is_recorded_and_printed_only_when_chosen(park, pdf_text):
    document = service.issue_notice([park.hazard()], park.admin, officers=park.officers)
    assert document.created_by_id == park.admin.id
    assert park.admin.name not in pdf_text(_file(document))


def _data(park, hazards, inspection=None):
    return service._notice_data("N", hazards, inspection, park.officers, service._notice_settings(), today())


def test_notice_qr_code_opens_the_hazard_or_the_inspection(park, make_inspection):
    hazard = park.hazard()
    data = _data(park, [hazard])
    assert data.qr_url == f"http://park.test/hazards/{hazard.id}"
    inspection = make_inspection()
    hazards = [park.hazard(inspection=inspection), park.hazard(inspection=inspection)]
    assert _data(park, hazards, inspection).qr_url == f"http://park.test/inspections/{inspection.id}"


def test_notice_is_recorded_with_its_hazards_file_hash_and_size(park, make_inspection):
    import hashlib

    inspection = make_inspection()
    hazards = [park.hazard(inspection=inspection), park.hazard(inspection=inspection)]
    document = service.issue_notice(hazards, park.inspector, officers=park.officers, inspection=inspection)
    content = _file(document).read_bytes()
    assert not Path(document.path).is_absolute()
    assert (document.kind, document.version, document.enterprise_id, document.inspection_id) == \
        ("notice", 1, park.a.id, inspection.id)
    assert [h.id for h in document.hazards] == [h.id for h in hazards]
    assert document.sha256 == hashlib.sha256(content).hexdigest() and document.size == len(content)
    assert document.created_by_id == park.inspector.id


def test_notice_numbers_are_sequential_per_office(park):
    numbers = [service.issue_notice([park.hazard()], park.inspector, officers=park.officers).number for _ in range(3)]
    year = today().year
    assert numbers == [f"（大港应急）责改〔{year}〕第{n:03d}号" for n in (1, 2, 3)]
    settings.set_many({"notice_prefix": "港区应急"})
    number = service.issue_notice([park.hazard()], park.inspector, officers=park.officers).number
    assert number == f"（港区应急）责改〔{year}〕第001号"


def test_notice_numbers_start_again_each_year(park, time_machine):
    time_machine.move_to("2026-12-31 12:00:00+08:00", tick=False)
    assert _issue(park).number == "（大港应急）责改〔2026〕第001号"
    time_machine.move_to("2027-01-01 09:00:00+08:00", tick=False)
    assert _issue(park).number == "（大港应急）责改〔2027〕第001号"


def test_failed_pdf_build_gives_the_number_back_and_leaves_no_file(park, monkeypatch, app):
    hazard = park.hazard()

    def broken(data, target, **kw):
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        raise OSError("disk full")

    monkeypatch.setattr(service, "build_notice", broken)
    with pytest.raises(OSError):
        service.issue_notice([hazard], park.inspector, officers=park.officers)
    assert db.session.query(Document).count() == 0
    assert list(Path(app.config["REPORTS_DIR"]).rglob("*.pdf")) == []
    monkeypatch.undo()
    assert service.issue_notice([hazard], park.inspector, officers=park.officers).number.endswith("第001号")


def test_hazard_with_a_notice_gets_no_second_one(park):
    hazard = park.hazard()
    service.issue_notice([hazard], park.inspector, officers=park.officers)
    with pytest.raises(DocumentError) as refused:
        service.issue_notice([hazard], park.inspector, officers=park.officers)
    assert refused.value.status == 409
    assert db.session.get(Counter, f"notice:大港应急:{today().year}").value == 1


def test_closed_hazard_gets_no_notice(park, rectify):
    hazard = rectify(park.hazard(), "closed")
    with pytest.raises(DocumentError):
        service.issue_notice([hazard], park.inspector, officers=park.officers)


def test_notice_covers_one_enterprise_only(park):
    with pytest.raises(DocumentError):
        service.issue_notice([park.hazard(park.a), park.hazard(park.b)], park.inspector, officers=park.officers)


def test_same_idempotency_key_returns_the_first_notice(park, app):
    hazard = park.hazard()
    first = service.issue_notice([hazard], park.inspector, officers=park.officers, idempotency_key="notices:hazard:1")
    again = service.issue_notice([hazard], park.inspector, officers=park.officers, idempotency_key="notices:hazard:1")
    assert again.id == first.id and first.created_by_id == park.inspector.id
    assert len(list(Path(app.config["REPORTS_DIR"]).rglob("*.pdf"))) == 1


def test_reissue_makes_a_new_numbered_version_and_keeps_the_old_file(park, pdf_text):
    hazard = park.hazard(deadline=today() + timedelta(days=7))
    old = service.issue_notice([hazard], park.inspector, officers=park.officers)
    old_bytes = _file(old).read_bytes()
    hazard.deadline = today() + timedelta(days=20)  # an approved extension, say
    db.session.commit()
    new = service.reissue_notice(old, park.inspector, officers=park.officers)
    assert (new.version, new.supersedes_id) == (2, old.id)
    assert new.number.endswith("第002号") and new.path != old.path
    assert _file(old).read_bytes() == old_bytes
    assert cn_date(hazard.deadline) in pdf_text(_file(new))


def test_only_the_newest_version_can_be_reissued(park):
    old = service.issue_notice([park.hazard()], park.inspector, officers=park.officers)
    service.reissue_notice(old, park.inspector, officers=park.officers)
    with pytest.raises(DocumentError):
        service.reissue_notice(old, park.inspector, officers=park.officers)


def test_reissue_leaves_closed_hazards_off(park, rectify):
    done, still_open = park.hazard(), park.hazard()
    notice = service.issue_notice([done, still_open], park.inspector, officers=park.officers)
    rectify(done, "closed")
    new = service.reissue_notice(notice, park.inspector, officers=park.officers)
    assert [h.id for h in new.hazards] == [still_open.id]


def test_download_name_is_the_chinese_title_and_number(park):
    document = service.issue_notice([park.hazard()], park.inspector, officers=park.officers)
    assert service.download_name(document) == f"责令限期整改指令书（大港应急）责改〔{today().year}〕第001号.pdf"
