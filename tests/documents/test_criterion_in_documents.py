"""Documents print a major hazard's criterion as set + clause + text, or "条文未导入"."""
from datetime import date, timedelta

from safety_app import clock, lifecycle
from safety_app.documents import service


def _later(*hazards):
    """New deadlines set on the issue form: these hazards were found months ago."""
    return {h.id: clock.today() + timedelta(days=30) for h in hazards}


def _data(park, hazards):
    return service._notice_data("N", hazards, None, park.officers, service._notice_settings(),
                                min(h.found_on for h in hazards))


def _major(park, found_on, criterion):
    return lifecycle.file_hazard(park.inspector, enterprise=park.a, title="罐区紧急切断阀未投用", category="equipment",
                                 deadline=found_on + timedelta(days=30), found_on=found_on, criterion=criterion)


def test_the_notice_prints_an_aq3067_clause_as_not_imported(park, pdf_text):
    hazard = _major(park, date(2026, 10, 15), ("AQ3067-2026", "5.5.6"))
    document = service.issue_notice([hazard], park.inspector, officers=park.officers, deadlines=_later(hazard))
    assert "AQ3067-2026第5.5.6条（条文未导入）" in pdf_text(service.file_path(document))


def test_the_notice_prints_a_2017_clause_with_its_text(park):
    hazard = _major(park, date(2026, 9, 1), ("AJZG3-2017-121", "2"))
    data = _data(park, [hazard])
    assert data.hazards[0].criterion == "安监总管三〔2017〕121号 第2条：特种作业人员未持证上岗。"


def test_a_general_hazard_prints_no_criterion(park):
    data = _data(park, [park.hazard()])
    assert data.hazards[0].criterion == ""


def test_the_notice_prints_the_ground_and_reason_of_a_major_hazard_by_judgment(park, pdf_text):
    hazard = lifecycle.file_hazard(park.inspector, enterprise=park.a, title="管廊受相邻企业施工影响", category="equipment",
                                   deadline=date(2026, 11, 30), found_on=date(2026, 10, 15), major_ground="external",
                                   major_reason="相邻企业施工导致管廊支架沉降，本企业无法自行排除")
    text = pdf_text(service.file_path(service.issue_notice([hazard], park.inspector, officers=park.officers,
                                                           deadlines=_later(hazard))))
    assert "相邻企业施工导致管廊支架沉降" in text.replace("\n", "")
