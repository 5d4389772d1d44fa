"""The notices and monthly-report jobs, through the documents service."""
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from safety_app import clock, lifecycle
from safety_app.extensions import db
from safety_app.jobs import ledger, notices
from safety_app.jobs.registry import JOBS
from safety_app.models import Document

service = pytest.importorskip("safety_app.documents.service")


def notice_documents():
    return db.session.execute(db.select(Document).where(Document.kind == "notice").order_by(Document.id)).scalars().all()


def notices_slot(at, when):
    at(f"2026-11-21 {when}")
    return JOBS["notices"].schedule.latest_slot(clock.local_now())


def run_notices(at, when):
    return ledger.run("notices", notices_slot(at, when))


@pytest.fixture
def inspection_with_two_hazards(park, at):
    at("2026-11-21 09:50")
    inspection = lifecycle.start_inspection(park.inspector, enterprise=park.a, inspection_type="routine")
    hazards = [park.hazard(inspection=inspection, title=t, deadline=date(2026, 12, 1))
               for t in ("消防通道被杂物占用", "特种作业人员未持证上岗")]
    return inspection, hazards


def test_notices_job_issues_one_notice_for_an_inspections_new_hazards(park, inspection_with_two_hazards, at):
    inspection, hazards = inspection_with_two_hazards
    result = run_notices(at, "10:15")
    assert result.outcome == "success", result.error
    documents = notice_documents()
    assert len(documents) == 1
    assert documents[0].inspection_id == inspection.id
    assert [h.id for h in documents[0].hazards] == [h.id for h in hazards]
    assert documents[0].created_by_id is None  # issued by the job


def test_notices_job_waits_while_the_inspector_may_still_be_filing(park, inspection_with_two_hazards, at):
    run_notices(at, "09:55")  # five minutes after the last hazard: the inspector may still be on site
    assert notice_documents() == []


def test_running_the_notices_job_again_issues_nothing_more(park, inspection_with_two_hazards, at):
    run_notices(at, "10:15")
    ledger.run("notices", notices_slot(at, "10:15"), force=True)
    run_notices(at, "10:30")
    assert len(notice_documents()) == 1


def test_a_hazard_already_on_a_notice_is_not_noticed_again(park, inspection_with_two_hazards, at):
    inspection, hazards = inspection_with_two_hazards
    service.issue_notice(hazards, park.inspector, officers=park.officers, inspection=inspection)
    run_notices(at, "10:15")
    assert len(notice_documents()) == 1


def test_a_notices_run_that_dies_after_issuing_is_rerun_without_a_second_notice(park, inspection_with_two_hazards,
                                                                               at, monkeypatch):
    def dies_after_the_work(slot, now):
        notices.issue_missing_notices(slot, now)
        raise RuntimeError("killed before the ledger was updated")

    monkeypatch.setitem(JOBS, "notices", replace(JOBS["notices"], run=dies_after_the_work))
    assert run_notices(at, "10:15").outcome == "failed"
    monkeypatch.undo()
    assert run_notices(at, "10:15").outcome == "success"  # the same period, run again
    assert len(notice_documents()) == 1


def test_the_notice_key_returns_the_notice_already_issued(park, inspection_with_two_hazards, at):
    inspection, hazards = inspection_with_two_hazards
    ids = [h.id for h in hazards]
    group = (park.a.id, inspection.id, None, None)
    first = service.issue_notice(hazards, None, inspection=inspection, idempotency_key=notices.group_key(group, ids))
    # the crash happened after the notice was written but before the ledger said so; the service
    # answers the same key with the same document
    again = service.issue_notice(hazards, None, inspection=inspection, idempotency_key=notices.group_key(group, ids))
    assert again.id == first.id and len(notice_documents()) == 1


def test_monthly_report_run_twice_writes_one_file_per_report(park, at, app):
    at("2026-12-01 06:00")
    assert ledger.run("monthly-report", "2026-11").outcome == "success"
    assert ledger.run("monthly-report", "2026-11", force=True).outcome == "success"
    reports = db.session.execute(db.select(Document).where(Document.kind == "monthly")).scalars().all()
    assert len(reports) == 3  # the park and its two enterprises
    files = list(Path(app.config["REPORTS_DIR"]).rglob("*.pdf"))
    assert len(files) == 3
