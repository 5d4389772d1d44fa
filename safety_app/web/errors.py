"""Error pages: never a stack trace; JSON for the API, HTML otherwise."""
import logging

from flask import current_app, jsonify, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, PendingRollbackError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from ..extensions import db

log = logging.getLogger(__name__)


def _wants_json():
    return request.path.startswith("/api/")


def error_response(status, code, message, standalone=False):
    """JSON under /api/, else the error page. ``standalone`` renders a page that needs
    no database (no user box, no counts): used when the database itself is the problem."""
    if _wants_json():
        return jsonify({"error": {"code": code, "message": str(message)}}), status
    if not standalone:
        try:
            return render_template("errors/error.html", status=status, message=message), status
        except Exception:  # noqa: BLE001 - e.g. the database went away while rendering the layout
            log.exception("error page failed; using the standalone page")
            _rollback_quietly()
    # Straight from the Jinja environment: context processors (the current user, unread
    # counts) would query the database again.
    template = current_app.jinja_env.get_template("errors/standalone.html")
    return template.render(status=status, message=message, request=request), status


def _rollback_quietly():
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection may be gone; the page must still render
        db.session.close()


MESSAGES = {
    400: ("bad_request", lambda: _("The request could not be understood.")),
    401: ("unauthorized", lambda: _("Please log in.")),
    403: ("forbidden", lambda: _("You may not do this.")),
    404: ("not_found", lambda: _("Not found.")),
    405: ("method_not_allowed", lambda: _("This method is not allowed here.")),
    409: ("conflict", lambda: _("This was changed by someone else.")),
    413: ("too_large", lambda: _("The upload is too large.")),
    414: ("uri_too_long", lambda: _("The address is too long.")),
    422: ("invalid", lambda: _("The data is not valid.")),
    429: ("too_many_requests", lambda: _("Too many attempts. Please wait and try again.")),
    500: ("server_error", lambda: _("Something went wrong on our side. Nothing was saved; please try again.")),
    503: ("unavailable", lambda: _("The service is temporarily unavailable. Please try again in a moment.")),
}


def register_error_handlers(app):
    @app.teardown_appcontext
    def release_session(exc):
        """End the request's session; a connection that died mid-request must not turn a
        clean answer (already sent: e.g. the 503 page) into a server error at teardown.
        Runs before Flask-SQLAlchemy's own teardown, which then finds nothing to do."""
        try:
            db.session.remove()
        except Exception:  # noqa: BLE001 - the database went away; drop the connection
            log.warning("could not end the database session cleanly; connection discarded")
            try:
                db.session.invalidate()
            except Exception:  # noqa: BLE001
                pass
            db.session.registry.clear()

    @app.errorhandler(HTTPException)
    def http_error(exc):
        code, message = MESSAGES.get(exc.code, ("error", lambda: exc.description))
        if exc.code == 400 and "CSRF" in (exc.description or ""):
            message = lambda: _("The form expired or was sent from elsewhere. Reload the page and try again.")  # noqa: E731
        response, status = error_response(exc.code, code, message())
        response = current_app.make_response((response, status))
        # e.g. Allow on 405 (RFC 9110), WWW-Authenticate, Retry-After: the exception's own headers
        for name, value in exc.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_down(exc):
        log.error("database error: %s", exc)
        _rollback_quietly()
        code, message = MESSAGES[503]
        return error_response(503, code, message(), standalone=True)

    @app.errorhandler(Exception)
    def unexpected(exc):
        if isinstance(exc, PendingRollbackError | DBAPIError | PoolTimeout) and _connection_problem(exc):
            return database_down(exc)
        log.exception("unhandled error")
        _rollback_quietly()
        code, message = MESSAGES[500]
        return error_response(500, code, message())


def _connection_problem(exc):
    """True for errors that mean "the database is unreachable", not a bug: also a connection pool that
    stays exhausted while the database restarts (every connection waiting on it)."""
    return isinstance(exc, PendingRollbackError | PoolTimeout) or getattr(exc, "connection_invalidated", False)
