from functools import lru_cache
from urllib.parse import quote_plus

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import iter_multi_items

from ... import charts, dashboard, reference
from ...permissions import can
from . import bp

CHART_WIDTH = 380  # drawing units; the SVG scales to the screen, so this suits a phone first
URL_SAFE = "!$'()*,/:;?@"  # what url_for leaves unescaped in a query string (werkzeug.urls)


def _category_label(code):
    item = reference.category(code)
    return item.label() if item else code


def _ledger_href():
    """``filters`` → the ledger URL listing them, exactly as ``url_for('ledgers.hazards', **args)``
    writes it, with the route built once per request instead of once per link (the park's table
    has up to three links for each of hundreds of enterprises)."""
    base = url_for("ledgers.hazards")

    def href(filters):
        items = [item for item in iter_multi_items(filters.to_args()) if item[1] is not None]
        if not items:
            return f"{base}?all=1"  # not the default view
        return f"{base}?" + "&".join(f"{_quote(str(k))}={_quote(str(v))}" for k, v in items)

    return href


@lru_cache(maxsize=4096)
def _quote(text):
    """One query-string key or value as ``urlencode(…, safe=URL_SAFE)`` writes it (cached: the same
    few names and values make up every link of the page)."""
    return quote_plus(text, safe=URL_SAFE)


# The charts are pure functions of their figures and (translated) labels: the same inputs,
# the same SVG. Kept while the figures stay the same (until the next write of a hazard).
@lru_cache(maxsize=64)
def _trend_svg(months, found, closed, labels, title):
    return charts.to_svg(charts.trend_chart(list(months), list(found), list(closed), labels=labels,
                                            width=CHART_WIDTH), title=title)


@lru_cache(maxsize=64)
def _category_svg(labels, values, title):
    return charts.to_svg(charts.category_chart(list(labels), list(values), width=CHART_WIDTH), title=title)


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
    trend_svg = _trend_svg(tuple(t["month"] for t in trend), tuple(t["found"] for t in trend),
                           tuple(t["closed"] for t in trend), (_("Found"), _("Closed out")),
                           _("Hazards found and closed out per month, last 12 months"))
    categories = figures.categories
    category_svg = _category_svg(tuple(_category_label(c.code) for c in categories),
                                 tuple(c.open for c in categories), _("Open hazards by category"))
    return render_template(
        "dashboard/index.html", f=figures, links=figures.links(), rates=figures.rates(), sort=sort, trend_svg=trend_svg,
        category_svg=category_svg, category_label=_category_label, ledger=_ledger_href(),
        enterprise_links=dashboard.enterprise_links, category_links=dashboard.category_links,
        source_links=dashboard.source_links,
    )
