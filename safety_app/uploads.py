"""Uploaded photos and evidence files: check, store, thumbnail, serve.

Nothing about an upload is trusted, and the work an upload may cause is bounded:

- the size is counted while reading (at most ``MAX_UPLOAD_BYTES``);
- the type comes from the content, never from the name or the browser:
  images must open and fully decode with Pillow as JPEG, PNG or WebP; a PDF
  must start with ``%PDF-``, end with an ``%%EOF`` marker (a truncated PDF is
  refused), parse, and carry no JavaScript, launch or automatic actions
  (``pdf_check``);
- an image's width × height is read from its header and refused above
  ``UPLOAD_MAX_PIXELS`` before a single pixel is decoded; decoding and PDF
  inspection hold one of ``UPLOAD_CONCURRENCY`` slots per worker process
  (``processing_slot``), so concurrent uploads cannot add up;
- images are re-encoded (``images``): upright after the EXIF orientation,
  resized, every metadata block dropped (EXIF, XMP, comments, text chunks,
  ICC profiles) and anything hidden after the image data; a thumbnail is
  made for each;
- the original file name is only kept as a label; names with a path
  (``../../etc/passwd.jpg``) or control characters are refused;
- files are stored under random names in the uploads store (``storage``:
  ``UPLOAD_DIR``, written to a temporary file then renamed, or an S3 bucket),
  and served only through a permission-checked route.

``check`` writes nothing; ``store`` writes the files and returns an unsaved
``Attachment``; ``discard`` removes them again when the database refuses.
"""
import hashlib
import io
import secrets
import threading
import unicodedata
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, UnidentifiedImageError

from . import images, pdf_check, storage
from .lifecycle import LifecycleError
from .models import Attachment

IMAGE_FORMATS = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png"), "WEBP": ("image/webp", ".webp")}
PDF = ("application/pdf", ".pdf")
DEFAULT_MAX_PIXELS = 40_000_000  # UPLOAD_MAX_PIXELS: checked in the header, before decoding
DEFAULT_CONCURRENCY = 2  # UPLOAD_CONCURRENCY: images/PDFs processed at once per worker process
DEFAULT_SLOT_WAIT_SECONDS = 30  # UPLOAD_SLOT_WAIT_SECONDS: then 503 "busy, try again"
MAX_FILES = 10  # per request


class UploadError(LifecycleError):
    """A refused upload; ``message`` says why, in the user's language."""

    status = 422
    code = "invalid_upload"


class UploadTooLarge(UploadError):
    status = 413
    code = "too_large"


class UploadBusy(UploadError):
    status = 503
    code = "busy"


_slots_lock = threading.Lock()
_slots = {}  # limit -> semaphore, per worker process


@contextmanager
def processing_slot():
    """Hold one of the ``UPLOAD_CONCURRENCY`` slots of this process while decoding a file.

    Decoding a large photo needs up to ~200 MB; the slots bound what concurrent
    requests of one worker can take together. A request that waits longer than
    ``UPLOAD_SLOT_WAIT_SECONDS`` is answered 503 and stores nothing.
    """
    limit = max(1, int(current_app.config.get("UPLOAD_CONCURRENCY", DEFAULT_CONCURRENCY)))
    wait = float(current_app.config.get("UPLOAD_SLOT_WAIT_SECONDS", DEFAULT_SLOT_WAIT_SECONDS))
    with _slots_lock:
        slots = _slots.setdefault(limit, threading.BoundedSemaphore(limit))
    if not slots.acquire(timeout=wait):
        raise UploadBusy(_l("The server is busy processing other uploads. Please try again in a minute."))
    try:
        yield
    finally:
        slots.release()


@dataclass
class CheckedUpload:
    original_name: str
    content_type: str
    extension: str
    data: bytes  # what will be stored (re-encoded for images)
    thumb: bytes | None = None
    width: int | None = None
    height: int | None = None

    @property
    def is_image(self):
        return self.content_type.startswith("image/")


def max_bytes():
    return int(current_app.config.get("MAX_UPLOAD_BYTES", 10 * 1024 * 1024))


def upload_dir():
    return Path(current_app.config["UPLOAD_DIR"])


def present(files):
    """The FileStorage objects of a multi-file field that carry a file."""
    return [f for f in (files or []) if f is not None and getattr(f, "filename", "")]


def clean_name(name):
    """The original file name as a label, or UploadError for names with a path or control characters."""
    name = unicodedata.normalize("NFC", (name or "").strip())
    if not name:
        raise UploadError(_l("The file has no name."))
    if "/" in name or "\\" in name or name in (".", ".."):
        raise UploadError(_l("The file name %(name)s is not allowed: it must not contain a path.", name=name[:80]))
    if any(unicodedata.category(c).startswith("C") for c in name):
        raise UploadError(_l("The file name contains characters that are not allowed."))
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 190] + dot + ext[:9]) if dot else name[:200]
    return name


def _read_limited(storage):
    limit = max_bytes()
    stream = storage.stream
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise UploadTooLarge(_l("%(name)s is too large: at most %(mb)s MB per file.",
                                name=storage.filename, mb=_megabytes(limit)))
    if not data:
        raise UploadError(_l("%(name)s is empty.", name=storage.filename))
    return data


def _megabytes(n):
    value = n / (1024 * 1024)
    return f"{value:.0f}" if value >= 1 else f"{value:.2f}"


def check(storage, *, allow_pdf=False):
    """Check one uploaded file (a werkzeug FileStorage); return a CheckedUpload or raise UploadError."""
    name = clean_name(storage.filename)
    data = _read_limited(storage)
    if data.startswith(b"%PDF-"):
        if not allow_pdf:
            raise UploadError(_l("%(name)s is not a photo. Use a JPEG, PNG or WebP image.", name=name))
        if b"%%EOF" not in data[-2048:]:
            raise UploadError(_l("%(name)s is not a complete PDF file (it may be damaged or cut off).", name=name))
        _check_pdf(name, data)
        return CheckedUpload(name, PDF[0], PDF[1], data)
    return _check_image(name, data, allow_pdf)


def _check_pdf(name, data):
    with processing_slot():
        problem = pdf_check.problem(data)
    if problem == pdf_check.ACTIVE:
        raise UploadError(_l("%(name)s contains JavaScript or an action that starts a program; such PDF files "
                             "are not accepted. Print it to a new PDF or scan the paper and upload that.", name=name))
    if problem == pdf_check.ENCRYPTED:
        raise UploadError(_l("%(name)s is protected by a password; upload a copy without a password.", name=name))
    if problem is not None:  # unreadable, or too complex to check
        raise UploadError(_l("%(name)s is not a complete PDF file (it may be damaged or cut off).", name=name))


def _not_an_image(name, allow_pdf):
    if allow_pdf:
        return UploadError(_l("%(name)s is not a JPEG, PNG or WebP image or a PDF file.", name=name))
    return UploadError(_l("%(name)s is not a photo. Use a JPEG, PNG or WebP image.", name=name))


def _check_image(name, data, allow_pdf):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))  # reads the header only
            fmt = image.format
            if fmt not in IMAGE_FORMATS:
                raise _not_an_image(name, allow_pdf)
            _check_pixels(name, image.size)  # before a single pixel is decoded
            with processing_slot():
                image.verify()  # structure and checksums, without decoding
                stored, thumb, (width, height) = images.reencode(data, fmt)
    except UploadError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UploadError(_l("%(name)s has too many pixels.", name=name)) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        if _looks_like_image(data):
            raise UploadError(_l("%(name)s is damaged or incomplete; take or choose the photo again.",
                                 name=name)) from None
        raise _not_an_image(name, allow_pdf) from None
    content_type, extension = IMAGE_FORMATS[fmt]
    return CheckedUpload(name, content_type, extension, stored, thumb=thumb, width=width, height=height)


def max_pixels():
    return int(current_app.config.get("UPLOAD_MAX_PIXELS", DEFAULT_MAX_PIXELS))


def _check_pixels(name, size):
    width, height = size
    limit = max_pixels()
    if width * height > limit:
        raise UploadError(_l("%(name)s has too many pixels (%(width)d × %(height)d); at most %(mp)s megapixels. "
                             "Reduce the resolution and upload again.",
                             name=name, width=width, height=height, mp=f"{limit / 1_000_000:g}"))


def _looks_like_image(data):
    return data.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")


def check_all(storages, *, allow_pdf=False, required=False):
    """Check every file of a field; the first bad file refuses them all."""
    storages = present(storages)
    if required and not storages:
        raise UploadError(_l("Choose at least one file."))
    if len(storages) > MAX_FILES:
        raise UploadError(_l("At most %(n)d files at once.", n=MAX_FILES))
    return [check(s, allow_pdf=allow_pdf) for s in storages]


def _write(relative, data):
    storage.uploads().put(relative, data)


def write_file(relative, data):
    """Write checked bytes (e.g. a re-encoded signature) at ``relative`` in the uploads store, atomically."""
    _write(relative, data)


def store(checked, kind):
    """Write a checked upload under a random name; return an unsaved Attachment of ``kind``."""
    token = secrets.token_hex(16)
    relative = f"{token[:2]}/{token}{checked.extension}"
    thumb_relative = f"{token[:2]}/{token}.thumb.jpg" if checked.thumb else None
    try:
        _write(relative, checked.data)
        if thumb_relative:
            _write(thumb_relative, checked.thumb)
    except OSError:
        discard_names([relative, thumb_relative])
        raise
    return Attachment(
        kind=str(kind), original_name=checked.original_name, stored_name=relative, thumb_name=thumb_relative,
        content_type=checked.content_type, size=len(checked.data), width=checked.width,
        height=checked.height, sha256=hashlib.sha256(checked.data).hexdigest(),
    )


def discard(attachments):
    """Remove the stored files of attachments whose database rows were not written."""
    names = []
    for a in attachments:
        names += [a.stored_name, a.thumb_name]
    discard_names(names)


def discard_names(names):
    store = storage.uploads()
    for name in names:
        if name:
            try:
                store.delete(name)
            except FileNotFoundError:
                pass


def path_of(stored_name):
    """Absolute path of a stored file (local storage only); refuses anything that would leave UPLOAD_DIR."""
    return storage.LocalStore(upload_dir()).path(stored_name)


def send(stored_name, *, mimetype, as_attachment, download_name, conditional=True, max_age=0):
    """A response streaming a stored file; FileNotFoundError when it is missing or the name is bad."""
    return storage.uploads().send(stored_name, mimetype=mimetype, as_attachment=as_attachment,
                                  download_name=download_name, conditional=conditional, max_age=max_age)


def save_to_hazard(hazard, actor, checked_uploads, kind, *, version=None, commit=True, annotates=None):
    """Store checked uploads and record them on ``hazard`` (one event each) in one transaction.

    ``annotates``: the original photo (an Attachment) the uploads are annotated copies of (标注图).

    Files are removed again if the database write fails, so a refused upload
    leaves neither a row nor a file.
    """
    from . import lifecycle

    stored = []
    try:
        for checked in checked_uploads:
            stored.append(store(checked, kind))
            stored[-1].annotates = annotates
        for i, attachment in enumerate(stored):
            last = i == len(stored) - 1
            lifecycle.record_attachment(hazard, actor, attachment, version=version if i == 0 else None,
                                        commit=commit and last)
    except BaseException:
        discard(stored)
        raise
    return stored
