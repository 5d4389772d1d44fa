"""Language of the UI: Chinese first (zh_CN), English available."""
from flask import has_request_context, session

LANGUAGES = ("zh_CN", "en")
DEFAULT = "zh_CN"


def locale_code():
    """The user's chosen language code (kept in the session), default zh_CN."""
    if has_request_context():
        lang = session.get("lang")
        if lang in LANGUAGES:
            return lang
    return DEFAULT


def catalog_dirs(root=None):
    from pathlib import Path

    root = Path(root or Path(__file__).parent / "translations")
    return sorted(p for p in root.iterdir() if p.is_dir())


def compile_catalogs(root=None):
    """Compile every translations/<area>/<locale>/LC_MESSAGES/messages.po to .mo."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    compiled = 0
    for area in catalog_dirs(root):
        for po_path in area.glob("*/LC_MESSAGES/messages.po"):
            with po_path.open("rb") as f:
                catalog = read_po(f)
            mo_path = po_path.with_suffix(".mo")
            tmp = mo_path.with_suffix(".mo.tmp")
            with tmp.open("wb") as f:
                write_mo(f, catalog)
            tmp.replace(mo_path)
            compiled += 1
    return compiled
