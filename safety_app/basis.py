"""The basis of a major hazard, described once for every page, report and export."""
from . import criteria, reference


def describe_basis(hazard, locale="zh_CN"):
    """What makes ``hazard`` major, as one line of text ('' for a general hazard).

    A criterion (set + clause + text, or "条文未导入", worded by ``criteria``) or a
    ground of 16号令 Art. 3 with the written reason. Every page, document and export
    prints the basis through this function. ``locale``: 'zh_CN' (documents), 'en', or
    None for the current UI language.
    """
    if hazard.criteria_set:
        return criteria.describe_hazard(hazard, criteria.chinese_wordings() if locale == "zh_CN" else None)
    return describe_ground(hazard.major_ground, hazard.major_reason, locale)


def describe_ground(code, reason, locale="zh_CN"):
    """A ground of 16号令 Art. 3 with its reason ('' without a ground); also for queries that
    select the columns (exports)."""
    ground = reference.major_ground(code)
    if ground is None:
        return ""
    reason = (reason or "").strip()
    separator = "：" if locale == "zh_CN" else ": "
    return f"{ground.label(locale)}{separator}{reason}" if reason else ground.label(locale)
