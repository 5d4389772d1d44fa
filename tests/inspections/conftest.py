"""An inspection in progress at enterprise A, walked by the park's inspector (with inspector2)."""
import base64
import io

import pytest
from PIL import Image, ImageDraw

from safety_app import lifecycle

from ..conftest import login


def signature_png(blank=False, size=(600, 200)):
    """A signature as a phone canvas makes it: a PNG with a stroke of ink (none when ``blank``)."""
    image = Image.new("RGBA", size, (255, 255, 255, 0))
    if not blank:
        draw = ImageDraw.Draw(image)
        draw.line([(40, 150), (160, 40), (260, 160), (420, 60), (560, 140)], fill=(17, 17, 17, 255), width=6)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def data_url(data, kind="image/png"):
    return f"data:{kind};base64," + base64.b64encode(data).decode()


@pytest.fixture
def inspection(park):
    return lifecycle.start_inspection(park.inspector, enterprise=park.a, inspection_type="routine",
                                      inspectors=[park.inspector2])


@pytest.fixture
def as_inspector(client, park):
    return login(client, park.inspector)


def tap(client, inspection, item, result, *, json=True, **extra):
    headers = {"Accept": "application/json"} if json else {}
    return client.post(f"/inspections/{inspection.id}/results", data={"item": item, "result": result, **extra},
                       headers=headers)
