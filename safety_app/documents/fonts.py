"""Chinese font for the PDF documents and the charts.

An embedded TrueType font is preferred (text renders the same everywhere);
when none is installed the documents fall back to reportlab's built-in CID
font ``STSong-Light``, which every PDF reader can show without embedding.
Both keep the text extractable.
"""

from __future__ import annotations

import glob
import logging
import threading
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont

log = logging.getLogger(__name__)

FALLBACK_FONT = "STSong-Light"

# Searched in order; glob patterns allowed. Debian/Ubuntu, Fedora and macOS places.
CANDIDATE_FONT_PATHS = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/arphic/*.ttc",
    "/usr/share/fonts/truetype/arphic/*.ttf",
    "/usr/share/fonts/truetype/arphic-*/*.ttf",
    "/System/Library/Fonts/STHeiti Light.ttc",
)

_lock = threading.Lock()
_registered: dict[str | None, str] = {}


def find_cjk_font_file() -> Path | None:
    """Return the first usable CJK font file from the usual system places, or None."""
    for pattern in CANDIDATE_FONT_PATHS:
        for match in sorted(glob.glob(pattern)):
            path = Path(match)
            if path.is_file():
                return path
    return None


def register_cjk_font(path: str | Path | None = None) -> str:
    """Register a Chinese font with reportlab and return its font name.

    Order: the explicit ``path`` (config ``PDF_FONT_PATH``), else a font found
    by :func:`find_cjk_font_file`, else the built-in CID font ``STSong-Light``.
    The result is cached per ``path``; an unusable configured path is logged
    and the search goes on, so a wrong setting never stops a document.
    """
    key = str(path) if path else None
    with _lock:
        if key in _registered:
            return _registered[key]
        name = None
        if path:
            name = _register_file(Path(path))
            if name is None:
                log.warning("PDF_FONT_PATH %s is not a usable font; searching the system", path)
        if name is None:
            found = find_cjk_font_file()
            if found is not None:
                name = _register_file(found)
        if name is None:
            name = _register_fallback()
        _registered[key] = name
        return name


def reset_font_cache() -> None:
    """Forget which font was chosen (for tests that change the detection)."""
    with _lock:
        _registered.clear()


def _register_file(path: Path) -> str | None:
    if not path.is_file():
        return None
    name = "CJK-" + path.stem
    if name in pdfmetrics.getRegisteredFontNames():
        return name
    try:
        if path.suffix.lower() in (".ttc", ".otc"):
            font = TTFont(name, str(path), subfontIndex=0)
        else:
            font = TTFont(name, str(path))
    except Exception:  # reportlab raises several types for unsupported fonts
        log.warning("cannot load font %s", path, exc_info=True)
        return None
    pdfmetrics.registerFont(font)
    _register_family(name)
    return name


def _register_fallback() -> str:
    if FALLBACK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_FONT))
        _register_family(FALLBACK_FONT)
    return FALLBACK_FONT


def _register_family(name: str) -> None:
    # One face only: map bold/italic to it so <b> in a Paragraph does not fail.
    pdfmetrics.registerFontFamily(name, normal=name, bold=name, italic=name, boldItalic=name)
