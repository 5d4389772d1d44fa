"""Every list page and API list runs a bounded number of SQL queries, whatever its length (no N+1).

Each test fills the list with a few rows, counts the queries of one request,
fills it with many more rows and counts again: the counts must be equal. The
rows carry everything a list may show (measures, plans, extension requests,
photos, enterprises, inspectors), so a lazy load per row shows up as extra
queries.
"""
from datetime import timedelta

import pytest
from sqlalchemy import event

from safety_app import clock, dashboard
from safety_app.extensions import db
from safety_app.models import (
    Attachment,
    Document,
    Enterprise,
    ExtensionRequest,
    GovernancePlan,
    Hazard,
    Inspection,
    Measure,
    Notification,
)
from tests.conftest import PASSWORD, login, make_credit_code

FEW, MANY = 5, 60
# Statuses cycled through, so every list (tasks, queue, ledgers) gets rows of each kind.
STATUSES = ("open", "rectifying", "submitted", "verified", "closed")


class Counter:
    def __init__(self):
        self.count = 0

    def __call__(self, *args):
        self.count += 1


def queries_of(client, url, headers=None):
    """SQL statements run by one GET (everything expired first, as a fresh request would find it;
    the dashboard's cache emptied, so its figures are computed)."""
    db.session.expire_all()
    dashboard.clear_cache()
    counter = Counter()
    event.listen(db.engine, "before_cursor_execute", counter)
    try:
        response = client.get(url, headers=headers)
    finally:
        event.remove(db.engine, "before_cursor_execute", counter)
    assert response.status_code == 200, (url, response.status_code, response.get_data(as_text=True)[:300])
    return counter.count


def add_hazards(park, n, *, start):
    """``n`` hazards of enterprise A with measures, plans, photos, extension requests and an inspection."""
    today = clock.today()
    inspection = Inspection(enterprise_id=park.a.id, inspection_type="routine", inspected_on=today,
                            created_by_id=park.inspector.id, inspectors=[park.inspector, park.inspector2])
    db.session.add(inspection)
    for i in range(start, start + n):
        status = STATUSES[i % len(STATUSES)]
        major = i % 2 == 0
        hazard = Hazard(
            code=f"QC{i:06d}", enterprise_id=park.a.id, inspection=inspection, title=f"隐患 {i}",
            category="equipment", level="major" if major else "general",
            criteria_set="AJZG3-2017-121" if major else None, criterion_clause="15" if major else None,
            found_on=today - timedelta(days=20), found_by_id=park.inspector.id,
            original_deadline=today - timedelta(days=1 + i % 3), deadline=today - timedelta(days=1 + i % 3),
            status=status, responsible_person="王伟", location="罐区",
            submitted_at=clock.utcnow() if status in ("submitted", "verified", "closed") else None,
            verified_at=clock.utcnow() if status in ("verified", "closed") else None,
            closed_at=clock.utcnow() if status == "closed" else None,
            closed_on=today if status == "closed" else None,
        )
        hazard.measures = [Measure(description=f"措施 {i}-{k}", responsible_person="李明", funds=100,
                                   deadline=today, done_on=today if k else None) for k in range(2)]
        if major:
            hazard.plan = GovernancePlan(**{name: "内容" for name in GovernancePlan.ELEMENTS})
        db.session.add(hazard)
        db.session.flush()
        db.session.add(Attachment(hazard_id=hazard.id, kind="photo", original_name="p.jpg",
                                  stored_name=f"qc-{i}.jpg", content_type="image/jpeg", size=10, sha256="0" * 64,
                                  uploaded_by_id=park.inspector.id))
        if status in ("open", "rectifying"):
            db.session.add(ExtensionRequest(hazard_id=hazard.id, requested_by_id=park.user_a.id,
                                            current_deadline=hazard.deadline,
                                            requested_deadline=today + timedelta(days=30), reason="等备件"))
    db.session.commit()


def add_enterprises(n, *, start):
    for i in range(start, start + n):
        db.session.add(Enterprise(name=f"天津测试化工{i:03d}有限公司", credit_code=make_credit_code(1000 + i),
                                  contact_email=f"e{i}@example.com"))
    db.session.commit()


def add_notifications(user, n, *, start):
    for i in range(start, start + n):
        db.session.add(Notification(user_id=user.id, kind="overdue", title=f"通知 {i}", body="正文",
                                    link="/portal/"))
    db.session.commit()


def add_reports(park, n, *, start):
    for i in range(start, start + n):
        enterprise = park.a if i % 2 else None
        db.session.add(Document(kind="monthly" if i % 3 else "quarterly",
                                period=f"{2000 + i // 12}-{i % 12 + 1:02d}" if i % 3 else f"{2000 + i}Q1",
                                enterprise_id=enterprise.id if enterprise else None, path=f"r/{i}.pdf",
                                sha256="0" * 64, size=1, created_by_id=park.admin.id))
    db.session.commit()


def token_headers(client, user):
    response = client.post("/api/v1/tokens", json={"username": user.username, "password": PASSWORD})
    assert response.status_code == 201, response.get_data(as_text=True)[:300]
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def assert_bounded(client, url, grow, headers=None):
    grow(FEW, 0)
    queries_of(client, url, headers)  # first use of a token or session may write once (last used)
    few = queries_of(client, url, headers)
    grow(MANY - FEW, FEW)
    many = queries_of(client, url, headers)
    assert many == few, f"{url}: {few} queries with {FEW} rows, {many} with {MANY}"


# (who, url) of the hazard-based lists; per_page large enough to show every row.
HAZARD_PAGES = [
    ("admin", "/ledgers/hazards?all=1&per_page=200"),
    ("user_a", "/ledgers/hazards?all=1&per_page=200"),
    ("admin", "/ledgers/measures?per_page=200"),
    ("user_a", "/ledgers/measures?per_page=200"),
    ("user_a", "/portal/?show=all"),
    ("admin", "/hazards/queue"),
    ("inspector", "/hazards/queue"),
    ("admin", "/inspections/"),
    ("admin", "/enterprises/"),
    ("admin", "/dashboard"),
    ("user_a", "/dashboard"),
]


@pytest.mark.parametrize(("who", "url"), HAZARD_PAGES)
def test_list_page_runs_the_same_queries_for_5_and_60_hazards(park, client, who, url):
    login(client, getattr(park, who))
    assert_bounded(client, url, lambda n, start: add_hazards(park, n, start=start))


def test_enterprise_list_runs_the_same_queries_for_few_and_many_enterprises(park, client):
    login(client, park.admin)
    assert_bounded(client, "/enterprises/", lambda n, start: add_enterprises(n, start=start))


def test_notification_list_runs_the_same_queries_for_few_and_many_notifications(park, client):
    login(client, park.user_a)
    assert_bounded(client, "/notifications/", lambda n, start: add_notifications(park.user_a, n, start=start))


@pytest.mark.parametrize("who", ["admin", "user_a"])
def test_report_list_runs_the_same_queries_for_few_and_many_reports(park, client, who):
    login(client, getattr(park, who))
    assert_bounded(client, "/reports/", lambda n, start: add_reports(park, n, start=start))


API_HAZARD_LISTS = [
    ("admin", "/api/v1/hazards?per_page=200"),
    ("user_a", "/api/v1/hazards?per_page=200"),
    ("admin", "/api/v1/measures?per_page=200"),
    ("user_a", "/api/v1/measures?per_page=200"),
    ("admin", "/api/v1/inspections?per_page=200"),
    ("admin", "/api/v1/dashboard"),
]


@pytest.mark.parametrize(("who", "url"), API_HAZARD_LISTS)
def test_api_list_runs_the_same_queries_for_5_and_60_hazards(park, client, who, url):
    headers = token_headers(client, getattr(park, who))
    assert_bounded(client, url, lambda n, start: add_hazards(park, n, start=start), headers)


def test_api_enterprise_list_runs_the_same_queries_for_few_and_many_enterprises(park, client):
    headers = token_headers(client, park.admin)
    assert_bounded(client, "/api/v1/enterprises?per_page=200", lambda n, start: add_enterprises(n, start=start),
                   headers)


def test_api_notification_list_runs_the_same_queries_for_few_and_many_notifications(park, client):
    headers = token_headers(client, park.user_a)
    assert_bounded(client, "/api/v1/notifications?per_page=200",
                   lambda n, start: add_notifications(park.user_a, n, start=start), headers)
