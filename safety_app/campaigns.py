"""Campaigns (专项整治行动): a named period, the enterprises it covers (the same scope as plans), its
focus (hazard categories and criteria) and a coverage target.

Inspections started under a campaign carry its tag (``inspections.campaign_id``) and every
hazard filed in a tagged inspection inherits it (``hazards.campaign_id``, set by
``lifecycle.file_hazard``). The campaign's figures — coverage (in-scope enterprises with a
completed tagged inspection in the period ÷ in scope, against the target), hazards found,
closed, open and overdue, 清零 by enterprise — are ``figures.coverage.campaign_figures``.
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from . import criteria as criteria_catalogue
from . import reference
from .clock import today
from .extensions import db
from .lifecycle_errors import Invalid, NotAllowed
from .models import Campaign, Role
from .plans import validate_dates, validate_scope


def create_campaign(actor, *, name, starts_on, ends_on, scope_kind, scope_value="", enterprise_ids=(),
                    categories=(), criteria=(), target_percent=100):
    """Define a campaign (admin); commits and returns it."""
    if actor is None or actor.role != Role.ADMIN:
        raise NotAllowed(_l("Only administrators define campaigns."))
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise Invalid(_l("Give the campaign a name (at most 200 characters)."), field="name")
    validate_dates(starts_on, ends_on)
    kind, value, enterprises = validate_scope(scope_kind, scope_value, enterprise_ids)
    known = {c.code for c in reference.categories()}
    categories = sorted(set(categories or ()))
    if any(c not in known for c in categories):
        raise Invalid(_l("Choose categories from the list."), field="categories")
    criteria = sorted(set(criteria or ()))
    for code in criteria:
        parsed = criteria_catalogue.parse_checklist_code(code)
        if parsed is None or criteria_catalogue.find(*parsed) is None:
            raise Invalid(_l("Choose criteria from the list."), field="criteria")
    if target_percent is None or not (0 <= int(target_percent) <= 100):
        raise Invalid(_l("The coverage target is a percentage from 0 to 100."), field="target_percent")
    campaign = Campaign(name=name, starts_on=starts_on, ends_on=ends_on, scope_kind=kind, scope_value=value,
                        enterprises=enterprises, categories=categories, criteria=criteria,
                        target_percent=int(target_percent), created_by_id=actor.id)
    try:
        db.session.add(campaign)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return campaign


def running(day=None):
    """Campaigns whose period contains ``day`` (default today): the start-inspection form offers these."""
    day = day or today()
    return db.session.scalars(select(Campaign).where(Campaign.starts_on <= day, Campaign.ends_on >= day)
                              .order_by(Campaign.starts_on.desc(), Campaign.id.desc())).all()


def check_for_inspection(campaign, inspected_on):
    """A campaign tag is valid for an inspection held within the campaign's period."""
    if campaign is None:
        return None
    if not (campaign.starts_on <= inspected_on <= campaign.ends_on):
        raise Invalid(_l("The inspection date is outside the campaign's period."), field="campaign")
    return campaign
