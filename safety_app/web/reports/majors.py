"""The major-hazard reports (重大事故隐患报告) page and its PDF / XLSX exports (admin).

Thin: parse the month, gather through ``documents.major_data``, build, send.
"""
import shutil
import tempfile
from pathlib import Path

from flask import abort, current_app, render_template, request, send_file
from flask_login import current_user, login_required

from ... import exports, settings
from ...clock import today
from ...documents import major_data
from ...documents.major_report import FIELDS, TITLE, MajorReportData, build_major_report
from ...documents.service import DocumentError, month_as_of
from ...documents.text import cn_month
from ...permissions import can
from . import bp

XLSX_COLUMNS = [exports.Column(label, 40 if name in ("description", "supervision", "suspension", "basis") else 16,
                               "date" if name in ("found_on", "reported_on", "deadline") else "text")
                for name, label in FIELDS]


def _period():
    """(start, end, label, error) from ?month=YYYY-MM; no month: every record."""
    month = (request.args.get("month") or "").strip()
    if not month:
        return None, None, "全部", None
    try:
        start, end, _as_of = month_as_of(month)
    except DocumentError as error:
        return None, None, "", str(error.message)
    return start, end, cn_month(month), None


def _require_admin():
    if not can(current_user, "report.major"):
        abort(403)


@bp.route("/major-hazards")
@login_required
def major_hazards():
    _require_admin()
    start, end, label, error = _period()
    items = [] if error else major_data.report_items(start, end)
    return render_template("reports/major_hazards.html", items=items, error=error, label=label,
                           month=request.args.get("month", "")), 422 if error else 200


@bp.route("/major-hazards/export.<fmt>")
@login_required
def major_hazards_export(fmt):
    _require_admin()
    if fmt not in ("pdf", "xlsx"):
        abort(404)
    start, end, label, error = _period()
    if error:
        return render_template("reports/major_hazards.html", items=[], error=error, label=label,
                               month=request.args.get("month", "")), 422
    items = major_data.report_items(start, end)
    folder = Path(tempfile.mkdtemp(prefix="major-report-"))
    name = f"{TITLE}-{label}-{today():%Y%m%d}.{fmt}"
    path = folder / f"report.{fmt}"
    try:
        if fmt == "pdf":
            build_major_report(MajorReportData(settings.get("office_name"), label, today(), items), path,
                               font_path=current_app.config.get("PDF_FONT_PATH"))
            mimetype = "application/pdf"
        else:
            rows = ([value for _name, value in ((n, getattr(i, n)) for n, _label in FIELDS)] for i in items)
            exports.write_xlsx(XLSX_COLUMNS, rows, path, TITLE)
            mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = send_file(path, mimetype=mimetype, as_attachment=True, download_name=name, max_age=0)
    except Exception:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    response.call_on_close(lambda: shutil.rmtree(folder, ignore_errors=True))
    response.headers["Cache-Control"] = "private, no-store"
    return response



