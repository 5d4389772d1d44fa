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
    ground = reference.major_ground(hazard.major_ground)
    if ground is None:
        return ""
    reason = (hazard.major_reason or "").strip()
    separator = "：" if locale == "zh_CN" else ": "
    return f"{ground.label(locale)}{separator}{reason}" if reason else ground.label(locale)
