"""The hazard ledger opens on the hazards not yet closed out (未销号); quick filters sit above
the filter panel (未销号 / 逾期 / 重大 / 待复查 / 今日到期) and active filters are removable chips."""
import html
import re
from datetime import timedelta

from safety_app import clock


def _rows(page):
    return {int(i) for i in re.findall(r'<tr data-hazard="(\d+)"', page)}


def _quick(page):
    return {k: (on == "true", html.unescape(url)) for url, k, on in re.findall(
        r'<a class="btn quick[^"]*" href="([^"]*)" data-quick="([a-z_]+)" aria-pressed="(true|false)"', page)}


def _chips(page):
    return [html.unescape(url) for url in re.findall(r'<a class="chip" href="([^"]*)" data-chip', page)]


def test_ledger_opens_on_open_hazards_and_shows_all_on_request(client, park, drive, login_as):
    open_one = park.hazard()
    closed = drive.hazard_in("closed")
    login_as(park.admin)
    page = client.get("/ledgers/hazards").get_data(as_text=True)
    assert open_one.id in _rows(page) and closed.id not in _rows(page)
    assert _quick(page)["open"][0] is True
    assert len(_chips(page)) == 1
    # removing the 未销号 chip shows every hazard (and does not fall back to the default)
    page = client.get(_chips(page)[0]).get_data(as_text=True)
    assert {open_one.id, closed.id} <= _rows(page)
    assert _chips(page) == [] and _quick(page)["open"][0] is False


def test_quick_filters_narrow_and_toggle(client, park, drive, login_as):
    today = clock.today()
    due_today = park.hazard(title="今日到期的隐患", deadline=today)
    major = park.hazard(major=True, title="重大隐患")
    submitted = drive.hazard_in("submitted")
    later = park.hazard(deadline=today + timedelta(days=20))
    login_as(park.admin)
    start = client.get("/ledgers/hazards").get_data(as_text=True)
    expected = {"due_today": {due_today.id}, "major": {major.id}, "submitted": {submitted.id}}
    for key, ids in expected.items():
        on, url = _quick(start)[key]
        assert not on
        page = client.get(url).get_data(as_text=True)
        rows = _rows(page)
        assert ids <= rows and later.id not in rows, key
        assert _quick(page)[key][0] is True
        assert len(_chips(page)) == (1 if key == "submitted" else 2)  # 未销号 (replaced by 待复查) + this one
        back = client.get(_quick(page)[key][1]).get_data(as_text=True)  # pressed again: off
        assert _quick(back)[key][0] is False and later.id in _rows(back)


def test_overdue_quick_filter_and_its_chip(client, park, login_as):
    late = park.hazard(found_on=clock.today() - timedelta(days=20), deadline=clock.today() - timedelta(days=2))
    fine = park.hazard()
    login_as(park.admin)
    page = client.get(_quick(client.get("/ledgers/hazards").get_data(as_text=True))["overdue"][1]).get_data(
        as_text=True)
    assert _rows(page) == {late.id}
    assert "逾期: 是" in page  # the chip says what it filters
    overdue_chip = next(u for u in _chips(page) if "overdue" not in u)
    assert fine.id in _rows(client.get(overdue_chip).get_data(as_text=True))


def test_the_enterprise_ledger_has_them_too(client, park, login_as):
    park.hazard()
    park.hazard(enterprise=park.b, title="乙企业的隐患")
    login_as(park.user_a)
    page = client.get("/ledgers/hazards").get_data(as_text=True)
    assert len(_rows(page)) == 1 and "data-quick=\"open\"" in page
