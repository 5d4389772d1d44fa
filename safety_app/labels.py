"""Human labels (translatable) for the stable enum values."""
from flask_babel import lazy_gettext as _l

STATUS = {
    "open": _l("Open"),
    "rectifying": _l("Rectifying"),
    "submitted": _l("Awaiting re-inspection"),
    "verified": _l("Verified, awaiting close-out"),
    "closed": _l("Closed out"),
    "withdrawn": _l("Withdrawn"),
}
LEVEL = {"general": _l("General hazard"), "major": _l("Major hazard")}
ROLE = {"admin": _l("Administrator"), "inspector": _l("Inspector"), "enterprise": _l("Enterprise")}
MAJOR_HAZARD_INSTALLATION = {
    "none": _l("None"),
    "level1": _l("Level 1"),
    "level2": _l("Level 2"),
    "level3": _l("Level 3"),
    "level4": _l("Level 4"),
}
EXTENSION_STATUS = {"pending": _l("Pending"), "approved": _l("Approved"), "refused": _l("Refused")}

# Chinese labels for documents and messages, which are always in Chinese.
STATUS_ZH = {
    "open": "待整改", "rectifying": "整改中", "submitted": "待复查", "verified": "已复查待销号",
    "closed": "已销号", "withdrawn": "已撤销",
}
LEVEL_ZH = {"general": "一般事故隐患", "major": "重大事故隐患"}


def status(value):
    return STATUS.get(value, value)


def level(value):
    return LEVEL.get(value, value)


# The major-hazard regime (safety_app.major_regime has the Chinese labels for documents).
SUPERVISION_LEVEL = {"city": _l("City level"), "district": _l("District level"), "street": _l("Street level")}
SUSPENSION_KIND = {"partial": _l("Partial suspension of production"), "full": _l("Full suspension of production"),
                   "equipment": _l("Equipment out of use")}

# Where a hazard was found (HazardSource; issue 16: every hazard carries its source).
SOURCE = {"government_inspection": _l("Government inspection"), "self_inspection": _l("Enterprise self-inspection"),
          "duty_check": _l("Duty check (包保)"), "monitoring_alarm": _l("Monitoring alarm")}
SOURCE_ZH = {"government_inspection": "政府检查", "self_inspection": "企业自查", "duty_check": "包保检查",
             "monitoring_alarm": "监测报警"}


def source(value):
    return SOURCE.get(value, value)
