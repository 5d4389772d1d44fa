"""Helpers of the rectification-loop tests: images in memory, hazards driven to any state."""
import io
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from safety_app import clock, lifecycle
from safety_app.extensions import db
from safety_app.models import Attachment, Event, GovernancePlan, Hazard

PLAN = {name: f"{name} 内容" for name in GovernancePlan.ELEMENTS}


def image_bytes(fmt="JPEG", size=(64, 48), color=(200, 30, 30), orientation=None):
    image = Image.new("RGB", size, color)
    out = io.BytesIO()
    kwargs = {}
    if orientation is not None:
        exif = Image.Exif()
        exif[0x0112] = orientation
        kwargs["exif"] = exif.tobytes()
    image.save(out, fmt, **kwargs)
    return out.getvalue()


def pdf_bytes(catalog_extra=b"", objects=()):
    """A small, well-formed PDF (one blank page) with a correct cross-reference table.

    ``catalog_extra`` is added to the document catalog; ``objects`` are more
    objects, numbered from 4, for the catalog to refer to.
    """
    bodies = [b"<</Type/Catalog/Pages 2 0 R" + catalog_extra + b">>",
              b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
              b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>", *objects]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, xref)
    return bytes(out)


def file_upload(data, name):
    return (io.BytesIO(data), name)


def events_of(hazard):
    return db.session.scalar(select(func.count(Event.id)).where(Event.hazard_id == hazard.id))


def snapshot(hazard):
    """What a refused action must leave unchanged."""
    db.session.expire_all()
    h = db.session.get(Hazard, hazard.id)
    return (h.status, h.version, h.deadline, events_of(h),
            db.session.scalar(select(func.count(Attachment.id)).where(Attachment.hazard_id == h.id)),
            len(h.measures), len(h.extension_requests))


def add_evidence(hazard, user, name="整改后.jpg", kind="evidence"):
    """An evidence (or assessment) row without a file: enough for the lifecycle rules."""
    attachment = Attachment(kind=kind, original_name=name, stored_name=f"x/{hazard.id}-{name}-{events_of(hazard)}",
                            content_type="image/jpeg", size=1, sha256="0" * 64)
    return lifecycle.record_attachment(hazard, user, attachment)


def add_assessment(hazard, user, name="治理效果评估报告.pdf"):
    return add_evidence(hazard, user, name, kind="assessment")


def acceptance(day=None):
    """The data of the admin's acceptance (验收销号) of a verified major hazard."""
    return {"acceptance_opinion": "经验收，治理措施落实到位，同意销号。", "accepted_on": day or clock.today(),
            "accepted_by": "王验收、赵专家"}


class Driver:
    """Moves a hazard along the lifecycle with the real core, as the right people."""

    def __init__(self, park):
        self.park = park

    def apply(self, hazard, action, actor, **data):
        return lifecycle.apply(hazard, action, actor, version=hazard.version, **data)

    def complete_plan(self, hazard):
        lifecycle.save_plan(hazard, self.park.user_a, **PLAN)

    def ready_to_submit(self, hazard):
        lifecycle.save_measure(hazard, self.park.user_a, description="更换安全阀", done_on=clock.today())
        add_evidence(hazard, self.park.user_a)
        if hazard.is_major:
            add_assessment(hazard, self.park.user_a)

    def hazard_in(self, state, *, major=False, pending_extension=False):
        """A hazard of enterprise A in ``state`` (verified implies major), optionally with a pending extension."""
        p = self.park
        major = major or state == "verified"
        hazard = p.hazard(major=major)
        if major:
            self.complete_plan(hazard)
        if state == "withdrawn":
            self.apply(hazard, "withdraw", p.admin, reason="误报")
            return hazard
        if state == "open":
            if pending_extension:
                self.apply(hazard, "request_extension", p.user_a, reason="设备到货延迟",
                           new_deadline=hazard.deadline + timedelta(days=10))
            return hazard
        self.apply(hazard, "acknowledge", p.user_a)
        if pending_extension:
            self.apply(hazard, "request_extension", p.user_a, reason="设备到货延迟",
                       new_deadline=hazard.deadline + timedelta(days=10))
        if state == "rectifying":
            return hazard
        self.ready_to_submit(hazard)
        self.apply(hazard, "submit", p.user_a, note="已更换并校验")
        if state == "submitted":
            return hazard
        self.apply(hazard, "verify", p.inspector, opinion="现场复查，安全阀已更换并校验合格")
        if state in ("verified", "closed") and hazard.status == state:
            return hazard
        self.apply(hazard, "close", p.admin, **acceptance())
        assert hazard.status == state
        return hazard


@pytest.fixture
def drive(park):
    return Driver(park)


@pytest.fixture
def login_as(client):
    """Switch the test client to ``user``.

    The tests keep one app context open, which Flask reuses for every request,
    so Flask-Login's cached ``g._login_user`` must be dropped too.
    """
    from flask import g

    from ..conftest import login

    def _login(user):
        with client.session_transaction() as s:
            s.clear()
        for name in ("_login_user", "unread_count"):
            g.pop(name, None)
        return login(client, user)

    return _login
