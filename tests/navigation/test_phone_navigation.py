"""The phone shell: a bottom bar with the role's most used sections and "更多" (a <details>, no
JavaScript) that together reach every section of the role's menu; each section answers 200."""
import re

import pytest

from tests.conftest import login


def _part(page, marker):
    return page.split(f'data-menu="{marker}"', 1)[1].split("</nav>", 1)[0]


def menus(page):
    """(the role's menu, the bottom bar's sections, the sections under 更多) as lists of paths."""
    top = re.findall(r'<a href="([^"]+)"', _part(page, "top"))
    bottom = _part(page, "bottom")
    bar, more = bottom.split('data-menu="more"', 1)
    sections_in_more = more.split('class="more-account"', 1)[0]
    return top, re.findall(r'<a href="([^"]+)"', bar), re.findall(r'<a href="([^"]+)"', sections_in_more)


ROLES = {
    "admin": ["/dashboard", "/ledgers/hazards", "/hazards/queue", "/enterprises/"],
    "inspector": ["/dashboard", "/inspections/", "/hazards/queue", "/ledgers/hazards"],
    "user_a": ["/portal/", "/dashboard", "/ledgers/hazards", "/installations/my-duties"],
}


@pytest.mark.parametrize("who", sorted(ROLES))
def test_every_section_of_the_role_is_reachable_from_the_bottom_bar_or_more(client, park, who):
    login(client, getattr(park, who))
    page = client.get("/dashboard").get_data(as_text=True)
    top, bar, more = menus(page)
    assert len(top) >= 8, top
    assert bar == ROLES[who]  # the four most used, in this order
    assert set(bar) | set(more) == set(top) and not set(bar) & set(more)
    assert re.search(r'<details class="more[^"]*" data-menu="more">\s*<summary[^>]*>.*?更多', page, re.S)
    for path in top:
        response = client.get(path, follow_redirects=True)
        assert response.status_code == 200, (who, path)


def test_admin_reaches_the_admin_sections_only_through_more(client, park):
    login(client, park.admin)
    _top, bar, more = menus(client.get("/dashboard").get_data(as_text=True))
    for path in ("/admin/users", "/admin/settings", "/admin/jobs", "/admin/criteria", "/reports/"):
        assert path in more and path not in bar


def test_an_enterprise_user_is_offered_no_staff_section(client, park):
    login(client, park.user_a)
    top, bar, more = menus(client.get("/portal/").get_data(as_text=True))
    for path in ("/inspections/", "/hazards/queue", "/admin/users", "/plans/", "/campaigns/"):
        assert path not in top + bar + more


def test_the_current_section_is_marked_in_the_bar_and_under_more(client, park):
    login(client, park.inspector)
    page = client.get("/hazards/queue").get_data(as_text=True)
    bottom = _part(page, "bottom")
    assert re.search(r'href="/hazards/queue" class="bottom-item" aria-current="page"', bottom)
    assert 'class="more" data-menu="more"' in bottom  # 更多 not marked
    page = client.get("/reports/").get_data(as_text=True)
    bottom = _part(page, "bottom")
    assert 'class="more has-current"' in bottom
    assert re.search(r'href="/reports/" aria-current="page"', bottom)
    assert "aria-current" not in bottom.split('data-menu="more"')[0]
    # A page inside a section (an inspection's blueprint) marks its section.
    page = client.get("/inspections/new").get_data(as_text=True)
    assert re.search(r'href="/inspections/" class="bottom-item" aria-current="page"', _part(page, "bottom"))


def test_more_holds_the_account_links_hidden_from_the_phone_header(client, park):
    login(client, park.user_a)
    page = client.get("/portal/").get_data(as_text=True)
    account = _part(page, "bottom").split('class="more-account"', 1)[1]
    for path in ("/password", "/account/devices"):
        assert f'href="{path}' in account
    # The language switch stays in the header (one tap on a phone too).
    assert re.search(r'<div class="lang">\s*<a href="/lang/en', page)
    assert re.search(r'<form method="post" action="/logout">\s*<input type="hidden" name="csrf_token"', account)


def test_logged_out_pages_have_no_bottom_bar(client, app):
    page = client.get("/login").get_data(as_text=True)
    assert 'data-menu="bottom"' not in page
