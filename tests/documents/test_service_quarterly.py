"""The quarterly statistics table (regulations §2) from seeded data."""
from sqlalchemy import text

from safety_app.documents import quarterly_totals, service
from safety_app.extensions import db
from safety_app.models import Enterprise

QUARTER = "2026Q3"


def count(where, **params):
    query = ("SELECT COUNT(*) FROM hazards WHERE status <> 'withdrawn' "
             "AND found_on BETWEEN :first AND :last AND " + where)
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.replace(":first", "CAST(:first AS DATE)").replace(":last", "CAST(:last AS DATE)")
    return db.session.execute(text(query), {"first": "2026-07-01", "last": "2026-09-30", **params}).scalar()


def test_park_table_has_a_row_per_enterprise_and_totals_equal_sql_counts(seeded, pdf_text):
    data = service.quarterly_data(QUARTER)
    totals = quarterly_totals(data.rows)
    assert len(data.rows) == db.session.query(Enterprise).count()
    assert totals.general_found == count("level = 'general'")
    assert totals.major_found == count("level = 'major'")
    closed_by_end = "closed_on <= '2026-09-30'" if db.session.get_bind().dialect.name == "sqlite" \
        else "closed_on <= DATE '2026-09-30'"
    assert totals.general_rectified == count(f"level = 'general' AND {closed_by_end}")
    assert totals.major_rectified == count(f"level = 'major' AND {closed_by_end}")
    text_ = pdf_text(service.file_path(service.build_quarterly(QUARTER)))
    assert "隐患排查治理情况季度统计表" in text_ and "2026年第三季度" in text_
    assert all("".join(row.name.split()) in text_ for row in data.rows)
    assert f"合计{totals.general_found}{totals.general_rectified}" in text_


def test_enterprise_table_has_a_row_per_category(seeded, pdf_text):
    enterprise = db.session.get(Enterprise, 2)
    data = service.quarterly_data(QUARTER, enterprise)
    assert data.row_label == "隐患类别"
    assert sum(r.found for r in data.rows) == count("enterprise_id = :e", e=enterprise.id)
    document = service.build_quarterly(QUARTER, enterprise)
    assert (document.kind, document.period, document.enterprise_id) == ("quarterly", QUARTER, enterprise.id)
    assert enterprise.name in pdf_text(service.file_path(document))


def test_quarter_must_look_like_2026q3_and_have_begun(seeded):
    import pytest

    for bad in ("2026-Q3", "2026Q5", "2027Q1"):
        with pytest.raises(service.DocumentError):
            service.build_quarterly(bad)
