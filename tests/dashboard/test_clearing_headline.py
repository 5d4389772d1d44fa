"""The park dashboard's "已清零 X / N 家" headline (figures.definitions: cleared to zero, 尚未检查)
and the enterprise table that keeps the enterprises at zero, marked."""
import re

from safety_app import dashboard
from safety_app.figures import aggregates
from tests.conftest import login

from .conftest import DAY


def headline(page):
    x = re.search(r'data-figure="headline-cleared">(\d+)<', page)
    n = re.search(r'data-figure="headline-inspected">(\d+)<', page)
    assert x and n, "headline missing"
    return int(x.group(1)), int(n.group(1))


def test_the_headline_numbers_are_the_definitions(client, park, small_park):
    zero = aggregates.clearing(DAY)
    assert [name for _id, name in zero.cleared] == [park.a.name]
    assert {name for _id, name in zero.not_inspected} == {small_park["d"].name}
    inspected = len(zero.cleared) + len(zero.not_cleared) + len(zero.inspected_no_hazard)
    assert inspected == 3  # A (cleared), B (open hazards), C (inspected, nothing found); D not yet inspected

    login(client, park.admin)
    page = client.get("/dashboard").get_data(as_text=True)
    assert headline(page) == (len(zero.cleared), inspected) == (1, 3)
    assert "已清零" in page and "1</strong> / <strong" in page
    figures = dashboard.figures(park.admin, DAY)
    assert (figures.cleared, figures.inspected, figures.not_inspected) == (1, 3, 1)


def test_an_enterprise_at_zero_stays_in_the_table_marked_cleared(client, park, small_park):
    login(client, park.inspector)
    page = client.get("/dashboard").get_data(as_text=True)
    rows = dict(re.findall(r'<tr data-enterprise="(\d+)"([^>]*)>', page))
    assert str(park.a.id) in rows and 'data-cleared="1"' in rows[str(park.a.id)]
    assert str(park.b.id) in rows and "data-cleared" not in rows[str(park.b.id)]
    # C (nothing found) and D (never inspected) are not "cleared": not in the table.
    assert str(small_park["c"].id) not in rows and str(small_park["d"].id) not in rows
    a_row = page.split(f'<tr data-enterprise="{park.a.id}"')[1].split("</tr>")[0]
    assert park.a.name in a_row and "已清零" in a_row
    # Sorted by overdue / open, the enterprise at zero comes last.
    assert list(rows) == [str(park.b.id), str(park.a.id)]


def test_the_headline_links_to_the_list_of_enterprises_cleared_to_zero(client, park, small_park):
    login(client, park.admin)
    page = client.get("/dashboard").get_data(as_text=True)
    href = re.search(r'data-headline="cleared">\s*<a href="([^"]+)"', page).group(1).replace("&amp;", "&")
    listed = client.get(href.split("#")[0]).get_data(as_text=True)
    assert re.findall(r'<tr data-enterprise="(\d+)"', listed) == [str(park.a.id)]


def test_the_api_keeps_listing_only_enterprises_with_open_hazards(park, small_park):
    data = dashboard.figures(park.admin, DAY).as_dict()
    assert [row["id"] for row in data["enterprises"]] == [park.b.id]
    assert "cleared_enterprises" not in data and data["inspected"] == 3


def test_an_enterprise_user_sees_no_park_headline(client, park, small_park):
    login(client, park.user_a)
    page = client.get("/dashboard").get_data(as_text=True)
    assert 'data-headline="cleared"' not in page
    assert re.findall(r'<tr data-enterprise="(\d+)"', page) == [str(park.a.id)]
    assert park.b.name not in page
