"""The dashboard's figures (the same function as the web dashboard)."""
from .. import dashboard
from .common import user
from .spec import operation


@operation("/dashboard", "GET", summary="Dashboard figures of the caller's scope (park or own enterprise)",
           tag="dashboard", response="Dashboard",
           description="rate_month: of the hazards found this park month (withdrawn left out), the share "
                       "closed (closed_of_found_month / found_month_counted); rate_overall: the same over all "
                       "hazards (closed_total / found_total_counted). overdue counts against the enterprise "
                       "only; the office's own backlog is backlog.")
def get_dashboard():
    return dashboard.figures(user()).as_dict()
