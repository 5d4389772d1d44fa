"""Photos: decoded within bounds, turned upright, resized, re-encoded without any metadata.

Pure Pillow, no Flask: ``uploads`` checks the header (format, pixel count) and
holds a processing slot before calling ``reencode``.

- A JPEG is decoded at the smallest DCT scale (``draft``) that still covers the
  stored size, so a large photo never exists at full resolution in memory.
- The stored image fits ``MAX_EDGE``; the thumbnail ``THUMB_EDGE``.
- Nothing of the original file's metadata is written back: EXIF (GPS
  position, camera serial), XMP, JPEG comments, PNG text chunks, ICC profiles
  (colours are converted to sRGB first), and anything after the image data.
"""
import io
import math

from PIL import Image

MAX_EDGE = 4096  # longer edge of the stored image; phone photos are smaller or equal
THUMB_EDGE = 360
ORIENTATION_TAG = 0x0112
TRANSPOSE = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
             5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
             8: Image.Transpose.ROTATE_90}
STRIP_ROWS = 256  # target rows resized at a time
LANCZOS_SUPPORT = 3  # source pixels on each side that one target pixel depends on (at scale 1)
KEEP_INFO = ("transparency",)  # the only image.info entry passed to the encoder: pixels, not metadata


def reencode(data, fmt):
    """(stored bytes, thumbnail bytes, (width, height)) of an image whose header was checked."""
    return process(decode(data), fmt)


def fit(size, edge):
    """The size of ``size`` scaled down to fit an ``edge`` × ``edge`` box (never up)."""
    width, height = size
    if max(width, height) <= edge:
        return size
    scale = edge / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def decode(data):
    """Decode the image, a JPEG at the smallest DCT scale that still covers the stored size."""
    image = Image.open(io.BytesIO(data))
    if image.format == "JPEG":
        image.draft(image.mode, fit(image.size, MAX_EDGE))
    image.load()  # decodes every pixel: a cut-off file fails here
    return image


def process(image, fmt):
    """Resize, turn upright, drop every metadata block; return (stored bytes, thumbnail bytes, size)."""
    orientation = image.getexif().get(ORIENTATION_TAG)
    image = resize(image, fit(image.size, MAX_EDGE))  # the decoded original is freed here
    if orientation in TRANSPOSE:
        image = image.transpose(TRANSPOSE[orientation])
    image = _to_srgb(image)
    image.info = {k: v for k, v in image.info.items() if k in KEEP_INFO}
    return encode(image, fmt), thumbnail(image), image.size


def resize(image, size):
    """``image`` resized (Lanczos) to ``size``, strip by strip, without a full-size intermediate.

    ``Image.resize`` makes full-size temporaries (an RGBA image is first
    premultiplied as a whole, then resized horizontally at full height): for a
    40-megapixel image that is several hundred MB. Here each strip of target
    rows is computed from a crop of the source rows it needs (with the filter's
    support as margin), so at most the source, the target and one strip exist.
    """
    if size == image.size:
        return image
    width, height = image.size
    target_width, target_height = size
    scale = height / target_height
    margin = math.ceil(LANCZOS_SUPPORT * max(scale, 1.0)) + 1
    target = Image.new(image.mode, size)
    if image.mode == "P":
        target.putpalette(image.getpalette())
    for top in range(0, target_height, STRIP_ROWS):
        bottom = min(target_height, top + STRIP_ROWS)
        source_top, source_bottom = top * scale, bottom * scale
        crop_top = max(0, math.floor(source_top) - margin)
        crop_bottom = min(height, math.ceil(source_bottom) + margin)
        strip = image.crop((0, crop_top, width, crop_bottom))
        target.paste(strip.resize((target_width, bottom - top), Image.Resampling.LANCZOS,
                                  box=(0, source_top - crop_top, width, source_bottom - crop_top)), (0, top))
    target.info = image.info
    return target


def _to_srgb(image):
    """Colours of an embedded ICC profile converted to sRGB, so the profile itself can be dropped."""
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "RGBA", "L", "CMYK"):
        return image
    try:
        from PIL import ImageCms

        mode = "RGBA" if image.mode == "RGBA" else "RGB"
        converted = ImageCms.profileToProfile(image, ImageCms.ImageCmsProfile(io.BytesIO(icc)),
                                              ImageCms.createProfile("sRGB"), outputMode=mode)
    except Exception:  # noqa: BLE001 - a broken profile: keep the pixels as they are, drop the profile
        return image
    return converted or image


def encode(image, fmt):
    """Re-encode without any metadata: no EXIF, XMP, ICC profile, comment or text chunk is passed on."""
    out = io.BytesIO()
    if fmt == "JPEG":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(out, "JPEG", quality=88, optimize=True)
    elif fmt == "PNG":
        image.save(out, "PNG", compress_level=6)
    else:
        image.save(out, "WEBP", quality=85)
    return out.getvalue()


def thumbnail(image):
    thumb = resize(image, fit(image.size, THUMB_EDGE))
    if thumb.mode in ("RGBA", "LA", "P"):
        thumb = thumb.convert("RGBA")
        background = Image.new("RGB", thumb.size, (255, 255, 255))
        background.paste(thumb, mask=thumb.split()[-1])
        thumb = background
    elif thumb.mode != "RGB":
        thumb = thumb.convert("RGB")
    if thumb is image:
        thumb = image.copy()
    thumb.info = {}
    out = io.BytesIO()
    thumb.save(out, "JPEG", quality=80)
    return out.getvalue()
