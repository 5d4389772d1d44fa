"""Campaign pages: every number links to its rows (``campaigns.rows``)."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ... import campaigns, criteria, lifecycle
from ...clock import today
from ...documents.campaign import record_campaign_report
from ...extensions import db
from ...figures import coverage as cov
from ...models import Campaign, Document, DocumentKind, Enterprise, Hazard
from ...permissions import get_visible
from ..plans.forms import CampaignForm
from ..plans.routes import error_beside
from . import bp

ROW_LIMIT = 500


def _campaign(campaign_id):
    campaign = get_visible(Campaign, campaign_id, current_user)
    if campaign is None:
        abort(404)
    return campaign


def _as_of(campaign):
    return min(today(), campaign.ends_on)


@bp.route("/")
@login_required
def index():
    rows = db.session.scalars(select(Campaign).order_by(Campaign.starts_on.desc(), Campaign.id.desc())
                              .limit(200)).all()
    return render_template("campaigns/index.html", campaigns=rows)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    form = CampaignForm()
    in_force = criteria.set_in_force(today())
    form.fill(db.session.scalars(select(Enterprise).where(Enterprise.active.is_(True))
                                 .order_by(Enterprise.name)).all(),
              criteria.clauses(in_force.code) if in_force else [])
    if request.method == "GET":
        form.starts_on.data = today()
        form.ends_on.data = today().replace(month=12, day=31)
        return render_template("campaigns/form.html", form=form)
    if form.validate():
        try:
            campaign = campaigns.create_campaign(
                current_user, name=form.name.data, starts_on=form.starts_on.data, ends_on=form.ends_on.data,
                scope_kind=form.scope_kind.data, scope_value=form.scope_value_data(),
                enterprise_ids=form.enterprises.data or [], categories=form.categories.data or [],
                criteria=form.criteria.data or [], target_percent=form.target_percent.data)
        except lifecycle.LifecycleError as error:
            error_beside(form, error)
            return render_template("campaigns/form.html", form=form), error.status
        flash(_("Campaign saved."), "success")
        return redirect(url_for("campaigns.detail", campaign_id=campaign.id))
    return render_template("campaigns/form.html", form=form), 422


@bp.route("/<int:campaign_id>")
@login_required
def detail(campaign_id):
    campaign = _campaign(campaign_id)
    as_of = _as_of(campaign)
    documents = db.session.scalars(select(Document).where(
        Document.kind == DocumentKind.CAMPAIGN.value, Document.period == f"C{campaign.id}")
        .order_by(Document.version.desc()).limit(10)).all()
    return render_template("campaigns/detail.html", campaign=campaign, f=cov.campaign_figures(campaign, as_of),
                           as_of=as_of, documents=documents)


@bp.route("/<int:campaign_id>/rows/<which>")
@login_required
def rows(campaign_id, which):
    """The rows behind one number: hazards (found, closed, open, overdue; optionally of one enterprise) or
    enterprises (in scope, inspected, not yet inspected, never inspected)."""
    campaign = _campaign(campaign_id)
    as_of = _as_of(campaign)
    if which in cov.HAZARD_GROUPS:
        enterprise_id = request.args.get("enterprise", type=int)
        ids = cov.campaign_hazard_ids(campaign, which, as_of, enterprise_id)[:ROW_LIMIT]
        hazards = db.session.scalars(select(Hazard).options(joinedload(Hazard.enterprise))
                                     .where(Hazard.id.in_(ids)).order_by(Hazard.found_on.desc(), Hazard.id.desc())
                                     ).all() if ids else []
        return render_template("campaigns/rows.html", campaign=campaign, which=which, hazards=hazards,
                               enterprises=None, as_of=as_of)
    if which in cov.GROUPS:
        f = cov.campaign_figures(campaign, as_of)
        return render_template("campaigns/rows.html", campaign=campaign, which=which, hazards=None,
                               enterprises=f.coverage.group(which), as_of=as_of)
    abort(404)


@bp.route("/<int:campaign_id>/report", methods=["POST"])
@login_required
def report(campaign_id):
    campaign = _campaign(campaign_id)
    document = record_campaign_report(campaign, current_user)
    flash(_("Campaign report built."), "success")
    return redirect(url_for("reports.download", document_id=document.id))
