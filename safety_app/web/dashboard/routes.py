from functools import lru_cache
from urllib.parse import quote_plus

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from werkzeug.datastructures import iter_multi_items

from ... import charts, dashboard, reference
from ...figures.cache import VersionedCache
from ...i18n import locale_code
from ...permissions import can
from . import bp

# Drawing units = CSS pixels on a phone: the charts are drawn for a 390 px wide screen (about 330 px
# inside the page) and never shrunk below that (static/css/app.css), so the text is CHART_FONT px
# or more; the PDF keeps its own sizes.
CHART_WIDTH = 320
CHART_FONT = 12
URL_SAFE = "!$'()*,/:;?@"  # what url_for leaves unescaped in a query string (werkzeug.urls)
# The enterprise table shows the first rows of its sort (the worst by default) and "显示全部 (N)":
# a park of hundreds of enterprises is not read on a phone as one table of hundreds of rows.
ENTERPRISE_ROWS = 20


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
def _trend_svg(months, found, closed, labels, links, title):
    return charts.to_svg(charts.trend_rows_chart(list(months), list(found), list(closed), labels=labels,
                                                 links=list(links), width=CHART_WIDTH, font_size=CHART_FONT),
                         title=title)


@lru_cache(maxsize=64)
def _category_svg(labels, values, links, title):
    return charts.to_svg(charts.category_chart(list(labels), list(values), links=list(links), width=CHART_WIDTH,
                                               font_size=CHART_FONT, bar_height=2 * CHART_FONT + 4), title=title)


def _trend_bar_links(trend, ledger):
    """Per month, the (found, closed) bars' links: the ledger listing exactly the hazards counted."""
    out = []
    for t in trend:
        filters = dashboard.trend_links(t["month"])
        out.append((
            charts.BarLink(ledger(filters["found"]), _("%(month)s: %(n)d found", month=t["month"], n=t["found"])),
            charts.BarLink(ledger(filters["closed"]),
                           _("%(month)s: %(n)d closed out", month=t["month"], n=t["closed"])),
        ))
    return tuple(out)


@bp.route("/dashboard")
@login_required
def index():
    """The dashboard. Its figures' parts (headline and tiles; rates, trend, tables and charts) depend
    only on the figures, the view (sort, show, all), the language and what the user may see: they are
    kept under the hazards' data version (``figures.cache``), so the same dashboard asked again is
    not rendered again until something changes."""
    if not can(current_user, "dashboard.view"):
        abort(403)
    sort = request.args.get("sort", "-overdue")
    if sort.lstrip("-") not in dashboard.ENTERPRISE_SORTS:
        sort = "-overdue"
    figures = dashboard.figures(current_user, enterprise_sort=sort)
    only_cleared = request.args.get("show") == "cleared"  # the headline's list: the enterprises cleared to zero
    show_all = request.args.get("all") == "1"
    user = current_user
    key = ("dashboard", locale_code(), str(user.role), user.enterprise_id, figures.today, sort, only_cleared,
           show_all, request.script_root)
    top, rest = _PARTS.get(key, lambda: _parts(figures, sort, only_cleared, show_all))
    return render_template("dashboard/index.html", f=figures, top=top, rest=rest)


_PARTS = VersionedCache(64)


def _parts(figures, sort, only_cleared, show_all):
    """The figures' parts of the page, rendered (``dashboard/_top.html``, ``dashboard/_rest.html``)."""
    table = figures.enterprise_table(sort, only_cleared)
    ledger = _ledger_href()
    trend = figures.trend
    trend_svg = _trend_svg(tuple(t["month"] for t in trend), tuple(t["found"] for t in trend),
                           tuple(t["closed"] for t in trend), (_("Found"), _("Closed out")),
                           _trend_bar_links(trend, ledger),
                           _("Hazards found and closed out per month, last 12 months"))
    categories = figures.categories
    labels = tuple(_category_label(c.code) for c in categories)
    category_svg = _category_svg(
        labels, tuple(c.open for c in categories),
        tuple(charts.BarLink(ledger(dashboard.category_links(c)["open"]),
                             _("%(category)s: %(n)d not closed", category=label, n=c.open))
              for c, label in zip(categories, labels, strict=True)),
        _("Open hazards by category"))
    context = dict(
        f=figures, links=figures.links(), rates=figures.rates(), sort=sort, trend_svg=trend_svg,
        enterprises=table if show_all else table[:ENTERPRISE_ROWS], enterprise_count=len(table),
        show_all=show_all, only_cleared=only_cleared,
        category_svg=category_svg, category_label=_category_label, ledger=ledger,
        enterprise_links=dashboard.enterprise_links, category_links=dashboard.category_links,
        source_links=dashboard.source_links, trend_links=dashboard.trend_links,
    )
    return (Markup(render_template("dashboard/_top.html", **context)),
            Markup(render_template("dashboard/_rest.html", **context)))
