"""The park dashboard's enterprise table shows the first rows of its sort (the worst by default) and
"显示全部 (N)", which lists every enterprise in the same sort."""
import re

from safety_app.web.dashboard.routes import ENTERPRISE_ROWS
from tests.conftest import login

from ..plans.conftest import add_enterprises


def rows(page):
    return re.findall(r'<tr data-enterprise="(\d+)"', page)


def test_the_table_shows_the_worst_first_and_a_link_to_every_enterprise(client, park):
    extra = add_enterprises(ENTERPRISE_ROWS + 3)
    for n, enterprise in enumerate(extra):
        for _ in range(n % 3 + 1):
            park.hazard(enterprise)
    worst = extra[-1]
    for _ in range(5):
        park.hazard(worst)
    login(client, park.inspector)
    page = client.get("/dashboard?sort=-open").get_data(as_text=True)
    shown = rows(page)
    assert len(shown) == ENTERPRISE_ROWS and shown[0] == str(worst.id)
    assert f"显示全部 ({len(extra)})" in page
    link = re.search(r'data-show-all="enterprises" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert "all=1" in link and "sort=-open" in link
    everything = client.get(link).get_data(as_text=True)
    assert len(rows(everything)) == len(extra) and rows(everything)[:ENTERPRISE_ROWS] == shown
    assert "data-show-all" not in everything
    assert "all=1" in re.search(r'<a href="([^"]+)"[^>]*class="sort', everything).group(1)  # sorting keeps every row


def test_a_short_table_has_no_show_all_link(client, park):
    park.hazard()
    login(client, park.inspector)
    page = client.get("/dashboard").get_data(as_text=True)
    assert rows(page) == [str(park.a.id)] and "data-show-all" not in page
