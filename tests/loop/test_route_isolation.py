"""Every URL rule of the app, walked as enterprise B's user with the ids of enterprise A's
objects: the answer is 404 (exactly like a missing id), 403 for role-only pages, 405 for
wrong methods — and lists never show A's data.

ADDING A ROUTE? Declare its endpoint in ROUTES below, or
test_every_route_is_declared_in_the_isolation_map fails and names it. An entry is
(kind, url values, request body):

- FOREIGN: takes an id of A's object; B must get 404 (the owner A must not).
- ROLE: a page or action B's role may not use: 403 (404 also accepted). The role is
  checked before any lookup (safety_app.permissions.ROUTE_POLICIES), so a staff-only
  route answers 403 for A's id and a missing id alike.
- IN_BODY: A's id is sent in the request body: refused like a missing id (403, 404 or 422).
- OWN: B may use it; the answer must not mention A's hazards, inspection or name.
- PUBLIC: not walked (login, static files, language switch, health check...).

url values and body are functions of ``f``, the ids of A's objects (hazard, major,
measure, photo, evidence, inspection, document, notification, enterprise, user,
extension, session: a web session row of A's user, installation: a major hazard installation of A
with A's user as its 包保 persons, credit_code: A's credit code).
"""
import io
from types import SimpleNamespace

import pytest
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from safety_app import clock, lifecycle, uploads
from safety_app.extensions import db
from safety_app.models import AttachmentKind, Document, Notification, UserSession

from ..monitoring.helpers import make_alarm
from .conftest import PLAN, image_bytes, pdf_bytes

FOREIGN, ROLE, IN_BODY, OWN, PUBLIC = "foreign", "role", "in-body", "own", "public"


def _no_values(f):
    return {}


def _json(body):
    return lambda f: {"json": body(f)}


def _photo_upload(f):
    return {"data": {"files": [(io.BytesIO(image_bytes()), "x.jpg")]}, "content_type": "multipart/form-data"}


ROUTES = {
    # public / self
    "static": (PUBLIC, None, None),
    "auth.login": (PUBLIC, None, None),
    "auth.logout": (PUBLIC, None, None),
    "auth.change_password": (PUBLIC, None, None),
    "auth.devices_page": (OWN, _no_values, None),
    "auth.revoke_device": (FOREIGN, lambda f: {"kind": "session", "item_id": f.session}, None),
    "auth.forget_remembered": (OWN, _no_values, None),  # ends only the caller's own remembered phones
    "main.set_language": (PUBLIC, None, None),
    "main.healthz": (PUBLIC, None, None),
    "main.service_worker": (PUBLIC, None, None),
    "main.manifest": (PUBLIC, None, None),
    "main.index": (OWN, _no_values, None),
    # the rectification loop
    "hazards.detail": (FOREIGN, lambda f: {"hazard_id": f.hazard}, None),
    "hazards.transition": (FOREIGN, lambda f: {"hazard_id": f.hazard, "action": "acknowledge"}, None),
    "hazards.correct": (ROLE, lambda f: {"hazard_id": f.hazard}, None),  # the filing inspector or an admin
    "hazards.measure_new": (FOREIGN, lambda f: {"hazard_id": f.hazard}, None),
    "hazards.measure_edit": (FOREIGN, lambda f: {"hazard_id": f.hazard, "measure_id": f.measure}, None),
    "hazards.plan": (FOREIGN, lambda f: {"hazard_id": f.major}, None),
    "hazards.upload": (FOREIGN, lambda f: {"hazard_id": f.hazard}, _photo_upload),
    "hazards.attachment": (FOREIGN, lambda f: {"attachment_id": f.evidence}, None),
    "hazards.attachment_thumb": (FOREIGN, lambda f: {"attachment_id": f.photo}, None),
    "hazards.annotate_photo": (FOREIGN, lambda f: {"attachment_id": f.photo},
                               lambda f: {"data": {"image": (io.BytesIO(image_bytes()), "x-annotated.jpg")},
                                          "content_type": "multipart/form-data"}),
    "hazards.queue": (ROLE, _no_values, None),
    # the comment thread: B may comment only on its own hazards (A's answers 404, nothing written)
    "hazards.comment": (FOREIGN, lambda f: {"hazard_id": f.hazard}, lambda f: {"data": {"body": "越权留言"}}),
    # the office's bulk actions on the queues: staff only, whatever ids the body names
    "hazards.bulk_verify": (ROLE, _no_values, lambda f: {"data": {"hazards": [str(f.hazard)],
                                                                   "bulk-opinion": "越权复查"}}),
    "hazards.reminders": (ROLE, _no_values, None),
    "hazards.send_reminders": (ROLE, _no_values, lambda f: {"data": {"hazards": [str(f.hazard)]}}),
    "inspections.index": (OWN, _no_values, None),
    "inspections.new": (ROLE, _no_values, None),
    "inspections.detail": (FOREIGN, lambda f: {"inspection_id": f.inspection}, None),
    "inspections.checklist": (ROLE, lambda f: {"inspection_id": f.inspection}, None),
    "inspections.file_hazard": (ROLE, lambda f: {"inspection_id": f.inspection}, None),
    "inspections.result": (ROLE, lambda f: {"inspection_id": f.inspection}, None),
    "inspections.complete": (ROLE, lambda f: {"inspection_id": f.inspection}, None),
    "portal.tasks": (OWN, _no_values, None),
    # 企业自查: always at the user's own enterprise (the body names nothing of another enterprise)
    "portal.file_hazard": (OWN, _no_values, lambda f: {"data": {
        "title": "自查发现的隐患", "category": "equipment", "deadline_preset": "7"}}),
    # dashboard, ledgers
    "dashboard.index": (OWN, _no_values, None),
    "ledgers.hazards": (OWN, _no_values, None),
    "ledgers.measures": (OWN, _no_values, None),
    "ledgers.export": (OWN, lambda f: {"kind": "hazards", "fmt": "csv"}, None),
    # enterprise registry
    "enterprises.index": (OWN, _no_values, None),  # redirects to the own enterprise
    "enterprises.new": (ROLE, _no_values, None),
    "enterprises.detail": (FOREIGN, lambda f: {"enterprise_id": f.enterprise}, None),
    "enterprises.edit": (ROLE, lambda f: {"enterprise_id": f.enterprise}, None),
    "enterprises.import_file": (ROLE, _no_values, None),
    "enterprises.template": (ROLE, _no_values, None),
    # admin
    "admin.users": (ROLE, _no_values, None),
    "admin.user_new": (ROLE, _no_values, None),
    "admin.user_edit": (ROLE, lambda f: {"user_id": f.user}, None),
    "admin.user_reset_password": (ROLE, lambda f: {"user_id": f.user}, None),
    "admin.user_devices": (ROLE, lambda f: {"user_id": f.user}, None),
    "admin.user_revoke_device": (ROLE, lambda f: {"user_id": f.user, "kind": "session", "item_id": f.session},
                                 None),
    "admin.user_forget_remembered": (ROLE, lambda f: {"user_id": f.user}, None),
    "admin.settings": (ROLE, _no_values, None),
    "admin.jobs": (ROLE, _no_values, None),
    "admin.outbox_retry": (ROLE, lambda f: {"message_id": 1}, None),
    "admin.criteria": (ROLE, _no_values, None),
    "admin.criteria_import": (ROLE, _no_values, None),
    "admin.criteria_export": (ROLE, lambda f: {"code": "AQ3067-2026", "fmt": "csv"}, None),
    # notifications
    "notifications.index": (OWN, _no_values, None),
    "notifications.mark_all_read": (OWN, _no_values, None),
    "notifications.mark_read": (FOREIGN, lambda f: {"notification_id": f.notification}, None),
    # reports and documents
    "reports.index": (OWN, _no_values, None),
    "reports.build": (IN_BODY, _no_values, lambda f: {"data": {"enterprise": str(f.enterprise)}}),
    # an enterprise's own statistics table: another enterprise's id answers 404 before the form is read
    "reports.build_enterprise_statistics": (FOREIGN, lambda f: {"enterprise_id": f.enterprise},
                                            lambda f: {"data": {"kind": "quarterly", "period": "2026Q1"}}),
    "reports.download": (FOREIGN, lambda f: {"document_id": f.document}, None),
    "reports.issue_hazard_notice": (ROLE, lambda f: {"hazard_id": f.hazard}, None),
    "reports.issue_inspection_notice": (ROLE, lambda f: {"inspection_id": f.inspection}, None),
    "reports.issue_opinion": (ROLE, lambda f: {"document_id": f.document}, None),
    "reports.issue_opinion_form": (ROLE, lambda f: {"document_id": f.document}, None),
    "reports.reissue": (ROLE, lambda f: {"document_id": f.document}, None),
    "reports.inspection_record": (ROLE, lambda f: {"inspection_id": f.inspection}, None),
    "reports.hazard_rectification": (FOREIGN, lambda f: {"hazard_id": f.hazard}, None),
    "reports.inspection_rectification": (FOREIGN, lambda f: {"inspection_id": f.inspection}, None),
    "reports.major_hazards": (ROLE, _no_values, None),
    "reports.major_hazards_export": (ROLE, lambda f: {"fmt": "pdf"}, None),
    # major hazard installations and 包保 duties
    "installations.index": (OWN, _no_values, None),
    "installations.new": (FOREIGN, lambda f: {"enterprise": f.enterprise}, None),
    "installations.detail": (FOREIGN, lambda f: {"installation_id": f.installation}, None),
    "installations.edit": (FOREIGN, lambda f: {"installation_id": f.installation}, None),
    "installations.report": (FOREIGN, lambda f: {"installation_id": f.installation}, None),
    "installations.report_file": (FOREIGN, lambda f: {"installation_id": f.installation}, None),
    "installations.write_off": (FOREIGN, lambda f: {"installation_id": f.installation}, None),
    "installations.duty_check": (FOREIGN, lambda f: {"installation_id": f.installation}, None),
    "installations.board": (FOREIGN, lambda f: {"installation_id": f.installation}, None),
    "installations.import_page": (OWN, _no_values, None),
    "installations.import_file": (IN_BODY, _no_values, lambda f: installation_import(f.credit_code)),
    "installations.export": (OWN, lambda f: {"fmt": "csv"}, None),
    "installations.my_duties": (OWN, _no_values, None),
    # inspection plans and tasks, coverage, campaigns: the office's own pages (staff only)
    "plans.index": (ROLE, _no_values, None),
    "plans.new": (ROLE, _no_values, None),
    "plans.detail": (ROLE, lambda f: {"plan_id": f.plan}, None),
    "plans.generate": (ROLE, lambda f: {"plan_id": f.plan}, None),
    "plans.due": (ROLE, _no_values, None),
    "plans.coverage": (ROLE, _no_values, None),
    "campaigns.index": (ROLE, _no_values, None),
    "campaigns.new": (ROLE, _no_values, None),
    "campaigns.detail": (ROLE, lambda f: {"campaign_id": f.campaign}, None),
    "campaigns.rows": (ROLE, lambda f: {"campaign_id": f.campaign, "which": "found"}, None),
    "campaigns.report": (ROLE, lambda f: {"campaign_id": f.campaign}, None),
    # monitoring of major hazard installations
    "monitoring.alarms": (OWN, _no_values, None),
    "monitoring.alarm_counts": (OWN, _no_values, None),
    "monitoring.alarm": (FOREIGN, lambda f: {"alarm_id": f.alarm}, None),
    "monitoring.acknowledge": (FOREIGN, lambda f: {"alarm_id": f.alarm}, None),
    "monitoring.record": (FOREIGN, lambda f: {"alarm_id": f.alarm},
                          lambda f: {"data": {"cause": "越权原因", "action": "越权措施"}}),
    "monitoring.close": (FOREIGN, lambda f: {"alarm_id": f.alarm}, None),
    "monitoring.to_hazard": (ROLE, lambda f: {"alarm_id": f.alarm}, None),
    "monitoring.installation": (FOREIGN, lambda f: {"installation_id": f.installation}, None),
    "monitoring.point_new": (FOREIGN, lambda f: {"installation_id": f.installation},
                             lambda f: {"data": {"tag": "WALK-1", "name": "越权测点", "kind": "temperature",
                                                 "unit": "°C", "h": "80", "silence_minutes": "10"}}),
    "monitoring.point_edit": (FOREIGN, lambda f: {"point_id": f.point},
                              lambda f: {"data": {"tag": "WALK-2", "name": "越权改名", "kind": "temperature",
                                                  "unit": "°C", "silence_minutes": "10"}}),
    # JSON API (bearer token of B's user)
    "api.issue_token": (PUBLIC, None, None),
    "api.revoke_token": (PUBLIC, None, None),  # would end the walk's own token
    "api.openapi_json": (PUBLIC, None, None),
    "api.me": (OWN, _no_values, None),
    "api.get_dashboard": (OWN, _no_values, None),
    "api.list_criteria": (OWN, _no_values, None),
    "api.list_enterprises": (OWN, _no_values, None),
    "api.get_enterprise": (FOREIGN, lambda f: {"enterprise_id": f.enterprise}, None),
    "api.list_hazards": (OWN, _no_values, None),
    "api.create_hazard": (IN_BODY, _no_values, _json(lambda f: {
        "enterprise_id": f.enterprise, "title": "越权登记", "category": "equipment", "deadline": "2030-01-01"})),
    "api.get_hazard": (FOREIGN, lambda f: {"hazard_id": f.hazard}, None),
    "api.patch_hazard": (ROLE, lambda f: {"hazard_id": f.hazard}, _json(lambda f: {"title": "改", "version": 1})),
    "api.transition": (FOREIGN, lambda f: {"hazard_id": f.hazard},
                       _json(lambda f: {"action": "acknowledge", "version": 1})),
    "api.list_inspections": (OWN, _no_values, None),
    "api.create_inspection": (IN_BODY, _no_values, _json(lambda f: {
        "enterprise_id": f.enterprise, "inspection_type": "routine"})),
    "api.get_inspection": (FOREIGN, lambda f: {"inspection_id": f.inspection}, None),
    "api.list_measures": (OWN, _no_values, None),
    "api.hazard_measures": (FOREIGN, lambda f: {"hazard_id": f.hazard}, None),
    "api.create_measure": (FOREIGN, lambda f: {"hazard_id": f.hazard}, _json(lambda f: {"description": "越权措施"})),
    "api.patch_measure": (FOREIGN, lambda f: {"hazard_id": f.hazard, "measure_id": f.measure},
                          _json(lambda f: {"description": "改", "version": 1})),
    "api.hazard_attachments": (FOREIGN, lambda f: {"hazard_id": f.hazard}, None),
    "api.hazard_comments": (FOREIGN, lambda f: {"hazard_id": f.hazard}, None),
    "api.post_hazard_comment": (FOREIGN, lambda f: {"hazard_id": f.hazard}, _json(lambda f: {"body": "越权留言"})),
    "api.upload_attachments": (FOREIGN, lambda f: {"hazard_id": f.hazard}, _photo_upload),
    "api.download_attachment": (FOREIGN, lambda f: {"attachment_id": f.evidence}, None),
    "api.list_notifications": (OWN, _no_values, None),
    "api.read_notification": (FOREIGN, lambda f: {"notification_id": f.notification}, None),
    "api.read_all_notifications": (OWN, _no_values, None),
    "api.list_installations": (OWN, _no_values, None),
    "api.get_installation": (FOREIGN, lambda f: {"installation_id": f.installation}, None),
    "api.installation_points": (FOREIGN, lambda f: {"installation_id": f.installation}, None),
    "api.create_point": (FOREIGN, lambda f: {"installation_id": f.installation}, _json(lambda f: {
        "tag": "WALK-3", "name": "越权测点", "kind": "pressure", "unit": "MPa", "h": 1.6})),
    "api.get_point": (FOREIGN, lambda f: {"point_id": f.point}, None),
    "api.patch_point": (FOREIGN, lambda f: {"point_id": f.point}, _json(lambda f: {"name": "越权改名"})),
    # a reading for another enterprise's point is refused in its row (unknown point), like a missing id
    "api.post_readings": (OWN, _no_values, _json(lambda f: {"readings": [
        {"point_id": f.point, "time": clock.utcnow().isoformat() + "Z", "value": 1.0}]})),
}

SECRET_TITLE = "甲企业独有的隐患标题"
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def test_every_route_is_declared_in_the_isolation_map(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    undeclared = sorted(endpoints - set(ROUTES))
    assert not undeclared, (
        "These endpoints are not declared in tests/loop/test_route_isolation.py ROUTES "
        f"(say how an enterprise user must be refused there): {', '.join(undeclared)}"
    )


@pytest.fixture
def foreign(app, park, drive):
    """Enterprise A's objects (ids), and a token for B's user; B also has a hazard of its own."""
    hazard = park.hazard(title=SECRET_TITLE)
    lifecycle.save_measure(hazard, park.user_a, description="甲企业的措施")
    evidence = uploads.save_to_hazard(hazard, park.user_a, [uploads.check(_storage(pdf_bytes(), "a.pdf"),
                                                                           allow_pdf=True)], AttachmentKind.EVIDENCE)
    photo = uploads.save_to_hazard(hazard, park.inspector, [uploads.check(_storage(image_bytes(), "p.jpg"))],
                                   AttachmentKind.PHOTO)
    lifecycle.apply(hazard, "request_extension", park.user_a, version=hazard.version, reason="甲的理由",
                    new_deadline=hazard.deadline.replace(year=hazard.deadline.year + 1))
    major = park.hazard(major=True, title=SECRET_TITLE + "（重大）")
    lifecycle.save_plan(major, park.user_a, **PLAN)
    inspection = lifecycle.start_inspection(park.inspector, enterprise=park.a, inspection_type="routine",
                                            summary=SECRET_TITLE + "的检查")
    document = Document(kind="notice", number="（测试）应急责改〔2026〕第001号", enterprise_id=park.a.id,
                        inspection_id=inspection.id, path="notices/test-a.pdf", sha256="0" * 64, size=10)
    document.hazards.append(hazard)
    db.session.add(document)
    notification = Notification(user_id=park.user_a.id, kind="filed", title=f"新隐患 {hazard.code}", body="",
                                link="", created_at=clock.utcnow())
    db.session.add(notification)
    db.session.commit()
    installation = make_installation(park.a, park.user_a, "甲企业独有的液氨罐区")
    point, alarm = make_alarm(installation, name="甲企业独有的测点")
    park.hazard(enterprise=park.b, title="乙企业自己的隐患")
    plan, campaign = make_plan_and_campaign(park, park.a, "甲企业")
    a_session = UserSession(user_id=park.user_a.id, key_hash="a" * 64, user_agent="甲的浏览器")
    db.session.add(a_session)
    db.session.commit()
    return SimpleNamespace(
        session=a_session.id,
        hazard=hazard.id, major=major.id, measure=hazard.measures[0].id, photo=photo[0].id,
        evidence=evidence[0].id, inspection=inspection.id, document=document.id, notification=notification.id,
        enterprise=park.a.id, user=park.user_a.id, extension=hazard.extension_requests[0].id,
        installation=installation, credit_code=park.a.credit_code, point=point, alarm=alarm,
        plan=plan, campaign=campaign,
        secrets=["甲企业独有的测点", SECRET_TITLE, hazard.code, major.code, park.a.name, park.a.credit_code, "甲企业的措施",
                 "（测试）应急责改", "甲企业独有的液氨罐区"],
    )


def installation_import(credit_code, code="IMP-01"):
    """A one-row installation import naming the enterprise ``credit_code`` (multipart body)."""
    text = ("统一社会信用代码,单元编号,单元名称,单元类型,物质名称,最大量q（吨）,临界量Q（吨）\r\n"
            f"{credit_code},{code},越权导入的罐区,储存单元,液氨,50,10\r\n")
    return {"data": {"file": (io.BytesIO(text.encode("utf-8")), "installations.csv")},
            "content_type": "multipart/form-data"}


def make_plan_and_campaign(park, enterprise, tag):
    """A plan (with its period's task) and a campaign covering ``enterprise`` only; returns their ids."""
    from safety_app import campaigns, plans

    today = clock.today()
    plan = plans.create_plan(park.admin, name=f"{tag}的检查计划", scope_kind="list", enterprise_ids=[enterprise.id],
                             frequency="quarter", starts_on=today.replace(month=1, day=1),
                             ends_on=today.replace(month=12, day=31), inspector_ids=[park.inspector.id])
    plans.generate_now(plan, park.admin)
    campaign = campaigns.create_campaign(park.admin, name=f"{tag}的专项整治", starts_on=today.replace(day=1),
                                         ends_on=today.replace(month=12, day=31), scope_kind="list",
                                         enterprise_ids=[enterprise.id], categories=["equipment"])
    return plan.id, campaign.id


def make_installation(enterprise, owner, name):
    """An installation of ``enterprise`` with ``owner`` (given a phone number) as its three 包保 persons
    and an assessment report; returns its id."""
    from werkzeug.datastructures import FileStorage

    from safety_app import installations

    owner.phone = owner.phone or "13800000001"
    db.session.commit()
    installation = installations.create(enterprise, {
        "code": "RA-01", "name": name, "kind": "storage", "location": "罐区", "people_within_500m": "60",
        "assessed_on": clock.today(), "principal_id": owner.id, "technical_id": owner.id, "operations_id": owner.id,
        "substances": [{"name": "液氨", "cas": "7664-41-7", "max_quantity": "50", "critical_quantity": "10"}],
    }, owner)
    installations.attach_report(installation, FileStorage(io.BytesIO(pdf_bytes()), filename="评估报告.pdf"), owner)
    return installation.id


def _storage(data, name):
    from werkzeug.datastructures import FileStorage

    return FileStorage(io.BytesIO(data), filename=name)


def _token(client, user):
    from ..conftest import PASSWORD

    response = client.post("/api/v1/tokens", json={"username": user.username, "password": PASSWORD})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["token"]


def _walk(app, client, foreign):
    """(endpoint, method, url, response) for every declared, non-public rule and method."""
    token = _token(client, SimpleNamespace(username="user_b"))
    adapter = app.url_map.bind("localhost")
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint, r.rule)):
        kind, values, body = ROUTES.get(rule.endpoint, (None, None, None))
        if kind in (None, PUBLIC):
            continue
        url = adapter.build(rule.endpoint, values(foreign), force_external=False)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            kwargs = body(foreign) if (body and method != "GET") else {}
            response = client.open(url, method=method, headers={"Authorization": f"Bearer {token}"}, **kwargs)
            yield rule.endpoint, kind, method, url, response


def test_enterprise_user_gets_404_for_another_enterprises_objects_on_every_route(app, client, park, foreign,
                                                                                 login_as):
    login_as(park.user_b)
    problems = []
    for endpoint, kind, method, url, response in _walk(app, client, foreign):
        status = response.status_code
        if kind == FOREIGN and status != 404:
            problems.append(f"{endpoint} {method} {url}: {status}, expected 404")
        elif kind == ROLE and status not in (403, 404):
            problems.append(f"{endpoint} {method} {url}: {status}, expected 403")
        elif kind == IN_BODY and status not in (403, 404, 422):
            problems.append(f"{endpoint} {method} {url}: {status}, expected 403, 404 or 422")
        elif kind == OWN and status >= 400:
            problems.append(f"{endpoint} {method} {url}: {status}, expected the user's own page")
    assert not problems, "\n".join(problems)


def test_pages_an_enterprise_user_may_open_never_mention_another_enterprise(app, client, park, foreign,
                                                                            login_as):
    login_as(park.user_b)
    leaks = []
    for endpoint, kind, method, url, response in _walk(app, client, foreign):
        if kind != OWN:
            continue
        body = response.get_data(as_text=True)
        leaks += [f"{endpoint} {method} {url} shows {s!r}" for s in foreign.secrets if s in body]
    assert not leaks, "\n".join(leaks)


def test_the_owner_reaches_the_same_urls(app, client, park, foreign, login_as):
    """The walk proves something only if A's ids are real: A's own user is not answered 404."""
    login_as(park.user_a)
    token = _token(client, park.user_a)
    adapter = app.url_map.bind("localhost")
    wrong = []
    for rule in app.url_map.iter_rules():
        kind, values, _body = ROUTES.get(rule.endpoint, (None, None, None))
        if kind != FOREIGN or "GET" not in rule.methods:
            continue
        url = adapter.build(rule.endpoint, values(foreign))
        status = client.get(url, headers={"Authorization": f"Bearer {token}"}).status_code
        if status == 404 and rule.endpoint != "reports.download":  # the test document has no file
            wrong.append(f"{rule.endpoint} {url}: 404 for the owner")
    assert not wrong, "\n".join(wrong)


def test_wrong_methods_get_405(app, client, park, foreign, login_as):
    login_as(park.user_b)
    adapter = app.url_map.bind("localhost")
    wrong = []
    for rule in app.url_map.iter_rules():
        kind, values, _body = ROUTES.get(rule.endpoint, (None, None, None))
        if kind in (None, PUBLIC):
            continue
        url = adapter.build(rule.endpoint, values(foreign))
        path = url.split("?")[0]
        allowed = _allowed(adapter, path)
        for method in METHODS:
            if method in allowed:
                continue
            status = client.open(url, method=method).status_code
            if status != 405:
                wrong.append(f"{rule.endpoint} {method} {url}: {status}, expected 405")
    assert not wrong, "\n".join(wrong)


def _allowed(adapter, path):
    allowed = set()
    for method in METHODS:
        try:
            adapter.match(path, method=method)
            allowed.add(method)
        except (MethodNotAllowed, NotFound):
            pass
        except RequestRedirect:
            allowed.add(method)
    return allowed
