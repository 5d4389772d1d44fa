"""Admin: the major-hazard criteria catalogue — sets, missing texts, import and export of clause texts."""
from urllib.parse import quote

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField
from wtforms.validators import InputRequired

from ... import criteria
from ...clock import today
from ...criteria import importer
from ...permissions import can
from ...registry import MAX_IMPORT_BYTES, ImportFileError
from . import bp

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


class CriteriaImportForm(FlaskForm):
    set_code = SelectField(_l("List of criteria"), validators=[InputRequired()])
    file = FileField(_l("Spreadsheet (.xlsx or .csv)"),
                     validators=[FileRequired(message=_l("Choose a file to import."))])


def _require():
    if not can(current_user, "criteria.manage"):
        abort(403)


def _form(sets, in_force):
    form = CriteriaImportForm()
    form.set_code.choices = [(s.code, f"{s.label} · {s.title}") for s in sets]
    if request.method == "GET":
        form.set_code.data = request.args.get("set") or (in_force.code if in_force else None)
    return form


def _page(form, sets, in_force, result=None, status=200):
    missing = {s.code: criteria.missing_texts(s.code) for s in sets}
    counts = {s.code: len(s.criteria) for s in sets}
    return render_template("admin/criteria.html", form=form, sets=sets, in_force=in_force, missing=missing,
                           counts=counts, result=result, max_rows=importer.MAX_ROWS), status


@bp.route("/criteria", endpoint="criteria")
@login_required
def criteria_page():
    _require()
    sets, in_force = criteria.all_sets(), criteria.set_in_force(today())
    return _page(_form(sets, in_force), sets, in_force)


@bp.route("/criteria/import", methods=["POST"])
@login_required
def criteria_import():
    """All or nothing: any bad row loads nothing and the page lists every problem by row."""
    _require()
    sets, in_force = criteria.all_sets(), criteria.set_in_force(today())
    form = _form(sets, in_force)
    result = None
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.stream.read(MAX_IMPORT_BYTES + 1)
        try:
            result = importer.import_file(form.set_code.data, upload.filename, data, current_user)
        except ImportFileError as error:
            form.file.errors.append(error.message)
        else:
            if result.ok:
                flash(_("%(rows)d rows read, %(n)d clauses changed.", rows=result.rows, n=result.changed), "success")
                return redirect(url_for(".criteria", set=form.set_code.data))
    return _page(form, sets, in_force, result, 422)


@bp.route("/criteria/export/<code>.<any(csv, xlsx):fmt>")
@login_required
def criteria_export(code, fmt):
    _require()
    try:
        stem, chunks = importer.export(code, fmt)
    except ImportFileError:
        abort(404)
    response = Response(chunks, content_type=CONTENT_TYPES[fmt])
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"criteria.{fmt}\"; filename*=UTF-8''{quote(stem + '.' + fmt)}")
    return response
