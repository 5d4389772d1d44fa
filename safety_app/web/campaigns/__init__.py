"""Campaigns (专项整治行动): list, define, the campaign page with its figures and rows, the PDF report."""
from flask import Blueprint

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns")

from . import routes  # noqa: E402,F401
