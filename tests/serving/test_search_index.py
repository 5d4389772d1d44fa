"""The ledger search on SQLite uses the trigram index (migration 0019) and finds exactly what the
LIKE scan finds: Chinese text, codes, mixed case, LIKE's special characters, texts shorter than a
trigram, and hazards changed or deleted after they were indexed."""
from datetime import timedelta

import pytest
from sqlalchemy import select, text
from werkzeug.datastructures import MultiDict

from safety_app import clock, lifecycle, queries, search
from safety_app.extensions import db
from safety_app.models import Hazard

TITLES = [
    ("安全阀超期未校验", "罐区"), ("储罐区安全阀铅封缺失", "储罐区 T-101"), ("可燃气体报警器失效", "装置区"),
    ("Valve DN50 leaking", "Pump house B"), ("valve dn50 LEAKING again", "pump house b"),
    ("ÄRGER mit Ventil", "Halle Ä"), ("ärger mit ventil", "halle ä"), ("100% 负荷运行", "控制室_2"),
    ("1000 负荷运行", "控制室-2"), ('引号 "quoted" 标题', "区 'A'"), ("消防通道堵塞", ""),
    ("消防 通道 堵塞", "东门"), ("反斜杠 a\\b 路径", "区\\B"), ("emoji 🔥 火灾", "🔥区"),
]
QUERIES = ["安全阀", "安全", "阀", "罐区", "储罐区 T", "valve", "VALVE DN", "Dn50", "leaking", "ärger", "ÄRGER",
           "Ä", "100%", "%", "_", "控制室_2", "控制室%", '"quoted"', '"', "'A'", "消防 通道", "消防通道",
           "a\\b", "\\", "🔥", "🔥 火", "YH-", "YH", "-0000", "不存在的文字", "x", "ab", "ven", "pump house"]


def _ids(user, q, sort="-found_on"):
    f = queries.parse_filters(MultiDict({"q": q, "per_page": "200", "sort": sort}))
    ids = [h.id for h in db.session.scalars(queries.hazards(user, f)).unique()]
    assert queries.hazard_count(user, f) == len(ids), q
    return ids


def _like_ids(user, q, monkeypatch, sort="-found_on"):
    with monkeypatch.context() as m:
        m.setattr(search, "matches", lambda _text: None)
        return _ids(user, q, sort)


def _file_all(park):
    deadline = clock.today() + timedelta(days=7)
    hazards = []
    for i, (title, location) in enumerate(TITLES):
        hazards.append(lifecycle.file_hazard(park.inspector, enterprise=park.a if i % 2 else park.b, title=title,
                                             category="equipment", deadline=deadline, location=location))
    return hazards


def _delete_hazard(hazard_id):
    """Remove a hazard and the rows that refer to it (hazards are withdrawn, not deleted, in the app;
    the index must follow a deletion all the same)."""
    for table in reversed(db.metadata.sorted_tables):
        for fk in table.foreign_keys:
            if fk.column.table.name == "hazards" and table.name != "hazards":
                db.session.execute(table.delete().where(fk.parent == hazard_id))
    db.session.execute(text("DELETE FROM hazards WHERE id = :id"), {"id": hazard_id})


def _index_used(app):
    return app.config["DATABASE_KIND"] == "sqlite"


def test_the_index_and_its_triggers_exist_on_sqlite_at_head(app):
    names = set(db.session.scalars(text("SELECT name FROM sqlite_master")).all()) \
        if _index_used(app) else set()
    if _index_used(app):
        assert {search.TABLE, *search.TRIGGERS} <= names
        assert search.available()
    else:
        assert not search.available()
        assert search.matches("安全阀") is None


@pytest.mark.parametrize("few", [search.FEW, 1])  # the ids as a list, or as a subquery (many matches)
def test_search_finds_exactly_what_the_like_scan_finds(app, park, monkeypatch, few):
    monkeypatch.setattr(search, "FEW", few)
    _file_all(park)
    for user in (park.admin, park.user_a):
        for q in QUERIES:
            for sort in ("-found_on", "code", "deadline"):
                assert _ids(user, q, sort) == _like_ids(user, q, monkeypatch, sort), (q, sort)
    assert len(_ids(park.admin, "安全阀")) == 2
    assert len(_ids(park.admin, "valve")) == 2  # ASCII case is ignored, as LIKE does
    assert len(_ids(park.admin, "100%")) == 1  # % is a character, not a wildcard


def test_the_index_narrows_long_texts_and_short_ones_keep_the_like(app):
    if not _index_used(app):
        pytest.skip("PostgreSQL keeps ILIKE with its trigram GIN index")
    assert search.matches("安全阀") is not None
    assert search.matches("安全") is None  # two characters: no trigram
    assert search.phrase('a"b') == '"a""b"'


def test_changed_and_deleted_hazards_are_found_by_their_new_text_only(app, park, monkeypatch):
    hazards = _file_all(park)
    first, second, third = hazards[0], hazards[1], hazards[2]
    first.title = "压力表未检定"
    second.location = "新建罐区"
    db.session.commit()
    db.session.execute(text("UPDATE hazards SET code = 'ZZ-CHANGED-1' WHERE id = :id"), {"id": third.id})
    gone = hazards[3].id
    _delete_hazard(gone)
    db.session.commit()
    for q in ("安全阀", "压力表", "未检定", "新建罐区", "罐区", "ZZ-CHANGED", "changed-1", "Valve DN50", "leaking",
              *QUERIES):
        assert _ids(park.admin, q) == _like_ids(park.admin, q, monkeypatch), q
    assert first.id not in _ids(park.admin, "安全阀超期")
    assert _ids(park.admin, "压力表未检定") == [first.id]
    assert _ids(park.admin, "ZZ-CHANGED") == [third.id]
    assert gone not in _ids(park.admin, "DN50")
    if _index_used(app):
        # The index itself answers with the new texts.
        assert search.matches("压力表未检定").ids == [first.id]
        assert search.matches("ZZ-changed").ids == [third.id]
        assert gone not in search.matches("DN50").ids


def test_the_ledger_page_and_the_api_search_through_the_index(app, park, client):
    from tests.conftest import login

    _file_all(park)
    login(client, park.admin)
    page = client.get("/ledgers/hazards?q=%E5%AE%89%E5%85%A8%E9%98%80")  # 安全阀
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "安全阀超期未校验" in body and "储罐区安全阀铅封缺失" in body and "可燃气体报警器失效" not in body
    codes = {h.code for h in db.session.scalars(select(Hazard).where(Hazard.title.like("%安全阀%")))}
    assert all(code in body for code in codes)
