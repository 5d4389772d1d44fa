"""Fixtures of the security tests: the same objects in both enterprises, a bearer token per
user, and the loop's helpers (``login_as``, ``drive``)."""
import hashlib
from types import SimpleNamespace

import pytest

from safety_app import clock, lifecycle, uploads
from safety_app.documents import service
from safety_app.extensions import db
from safety_app.models import AttachmentKind, Document, Notification, UserSession

from ..conftest import PASSWORD
from ..loop.conftest import PLAN, drive, image_bytes, login_as, pdf_bytes  # noqa: F401  (fixtures)
from ..loop.test_route_isolation import make_installation, make_plan_and_campaign
from ..monitoring.helpers import make_alarm


def _storage(data, name):
    import io

    from werkzeug.datastructures import FileStorage

    return FileStorage(io.BytesIO(data), filename=name)


def objects_of(park, enterprise, owner, tag):
    """One of everything a URL can name, all of ``enterprise``: the ids the ROUTES map of
    tests/loop/test_route_isolation.py builds URLs from (``f.hazard``, ``f.measure``, ...)."""
    hazard = park.hazard(enterprise, title=f"{tag}的隐患")
    lifecycle.save_measure(hazard, owner, description=f"{tag}的措施")
    evidence = uploads.save_to_hazard(hazard, owner, [uploads.check(_storage(pdf_bytes(), "证据.pdf"),
                                                                    allow_pdf=True)], AttachmentKind.EVIDENCE)
    photo = uploads.save_to_hazard(hazard, park.inspector, [uploads.check(_storage(image_bytes(), "现场.jpg"))],
                                   AttachmentKind.PHOTO)
    lifecycle.apply(hazard, "request_extension", owner, version=hazard.version, reason=f"{tag}的理由",
                    new_deadline=hazard.deadline.replace(year=hazard.deadline.year + 1))
    major = park.hazard(enterprise, major=True, title=f"{tag}的重大隐患")
    lifecycle.save_plan(major, owner, **PLAN)
    inspection = lifecycle.start_inspection(park.inspector, enterprise=enterprise, inspection_type="routine",
                                            summary=f"{tag}的检查")
    document = Document(kind="notice", number=f"（测试）应急责改〔2026〕第{enterprise.id:03d}号",
                        enterprise_id=enterprise.id, inspection_id=inspection.id,
                        path=f"notices/test-{enterprise.id}.pdf", sha256="0" * 64, size=10)
    document.hazards.append(hazard)
    db.session.add(document)
    db.session.commit()
    path = service.file_path(document)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pdf_bytes())
    owner.enterprise_role = "safety_manager"  # may edit the measurement points of its installations
    installation = make_installation(enterprise, owner, f"{tag}的液氨罐区")
    point, alarm = make_alarm(installation, name=f"{tag}的测点")
    plan, campaign = make_plan_and_campaign(park, enterprise, tag)
    web_session = UserSession(user_id=owner.id, key_hash=hashlib.sha256(tag.encode()).hexdigest(),
                              user_agent=f"{tag}的浏览器")
    db.session.add(web_session)
    db.session.commit()
    return SimpleNamespace(
        session=web_session.id,
        hazard=hazard.id, major=major.id, measure=hazard.measures[0].id, photo=photo[0].id,
        evidence=evidence[0].id, inspection=inspection.id, document=document.id, enterprise=enterprise.id,
        user=owner.id, extension=hazard.extension_requests[0].id, notification=None,
        installation=installation, credit_code=enterprise.credit_code, point=point, alarm=alarm,
        plan=plan, campaign=campaign,
    )


def notification_for(user):
    row = Notification(user_id=user.id, kind="filed", title="测试通知", body="", link="",
                       created_at=clock.utcnow())
    db.session.add(row)
    db.session.commit()
    return row.id


@pytest.fixture
def estate(app, park):
    """Objects of enterprise A and of enterprise B, and a notification for every user."""
    a = objects_of(park, park.a, park.user_a, "甲企业")
    b = objects_of(park, park.b, park.user_b, "乙企业")
    notes = {u.username: notification_for(u) for u in (park.admin, park.inspector, park.user_a, park.user_b)}
    return SimpleNamespace(a=a, b=b, notifications=notes)


@pytest.fixture
def token_of(client):
    """A bearer token for a user (issued through the API, like a client would)."""
    tokens = {}

    def _token(user):
        if user.username not in tokens:
            response = client.post("/api/v1/tokens", json={"username": user.username, "password": PASSWORD})
            assert response.status_code == 201, response.get_data(as_text=True)
            tokens[user.username] = response.get_json()["token"]
        return tokens[user.username]

    return _token
