"""The enterprise's own filing form (企业自查): the inspectors' form (categories, criteria, photos,
the responsible person chosen from the enterprise's active users)."""
from ..inspections.forms import HazardForm


class SelfHazardForm(HazardForm):
    """The same fields as the inspectors' filing form; the source is always self_inspection."""
