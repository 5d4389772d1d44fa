from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ... import charts, dashboard, reference
from ...permissions import can
from . import bp

CHART_WIDTH = 380  # drawing units; the SVG scales to the screen, so this suits a phone first


def _category_label(code):
    item = reference.category(code)
    return item.label() if item else code


@bp.route("/dashboard")
@login_required
def index():
    if not can(current_user, "dashboard.view"):
        abort(403)
    sort = request.args.get("sort", "-overdue")
    if sort.lstrip("-") not in dashboard.ENTERPRISE_SORTS:
        sort = "-overdue"
    figures = dashboard.figures(current_user, enterprise_sort=sort)
    trend = figures.trend
    trend_svg = charts.to_svg(
        charts.trend_chart([t["month"] for t in trend], [t["found"] for t in trend], [t["closed"] for t in trend],
                           labels=(_("Found"), _("Closed out")), width=CHART_WIDTH),
        title=_("Hazards found and closed out per month, last 12 months"))
    categories = figures.categories
    category_svg = charts.to_svg(
        charts.category_chart([_category_label(c.code) for c in categories], [c.open for c in categories],
                             width=CHART_WIDTH),
        title=_("Open hazards by category"))
    return render_template(
        "dashboard/index.html", f=figures, links=figures.links(), sort=sort, trend_svg=trend_svg,
        category_svg=category_svg, category_label=_category_label,
        enterprise_links=dashboard.enterprise_links, category_links=dashboard.category_links,
    )
