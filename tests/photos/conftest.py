"""Shared pieces of the photo tests: a hazard with a photo, the stored bytes of an attachment."""
import io
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage

from safety_app import clock, lifecycle, uploads
from safety_app.models import AttachmentKind

from ..loop.conftest import drive, image_bytes, login_as  # noqa: F401  (fixture)
from ..selfinspection.conftest import acceptor  # noqa: F401  (fixture)


def add_photo(hazard, user, *, name="现场.jpg", size=(320, 240), color=(40, 90, 160)):
    """A photo of ``hazard`` added by ``user`` the way the upload route does."""
    checked = uploads.check(FileStorage(io.BytesIO(image_bytes(size=size, color=color)), name))
    return uploads.save_to_hazard(hazard, user, [checked], AttachmentKind.PHOTO)[0]


def stored_bytes(app, attachment):
    return (Path(app.config["UPLOAD_DIR"]) / attachment.stored_name).read_bytes()


def drawn_on(data):
    """The photo's bytes with a yellow stroke across it: what the browser sends after annotating."""
    image = Image.open(io.BytesIO(data)).convert("RGB")
    for x in range(20, image.width - 20):
        for dy in range(-3, 4):
            image.putpixel((x, image.height // 2 + dy), (250, 204, 21))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def self_found_hazard(park, user):
    return lifecycle.file_hazard(user, enterprise=park.a, title="储罐呼吸阀锈蚀", category="equipment",
                                 deadline=clock.today() + timedelta(days=7), source="self_inspection")


@pytest.fixture
def photo(park, app):
    """An original photo of a hazard of enterprise A, filed by the inspector."""
    hazard = park.hazard()
    return add_photo(hazard, park.inspector)
