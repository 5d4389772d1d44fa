"""A phone user does not scroll ninety cards: each group of "my tasks" shows its first cards and a
"显示全部 (N)" link; the whole group is paged there, every task reachable once, in the portal's
order, and every count is of all the tasks, not of the cards shown."""
import re
from datetime import timedelta

from safety_app import clock
from safety_app.extensions import db


def sizes():
    """(cards per group on the first view, cards per page of one group)."""
    from safety_app.web.portal.routes import PAGE_SIZE, PER_GROUP

    return PER_GROUP, PAGE_SIZE


CARD = re.compile(r'<li class="[^"]*">\s*<a class="row-link" href="/hazards/(\d+)"')


def cards(page, section):
    """The hazard ids of the cards of one section, in order."""
    start = page.index(f'id="{section}"')
    end = page.find("</section>", start)
    return [int(i) for i in CARD.findall(page[start:end])]


def group_pages(client, group, **args):
    """Every card of ``group`` over its pages, following the "next" links."""
    ids, url, pages = [], f"/portal/?group={group}", 0
    for key, value in args.items():
        url += f"&{key}={value}"
    while url:
        page = client.get(url.replace("&amp;", "&")).get_data(as_text=True)
        ids += cards(page, "assigned" if group == "mine" else f"turn-{group}")
        pages += 1
        found = re.search(r'rel="next" href="([^"]+)"', page)
        url = found.group(1) if found else None
    return ids, pages


def test_each_group_shows_its_first_cards_and_a_link_to_all_of_them(client, park, drive, login_as):
    per_group, page_size = sizes()
    today = clock.today()
    # 35 tasks on the enterprise's side, the first 5 overdue; 2 waiting on the office.
    waiting = [park.hazard(title=f"待整改隐患{i}", deadline=today + timedelta(days=i + 1)) for i in range(35)]
    for h in waiting[:5]:
        h.deadline = today - timedelta(days=5 - waiting.index(h))
    office = [drive.hazard_in("submitted") for _ in range(2)]
    db.session.commit()
    login_as(park.user_a)
    page = client.get("/portal/").get_data(as_text=True)

    shown = cards(page, "turn-enterprise")
    assert len(shown) == per_group
    assert shown == [h.id for h in waiting[:per_group]]  # the overdue ones first, then by deadline
    assert re.search(r'data-turn="enterprise">\s*<h2>[^<]*<small class="muted">\(35\)', page)
    assert "共 37 项任务" in page and "逾期 5 项" in page
    assert '显示全部 (35)' in page and 'href="/portal/?group=enterprise"' in page
    # A short group has no link: everything is on the first view.
    assert sorted(cards(page, "turn-office")) == sorted(h.id for h in office)
    assert 'href="/portal/?group=office"' not in page

    ids, pages = group_pages(client, "enterprise")
    assert ids == [h.id for h in waiting] and pages == 2
    second = client.get("/portal/?group=enterprise&page=2").get_data(as_text=True)
    assert len(cards(second, "turn-enterprise")) == 35 - page_size
    assert 'id="turn-office"' not in second and 'id="assigned"' not in second
    assert "第 2 页，共 2 页" in second and 'href="/portal/"' in second  # back to every group
    # A page past the end shows the last one; nonsense is the first.
    assert cards(client.get("/portal/?group=enterprise&page=9").get_data(as_text=True), "turn-enterprise") == \
        cards(second, "turn-enterprise")
    assert cards(client.get("/portal/?group=enterprise&page=x").get_data(as_text=True), "turn-enterprise") == \
        [h.id for h in waiting[:page_size]]


def test_assigned_to_me_and_the_closed_ones_are_paged_the_same_way(client, park, drive, login_as):
    per_group, _page_size = sizes()
    mine = [park.hazard(title=f"指派给我{i}", deadline=clock.today() + timedelta(days=i + 1)) for i in range(12)]
    for h in mine:
        h.responsible_user_id = park.user_a.id
    closed = [drive.hazard_in("closed") for _ in range(per_group + 1)]
    db.session.commit()
    login_as(park.user_a)
    page = client.get("/portal/").get_data(as_text=True)
    assert cards(page, "assigned") == [h.id for h in mine[:per_group]]
    assert re.search(r'我[^<]*<small class="muted">\(12\)', page) and "显示全部 (12)" in page
    assert group_pages(client, "mine") == ([h.id for h in mine], 1)
    # The filters stay on the links: closed ones shown, only mine.
    everything = client.get("/portal/?show=all").get_data(as_text=True)
    assert f"显示全部 ({len(closed)})" in everything
    assert 'href="/portal/?group=closed&amp;show=all"' in everything
    ids, _pages = group_pages(client, "closed", show="all")
    assert sorted(ids) == sorted(h.id for h in closed)
    only_mine = client.get("/portal/?mine=1").get_data(as_text=True)
    assert "共 12 项任务" in only_mine and 'href="/portal/?group=enterprise&amp;mine=1"' in only_mine


def test_each_card_says_its_own_next_step(client, park, drive, login_as):
    # Many cards, several hints: each hint is translated once per page and belongs to its card.
    expected = {}
    for i in range(4):
        expected[park.hazard(title=f"新隐患{i}").id] = "确认整改"
        expected[drive.hazard_in("rectifying").id] = "填写整改措施"
        expected[drive.hazard_in("submitted").id] = "等待复查"
        expected[drive.hazard_in("verified").id] = "等待应急办销号"
    login_as(park.user_a)
    page = client.get("/portal/").get_data(as_text=True)
    said = {int(i): step for i, step in re.findall(
        r'href="/hazards/(\d+)">(?:(?!</li>).)*?next-step">&#10148; ([^<]*)<', page, flags=re.S)}
    assert said == expected
