"""Hostile input through every web form, driven generically: each form page is fetched, its
input/select/textarea names are read with html.parser and every field in turn gets a few
hostile values (over-long, control characters, impossible dates, negative and huge numbers,
unknown options, wrong types), the other fields keeping the page's own values. A new field
on any of these pages is covered without touching this file.

- Refused values answer 4xx with a message on the page and write nothing (every table's rows
  are compared before and after).
- ``<script>`` and SQL fragments in free text are valid data: accepted or refused for another
  reason, never 5xx, and never echoed unescaped.
- The next normal request still works.

Decision: control characters (C0, DEL, C1; not tab, line feed, carriage return) are refused
everywhere — form fields, query strings, JSON — with a message, never silently stripped.
"""
import uuid

import pytest
from werkzeug.datastructures import MultiDict

from safety_app import lifecycle
from safety_app.extensions import db
from safety_app.models import Hazard

from .hostile import MESSAGE, SCRIPT, changed_tables, data_of, fingerprint, forms_of, payloads_for

SKIP_ACTIONS = ("/logout", "/lang/")


def _pages(park, estate, drive):
    """(user, page URL) of every page with a form, its objects in a state where the forms show."""
    rectifying = drive.hazard_in("rectifying")
    submitted = drive.hazard_in("submitted")
    verified = drive.hazard_in("verified")
    measure = lifecycle.save_measure(rectifying, park.user_a, description="更换安全阀").id
    a = estate.a
    return [
        (park.user_a, f"/hazards/{rectifying.id}"),
        (park.user_a, f"/hazards/{rectifying.id}/measures/new"),
        (park.user_a, f"/hazards/{rectifying.id}/measures/{measure}"),
        (park.user_a, f"/hazards/{a.major}/plan"),
        (park.user_a, f"/hazards/{a.hazard}"),
        (park.user_a, "/password"),
        (park.inspector, f"/hazards/{submitted.id}"),
        (park.inspector, "/inspections/new"),
        (park.inspector, f"/inspections/{a.inspection}"),
        (park.inspector, f"/inspections/{a.inspection}/hazards/new"),
        (park.admin, f"/hazards/{verified.id}"),
        (park.admin, "/enterprises/new"),
        (park.admin, f"/enterprises/{a.enterprise}/edit"),
        (park.admin, "/admin/users/new"),
        (park.admin, f"/admin/users/{a.user}"),
        (park.admin, f"/admin/users/{a.user}/password"),
        (park.admin, "/admin/settings"),
        (park.admin, "/reports/"),
        (park.admin, "/ledgers/hazards"),
        (park.admin, "/ledgers/measures"),
        (park.admin, "/enterprises/"),
        (park.admin, "/admin/users"),
        (park.admin, "/notifications/"),
    ]


def _is_flag(form, name):
    return (form.fields[name] == "choice" and len(form.options[name]) == 1) or (
        name == "open" and "/notifications/" in form.action)


def _submit(client, page, form, data):
    action = form.action or page
    data = MultiDict(data)
    if form.method == "get":
        return client.get(action, query_string=data)
    content_type = "multipart/form-data" if "multipart" in form.enctype else None
    return client.post(action, data=data, content_type=content_type)


def drive_forms(client, login_as, user, page):
    """Every field of every form on ``page`` with every payload of its kind: the problems found."""
    login_as(user)
    response = client.get(page)
    assert response.status_code == 200, f"{page}: {response.status_code}"
    forms = [f for f in forms_of(response.get_data(as_text=True))
             if not (f.action or "").startswith(SKIP_ACTIONS) and f.fields]
    assert forms, f"{page} shows no form"
    problems, tried = [], 0
    for form in forms:
        form_before = fingerprint() if form.method == "get" else None
        state = None  # the database as the last submission of this form left it (nothing else runs in between)
        for name, kind in form.fields.items():
            if kind == "file" or name == "csrf_token":
                continue
            for label, value, must_refuse in payloads_for(kind, search=form.method == "get"):
                # A search or filter (GET) may normalise what it does not understand; a flag (one
                # checkbox, notifications' "open") reads anything but its value as "no".
                if form.method == "get" or _is_flag(form, name):
                    must_refuse = label == "control"
                tried += 1
                where = f"{user.username} {form.method.upper()} {form.action or page} {name}={label}"
                is_get = form.method == "get"  # a GET writes nothing: fingerprinted once per form below
                before = None if is_get else (state or fingerprint())
                data = data_of(form, name, value)
                if name != "client_key" and "client_key" in form.fields:
                    # Each submission is a new view of the form (a real user's resend keeps its key and
                    # is answered as the earlier save: tests/offline).
                    data = [(k, uuid.uuid4().hex if k == "client_key" else v) for k, v in data]
                response = _submit(client, page, form, data)
                status, body = response.status_code, response.get_data(as_text=True)
                state = None if is_get else fingerprint()
                written = [] if is_get else changed_tables(before, state)
                if status >= 500:
                    problems.append(f"{where}: {status}")
                elif must_refuse and not 400 <= status < 500:
                    problems.append(f"{where}: {status}, expected a refusal (4xx)")
                elif status >= 400 and not MESSAGE.search(body):
                    problems.append(f"{where}: {status} without a message")
                if written and (status >= 400 or form.method == "get" or must_refuse):
                    problems.append(f"{where}: {status} but wrote {written}")
                if SCRIPT in body:
                    problems.append(f"{where}: the page echoes the script unescaped")
        if form_before is not None and changed_tables(form_before, fingerprint()):
            problems.append(f"{page}: the search form {form.action} wrote {changed_tables(form_before, fingerprint())}")
        again = client.get(page)
        if again.status_code != 200:
            problems.append(f"{page}: {again.status_code} on the next normal request")
    return problems, tried


@pytest.mark.parametrize("who", ["user_a", "inspector", "admin"])
def test_every_field_of_every_form_refuses_hostile_values_and_writes_nothing(client, park, estate, drive,
                                                                               login_as, who):
    problems, tried = [], 0
    for user, page in _pages(park, estate, drive):
        if user.username != who:
            continue
        found, n = drive_forms(client, login_as, user, page)
        problems += found
        tried += n
    assert tried > 20
    assert not problems, f"{len(problems)} of {tried}:\n" + "\n".join(problems)
    assert db.session.query(Hazard).count() > 0  # the SQL fragment did nothing
