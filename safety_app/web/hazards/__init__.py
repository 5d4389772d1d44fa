"""Hazard detail, lifecycle actions, measures, the governance plan, uploads and the re-inspection queue."""
from flask import Blueprint

bp = Blueprint("hazards", __name__)

from . import bulk, comments, photos, routes  # noqa: E402,F401
