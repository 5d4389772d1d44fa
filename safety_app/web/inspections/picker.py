"""What the criterion picker of the filing form shows: the set in force on the
found-on day, its clauses grouped by clause group, and the chosen value."""
from dataclasses import dataclass

from ... import criteria


@dataclass(frozen=True)
class Picker:
    criteria_set: object  # CriteriaSet or None
    groups: list
    chosen: str
    missing: int

    def value(self, criterion):
        return criteria.form_value(criterion.set_code, criterion.clause)


def criteria_picker(found_on, chosen=""):
    criteria_set = criteria.set_in_force(found_on)
    items = criteria.clauses(criteria_set.code) if criteria_set else []
    return Picker(criteria_set=criteria_set, groups=criteria.grouped(items), chosen=chosen or "",
                  missing=sum(not c.has_text for c in items))
