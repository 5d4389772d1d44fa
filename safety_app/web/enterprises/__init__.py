"""Enterprise registry pages: list, detail, new, edit, import from XLSX/CSV, template download."""
from flask import Blueprint

bp = Blueprint("enterprises", __name__, url_prefix="/enterprises")

from . import routes  # noqa: E402,F401
