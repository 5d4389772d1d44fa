"""专项整治行动情况报告 — one campaign's report: coverage against its target, the hazards found,
closed out, open and overdue, and 清零 by enterprise, as of the day it is built.

``campaign_data`` gathers the figures from ``figures.coverage.campaign_figures`` (nothing is
counted here); ``build_campaign_report`` lays them out; ``record_campaign_report`` writes
and records the PDF as a ``Document`` (kind ``campaign``, period ``C<campaign id>``), a new
version each time, never overwriting an earlier one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from .. import settings
from ..clock import today
from ..models import DocumentKind
from .atomic import WrittenFile
from .fonts import register_cjk_font
from .layout import Styles, data_table, frame_width, make_styles, para, write_pdf
from .text import cn_date

TITLE = "专项整治行动情况报告"
STATE_ZH = {"cleared": "已清零", "not_cleared": "未清零", "inspected_no_hazard": "已检查未发现隐患",
            "not_inspected": "尚未检查"}
SCOPE_ZH = {"all": "园区全部企业", "industry": "行业：{}", "zone": "区域：{}", "level": "重大危险源等级：{}",
            "list": "指定企业（{}家）"}
LEVEL_ZH = {"any": "有重大危险源", "level1": "一级", "level2": "二级", "level3": "三级", "level4": "四级"}


@dataclass
class CampaignReport:
    office_name: str
    campaign_name: str
    starts_on: date
    ends_on: date
    scope: str
    focus: str
    target_percent: int
    as_of: date
    in_scope: int
    inspected: int
    coverage: str
    found: int
    closed: int
    open: int
    overdue: int
    rows: list = field(default_factory=list)  # [(name, inspected, found, closed, open, state)]
    not_inspected: list = field(default_factory=list)


def scope_text(campaign) -> str:
    template = SCOPE_ZH.get(campaign.scope_kind, "{}")
    if campaign.scope_kind == "list":
        return template.format(len(campaign.enterprises))
    value = LEVEL_ZH.get(campaign.scope_value, campaign.scope_value) if campaign.scope_kind == "level" \
        else campaign.scope_value
    return template.format(value)


def focus_text(campaign) -> str:
    from .. import reference

    names = {c.code: c.zh for c in reference.categories()}
    parts = [names.get(code, code) for code in campaign.categories or ()]
    parts += [code.split(":", 1)[1].replace(":", " ") for code in campaign.criteria or ()]
    return "、".join(parts) or "—"


def campaign_data(campaign, as_of: date | None = None) -> CampaignReport:
    from ..figures.coverage import campaign_figures

    as_of = as_of or min(today(), campaign.ends_on)
    f = campaign_figures(campaign, as_of)
    return CampaignReport(
        office_name=settings.get("office_name"), campaign_name=campaign.name, starts_on=campaign.starts_on,
        ends_on=campaign.ends_on, scope=scope_text(campaign), focus=focus_text(campaign),
        target_percent=campaign.target_percent, as_of=as_of, in_scope=len(f.coverage.in_scope),
        inspected=len(f.coverage.inspected), coverage=f.coverage.share.percent, found=f.found, closed=f.closed,
        open=f.open, overdue=f.overdue,
        rows=[(r["name"], "是" if r["inspected"] else "否", r["found"], r["closed"], r["open"], STATE_ZH[r["state"]])
              for r in f.by_enterprise],
        not_inspected=[name for _id, name in f.coverage.not_inspected])


def build_campaign_report(data: CampaignReport, path: str | Path, *, font_path: str | None = None) -> WrittenFile:
    font = register_cjk_font(font_path)
    st = make_styles(font)
    return write_pdf(path, story(data, st), font=font, title=TITLE, author=data.office_name,
                     subject=data.campaign_name)


def story(data: CampaignReport, st: Styles) -> list:
    width = frame_width()
    met = "已达到" if data.in_scope and data.inspected * 100 >= data.target_percent * data.in_scope else "未达到"
    facts = [
        ("行动名称", data.campaign_name),
        ("行动期间", f"{cn_date(data.starts_on)}至{cn_date(data.ends_on)}"),
        ("覆盖范围", data.scope), ("整治重点", data.focus),
        ("覆盖率目标", f"{data.target_percent}%"),
        ("覆盖情况", f"范围内企业{data.in_scope}家，已检查{data.inspected}家，覆盖率{data.coverage}（{met}目标）"),
        ("隐患情况", f"发现隐患{data.found}项，已销号{data.closed}项，未销号{data.open}项，其中逾期{data.overdue}项"),
    ]
    story_ = [para(data.office_name, st.office), para(TITLE, st.title),
              para(f"统计截至{cn_date(data.as_of)}", st.small_center)]
    story_.append(data_table(("项目", "情况"), facts, (30 * mm, width - 30 * mm), st, wrap=(1,)))
    story_ += [Spacer(1, 4 * mm), para("各企业隐患清零情况", st.heading)]
    widths = (width - 110 * mm, 18 * mm, 18 * mm, 18 * mm, 18 * mm, 38 * mm)
    story_.append(data_table(("企业名称", "已检查", "发现", "已销号", "未销号", "清零情况"),
                             data.rows or [("—", "", "", "", "", "")], widths, st, wrap=(0,), center=(1, 2, 3, 4, 5)))
    if data.not_inspected:
        story_ += [para("尚未检查的企业", st.heading), para("、".join(data.not_inspected), st.body)]
    story_ += [Spacer(1, 8 * mm), para(data.office_name, st.right), para(cn_date(data.as_of), st.right)]
    return story_


def record_campaign_report(campaign, actor):
    """Build and record a new version of the campaign's report; returns the ``Document``."""
    from .service import _font_path, _record, _relative_path, _versioned

    period = f"C{campaign.id}"
    kind = DocumentKind.CAMPAIGN.value
    try:
        data = campaign_data(campaign)
        version, previous = _versioned(kind, period, None)
    except Exception:
        from ..extensions import db

        db.session.rollback()
        raise
    rel_path = _relative_path(kind, period, f"{kind}-{campaign.id}-v{version}")
    return _record(lambda target: build_campaign_report(data, target, font_path=_font_path()), rel_path, (),
                   kind=kind, period=period, enterprise_id=None, version=version,
                   supersedes_id=previous.id if previous else None, created_by_id=actor.id if actor else None)
