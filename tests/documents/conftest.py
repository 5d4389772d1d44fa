"""Sample data for the document tests: plain dataclasses, no database, no app."""

from __future__ import annotations

import random
from dataclasses import fields
from datetime import date, timedelta
from decimal import Decimal

import pytest

from safety_app.documents import (
    ClearingRow,
    Counts,
    MajorHazardRow,
    MonthlyReportData,
    NoticeData,
    NoticeHazard,
    OpinionData,
    OpinionItem,
    OverdueRow,
    Row,
    StatisticsTable,
    Trend,
)

OFFICE = "天津市滨海新区大港街道应急管理办公室"
ENTERPRISE = "天津渤海湾精细化工有限公司"
CATEGORIES = [
    "安全领导能力", "安全生产责任制", "岗位安全教育和操作技能培训", "安全生产信息管理",
    "安全风险管理", "设计管理", "试生产管理", "装置运行安全管理", "设备设施完好性",
    "作业许可管理（特殊作业：动火、受限空间、盲板抽堵、高处、吊装、临时用电、动土、断路）",
    "承包商管理", "变更管理", "应急管理", "安全事故事件管理", "消防安全", "危险化学品储存",
    "职业卫生", "其他",
]
TITLES = [
    "涉及可燃和有毒有害气体泄漏的场所未按国家标准设置检测报警装置",
    "构成二级重大危险源的危险化学品罐区未实现紧急切断功能",
    "安全阀、爆破片等安全附件未正常投用",
    "动火作业票证未经审批即开始作业，现场未配备灭火器材",
    "控制室面向具有火灾、爆炸危险性装置一侧不满足国家标准关于防火防爆的要求",
    "特种作业人员未持证上岗",
    "消防通道被杂物占用",
    "未按国家标准分区分类储存危险化学品，相互禁配物质混放混存",
]
PREFIXES = ["渤海", "大港", "滨海", "津南", "海河", "港湾", "东方", "华北", "石化", "长芦"]
SUFFIXES = ["精细化工有限公司", "石油化工股份有限公司", "新材料科技有限公司", "化学品储运有限公司",
            "能源化工（天津）有限公司"]


def make_notice_data(*, same_deadline: bool = False) -> NoticeData:
    """A notice with three hazards, one of them major."""
    d1, d2 = date(2026, 11, 20), date(2026, 12, 6)
    hazards = [
        NoticeHazard("YH-2026-000101", TITLES[0], "二号罐区东侧泵房",
                     "《危险化学品安全管理条例》第二十条", "general", d2 if same_deadline else d1),
        NoticeHazard("YH-2026-000102", TITLES[1], "二号罐区",
                     "《化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）》第五项",
                     "major", d2),
        NoticeHazard("YH-2026-000103", TITLES[6] + "，疏散指示标志损坏 & 应急照明失效<不合格>",
                     "综合楼一层", "《中华人民共和国消防法》第二十八条", "general",
                     d2 if same_deadline else d1),
    ]
    return NoticeData(
        number="（大港应急）责改〔2026〕第001号", office_name=OFFICE, enterprise_name=ENTERPRISE,
        enterprise_address="天津市滨海新区大港石化产业园区海港路18号", hazards=hazards,
        inspectors=[("张建国", "TJ12010001"), ("李晓梅", "TJ12010002")],
        issued_on=date(2026, 11, 6), qr_url="https://yh.example.cn/hazards/101",
        credit_code="914403001922038216", legal_representative="赵海涛", inspected_on=date(2026, 11, 5),
        inspection_place="天津市滨海新区大港石化产业园区海港路18号（二号罐区、综合楼一层）",
        order_basis="依据《中华人民共和国安全生产法》第六十五条的规定",
        liability_sentence="整改期间，你单位应当采取措施，确保安全生产。由此造成事故的，依法追究有关人员的责任。",
        reconsideration_body="天津市滨海新区人民政府", litigation_court="天津市滨海新区人民法院",
        copies_note="本文书一式两份，一份由安全生产监管部门留存，一份交被检查单位。",
    )


def make_opinion_data() -> OpinionData:
    """An opinion answering the sample notice with mixed results."""
    return OpinionData(
        number="（大港应急）复查〔2026〕第001号", notice_number="（大港应急）责改〔2026〕第001号",
        office_name=OFFICE, enterprise_name=ENTERPRISE,
        items=[OpinionItem("YH-2026-000101", TITLES[0], "合格", date(2026, 12, 3), "张建国、王立新",
                           "现场复查，已加装可燃气体检测报警仪4台并投用", "已按要求加装报警仪"),
               OpinionItem("YH-2026-000102", TITLES[1], "不合格", date(2026, 12, 4), "王立新",
                           "紧急切断阀已采购，尚未安装，未实现紧急切断功能"),
               ("YH-2026-000103", TITLES[6], "合格", date(2026, 12, 5), "张建国", "消防通道已清理畅通")],
        officers=[("张建国", "TJ12010001"), ("王立新", "TJ12010002")], issued_on=date(2026, 12, 8),
    )


def enterprise_name(i: int) -> str:
    """A plausible, unique enterprise name."""
    return f"天津{PREFIXES[i % len(PREFIXES)]}{SUFFIXES[i % len(SUFFIXES)]}第{i + 1}分公司"


def make_monthly_data(hazards: int = 300, enterprises: int = 30, seed: int = 7) -> MonthlyReportData:
    """A park report; about 60% of the hazards are overdue, 5% major."""
    rng = random.Random(seed)
    names = [enterprise_name(i) for i in range(enterprises)]
    month_end = date(2026, 11, 30)
    overdue, majors = [], []
    per_enterprise = {n: [0, 0, 0, 0] for n in names}  # found, closed, open, overdue
    by_category = dict.fromkeys(CATEGORIES, 0)
    closed = 0
    for i in range(hazards):
        name = names[i % enterprises]
        title = TITLES[i % len(TITLES)]
        code = f"YH-2026-{i + 1:06d}"
        deadline = month_end - timedelta(days=rng.randint(1, 200))
        counts = per_enterprise[name]
        counts[0] += 1
        by_category[CATEGORIES[i % len(CATEGORIES)]] += 1
        if i % 10 < 6:
            overdue.append(OverdueRow(code, name, title, deadline, (month_end - deadline).days))
            counts[2] += 1
            counts[3] += 1
        elif i % 10 < 8:
            counts[2] += 1
        else:
            counts[1] += 1
            closed += 1
        if i % 20 == 0:
            majors.append(MajorHazardRow(code, name, title, "整改中", deadline))
    clearing = [ClearingRow(n, f, c, o, od, o == 0) for n, (f, c, o, od) in per_enterprise.items()]
    clearing.append(ClearingRow("天津大港示范化工有限公司", 3, 3, 0, 0, True))
    months = [f"{2025 + (m > 12)}-{(m - 1) % 12 + 1:02d}" for m in range(12, 24)]
    return MonthlyReportData(
        period="2026-11", scope_name="天津滨海新区大港石化产业园区", office_name=OFFICE,
        generated_on=date(2026, 12, 1), inspections_done=enterprises * 2, found_total=hazards,
        found_by_level={"general": hazards - len(majors), "major": len(majors)},
        found_by_category=sorted(by_category.items(), key=lambda kv: -kv[1]),
        closed_in_month=closed, open_total=hazards - closed, overdue_total=len(overdue),
        rectification_rate=closed / hazards if hazards else None,
        overdue_list=overdue, clearing=clearing, major_hazards=majors,
        trend=Trend(months, [rng.randint(5, 60) for _ in months], [rng.randint(0, 50) for _ in months]),
    )


def statistics_counts(i: int, *, scale: int = 1) -> Counts:
    """One column group of the statistics table, varied by ``i``."""
    return Counts(
        carried_over_general=(i % 4) * scale, general_found=(5 + i % 7) * scale, general_rectified=(3 + i % 5) * scale,
        carried_over_major=i % 2, major_found=i % 3, major_closed=i % 2, major_open=1 + i % 3,
        major_open_in_plan=1 + i % 2, plan_targets=1, plan_funds=i % 2, plan_people=1, plan_time=1, plan_measures=0,
        listed_supervision=i % 2, listed_lifted=0, money_wan=Decimal("1.25") * (i % 5) * scale,
    )


def sum_counts(rows: list[Row], attribute: str) -> Counts:
    """The totals of one column group (``period`` or ``year_to_date``) over ``rows``."""
    return Counts(**{f.name: sum((getattr(getattr(r, attribute), f.name) for r in rows),
                                 Decimal(0) if f.name == "money_wan" else 0) for f in fields(Counts)})


def make_statistics_data(enterprises: int = 6, *, kind: str = "quarterly", period: str = "2026Q3",
                         closed: bool = True, as_of: date | None = None) -> StatisticsTable:
    """A park statistics table (隐患排查治理情况统计表), one row per enterprise and the totals."""
    from safety_app.documents.statistics import parse_period

    start, end = parse_period(kind, period)
    rows = [Row(enterprise_name(i), f"91120116MA0{i:07d}", True, statistics_counts(i),
                statistics_counts(i, scale=3)) for i in range(enterprises)]
    totals = Row("合计", "", True, sum_counts(rows, "period"), sum_counts(rows, "year_to_date"))
    return StatisticsTable(kind=kind, period=period, start=start, end=end, as_of=as_of or end, closed=closed,
                           office_name=OFFICE, enterprise_name=None, enterprises_in_scope=enterprises + 2,
                           enterprises_inspected=enterprises, rows=rows, totals=totals)


@pytest.fixture
def notice_data() -> NoticeData:
    return make_notice_data()


@pytest.fixture
def opinion_data() -> OpinionData:
    return make_opinion_data()


@pytest.fixture
def monthly_data() -> MonthlyReportData:
    return make_monthly_data()


@pytest.fixture
def statistics_data() -> StatisticsTable:
    return make_statistics_data()


@pytest.fixture
def make_statistics():
    """The statistics table factory (enterprises=, kind=, period=, closed=, as_of=)."""
    return make_statistics_data


def _squash(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def page_texts():
    """Return a function: PDF path → extracted text of each page, whitespace removed.

    Wrapped table cells break words across lines, so comparisons ignore whitespace.
    """
    from pypdf import PdfReader

    def read(path) -> list[str]:
        return [_squash(page.extract_text()) for page in PdfReader(path).pages]

    return read


@pytest.fixture
def pdf_text(page_texts):
    """Return a function: PDF path → all its text, whitespace removed."""
    return lambda path: "".join(page_texts(path))


@pytest.fixture
def fresh_font_cache():
    """Forget the chosen font before and after the test."""
    from safety_app.documents.fonts import reset_font_cache

    reset_font_cache()
    yield
    reset_font_cache()


@pytest.fixture
def make_notice():
    """The notice factory, for tests that need a variant."""
    return make_notice_data


@pytest.fixture
def make_monthly():
    """The monthly report factory (hazards=, enterprises=)."""
    return make_monthly_data


# --------------------------------------------------------------------------- database-backed fixtures

SEED_DAY = "2026-11-15"


@pytest.fixture
def frozen(time_machine):
    """Park time frozen on the seed day, 10:00 in Tianjin."""
    time_machine.move_to(f"{SEED_DAY} 10:00:00+08:00", tick=False)


@pytest.fixture
def seeded(app, runner, frozen):
    """The demo park (5 enterprises, 300 hazards over 12 months) anchored on 2026-11-15."""
    result = runner.invoke(args=["demo", "seed", "--enterprises", "5", "--hazards", "300", "--today", SEED_DAY])
    assert result.exit_code == 0, result.output
    return app


@pytest.fixture
def make_inspection(park):
    """Make an inspection of an enterprise by the given inspectors (default: both)."""
    from safety_app.extensions import db
    from safety_app.models import Inspection

    def make(enterprise=None, inspectors=None, on=None):
        from safety_app.clock import today

        inspectors = inspectors if inspectors is not None else [park.inspector, park.inspector2]
        inspection = Inspection(enterprise=enterprise or park.a, inspection_type="routine",
                                inspected_on=on or today(), created_by=park.inspector, inspectors=inspectors,
                                status="in_progress")
        db.session.add(inspection)
        db.session.commit()
        return inspection

    return make


@pytest.fixture
def rectify(park):
    """Drive a hazard through the lifecycle core: 'partial' (one of two measures done),
    'submitted', 'closed' (general) or 'verified' (major)."""
    from safety_app import lifecycle
    from safety_app.clock import today
    from safety_app.models import Attachment

    def evidence(kind="evidence"):
        import secrets

        return Attachment(kind=kind, original_name="after.jpg", stored_name=secrets.token_hex(8),
                          content_type="image/jpeg", size=10, sha256="0" * 64)

    def run(hazard, to):
        user = park.user_a if hazard.enterprise_id == park.a.id else park.user_b
        if hazard.is_major:
            lifecycle.save_plan(hazard, user, goal="目标", methods="方法", funds_materials="资金",
                                organisation="机构", timeline="时限", safety_emergency="预案")
        lifecycle.apply(hazard, "acknowledge", user, version=hazard.version)
        lifecycle.save_measure(hazard, user, description="加装报警仪", done_on=today())
        if to == "partial":
            lifecycle.save_measure(hazard, user, description="组织培训")
            return hazard
        lifecycle.record_attachment(hazard, user, evidence())
        if hazard.is_major:  # the assessment of the governance result (治理效果评估报告)
            lifecycle.record_attachment(hazard, user, evidence("assessment"))
        lifecycle.apply(hazard, "submit", user, version=hazard.version, note="已加装可燃气体报警仪")
        if to == "submitted":
            return hazard
        lifecycle.apply(hazard, "verify", park.inspector2, version=hazard.version,
                        opinion="现场复查，报警仪已安装并投用", inspectors=[park.inspector2, park.inspector])
        return hazard

    return run
