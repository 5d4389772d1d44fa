"""The basis of a major hazard, described once for every page, report and export."""
from . import reference


def describe_basis(hazard, locale="zh_CN"):
    """What makes ``hazard`` major, as one line of text ('' for a general hazard).

    Today: the number and text of its 2017 criterion. Every page, document and export
    prints the basis through this function, so a new kind of basis changes only here.
    ``locale``: 'zh_CN' (documents), 'en', or None for the current UI language.
    """
    if hazard.criterion is None:
        return ""
    item = reference.criterion(hazard.criterion)
    text = item.label(locale) if item is not None else ""
    return f"{hazard.criterion}. {text}".strip()
