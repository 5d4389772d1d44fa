"""The dashboard's figures (the same function as the web dashboard)."""
from .. import dashboard
from .common import user
from .spec import operation


@operation("/dashboard", "GET", summary="Dashboard figures of the caller's scope (park or own enterprise)",
           tag="dashboard", response="Dashboard",
           description="rate_month: of the hazards found this park month (withdrawn left out), the share "
                       "closed; rate_overall: the same over all hazards.")
def get_dashboard():
    return dashboard.figures(user()).as_dict()
