"""The layout's menu and the texts its scripts read, made once per (language, role, enterprise role).

Every page's header and the phone's bottom bar list the sections the user may open; which ones
depends only on the user's role and enterprise role (``permissions.can`` without an object), their
links and labels only on the language. They were worked out in the template on every page (18
permission checks, 36 translations, 30 links); now once per combination, in this process.
"""
import json
import threading
from dataclasses import dataclass

from flask import current_app, request, url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from ..i18n import locale_code
from ..permissions import can

# (endpoint, label, permission, short label for the phone's bottom bar), in menu order.
SECTIONS = (
    ("dashboard.index", _l("Dashboard"), "dashboard.view", _l("Dashboard")),
    ("portal.tasks", _l("My tasks"), "tasks.view", _l("To do")),
    ("inspections.index", _l("Inspections"), "inspection.create", _l("Inspections")),
    ("hazards.queue", _l("Re-inspection"), "reinspection.queue", _l("Re-inspection")),
    ("ledgers.hazards", _l("Hazard ledger"), "ledger.view", _l("Hazard list")),
    ("ledgers.measures", _l("Measures ledger"), "ledger.view", _l("Measures ledger")),
    ("enterprises.index", _l("Enterprises"), "enterprise.view", _l("Enterprises")),
    ("installations.index", _l("Major hazard installations"), "installation.view", _l("Major hazard installations")),
    ("installations.my_duties", _l("My duty tasks"), "duty.tasks", _l("Duties")),
    ("plans.due", _l("My inspections due"), "inspection_plan.due", _l("My inspections due")),
    ("plans.index", _l("Inspection plans"), "inspection_plan.view", _l("Inspection plans")),
    ("campaigns.index", _l("Campaigns"), "campaign.view", _l("Campaigns")),
    ("monitoring.alarms", _l("Monitoring alarms"), "monitoring.view", _l("Monitoring alarms")),
    ("reports.index", _l("Reports"), "report.enterprise", _l("Reports")),
    ("admin.users", _l("Users"), "user.manage", _l("Users")),
    ("admin.settings", _l("Settings"), "settings.manage", _l("Settings")),
    ("admin.jobs", _l("Jobs"), "jobs.view", _l("Jobs")),
    ("admin.criteria", _l("Criteria"), "criteria.manage", _l("Criteria")),
)
# The phone's bottom bar: each role's most used sections (those it may open); the rest under "More".
PRIMARY = {"admin": ("dashboard.index", "ledgers.hazards", "hazards.queue", "enterprises.index"),
           "inspector": ("dashboard.index", "inspections.index", "hazards.queue", "ledgers.hazards"),
           "enterprise": ("portal.tasks", "dashboard.index", "ledgers.hazards", "installations.my_duties")}
# What the offline scripts (outbox.js, photos.js, offline.js) show, in the page's language.
SCRIPT_TEXTS = {
    "waiting": _l("{n} waiting to upload"), "sent": _l("{n} uploaded"),
    "rejected": _l("{n} refused by the server, please correct and file again"), "retry": _l("Retry now"),
    "draft_restored": _l("Your unsent draft was restored."), "remove_photo": _l("Remove photo"),
    "closed": _l("This form can no longer be sent (the inspection was completed or the page is gone)."),
    "conflicts": _l("{n} in conflict"), "show_conflicts": _l("Show the conflicts"),
    "conflicts_title": _l("Not uploaded: conflicts"), "no_conflicts": _l("Nothing is in conflict."),
    "conflicts_hint": _l("The server did not accept these entries: the hazard or inspection changed after you "
                         "entered them. Nothing is lost: resend or discard each one."),
    "kind_result": _l("Checklist result"), "kind_measure": _l("Rectification measure"),
    "kind_evidence": _l("Rectification evidence"), "kind_photo": _l("Photos when found"),
    "kind_filing": _l("Hazard filing"), "current_state": _l("Current state:"), "open_page": _l("Open the page"),
    "resend": _l("Resend against the current version"), "discard": _l("Discard"),
    "discard_confirm": _l("Discard this entry? What you entered will be deleted from this phone."),
    "gone": _l("The page is no longer available to you (removed, or no longer visible)."),
    "choose_files": _l("Choose at least one photo or file."),
    "conflict_stale": _l("The hazard was changed after you entered this (see its current state). "
                         "You can resend it against the current version."),
}


@dataclass(frozen=True)
class MenuItem:
    endpoint: str
    href: str
    label: str
    short: str


@dataclass(frozen=True)
class Layout:
    menu: tuple  # MenuItem, in menu order
    primary: tuple  # MenuItem of the bottom bar
    more: tuple  # MenuItem under "More"
    script_texts: Markup  # JSON for <script type="application/json" id="park-i18n">

    def current(self, endpoint, blueprint):
        """The page's section: its own endpoint, else the one section of its blueprint (a hazard
        page belongs to no single section)."""
        endpoints = [item.endpoint for item in self.menu]
        if endpoint in endpoints:
            return endpoint
        same = [e for e in endpoints if e.split(".")[0] == blueprint]
        return same[0] if len(same) == 1 and blueprint != "hazards" else None


_LAYOUTS = {}
_LOCK = threading.Lock()


def layout(user):
    """The ``Layout`` of ``user`` in the request's language (built once per combination)."""
    key = (locale_code(), str(user.role), user.enterprise_role, request.script_root, id(current_app))
    found = _LAYOUTS.get(key)
    if found is None:
        found = _build(user)
        with _LOCK:
            _LAYOUTS[key] = found
    return found


def _build(user):
    views = current_app.view_functions
    menu = tuple(MenuItem(endpoint, url_for(endpoint), str(label), str(short))
                 for endpoint, label, action, short in SECTIONS if endpoint in views and can(user, action))
    by_endpoint = {item.endpoint: item for item in menu}
    primary = tuple(by_endpoint[e] for e in PRIMARY.get(str(user.role), ()) if e in by_endpoint)
    more = tuple(item for item in menu if item not in primary)
    texts = json.dumps({key: str(text) for key, text in SCRIPT_TEXTS.items()}, ensure_ascii=False)
    # As Jinja's tojson writes it: safe inside <script> (no "</script>" can close it early).
    texts = texts.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace("'", "\\u0027")
    return Layout(menu, primary, more, Markup(texts))
