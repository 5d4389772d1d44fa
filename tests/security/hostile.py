"""Helpers of the hostile-input tests: read a page's forms with html.parser, fill them, and
take a fingerprint of every table so "nothing was written" can be checked."""
import hashlib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from sqlalchemy import select, text

from safety_app.extensions import db

# Tables a request may legitimately touch without writing the user's data.
VOLATILE_TABLES = {"api_tokens", "login_attempts"}

SCRIPT = "<script>alert(1)</script>"
SQL = "'; DROP TABLE hazards; --"
CONTROL = "ab\x01c\x1b[31md\x7f"
LONG = "长" * 20001
VALID_TEXT = {"script": SCRIPT, "sql": SQL}  # free text: valid data, stored verbatim
# Refused for any field (a form must answer 4xx with a message and write nothing).
REFUSED_TEXT = {"control": CONTROL, "long": LONG}
REFUSED_BY_KIND = {
    "date": {"impossible date": "2026-02-30", "year 99999": "99999-01-01"},
    "number": {"negative": "-1", "huge": "1" + "0" * 30, "nan": "NaN"},
    "select": {"unknown option": "no-such-option", "huge id": "9" * 30},
    "choice": {"unknown option": "no-such-option"},
}
MESSAGE = re.compile(r'role="alert"|class="(?:[^"]*\s)?(?:error|flash)[\s"-]|error-page')


@dataclass
class Form:
    method: str
    action: str
    enctype: str
    fields: dict = field(default_factory=dict)      # name -> kind (text, date, number, select, choice, file)
    values: dict = field(default_factory=dict)      # name -> list of default values
    options: dict = field(default_factory=dict)     # name -> option values (select, radio, checkbox)


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self._form, self._select, self._textarea, self._option = [], None, None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = Form(method=(a.get("method") or "get").lower(), action=a.get("action") or "",
                              enctype=a.get("enctype") or "")
            self.forms.append(self._form)
            return
        form = self._form
        if form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "reset", "image"):
                return
            form.values.setdefault(name, [])
            if kind in ("radio", "checkbox"):
                form.fields[name] = "choice"
                form.options.setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    form.values[name].append(a.get("value", "on"))
            else:
                form.fields[name] = {"date": "date", "number": "number", "file": "file"}.get(kind, "text")
                form.values[name] = [a.get("value", "")]
        elif tag == "textarea" and name:
            form.fields[name] = "text"
            form.values[name] = [""]
            self._textarea = name
        elif tag == "select" and name:
            form.fields[name] = "select"
            form.values.setdefault(name, [])
            form.options[name] = []
            self._select = name
        elif tag == "option" and self._select:
            value = a.get("value")
            self._option = value
            if value is not None:
                form.options[self._select].append(value)
                if "selected" in a:
                    form.values[self._select].append(value)

    def handle_data(self, data):
        if self._textarea and self._form:
            self._form.values[self._textarea][0] += data
        if self._select and self._option is None and data.strip() and self._form:
            pass

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            if self._form and self._select and not self._form.values[self._select]:
                first = [o for o in self._form.options[self._select] if o]
                self._form.values[self._select] = first[:1]
            self._select = None


def forms_of(html):
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def data_of(form, name=None, value=None):
    """The form's defaults as a request body, with ``name`` set to ``value``."""
    data = []
    for field_name, values in form.values.items():
        if form.fields.get(field_name) == "file":
            continue
        if field_name == name:
            continue
        data += [(field_name, v) for v in values]
    if name is not None:
        data.append((name, value))
    return data


def fingerprint():
    """A digest of every row of every table (but the volatile ones)."""
    db.session.expire_all()
    if db.session.get_bind().dialect.name == "postgresql":
        return _fingerprint_postgresql()
    digest = {}
    for table in db.metadata.sorted_tables:
        if table.name in VOLATILE_TABLES:
            continue
        rows = db.session.execute(select(table).order_by(*table.primary_key.columns)).all()
        digest[table.name] = hashlib.sha256(repr(rows).encode()).hexdigest()[:16] + f":{len(rows)}"
    db.session.rollback()
    return digest


def _fingerprint_postgresql():
    """The same digest in one statement: each table's rows as text, in order, hashed by the server
    (one round trip instead of one per table)."""
    quote = db.session.get_bind().dialect.identifier_preparer.quote
    tables = [t.name for t in db.metadata.sorted_tables if t.name not in VOLATILE_TABLES]
    sql = " UNION ALL ".join(
        f"SELECT '{name}', count(*), md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), '')) "
        f"FROM {quote(name)} AS r" for name in tables)
    digest = {name: f"{md5}:{count}" for name, count, md5 in db.session.execute(text(sql))}
    db.session.rollback()
    return digest


def changed_tables(before, after):
    return sorted(name for name in before if before[name] != after[name])


def payloads_for(kind, search=False):
    """(label, value, must_refuse) for a field of ``kind``: a few of each, not a cross product.
    A search form (GET) writes nothing and its filters are the API's (tested there): fewer."""
    if search:
        return [("control", CONTROL, True), ("long", LONG, False), ("sql", SQL, False)]
    out = [(label, value, True) for label, value in REFUSED_TEXT.items()]
    if kind == "text":
        out += [(label, value, False) for label, value in VALID_TEXT.items()]
    else:
        out += [(label, value, True) for label, value in REFUSED_BY_KIND.get(kind, {}).items()]
    return out
