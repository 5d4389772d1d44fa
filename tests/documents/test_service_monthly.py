"""The monthly report from seeded data: every figure equals a direct SQL count over the same data."""
import re
from datetime import date

import pytest
from sqlalchemy import func, select, text

from safety_app.documents import service
from safety_app.extensions import db
from safety_app.figures import definitions
from safety_app.models import Enterprise, Hazard
from tests.figures import oracle

MONTH, FIRST, LAST = "2026-10", "2026-10-01", "2026-10-31"
SUMMARY = re.compile(
    r"共开展隐患排查检查(\d+)次，发现事故隐患(\d+)项，其中一般事故隐患(\d+)项、重大事故隐患(\d+)项；"
    r"销号(\d+)项，整改率([\d.]+%|—)。截至本月末，尚有(\d+)项隐患未销号，其中逾期(\d+)项")


def sql(query, **params):
    if db.session.get_bind().dialect.name == "sqlite":
        # SQLite keeps dates as ISO text; CAST(.. AS DATE) would turn them into numbers.
        query = re.sub(r"CAST\((:\w+) AS DATE\)", r"\1", query)
    return db.session.execute(text(query), params).all()


def one(query, **params):
    return sql(query, **params)[0][0]


def expected(first, last, as_of, enterprise_id=None):
    """The report's figures, counted by replaying each hazard's events up to the as-of day
    (``tests/figures/oracle``): the state of that day, whatever changed later."""
    first, last, as_of = (date.fromisoformat(x) for x in (first, last, as_of))
    was = [h for h in oracle.hazards(as_of, enterprise_id).values() if h.live]
    in_month = [h for h in was if first <= h.found_on <= last]
    still_open = [h for h in was if h.open]
    overdue = [h for h in was if h.overdue_days(as_of) > 0]
    cut = oracle.cut_of(as_of)
    categories = {}
    for h in in_month:
        categories[h.category] = categories.get(h.category, 0) + 1
    where = "" if enterprise_id is None else f" AND enterprise_id = {int(enterprise_id)}"
    return {
        "inspections": one("SELECT COUNT(*) FROM inspections WHERE inspected_on BETWEEN CAST(:first AS DATE) "
                           f"AND CAST(:last AS DATE) AND created_at < :cut{where}",
                           first=first.isoformat(), last=last.isoformat(), cut=cut),
        "general": sum(1 for h in in_month if h.level == "general"),
        "major": sum(1 for h in in_month if h.level == "major"),
        "found": len(in_month),
        "closed": sum(1 for h in was if h.closed_on and first <= h.closed_on <= last),
        "closed_of_found": sum(1 for h in in_month if h.closed_on),
        "open": len(still_open),
        "overdue": len(overdue),
        "overdue_codes": [h.code for h in overdue],
        "categories": categories,
        "uncleared": len({h.enterprise_id for h in still_open}),
    }


def figures(pdf_text, document):
    match = SUMMARY.search(pdf_text(service.file_path(document)))
    assert match, "summary sentence not found"
    n = [int(g) if g.isdigit() else g for g in match.groups()]
    return {"inspections": n[0], "found": n[1], "general": n[2], "major": n[3], "closed": n[4], "rate": n[5],
            "open": n[6], "overdue": n[7]}


def rate(closed, found):
    return f"{closed / found * 100:.1f}%" if found else "—"


def test_park_report_figures_equal_direct_sql_counts(seeded, pdf_text):
    document = service.build_monthly_report(MONTH)
    want = expected(FIRST, LAST, LAST)
    got = figures(pdf_text, document)
    assert want["found"] > 10 and want["overdue"] > 0  # the seed gives the month real content
    for key in ("inspections", "found", "general", "major", "closed", "open", "overdue"):
        assert got[key] == want[key], key
    assert got["rate"] == rate(want["closed_of_found"], want["found"])


def test_enterprise_report_figures_equal_direct_sql_counts(seeded, pdf_text):
    enterprise = db.session.get(Enterprise, 1)
    document = service.build_monthly_report(MONTH, enterprise)
    want = expected(FIRST, LAST, LAST, enterprise.id)
    got = figures(pdf_text, document)
    for key in ("inspections", "found", "general", "major", "closed", "open", "overdue"):
        assert got[key] == want[key], key
    assert got["rate"] == rate(want["closed_of_found"], want["found"])
    text_ = pdf_text(service.file_path(document))
    assert enterprise.name + "2026年10月" in text_
    assert document.enterprise_id == enterprise.id and document.period == MONTH


def test_every_overdue_hazard_is_listed_with_its_days_overdue(seeded, pdf_text):
    data = service.monthly_data(MONTH)
    want = expected(FIRST, LAST, LAST)
    assert sorted(r.code for r in data.overdue_list) == sorted(want["overdue_codes"])
    was = {h.code: h for h in oracle.hazards(date(2026, 10, 31)).values()}
    for row in data.overdue_list:
        assert row.days_overdue == was[row.code].overdue_days(date(2026, 10, 31)) > 0
    text_ = pdf_text(service.file_path(service.build_monthly_report(MONTH)))
    assert all(code in text_ for code in want["overdue_codes"])


def test_categories_clearing_and_trend_equal_direct_sql_counts(seeded):
    from safety_app import reference

    data = service.monthly_data(MONTH)
    want = expected(FIRST, LAST, LAST)
    assert dict(data.found_by_category) == {reference.category(c).zh: n for c, n in want["categories"].items()}
    assert sum(1 for r in data.clearing if r.found and not r.cleared) == want["uncleared"]
    assert len(data.clearing) == one("SELECT COUNT(*) FROM enterprises")
    assert sum(r.open for r in data.clearing) == want["open"]
    assert data.trend.months[-1] == MONTH and data.trend.months[0] == "2025-11"
    for month, found, closed in zip(*data.trend, strict=True):
        year, m = map(int, month.split("-"))
        last = date(year, m, 28 if m == 2 else 30 if m in (4, 6, 9, 11) else 31).isoformat()
        first = f"{month}-01"
        assert found == expected(first, last, "2026-10-31")["found"], month
        assert closed == expected(first, last, "2026-10-31")["closed"], month


def test_current_month_counts_overdue_as_of_today_like_the_lifecycle(seeded):
    data = service.monthly_data("2026-11")  # today is 2026-11-15
    assert data.overdue_total == db.session.scalar(select(func.count(Hazard.id)).where(definitions.overdue_clause()))
    assert "数据截至 2026年11月15日" in data.remarks[0]


def test_future_month_is_refused(seeded):
    with pytest.raises(service.DocumentError):
        service.build_monthly_report("2026-12")
    with pytest.raises(service.DocumentError):
        service.build_monthly_report("2026-13")


def test_rebuilding_a_month_makes_a_new_version_and_keeps_the_old_file(seeded):
    first = service.build_monthly_report(MONTH)
    second = service.build_monthly_report(MONTH)
    assert (second.version, second.supersedes_id) == (2, first.id)
    assert service.file_path(first).exists() and service.file_path(second).exists()
    other = service.build_monthly_report(MONTH, db.session.get(Enterprise, 1))
    assert (other.version, other.supersedes_id) == (1, None)


def test_same_idempotency_key_builds_the_month_once(seeded, app):
    from pathlib import Path

    first = service.build_monthly_report(MONTH, idempotency_key="monthly-report:2026-10:park")
    again = service.build_monthly_report(MONTH, idempotency_key="monthly-report:2026-10:park")
    assert again.id == first.id
    assert len(list(Path(app.config["REPORTS_DIR"]).rglob("*.pdf"))) == 1


@pytest.fixture
def busy_month(app, runner, frozen):
    """3,600 hazards over 12 months: about 300 in October, hundreds overdue at its end."""
    result = runner.invoke(args=["demo", "seed", "--enterprises", "30", "--hazards", "3600",
                                 "--today", "2026-11-15"])
    assert result.exit_code == 0, result.output
    return app


def test_a_busy_month_spreads_over_pages_with_repeated_table_headers(busy_month, page_texts):
    found = expected(FIRST, LAST, LAST)["found"]
    assert 250 <= found <= 350
    pages = page_texts(service.file_path(service.build_monthly_report(MONTH)))
    header = "序号隐患编号企业名称隐患整改期限逾期天数"
    start = next(i for i, page in enumerate(pages) if "六、逾期未整改隐患清单" in page)
    continued = [page for page in pages[start + 1:] if "YH-" in page]
    assert len(continued) >= 3
    assert all(page.count(header) == 1 for page in continued)
    assert all("第" + str(n) + "页" in page for n, page in enumerate(pages, 1))
