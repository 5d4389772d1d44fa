"""Campaigns (专项整治行动): inspections and their hazards carry the tag; the campaign page's figures
(coverage against the target, hazards found, closed, open, overdue, 清零 by enterprise) each link to
their rows; the campaign report is a recorded Chinese PDF."""
import subprocess
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from safety_app import campaigns, clock, lifecycle
from safety_app.documents import service
from safety_app.extensions import db
from safety_app.figures import coverage as cov
from safety_app.lifecycle_errors import Invalid
from safety_app.models import Document, Inspection

from ..plans.conftest import complete, inspect, registered_early


def make_campaign(park, **overrides):
    values = {"name": "危险化学品百日攻坚专项整治", "starts_on": date(2026, 11, 1), "ends_on": date(2026, 12, 31),
              "scope_kind": "list", "enterprise_ids": [park.a.id, park.b.id], "categories": ["equipment"],
              "target_percent": 80}
    values.update(overrides)
    return campaigns.create_campaign(park.admin, **values)


@pytest.fixture
def running(park, drive, at):
    """A campaign over A and B: A inspected under it with three hazards (one closed out, one open past its
    deadline, one open in time); B not inspected; a hazard of A outside the campaign."""
    at("2026-11-10 10:00")
    registered_early(park.a, park.b)
    campaign = make_campaign(park)
    inspection = inspect(park, park.a, date(2026, 11, 10), campaign=campaign, completed=False)
    closed = park.hazard(title="储罐区安全阀失效", inspection=inspection)
    late = park.hazard(title="防雷接地检测过期", inspection=inspection, deadline=date(2026, 11, 20))
    in_time = park.hazard(title="应急器材不足", inspection=inspection, deadline=date(2026, 12, 20))
    complete(inspection)  # hazards are filed while the inspection is in progress
    outside = park.hazard(title="与专项无关的隐患")
    drive.apply(closed, "acknowledge", park.user_a)
    drive.ready_to_submit(closed)
    drive.apply(closed, "submit", park.user_a, note="已整改")
    drive.apply(closed, "verify", park.inspector, opinion="复查合格")
    at("2026-12-02 10:00")
    return campaign, {"closed": closed, "late": late, "in_time": in_time, "outside": outside}


def test_hazards_filed_in_a_tagged_inspection_inherit_the_campaign(park, running):
    campaign, h = running
    assert {h["closed"].campaign_id, h["late"].campaign_id, h["in_time"].campaign_id} == {campaign.id}
    assert h["outside"].campaign_id is None


def test_a_campaign_tag_only_within_its_period(park, at):
    at("2026-12-02 10:00")
    campaign = make_campaign(park, starts_on=date(2026, 12, 1))
    with pytest.raises(Invalid):
        lifecycle.start_inspection(park.inspector, enterprise=park.a, inspection_type="routine",
                                   inspected_on=date(2026, 11, 30), campaign=campaign)
    assert db.session.scalar(select(Inspection.id)) is None


def test_the_campaign_figures(park, running):
    campaign, h = running
    assert h["closed"].status == "closed"
    f = cov.campaign_figures(campaign)
    assert [len(f.coverage.inspected), len(f.coverage.in_scope)] == [1, 2]
    assert f.coverage.share.percent == "50.0%"
    assert (f.found, f.closed, f.open, f.overdue) == (3, 1, 2, 1)
    rows = {r["id"]: r for r in f.by_enterprise}
    assert rows[park.a.id]["state"] == "not_cleared" and rows[park.a.id]["open"] == 2
    assert rows[park.b.id]["state"] == "not_inspected"
    assert cov.campaign_hazard_ids(campaign, "overdue") == [h["late"].id]
    assert cov.campaign_hazard_ids(campaign, "open") == sorted([h["late"].id, h["in_time"].id])


def test_the_campaign_page_links_every_number_to_its_rows(client, park, running, login_as):
    campaign, h = running
    login_as(park.inspector)
    page = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert campaign.name in page and 'data-figure="coverage">50.0%' in page
    for which in ("found", "closed", "open", "overdue", "inspected", "in_scope", "not_inspected"):
        assert f"/campaigns/{campaign.id}/rows/{which}" in page
    overdue = client.get(f"/campaigns/{campaign.id}/rows/overdue").get_data(as_text=True)
    assert h["late"].code in overdue and h["in_time"].code not in overdue and 'data-rows="1"' in overdue
    not_inspected = client.get(f"/campaigns/{campaign.id}/rows/not_inspected").get_data(as_text=True)
    assert park.b.name in not_inspected and park.a.name not in not_inspected
    assert client.get(f"/campaigns/{campaign.id}/rows/everything").status_code == 404


def test_an_inspection_is_started_under_a_campaign_from_the_form(client, park, at, login_as):
    at("2026-12-02 10:00")
    campaign = make_campaign(park)
    login_as(park.inspector)
    form = client.get(f"/inspections/new?enterprise_id={park.a.id}&campaign={campaign.id}").get_data(as_text=True)
    assert campaign.name in form
    response = client.post("/inspections/new", data={
        "enterprise_id": park.a.id, "inspection_type": "routine", "inspected_on": "2026-12-02",
        "inspectors": [park.inspector.id], "campaign": campaign.id})
    assert response.status_code == 302
    assert db.session.scalar(select(Inspection.campaign_id)) == campaign.id


def test_the_campaign_report_is_a_recorded_chinese_pdf(client, park, running, login_as):
    campaign, _h = running
    login_as(park.inspector)
    response = client.post(f"/campaigns/{campaign.id}/report")
    assert response.status_code == 302
    document = db.session.scalar(select(Document).where(Document.kind == "campaign"))
    assert document.period == f"C{campaign.id}" and document.version == 1
    text = subprocess.run(["pdftotext", "-layout", str(service.file_path(document)), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "专项整治行动情况报告" in text and campaign.name in text
    assert "范围内企业2家，已检查1家，覆盖率50.0%（未达到目标）" in text.replace(" ", "").replace("\n", "")
    flat = text.replace(" ", "").replace("\n", "")
    assert "发现隐患3项，已销号1项，未销号2项，其中逾期1项" in flat
    assert park.b.name in flat and "尚未检查" in flat
    download = client.get(response.headers["Location"])
    assert download.status_code == 200 and download.data.startswith(b"%PDF")


def test_only_the_admin_defines_a_campaign_and_bad_input_writes_nothing(client, park, login_as):
    login_as(park.inspector)
    assert client.get("/campaigns/new").status_code == 403
    login_as(park.admin)
    response = client.post("/campaigns/new", data={"name": "无企业的专项", "scope_kind": "list",
                                                   "starts_on": "2026-12-01", "ends_on": "2026-12-31",
                                                   "target_percent": "90"})
    assert response.status_code == 422 and "请至少选择一家企业" in response.get_data(as_text=True)
    response = client.post("/campaigns/new", data={"name": "目标超范围", "scope_kind": "all",
                                                   "starts_on": "2026-12-01", "ends_on": "2026-12-31",
                                                   "target_percent": "150"})
    assert response.status_code == 422
    assert not campaigns.running(clock.today() + timedelta(days=1))
