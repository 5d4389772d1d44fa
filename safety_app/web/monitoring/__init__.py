"""Monitoring screens: the alarm list (open counts refresh by themselves), an alarm's loop
(acknowledge, cause and action, close, turn into a hazard) and an installation's points with
their 24-hour charts."""
from flask import Blueprint

bp = Blueprint("monitoring", __name__, url_prefix="/monitoring")

from . import routes  # noqa: E402,F401
