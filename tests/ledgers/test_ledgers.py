"""The two ledgers: filters (in the URL), sorting, pagination, counts, visibility, bounded queries."""
import re
from datetime import date

from safety_app.dashboard import clear_cache
from safety_app.models import Hazard, Measure

from .conftest import backlog_sql, count_queries, overdue_sql, sql_count

TODAY = date(2026, 11, 20)


def total(page):
    return int(re.search(r'data-total="(\d+)"', page).group(1))


def rows(page, what="hazard"):
    return [int(i) for i in re.findall(rf'<tr data-{what}="(\d+)"', page)]


def ledger(client, query=""):
    response = client.get(f"/ledgers/hazards{query}")
    return response.status_code, response.get_data(as_text=True)


def test_hazard_ledger_lists_every_hazard_fifty_per_page(as_user, client):
    as_user("admin")
    status, page = ledger(client, "?all=1")  # the ledger opens on the open hazards; all=1: every one
    assert status == 200 and total(page) == 300 and len(rows(page)) == 50
    _, last = ledger(client, "?all=1&page=6")
    assert len(rows(last)) == 50 and not set(rows(page)) & set(rows(last))


def test_each_filter_narrows_like_the_sql(as_user, client, seeded):
    as_user("admin")
    inspector = seeded["inspector"].id
    cases = {
        "?enterprise=2": sql_count("enterprise_id = 2"),
        "?status=open&status=submitted": sql_count("status IN ('open', 'submitted')"),
        "?status=active": sql_count("status NOT IN ('closed', 'withdrawn')"),
        "?level=major": sql_count("level = 'major'"),
        "?category=fire": sql_count("category = 'fire'"),
        "?overdue=1": sql_count(overdue_sql(":t"), t=TODAY),
        "?overdue=0": sql_count(f"NOT {overdue_sql(':t')}", t=TODAY),
        "?backlog=1": sql_count(backlog_sql(":t"), t=TODAY),
        "?backlog=0": sql_count(f"NOT {backlog_sql(':t')}", t=TODAY),
        f"?inspector={inspector}": sql_count(f"found_by_id = {inspector}"),
        "?found_from=2026-10-01&found_to=2026-10-31": sql_count("found_on BETWEEN '2026-10-01' AND '2026-10-31'"),
        "?deadline_from=2026-11-01": sql_count("deadline >= '2026-11-01'"),
        "?closed_to=2026-06-30": sql_count("closed_on <= '2026-06-30'"),
        "?q=罐区": sql_count("title LIKE '%罐区%' OR location LIKE '%罐区%' OR code LIKE '%罐区%'"),
        "?q=YH-2026-00001": sql_count("code LIKE '%YH-2026-00001%'"),
        "?level=major&overdue=1&enterprise=1": sql_count(
            f"level='major' AND {overdue_sql(':t')} AND enterprise_id=1", t=TODAY),
    }
    for query, want in cases.items():
        status, page = ledger(client, query)
        assert status == 200, query
        assert total(page) == want, query


def test_text_search_treats_percent_and_underscore_literally(as_user, client):
    as_user("admin")
    assert total(ledger(client, "?q=%25")[1]) == 0
    assert total(ledger(client, "?q=_")[1]) == 0


def test_filters_stay_in_the_pagination_and_export_links(as_user, client):
    as_user("admin")
    _, page = ledger(client, "?status=active&status=closed&level=general")
    next_link = re.search(r'rel="next" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert "status=active" in next_link and "level=general" in next_link and "page=2" in next_link
    export = re.search(r'href="(/ledgers/hazards/export.csv[^"]*)"', page).group(1).replace("&amp;", "&")
    assert "status=active" in export and "level=general" in export


def test_sorting_by_deadline_in_both_directions(as_user, client):
    as_user("admin")
    for sort, reverse in (("deadline", False), ("-deadline", True)):
        _, page = ledger(client, f"?sort={sort}&per_page=200")
        ids = rows(page)
        deadlines = [Hazard.query.get(i).deadline for i in ids]
        assert deadlines == sorted(deadlines, reverse=reverse)


def test_bad_filter_values_are_explained_beside_the_field(as_user, client):
    as_user("admin")
    status, page = ledger(client, "?found_from=yesterday&level=huge")
    assert status == 400
    assert "YYYY-MM-DD" in page or "年-月-日" in page or "日期" in page
    assert total(page) == 300  # the bad filters are ignored, not guessed


def test_enterprise_user_ledger_shows_only_their_enterprise(as_user, client, seeded):
    as_user("enterprise1")
    own = seeded["enterprise1"].enterprise_id
    _, page = ledger(client, "?all=1&per_page=200")
    assert total(page) == sql_count(f"enterprise_id = {own}")
    assert all(Hazard.query.get(i).enterprise_id == own for i in rows(page))
    other = 2 if own != 2 else 1
    _, foreign = ledger(client, f"?enterprise={other}")
    assert total(foreign) == 0


def test_measures_ledger_filters_by_hazard_and_done(as_user, client, seeded):
    as_user("admin")
    page = client.get("/ledgers/measures?done=0&status=rectifying").get_data(as_text=True)
    want = Measure.query.join(Hazard).filter(Measure.done_on.is_(None), Hazard.status == "rectifying").count()
    assert total(page) == want > 0
    all_page = client.get("/ledgers/measures").get_data(as_text=True)
    assert total(all_page) == Measure.query.count()


def test_enterprise_user_measures_ledger_is_their_own(as_user, client, seeded):
    as_user("enterprise1")
    own = seeded["enterprise1"].enterprise_id
    page = client.get("/ledgers/measures?per_page=200").get_data(as_text=True)
    want = Measure.query.join(Hazard).filter(Hazard.enterprise_id == own).count()
    assert total(page) == want
    assert all(Measure.query.get(i).hazard.enterprise_id == own for i in rows(page, "measure"))


def test_list_pages_run_the_same_number_of_queries_whatever_the_page_size(as_user, client):
    as_user("admin")
    for url in ("/ledgers/hazards", "/ledgers/measures"):
        client.get(f"{url}?all=1&per_page=5")  # warm up (session user, settings)
        clear_cache()  # pages and totals are kept per data version: count a page made afresh
        with count_queries() as small:
            client.get(f"{url}?all=1&per_page=5")
        clear_cache()
        with count_queries() as big:
            client.get(f"{url}?all=1&per_page=200")
        assert len(big) == len(small) <= 8, url


def test_anonymous_visitors_are_sent_to_login(client, seeded):
    assert client.get("/ledgers/hazards").status_code == 302
    assert client.get("/dashboard").status_code == 302
