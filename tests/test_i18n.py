"""Every user-facing string has a Chinese translation; English is the source language."""
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from safety_app.i18n import catalog_dirs

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}
METHODS = [("safety_app/**.py", "python"), ("templates/**.html", "jinja2")]


def _extracted():
    messages = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), METHODS, keywords=KEYWORDS, options_map={"templates/**.html": {"extensions": "jinja2.ext.do"}}
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            messages.setdefault(msgid, filename)
    return messages


def _translated():
    done = set()
    for area in catalog_dirs():
        po = area / "zh" / "LC_MESSAGES" / "messages.po"
        if po.exists():
            with po.open("rb") as f:
                done |= {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id and m.string}
    return done


def test_every_message_has_a_chinese_translation():
    translated = _translated()
    missing = {msgid: where for msgid, where in _extracted().items() if msgid not in translated}
    assert not missing, "untranslated (zh_CN): " + "; ".join(f"{k!r} in {v}" for k, v in list(missing.items())[:30])


def test_form_errors_come_in_chinese(client):
    page = client.post("/login", data={"username": "", "password": ""}).get_data(as_text=True)
    assert "This field is required" not in page


def test_areas_agree_on_the_chinese_for_a_shared_message():
    seen, conflicts = {}, []
    for area in catalog_dirs():
        po = area / "zh" / "LC_MESSAGES" / "messages.po"
        if not po.exists():
            continue
        with po.open("rb") as f:
            for m in read_po(f):
                if m.id and m.string:
                    if m.id in seen and seen[m.id][1] != m.string:
                        conflicts.append(f"{m.id!r}: {seen[m.id][0]}={seen[m.id][1]!r} vs {area.name}={m.string!r}")
                    seen.setdefault(m.id, (area.name, m.string))
    assert not conflicts, "; ".join(conflicts)
