"""Issue 12: the work an upload may cause is bounded, and nothing of a photo's metadata is stored.

Images are refused from their header above the pixel limit, JPEGs are decoded at
the smallest draft that serves, at most UPLOAD_CONCURRENCY files are decoded at
once per worker, every metadata block is dropped, and evidence PDFs carrying
JavaScript or launch actions are refused.
"""
import io
import struct
import threading
import time
import zlib
from functools import lru_cache
from pathlib import Path

import pytest
from PIL import Image, ImageCms, ImageFile, PngImagePlugin
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from safety_app import uploads
from safety_app.extensions import db
from safety_app.models import Attachment
from tests.payloads import flat_png

from ..conftest import login
from .conftest import image_bytes, pdf_bytes


@pytest.fixture
def rectifying(park, drive):
    return drive.hazard_in("rectifying")


@pytest.fixture
def decodes(monkeypatch):
    """Records the size of every image whose pixels Pillow decodes."""
    sizes = []
    original = ImageFile.ImageFile.load

    def load(self):
        if getattr(self, "tile", None):
            sizes.append(self.size)
        return original(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    return sizes


@lru_cache
def _flat_7000_png():
    return flat_png(7000, 7000, color_type=2, bit_depth=8)  # 49 megapixels in ~140 KB


def _upload(client, hazard, *files):
    return client.post(f"/hazards/{hazard.id}/uploads", data={"version": hazard.version, "files": list(files)},
                       content_type="multipart/form-data")


def _nothing_stored(app):
    return (db.session.scalar(select(func.count(Attachment.id))) == 0
            and not [p for p in Path(app.config["UPLOAD_DIR"]).rglob("*") if p.is_file()])


def _stored(app):
    attachment = db.session.execute(select(Attachment)).scalar_one()
    root = Path(app.config["UPLOAD_DIR"])
    return (root / attachment.stored_name).read_bytes(), (root / attachment.thumb_name).read_bytes()


# --- pixels, draft, concurrency -------------------------------------------------------------------

def test_an_image_over_the_pixel_limit_is_refused_from_its_header_before_decoding(app, client, park, rectifying,
                                                                                   decodes):
    login(client, park.user_a)
    files = [(io.BytesIO(_flat_7000_png()), f"{i}.png") for i in range(10)]
    started = time.perf_counter()
    response = _upload(client, rectifying, *files)
    elapsed = time.perf_counter() - started
    assert response.status_code == 422
    assert "像素过多（7000 × 7000），最多 40 百万像素" in response.get_data(as_text=True)
    assert decodes == []
    assert elapsed < 5, f"the refusal took {elapsed:.1f} s"
    assert _nothing_stored(app)


def test_the_pixel_limit_is_a_setting(app, client, park, rectifying):
    app.config["UPLOAD_MAX_PIXELS"] = 1_000
    login(client, park.user_a)
    response = _upload(client, rectifying, (io.BytesIO(image_bytes(size=(64, 48))), "small.jpg"))
    assert response.status_code == 422
    assert "最多 0.001 百万像素" in response.get_data(as_text=True)
    assert _nothing_stored(app)


def test_a_large_jpeg_is_decoded_at_the_smallest_draft_that_serves(app, client, park, rectifying, decodes):
    login(client, park.user_a)
    response = _upload(client, rectifying, (io.BytesIO(image_bytes(size=(8400, 600))), "panorama.jpg"))
    assert response.status_code == 302
    assert decodes[0] == (4200, 300)  # DCT scale 1/2: still covers the stored 4096 × 293
    attachment = db.session.execute(select(Attachment)).scalar_one()
    assert (attachment.width, attachment.height) == (4096, 293)


def _hold_decoding(monkeypatch, seconds):
    """Every decode takes ``seconds``; returns the list of how many ran at once at each start."""
    running, peaks, lock = [0], [], threading.Lock()
    original = ImageFile.ImageFile.load

    def slow_load(self):
        if not getattr(self, "tile", None):
            return original(self)
        with lock:
            running[0] += 1
            peaks.append(running[0])
        try:
            time.sleep(seconds)
            return original(self)
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(ImageFile.ImageFile, "load", slow_load)
    return peaks


def test_at_most_the_configured_number_of_images_are_decoded_at_once(app, monkeypatch):
    app.config["UPLOAD_CONCURRENCY"] = 2
    peaks = _hold_decoding(monkeypatch, 0.3)
    data, errors = image_bytes(size=(64, 48)), []

    def one_request():
        with app.app_context():
            try:
                uploads.check(FileStorage(io.BytesIO(data), "a.jpg"))
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

    threads = [threading.Thread(target=one_request) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(peaks) == 5 and max(peaks) == 2


def test_an_upload_that_waits_too_long_for_a_slot_is_answered_busy_and_stores_nothing(app, client, park,
                                                                                        rectifying):
    app.config.update(UPLOAD_CONCURRENCY=1, UPLOAD_SLOT_WAIT_SECONDS=0)
    login(client, park.user_a)
    with uploads.processing_slot():  # another request is decoding
        response = _upload(client, rectifying, (io.BytesIO(image_bytes()), "a.jpg"))
    assert response.status_code == 503
    assert "服务器正忙" in response.get_data(as_text=True)
    assert _nothing_stored(app)


# --- metadata -----------------------------------------------------------------------------------

SECRET = b"SECRET-7f3a"
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
JPEG_PIXEL_MARKERS = {0xD8, 0xDB, 0xC0, 0xC2, 0xC4, 0xDD, 0xDA, 0xE0}  # SOI DQT SOF0 SOF2 DHT DRI SOS APP0(JFIF)


def _exif_with_secrets():
    exif = Image.Exif()
    exif[0x010F] = SECRET.decode() + "-make"  # camera make
    exif[0x0131] = SECRET.decode() + "-software"
    exif[0x8825] = {1: "N", 2: (39.0, 2.0, 3.0)}  # GPS position
    return exif


def _jpeg_markers(data):
    """The marker bytes of every segment before the image data."""
    markers, i = [], 2
    assert data[:2] == b"\xff\xd8"
    while i < len(data):
        assert data[i] == 0xFF
        marker = data[i + 1]
        markers.append(marker)
        if marker == 0xDA:
            break
        i += 2 + struct.unpack(">H", data[i + 2:i + 4])[0]
    return set(markers) | {0xD8}


def _png_chunks(data):
    chunks, i = [], 8
    while i < len(data):
        length, kind = struct.unpack(">I4s", data[i:i + 8])
        chunks.append(kind.decode())
        i += 12 + length
    return set(chunks)


def test_jpeg_comment_xmp_exif_and_icc_profile_are_absent_from_the_stored_bytes(app, client, park, rectifying):
    out = io.BytesIO()
    Image.new("RGB", (120, 90), (30, 120, 200)).save(
        out, "JPEG", comment=SECRET + b"-comment", exif=_exif_with_secrets(), icc_profile=SRGB,
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">' + SECRET + b"-xmp</x:xmpmeta>")
    login(client, park.user_a)
    assert _upload(client, rectifying, (io.BytesIO(out.getvalue()), "site.jpg")).status_code == 302
    for stored in _stored(app):
        assert SECRET not in stored
        assert _jpeg_markers(stored) <= JPEG_PIXEL_MARKERS  # no COM, no APP1 (EXIF/XMP), no APP2 (ICC)


def test_png_text_chunks_exif_and_icc_profile_are_absent_from_the_stored_bytes(app, client, park, rectifying):
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SECRET.decode() + "-text")
    info.add_text("Description", SECRET.decode() + "-ztxt", zip=True)
    info.add_itxt("XML:com.adobe.xmp", SECRET.decode() + "-itxt")
    out = io.BytesIO()
    Image.new("RGBA", (120, 90), (30, 120, 200, 128)).save(out, "PNG", pnginfo=info, exif=_exif_with_secrets(),
                                                            icc_profile=SRGB)
    login(client, park.user_a)
    assert _upload(client, rectifying, (io.BytesIO(out.getvalue()), "scan.png")).status_code == 302
    stored, thumb = _stored(app)
    assert SECRET not in stored and SECRET not in thumb
    assert _png_chunks(stored) <= {"IHDR", "PLTE", "tRNS", "IDAT", "IEND"}


# --- PDFs -----------------------------------------------------------------------------------------

ACTIVE_PDFS = {
    "open-action-javascript": (b"/OpenAction 4 0 R", [b"<</S/JavaScript/JS(app.alert(1))>>"]),
    "javascript-name-tree": (b"/Names<</JavaScript 4 0 R>>", [b"<</Names[(init) 5 0 R]>>",
                                                             b"<</S/JavaScript/JS(app.alert(1))>>"]),
    "launch-action": (b"/OpenAction<</S/Launch/F(cmd.exe)>>", []),
    "document-additional-actions": (b"/AA<</WC 4 0 R>>", [b"<</S/JavaScript/JS(this.submitForm())>>"]),
    "escaped-names": (b"/OpenAction<</S/J#61vaScript/J#53(app.alert(1))>>", []),
}


@pytest.mark.parametrize(("catalog", "objects"), list(ACTIVE_PDFS.values()), ids=list(ACTIVE_PDFS))
def test_evidence_pdf_with_javascript_or_a_launch_action_is_refused(app, client, park, rectifying, catalog,
                                                                    objects):
    login(client, park.user_a)
    response = _upload(client, rectifying, (io.BytesIO(pdf_bytes(catalog, objects)), "检测报告.pdf"))
    assert response.status_code == 422
    assert "含有 JavaScript 脚本或启动程序的动作" in response.get_data(as_text=True)
    assert _nothing_stored(app)


def test_evidence_pdf_with_an_action_on_a_page_annotation_is_refused(app, client, park, rectifying):
    pdf = pdf_bytes(objects=[b"<</Type/Annot/Subtype/Link/Rect[0 0 10 10]/A<</S/JavaScript/JS(x)>>>>"])
    pdf = pdf.replace(b"/MediaBox[0 0 595 842]>>", b"/MediaBox[0 0 595 842]/Annots[4 0 R]>>")
    pdf = _fix_xref(pdf)
    login(client, park.user_a)
    response = _upload(client, rectifying, (io.BytesIO(pdf), "a.pdf"))
    assert response.status_code == 422
    assert _nothing_stored(app)


def test_javascript_hidden_in_a_compressed_object_stream_is_found(app, client, park, rectifying):
    login(client, park.user_a)
    response = _upload(client, rectifying, (io.BytesIO(_pdf_with_object_stream()), "a.pdf"))
    assert response.status_code == 422
    assert "含有 JavaScript 脚本或启动程序的动作" in response.get_data(as_text=True)


def test_a_password_protected_pdf_is_refused_with_its_own_message(app, client, park, rectifying):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes())))
    writer.encrypt("user-password", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    login(client, park.user_a)
    response = _upload(client, rectifying, (io.BytesIO(out.getvalue()), "加密.pdf"))
    assert response.status_code == 422
    assert "设有密码保护" in response.get_data(as_text=True)


def test_a_clean_pdf_with_links_and_outlines_is_accepted(app, client, park, rectifying):
    pdf = pdf_bytes(b"/Outlines 4 0 R", [b"<</Type/Outlines/Count 0>>"])
    login(client, park.user_a)
    assert _upload(client, rectifying, (io.BytesIO(pdf), "报告.pdf")).status_code == 302


def _fix_xref(pdf):
    """Rebuild the cross-reference offsets after an in-place edit."""
    body, _sep, _rest = pdf.partition(b"xref\n")
    offsets, position = [], 0
    while (position := body.find(b" 0 obj\n", position)) != -1:
        start = body.rfind(b"\n", 0, position) + 1
        offsets.append(start)
        position += 1
    table = b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1)
    table += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return body + table + b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(offsets) + 1,
                                                                                         len(body))


def _pdf_with_object_stream():
    """Catalog, pages and a JavaScript action inside one FlateDecode object stream (PDF 1.5 cross-reference
    stream): nothing readable in the raw bytes."""
    objects = [b"<</Type/Catalog/Pages 2 0 R/OpenAction 4 0 R>>", b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
               b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>", b"<</S/JavaScript/JS(app.alert(1))>>"]
    offsets, body = [], b""
    for obj in objects:
        offsets.append(len(body))
        body += obj + b"\n"
    header = b" ".join(b"%d %d" % (n, off) for n, off in enumerate(offsets, start=1)) + b"\n"
    stream = zlib.compress(header + body)
    out = bytearray(b"%PDF-1.7\n")
    objstm_at = len(out)
    out += b"5 0 obj\n<</Type/ObjStm/N 4/First %d/Filter/FlateDecode/Length %d>>\nstream\n" % (len(header),
                                                                                              len(stream))
    out += stream + b"\nendstream\nendobj\n"
    xref_at = len(out)
    rows = [b"\x00" + b"\x00\x00\x00" + b"\xff\xff"]
    rows += [b"\x02" + struct.pack(">I", 5)[1:] + struct.pack(">H", i) for i in range(4)]
    rows += [b"\x01" + struct.pack(">I", objstm_at)[1:] + b"\x00\x00"]
    rows += [b"\x01" + struct.pack(">I", xref_at)[1:] + b"\x00\x00"]
    xref = b"".join(rows)
    out += (b"6 0 obj\n<</Type/XRef/Size 7/W[1 3 2]/Root 1 0 R/Length %d>>\nstream\n" % len(xref)) + xref
    out += b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at
    assert b"JavaScript" not in out
    return bytes(out)


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "L"])
def test_a_photo_resized_strip_by_strip_looks_like_one_resized_at_once(mode):
    from PIL import ImageChops

    from safety_app import images

    gradient = Image.linear_gradient("L").resize((1800, 1300))
    photo = Image.merge("RGB", [gradient, gradient.rotate(90), Image.effect_noise((1800, 1300), 40)])
    if mode == "RGBA":
        photo.putalpha(gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT))
    photo = photo.convert(mode)
    size = images.fit(photo.size, 1000)

    def seen(image):  # as shown on a white page: colours of (nearly) transparent pixels do not matter
        if image.mode != "RGBA":
            return image.convert("RGB")
        return Image.alpha_composite(Image.new("RGBA", image.size, "white"), image).convert("RGB")

    difference = ImageChops.difference(seen(images.resize(photo, size)),
                                       seen(photo.resize(size, Image.Resampling.LANCZOS)))
    assert max(high for _low, high in difference.getextrema()) <= 2
