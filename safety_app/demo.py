"""Deterministic, realistic demo data for a chemical park, inserted in bulk.

Used by ``flask demo seed`` (``./run.sh`` on an empty database) and by the
benchmarks, which need 200,000 hazards quickly: rows are built as plain dicts
and inserted with executemany, the audit chain hashed in Python.
"""
import random
import time
from datetime import date, datetime, timedelta
from types import SimpleNamespace

from flask import current_app
from sqlalchemy import func, insert, select, text

from . import audit, credit_code, reference, sequences, settings
from .clock import today as park_today
from .extensions import db
from .jobs import maintenance
from .models import (
    AuditHead,
    Enterprise,
    Event,
    GovernancePlan,
    Hazard,
    Inspection,
    MajorHazardReport,
    Measure,
    User,
    inspection_inspectors,
)

PLACES = ["津港", "渤海", "大港", "滨海", "海晟", "临港", "南港", "津南", "华北", "北方", "汇达", "中沃",
          "宏远", "天辰", "长芦", "海河", "恒信", "鑫源", "瑞丰", "金桥", "泰达", "利安", "永昌", "新港"]
TRADES = ["石油化工", "精细化工", "化学", "新材料", "石化储运", "化工科技", "氯碱化工", "能源化工",
          "油品", "涂料", "医药化工", "橡胶化工"]
ZONES = ["石化产业园区", "大港经济开发区", "南港工业区", "化工新材料园"]
INDUSTRIES = ["石油化工", "精细化工", "危险化学品储存", "危险化学品经营", "医药中间体", "涂料油墨"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "华"]
SET_2017 = "AJZG3-2017-121"  # the demo's criteria numbers are those of the 2017 list
AQ3067_FROM = date(2026, 9, 30)
ROADS = ["石化路", "港塘路", "海港路", "创新路", "世纪大道", "兴港路", "环港路"]

# Legal bases of the demo hazards: the law, regulation or standard by name and number only (no
# article numbers except where the article is the one commonly cited), so the office can read each
# as plausible; the office's real data carries the inspector's own citations.
GAS_DETECTION = "GB/T 50493-2019《石油化工可燃气体和有毒气体检测报警设计标准》"
EX_ELECTRICAL = "GB 50058-2014《爆炸危险环境电力装置设计规范》"
PRESSURE_VESSELS = "TSG 21-2016《固定式压力容器安全技术监察规程》"
SPECIAL_WORK = "GB 30871-2022《危险化学品企业特殊作业安全规范》"
SPECIAL_OPERATORS = "《特种作业人员安全技术培训考核管理规定》（原国家安全生产监督管理总局令第30号）"
EMERGENCY_PLANS = "《生产安全事故应急预案管理办法》（应急管理部令第2号）"
FIRE_EXITS = "《中华人民共和国消防法》第二十八条"
FIRE_EQUIPMENT = "《中华人民共和国消防法》第十六条"
HAZCHEM = "《危险化学品安全管理条例》（国务院令第591号）"
PROCESS_SAFETY = "AQ/T 3034-2022《化工过程安全管理导则》"
SIS = "GB/T 50770-2013《石油化工安全仪表系统设计规范》"
WARNING_SIGNS = "GBZ 158-2003《工作场所职业病危害警示标识》"
HAZARD_GUIDE = "《危险化学品企业安全风险隐患排查治理导则》（应急〔2019〕78号）"
INCIDENTS = "《生产安全事故报告和调查处理条例》（国务院令第493号）"
SAFETY_LAW = "《中华人民共和国安全生产法》第四十一条"
# A major hazard's basis is the list it meets (the clause itself is printed from the catalogue).
MAJOR_LIST = "《化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）》（安监总管三〔2017〕121号）"

# (category, title, legal basis, where it is found, (2017 list clause, title of the major form) or None).
# The major form of a problem says what the clause says, so title, clause and location agree.
PROBLEMS = [
    ("equipment", "可燃气体检测报警器未定期标定", GAS_DETECTION, ("罐区", "装卸站台", "反应釜区", "加氢装置"),
     ("12", "可燃气体泄漏场所未按国家标准设置检测报警装置")),
    ("equipment", "防爆电气设备防爆标志缺失", EX_ELECTRICAL, ("罐区", "精馏塔区", "反应釜区"),
     ("12", "爆炸危险场所未按国家标准安装使用防爆电气设备")),
    ("equipment", "安全阀超期未校验", PRESSURE_VESSELS, ("反应釜区", "精馏塔区", "加氢装置", "空压站"),
     ("15", "安全阀、爆破片等安全附件未正常投用")),
    ("work_permit", "动火作业票证审批不规范", SPECIAL_WORK, ("催化裂化装置", "罐区", "常减压装置"),
     ("18", "动火作业管理制度未有效执行，未经审批即动火")),
    ("work_permit", "受限空间作业未进行气体检测", SPECIAL_WORK, ("精馏塔区", "污水处理站", "罐区"),
     ("18", "进入受限空间作业管理制度未有效执行，作业前未进行气体检测")),
    ("training", "特种作业人员证书过期", SPECIAL_OPERATORS, ("配电室", "装卸站台", "空压站"),
     ("2", "特种作业人员未持证上岗")),
    ("emergency", "应急预案未按期演练", EMERGENCY_PLANS, ("罐区", "控制室"), None),
    ("fire", "消防通道被物料占用", FIRE_EXITS, ("仓库", "罐区", "装卸站台"), None),
    ("fire", "灭火器压力不足", FIRE_EQUIPMENT, ("配电室", "仓库", "控制室"), None),
    ("storage", "危险化学品未分区分类储存", HAZCHEM, ("仓库",),
     ("20", "危险化学品未分区分类储存，相互禁配物质混放混存")),
    ("operation", "操作规程未及时修订", PROCESS_SAFETY, ("常减压装置", "催化裂化装置", "加氢装置"),
     ("17", "未制定操作规程和工艺控制指标")),
    ("operation", "工艺控制指标超出范围未处置", PROCESS_SAFETY, ("常减压装置", "精馏塔区", "反应釜区"), None),
    ("contractor", "承包商人员未进行入厂安全教育", PROCESS_SAFETY, ("催化裂化装置", "罐区"), None),
    ("change", "变更管理未履行审批手续", PROCESS_SAFETY, ("加氢装置", "反应釜区"), None),
    ("responsibility", "安全生产责任制未覆盖全部岗位", SAFETY_LAW, ("安全管理部",),
     ("16", "未建立与岗位相匹配的全员安全生产责任制")),
    ("operation", "紧急停车系统旁路未审批", SIS, ("加氢装置", "催化裂化装置", "控制室"),
     ("4", "重点监管危险化工工艺装置的紧急停车系统未投入使用")),
    ("equipment", "紧急切断阀未投用", SIS, ("罐区",),
     ("5", "一级、二级重大危险源未实现紧急切断功能")),
    ("occupational_health", "职业危害告知牌缺失", WARNING_SIGNS, ("反应釜区", "污水处理站"), None),
    ("risk", "安全风险辨识清单未更新", HAZARD_GUIDE, ("安全管理部",), None),
    ("incident", "事故事件未按规定上报分析", INCIDENTS, ("安全管理部",), None),
]
OFFICE_UNIT = "安全管理部"
# Demo officers: law-enforcement certificate numbers in the usual shape, marked 演示 (not real numbers).
DEMO_CERTIFICATES = ("津应急执（演示）120001", "津应急执（演示）120002")
# Where an enterprise may appeal a demo notice. Demo values only: the office confirms its own in the
# settings (the product ships these empty and refuses a notice until they are set).
DEMO_REMEDIES = {"reconsideration_body": "天津市滨海新区人民政府", "litigation_court": "天津市滨海新区人民法院"}
DEADLINE_DAYS = (0, 7, 15, 30)
PLAN_TEXT = {
    "goal": "彻底消除隐患，达到国家标准要求", "methods": "停用相关设施，委托有资质单位整改",
    "funds_materials": "安排专项资金，物资已采购到位", "organisation": "由生产副总牵头，设备部负责实施",
    "timeline": "按期限完成并组织验收", "safety_emergency": "落实临时监护措施，完善专项应急预案",
}
BATCH = 20000


def _person(rng):
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _credit_code(rng, used):
    alphabet = credit_code.ALPHABET
    while True:
        code = credit_code.compose("".join(rng.choice(alphabet) for _ in range(8)))
        if code not in used:
            used.add(code)
            return code


def _insert(table, rows):
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(table), rows[start:start + BATCH])


def _advance_id_sequences(*models):
    """Rows were inserted with explicit ids: move PostgreSQL's id sequences past them."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for model in models:
        table = model.__tablename__
        db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                f"(SELECT coalesce(max(id), 1) FROM {table}))"))


def database_is_empty():
    return db.session.scalar(select(func.count(User.id))) == 0


def seed(enterprises=20, hazards=400, seed_value=1, password=None, today=None, echo=print):
    """Fill an empty database with a park of ``enterprises`` and ``hazards``. Returns counts."""
    if not database_is_empty():
        raise RuntimeError("the database already has data; demo data goes only into an empty database")
    started = time.perf_counter()
    rng = random.Random(seed_value)
    today = today or park_today()
    password = password or current_app.config["DEMO_PASSWORD"]

    used_codes = set()
    ent_rows = []
    for i in range(1, enterprises + 1):
        name = f"天津{rng.choice(PLACES)}{rng.choice(TRADES)}有限公司"
        if any(r["name"] == name for r in ent_rows[-50:]):
            name = name.replace("有限公司", f"第{i}分公司")
        zone = rng.choice(ZONES)
        ent_rows.append({
            "id": i, "name": name, "credit_code": _credit_code(rng, used_codes),
            "address": f"天津市滨海新区{zone}{rng.choice(ROADS)}{rng.randint(1, 300)}号",
            "zone": zone, "industry": rng.choice(INDUSTRIES),
            "legal_representative": _person(rng), "contact_name": _person(rng),
            "contact_phone": f"1{rng.choice('35789')}{rng.randint(100000000, 999999999)}",
            "contact_email": f"safety{i}@example.com",
            "major_hazard_installation": "none",  # derived from the installations (safety_app.installations)
            "active": True,
            # registered before the year of inspections the demo records
            "created_at": datetime.combine(today - timedelta(days=400), datetime.min.time()),
        })
    _insert(Enterprise.__table__, ent_rows)

    from .accounts import create_user

    admin = create_user("admin", password, "admin", display_name="园区应急办管理员", commit=False)
    inspectors = [
        create_user("inspector", password, "inspector", display_name="张检查", certificate_no=DEMO_CERTIFICATES[0],
                    commit=False),
        create_user("inspector2", password, "inspector", display_name="李复查", certificate_no=DEMO_CERTIFICATES[1],
                    commit=False),
    ]
    settings.set_many(DEMO_REMEDIES, commit=False)
    ent1, ent2 = db.session.get(Enterprise, 1), db.session.get(Enterprise, 2 if enterprises > 1 else 1)
    create_user("enterprise1", password, "enterprise", enterprise=ent1, display_name=ent1.contact_name,
                commit=False)
    if enterprises > 1:
        create_user("enterprise2", password, "enterprise", enterprise=ent2, display_name=ent2.contact_name,
                    commit=False)
    db.session.flush()
    inspector_ids = [u.id for u in inspectors]

    # Inspections: about one per four hazards, over the last 12 months.
    n_inspections = max(1, hazards // 4)
    types = reference.inspection_type_codes()
    insp_rows, insp_links = [], []
    for i in range(1, n_inspections + 1):
        ent = rng.randint(1, enterprises)
        day = today - timedelta(days=rng.randint(0, 364))
        by = rng.choice(inspector_ids)
        insp_rows.append({"id": i, "enterprise_id": ent, "inspection_type": rng.choice(types),
                          "inspected_on": day, "checklist": rng.sample(reference.category_codes(), 3),
                          "summary": "现场检查", "created_by_id": by,
                          "created_at": datetime.combine(day, datetime.min.time()) + timedelta(hours=1)})
        # Two certified officers on every inspection (the one who files first).
        insp_links += [{"inspection_id": i, "user_id": by},
                       {"inspection_id": i, "user_id": next(u for u in inspector_ids if u != by)}]
    _insert(Inspection.__table__, insp_rows)
    _insert(inspection_inspectors, insp_links)

    hazard_rows, measure_rows, plan_rows, events = [], [], [], []
    per_year = {}
    measure_id = 0
    for hid in range(1, hazards + 1):
        insp = insp_rows[rng.randrange(len(insp_rows))]
        found_on = insp["inspected_on"]
        category, problem, basis, units, major_form = rng.choice(PROBLEMS)
        unit = rng.choice(units)
        major = major_form is not None and rng.random() < 0.15
        # The demo knows the 2017 numbers only: AQ 3067-2026 clause texts are loaded by the office, so
        # a demo hazard is never attributed to one of its clauses (hazards found from then stay general).
        major = major and found_on < AQ3067_FROM
        crit, title = (major_form[0], major_form[1]) if major else (None, problem)
        title = title if unit == OFFICE_UNIT else f"{unit}{title}"  # a management problem names no plant unit
        deadline = found_on + timedelta(days=rng.choice(DEADLINE_DAYS) + (30 if major else 0))
        age = (today - found_on).days
        status = _pick_status(rng, age, major)
        year = found_on.year
        per_year[year] = per_year.get(year, 0) + 1
        filed_at = insp["created_at"] + timedelta(minutes=hid % 50)
        closed_on = None
        if status == "closed":
            closed_on = min(today, deadline + timedelta(days=rng.randint(-10, 5)))
            closed_on = max(closed_on, found_on)
        closed_at = datetime.combine(closed_on, datetime.min.time()) + timedelta(hours=2) if closed_on else None
        # The history agrees with the row (figures as of a past day are read from it): each step
        # after filing, up to the close-out (or a day apart, never after the seed's day).
        path = _path(status, major)
        times = _step_times(filed_at, closed_at or datetime.combine(today, datetime.min.time()) + timedelta(hours=8),
                            len(path), closed_at is not None)
        when = {action: at for (action, _frm, _to), at in zip(path, times, strict=True)}
        hazard_rows.append({
            "id": hid, "code": f"YH-{year}-{per_year[year]:06d}", "enterprise_id": insp["enterprise_id"],
            "inspection_id": insp["id"], "title": title,
            "description": f"检查组在{unit}现场查见此问题，企业陪同人员当场确认。",
            "location": unit, "category": category, "level": "major" if major else "general",
            "criteria_set": SET_2017 if major else None, "criterion_clause": crit,
            "legal_basis": MAJOR_LIST if major else basis, "found_on": found_on,
            "found_by_id": insp["created_by_id"], "original_deadline": deadline, "deadline": deadline,
            "status": status, "responsible_person": _person(rng), "rectification_note":
                "已按要求完成整改" if status in ("submitted", "verified", "closed") else "",
            "closed_on": closed_on,
            "submitted_at": when.get("submit"), "verified_at": when.get("verify"), "closed_at": closed_at,
            "created_at": filed_at, "updated_at": times[-1] if times else filed_at, "version": 1 + _STEPS[status],
        })
        events.append((filed_at, hid, insp["created_by_id"], "file", None, "open"))
        if status != "open" and status != "withdrawn":
            n = rng.choice((1, 1, 2))
            done = status in ("submitted", "verified", "closed")
            for _ in range(n):
                measure_id += 1
                measure_rows.append({
                    "id": measure_id, "hazard_id": hid, "description": f"整改：{title}",
                    "responsible_person": _person(rng), "funds": rng.choice((0, 500, 2000, 15000, 80000)),
                    "deadline": deadline, "interim_precautions": "设置警戒，加强巡检",
                    "done_on": min(today, found_on + timedelta(days=rng.randint(0, 20))) if done else None,
                    "evidence_note": "", "created_at": filed_at, "updated_at": filed_at,
                })
            if major:
                plan_rows.append({"hazard_id": hid, **PLAN_TEXT, "created_at": filed_at, "updated_at": filed_at})
        for (action, frm, to), at in zip(path, times, strict=True):
            events.append((at, hid, _actor_for(action, inspector_ids, admin.id), action, frm, to))
    _insert(Hazard.__table__, hazard_rows)
    _insert(Measure.__table__, measure_rows)
    _insert(GovernancePlan.__table__, plan_rows)
    # every major hazard has its report record (重大事故隐患报告), as filing one through the lifecycle makes
    _insert(MajorHazardReport.__table__, [
        {"hazard_id": r["id"], "enterprise_id": r["enterprise_id"], "reported_on": r["found_on"], "source": "filed",
         "created_by_id": r["found_by_id"], "created_at": r["created_at"]} for r in hazard_rows if r["level"] == "major"])
    for year, count in per_year.items():
        sequences.set_at_least(f"hazard:{year}", count)
    n_events = _insert_events(events)
    _advance_id_sequences(Enterprise, Inspection, Hazard, Measure)
    sequences.data_changed()  # bulk Core inserts: no ORM flush tells the data versions
    db.session.commit()
    monitoring = seed_installations(rng, today, admin)
    maintenance.refresh_statistics(today, None)  # the planner's statistics of the data just made
    elapsed = time.perf_counter() - started
    counts = {"enterprises": enterprises, "inspections": len(insp_rows), "hazards": hazards,
              "measures": len(measure_rows), "events": n_events, **monitoring, "seconds": round(elapsed, 1)}
    echo(f"demo data: {counts}")
    return counts


_STEPS = {"open": 0, "rectifying": 1, "submitted": 2, "verified": 3, "closed": 3, "withdrawn": 1}


def _pick_status(rng, age, major):
    r = rng.random()
    if age > 60:
        weights = [("closed", .82), ("rectifying", .06), ("open", .04), ("submitted", .03), ("withdrawn", .03)]
    elif age > 20:
        weights = [("closed", .5), ("rectifying", .2), ("open", .12), ("submitted", .12), ("withdrawn", .02)]
    else:
        weights = [("open", .45), ("rectifying", .3), ("submitted", .1), ("closed", .14), ("withdrawn", .01)]
    status = weights[-1][0]
    for candidate, w in weights:
        r -= w
        if r <= 0:
            status = candidate
            break
    if major and status == "closed" and rng.random() < .2:
        status = "verified"
    return status


def _path(status, major):
    steps = {
        "open": [],
        "rectifying": [("acknowledge", "open", "rectifying")],
        "submitted": [("acknowledge", "open", "rectifying"), ("submit", "rectifying", "submitted")],
        "verified": [("acknowledge", "open", "rectifying"), ("submit", "rectifying", "submitted"),
                     ("verify", "submitted", "verified")],
        "withdrawn": [("withdraw", "open", "withdrawn")],
    }
    if status == "closed":
        base = steps["verified"] if major else steps["submitted"]
        return base + ([("close", "verified", "closed")] if major else [("verify", "submitted", "closed")])
    return steps[status]


def _step_times(filed_at, end_at, n, ends_there):
    """When the ``n`` steps after filing happened: spread up to ``end_at`` (the close-out, which
    is the last step when ``ends_there``), otherwise a day apart but never after ``end_at``."""
    if n == 0:
        return []
    span = max(end_at - filed_at, timedelta(minutes=n))
    if ends_there:
        return [filed_at + span * i / n for i in range(1, n + 1)]
    return [min(filed_at + timedelta(days=i), filed_at + span * i / n) for i in range(1, n + 1)]


def _actor_for(action, inspector_ids, admin_id):
    if action in ("verify", "reject"):
        return inspector_ids[0]
    if action in ("close", "withdraw"):
        return admin_id
    return None  # enterprise actions in demo history are recorded without a named user


def _insert_events(events):
    """Append events in time order to the hash chain."""
    events.sort(key=lambda e: (e[0], e[1]))
    head = db.session.get(AuditHead, 1)
    seq, prev = (head.seq, head.last_hash) if head else (0, audit.GENESIS)
    rows = []
    for created_at, hazard_id, actor_id, action, frm, to in events:
        seq += 1
        row = SimpleNamespace(seq=seq, hazard_id=hazard_id, measure_id=None, actor_id=actor_id, action=action,
                              from_status=frm, to_status=to, comment="", data={}, created_at=created_at,
                              prev_hash=prev)
        row.hash = audit.compute_hash(row)
        prev = row.hash
        rows.append(vars(row))
    _insert(Event.__table__, rows)
    if head is None:
        db.session.add(AuditHead(id=1, seq=seq, last_hash=prev))
    else:
        head.seq, head.last_hash = seq, prev
    return len(rows)


# --- major hazard installations, 包保 persons and duty tasks, measurement points with a day of readings ---

# (enterprise number, code, name, kind, location, people within 500 m, years since the assessment,
#  substance lines (name, CAS, q t, Q t, β), points (tag, name, kind, unit, LL, L, H, HH, set point, noise))
# Q and β are entered per substance as an office would (the standard's tables are not shipped).
DEMO_INSTALLATIONS = (
    (1, "RA-01", "液氨储罐区", "storage", "东罐区", 120, 2.9,
     (("液氨", "7664-41-7", "60", "10", "2"),),
     (("TI-101", "1号液氨储罐温度", "temperature", "°C", -10.0, -5.0, 35.0, 40.0, 18.0, 0.4),
      ("PI-101", "1号液氨储罐压力", "pressure", "MPa", None, 0.2, 1.45, 1.6, 0.95, 0.01),
      ("LI-101", "1号液氨储罐液位", "level", "%", 10.0, 20.0, 80.0, 85.0, 62.0, 0.3),
      ("AI-101", "罐区氨气浓度", "gas", "ppm", None, None, 20.0, 40.0, 3.0, 0.4))),
    (1, "PU-02", "氯化反应装置", "production", "二号厂房", 40, 1.0,
     (("液氯", "7782-50-5", "12", "5", "4"), ("甲醇", "67-56-1", "80", "500", "1")),
     (("TI-201", "氯化反应釜温度", "temperature", "°C", None, 40.0, 85.0, 95.0, 68.0, 0.5),
      ("FI-201", "氯气进料流量", "flow", "m³/h", None, 5.0, 45.0, 55.0, 24.0, 0.6),
      ("AI-201", "装置区氯气浓度", "gas", "ppm", None, None, 1.0, 3.0, 0.2, 0.05))),
    (2, "RA-01", "甲醇储罐区", "storage", "西罐区", 8, 0.5,
     (("甲醇", "67-56-1", "1800", "500", "1"),),
     (("LI-301", "甲醇储罐液位", "level", "%", 10.0, 15.0, 85.0, 90.0, 55.0, 0.3),
      ("AI-301", "罐区可燃气体浓度", "gas", "%LEL", None, None, 25.0, 50.0, 1.5, 0.3))),
)
DEMO_STEP_MINUTES = 5


def seed_installations(rng, today, admin):
    """A few installations of enterprises 1 and 2 with their three 包保 persons (enterprise users with
    phones), this period's duty tasks, measurement points with the last 24 hours of readings, and two
    open alarms (a high level reached just now, a gas detector gone silent). Returns counts."""
    from . import duties, installations
    from .clock import utcnow
    from .models import MeasurementPoint, Reading
    from .monitoring import ingest, loop, partitions

    people = _duty_people(rng)
    made = []
    for number, code, name, kind, location, crowd, years, lines, points in DEMO_INSTALLATIONS:
        if number not in people:
            continue
        enterprise = db.session.get(Enterprise, number)
        principal, technical, operations = people[number]
        installation = installations.create(enterprise, {
            "code": code, "name": name, "kind": kind, "location": location, "people_within_500m": crowd,
            "assessed_on": today - timedelta(days=round(365 * years)), "validity_years": 3,
            "filed_on": today - timedelta(days=round(365 * years) - 20), "filing_no": f"津滨应急危备〔演示〕{number:02d}{code}",
            "principal_id": principal.id, "technical_id": technical.id, "operations_id": operations.id,
            "substances": [{"name": n, "cas": cas, "max_quantity": q, "critical_quantity": big_q, "beta": beta}
                           for n, cas, q, big_q, beta in lines]}, admin)
        made.append((installation, points))
    if not made:
        return {"installations": 0, "points": 0, "readings": 0, "alarms": 0}
    duties.ensure_tasks(today)
    # two of the first enterprise's open hazards concern its ammonia tanks (listed on the installation page)
    first = made[0][0]
    linked = db.session.scalars(select(Hazard.id).where(Hazard.enterprise_id == first.enterprise_id,
                                                        Hazard.status.in_(("open", "rectifying")))
                                .order_by(Hazard.id).limit(2)).all()
    if linked:
        db.session.execute(Hazard.__table__.update().where(Hazard.id.in_(linked)).values(installation_id=first.id))
        sequences.hazard_data_changed()
    db.session.commit()

    now = utcnow().replace(second=0, microsecond=0)
    start = now - timedelta(hours=24)
    partitions.ensure({partitions.month_of(start), partitions.month_of(now)})
    point_rows, readings = [], []
    for installation, points in made:
        for tag, label, kind, unit, ll, low, high, hh, setpoint, noise in points:
            point = MeasurementPoint(installation_id=installation.id, enterprise_id=installation.enterprise_id,
                                     tag=tag, name=label, kind=kind, unit=unit, ll=ll, l=low, h=high, hh=hh,
                                     silence_minutes=15, active=True, created_at=start - timedelta(days=30))
            db.session.add(point)
            point_rows.append((point, setpoint, noise))
    db.session.flush()
    silent = next(p for p, _sp, _n in point_rows if p.tag == "AI-201")  # the gas detector that went quiet
    for point, setpoint, noise in point_rows:
        value, when = setpoint, start
        stop = now - timedelta(minutes=40 if point is silent else DEMO_STEP_MINUTES)
        # a slow daily swing around the set point with noise; readings up to a few minutes ago
        while when <= stop:
            hour = (when - start).total_seconds() / 3600
            swing = 0.04 * abs(setpoint or 1) * (1 if (hour // 6) % 2 else -1)
            value += (setpoint + swing - value) * 0.2 + rng.gauss(0, noise)
            readings.append({"point_id": point.id, "time": when, "value": round(value, 3)})
            when += timedelta(minutes=DEMO_STEP_MINUTES)
        point.last_time, point.last_value = readings[-1]["time"], readings[-1]["value"]
    _insert(Reading.__table__, readings)
    db.session.commit()
    # Through the same ingest as the gateways: the first tank's level climbs past H just now.
    level = next(p for p, _sp, _n in point_rows if p.tag == "LI-101")
    rows = [{"point_id": level.id, "time": (now - timedelta(minutes=m)).isoformat() + "Z", "value": v}
            for m, v in ((3, 74.0), (2, 79.2), (1, 81.6), (0, 82.4))]
    result = ingest.ingest(level.enterprise_id, rows, now=now + timedelta(seconds=1))
    loop.raise_data_loss(now + timedelta(seconds=1))
    db.session.commit()
    alarms = len(result.alarms_raised) + 1
    return {"installations": len(made), "points": len(point_rows), "readings": len(readings) + len(rows),
            "alarms": alarms}


def _duty_people(rng):
    """{enterprise number: (principal, technical lead, operations lead)} for enterprises 1 and 2: the demo
    account enterprise<n> is the principal (and the safety manager), two more users have the other duties."""
    people = {}
    for number in (1, 2):
        login = db.session.scalar(select(User).where(User.username == f"enterprise{number}"))
        if login is None:
            continue
        login.phone = login.phone or f"1390220{number:04d}"
        login.enterprise_role = "principal"
        extra = []
        for k, (suffix, role) in enumerate((("tech", "safety_manager"), ("ops", "staff")), start=1):
            user = User(username=f"enterprise{number}{suffix}", role="enterprise", enterprise_id=login.enterprise_id,
                        display_name=_person(rng), phone=f"1382220{number:02d}{k:02d}", enterprise_role=role,
                        email=f"{suffix}{number}@example.com")
            user.password_hash = login.password_hash  # the demo password, hashed once
            db.session.add(user)
            extra.append(user)
        people[number] = (login, *extra)
    db.session.flush()
    return people
