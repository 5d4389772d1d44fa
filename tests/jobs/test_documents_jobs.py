"""The notices job (reminders, never a notice) and the monthly-report job, through the documents service."""
from datetime import date
from pathlib import Path

import pytest

from safety_app import clock, lifecycle
from safety_app.extensions import db
from safety_app.jobs import ledger
from safety_app.jobs.registry import JOBS
from safety_app.models import Document, Notification, OutboxMessage
from tests.conftest import login

service = pytest.importorskip("safety_app.documents.service")


def notice_documents():
    return db.session.execute(db.select(Document).where(Document.kind == "notice").order_by(Document.id)).scalars().all()


def notices_slot(at, when):
    at(f"2026-11-21 {when}")
    return JOBS["notices"].schedule.latest_slot(clock.local_now())


def run_notices(at, when):
    return ledger.run("notices", notices_slot(at, when))


@pytest.fixture
def make_inspection_at(park):
    def make(enterprise):
        return lifecycle.start_inspection(park.inspector, enterprise=enterprise, inspection_type="routine")

    return make


@pytest.fixture
def inspection_with_two_hazards(park, at):
    at("2026-11-21 09:50")
    inspection = lifecycle.start_inspection(park.inspector, enterprise=park.a, inspection_type="routine")
    hazards = [park.hazard(inspection=inspection, title=t, deadline=date(2026, 12, 1))
               for t in ("消防通道被杂物占用", "特种作业人员未持证上岗")]
    return inspection, hazards


def reminders():
    return db.session.execute(db.select(Notification).where(Notification.kind == "notice_draft")
                              .order_by(Notification.id)).scalars().all()


def enforcement_documents():
    return db.session.execute(db.select(Document).where(Document.kind.in_(("notice", "opinion")))).scalars().all()


def test_notices_job_reminds_the_inspector_and_links_to_the_prefilled_form(park, inspection_with_two_hazards, at):
    inspection, hazards = inspection_with_two_hazards
    result = run_notices(at, "10:15")
    assert result.outcome == "success", result.error
    assert result.counts["reminded"] == 1
    [reminder] = reminders()
    assert reminder.user_id == park.inspector.id  # who filed them
    assert reminder.link.endswith(f"/reports/inspections/{inspection.id}/notice")
    assert all(h.code in reminder.body for h in hazards)
    assert db.session.query(OutboxMessage).filter(OutboxMessage.recipient == park.inspector.email).count() == 1
    assert enforcement_documents() == []  # a person issues; the job only prepares


def test_the_reminder_link_opens_the_issue_form_with_the_groups_items(client, park, inspection_with_two_hazards, at):
    inspection, hazards = inspection_with_two_hazards
    run_notices(at, "10:15")
    path = reminders()[0].link.removeprefix("http://park.test")
    page = login(client, park.inspector).get(path).get_data(as_text=True)
    assert all(h.code in page for h in hazards) and 'name="officers"' in page


def test_hazards_filed_without_an_inspection_get_a_link_naming_the_whole_visit(park, at):
    at("2026-11-21 09:50")
    first, second = park.hazard(), park.hazard()
    run_notices(at, "10:15")
    [reminder] = reminders()
    assert reminder.link.endswith(f"/reports/hazards/{first.id}/notice?also={second.id}")


def test_the_job_never_issues_an_enforcement_document_whatever_it_finds(park, make_inspection_at, at):
    """Open, rectifying, major, overdue, with or without inspection, many groups: never a notice or opinion."""
    at("2026-11-21 09:00")
    inspection = make_inspection_at(park.a)
    park.hazard(inspection=inspection, deadline=date(2026, 12, 1))
    park.hazard(inspection=inspection, major=True, deadline=date(2026, 12, 30))
    park.hazard(found_on=date(2026, 11, 15), deadline=date(2026, 11, 16))  # already past its deadline
    park.hazard(park.b, deadline=date(2026, 12, 1))
    park.hazard(park.b, inspector=park.inspector2, deadline=date(2026, 12, 1))
    for when in ("10:15", "10:30", "10:45"):
        assert run_notices(at, when).outcome == "success"
    ledger.run("notices", notices_slot(at, "10:45"), force=True)
    assert enforcement_documents() == []
    assert len(reminders()) == 4  # one per group (the inspection, B by each inspector, A on the 15th), once


def test_running_the_notices_job_again_reminds_nobody_twice(park, inspection_with_two_hazards, at):
    run_notices(at, "10:15")
    ledger.run("notices", notices_slot(at, "10:15"), force=True)
    run_notices(at, "10:30")
    assert len(reminders()) == 1


def test_notices_job_waits_while_the_inspector_may_still_be_filing(park, inspection_with_two_hazards, at):
    run_notices(at, "09:55")  # five minutes after the last hazard: the inspector may still be on site
    assert reminders() == []


def test_a_hazard_already_on_a_notice_gets_no_reminder(park, inspection_with_two_hazards, at):
    inspection, hazards = inspection_with_two_hazards
    service.issue_notice(hazards, park.inspector, officers=park.officers, inspection=inspection)
    run_notices(at, "10:15")
    assert reminders() == []


def test_monthly_report_run_twice_writes_one_file_per_report(park, at, app):
    at("2026-12-01 06:00")
    assert ledger.run("monthly-report", "2026-11").outcome == "success"
    assert ledger.run("monthly-report", "2026-11", force=True).outcome == "success"
    reports = db.session.execute(db.select(Document).where(Document.kind == "monthly")).scalars().all()
    assert len(reports) == 3  # the park and its two enterprises
    files = list(Path(app.config["REPORTS_DIR"]).rglob("*.pdf"))
    assert len(files) == 3
