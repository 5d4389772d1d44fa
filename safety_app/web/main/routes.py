import hashlib
import json

from flask import current_app, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select, text

from ...extensions import db
from ...figures import definitions
from ...models import FINAL_STATUSES, Hazard
from ...permissions import scope
from ..urls import safe_next
from . import bp


@bp.route("/")
@login_required
def index():
    """Home: the dashboard when there is one, else a summary of open hazards."""
    if "dashboard.index" in _endpoints():
        return redirect(url_for("dashboard.index"))
    open_stmt = scope(Hazard, current_user, select(func.count(Hazard.id))).where(
        Hazard.status.not_in([s.value for s in FINAL_STATUSES])
    )
    overdue_stmt = scope(Hazard, current_user, select(func.count(Hazard.id))).where(definitions.overdue_clause())
    return render_template(
        "main/index.html", open_count=db.session.scalar(open_stmt), overdue_count=db.session.scalar(overdue_stmt)
    )


def _endpoints():
    from flask import current_app

    return current_app.view_functions


@bp.route("/lang/<code>")
def set_language(code):
    if code in ("zh_CN", "en"):
        session["lang"] = code
    return redirect(safe_next(request.args.get("next")) or url_for("main.index"))


@bp.route("/healthz")
def healthz():
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}


# The app shell precached by the service worker (hashed URLs of this build), and the pages it keeps
# when opened online (the filing forms and the places they are reached from).
SHELL_FILES = ("css/app.css", "favicon.svg", "js/outbox.js", "js/offline.js", "js/photos.js", "js/geo.js",
               "js/checklist.js")
KEEP_PAGES = (r"^/$", r"^/portal/$", r"^/portal/hazards/new$", r"^/inspections/$", r"^/inspections/\d+$",
              r"^/inspections/\d+/hazards/new$", r"^/hazards/\d+$", r"^/hazards/\d+/measures/new$",
              r"^/hazards/\d+/measures/\d+$")


@bp.route("/sw.js")
def service_worker():
    """The service worker, at a stable URL so that its scope is the whole app."""
    precache = [url_for("static", filename=name) for name in SHELL_FILES]
    offline_html = ('<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width, '
                    'initial-scale=1"><title>{}</title><p style="font:1rem sans-serif;padding:1rem">{}</p>'
                    '<p style="font:1rem sans-serif;padding:0 1rem"><a href="/">{}</a></p>').format(
        _("Offline"), _("No connection, and this page was not opened before on this phone. "
                        "Forms already opened work offline; what you file is sent when the signal returns."),
        _("Home"))
    version = hashlib.sha256(json.dumps([precache, KEEP_PAGES]).encode()).hexdigest()[:12]
    body = render_template("main/sw.js", version=version, precache=precache, keep_pages=KEEP_PAGES,
                           offline_html=offline_html, outbox_url=url_for("static", filename="js/outbox.js"))
    response = make_response(body)
    response.headers["Content-Type"] = "text/javascript; charset=utf-8"
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/manifest.webmanifest")
def manifest():
    """The web app manifest: installable to the home screen, opening on the start page."""
    data = {
        "name": _("Park Hazard Tracker"), "short_name": _("Hazards"), "lang": "zh-CN",
        "start_url": "/", "scope": "/", "display": "standalone",
        "background_color": "#ffffff", "theme_color": "#0b5cad",
        "icons": [{"src": url_for("static", filename="favicon.svg"), "sizes": "any", "type": "image/svg+xml"}],
    }
    response = current_app.response_class(json.dumps(data, ensure_ascii=False),
                                          mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "no-cache"
    return response
