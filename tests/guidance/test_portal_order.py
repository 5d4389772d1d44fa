"""The portal lists what the enterprise must do first (open, rectifying — also after a
rejection), then what waits on the office (submitted, verified); new tasks are marked."""
from datetime import timedelta

from safety_app import clock


def _order(page, ids):
    return sorted(ids, key=lambda i: page.index(f'href="/hazards/{i}"'))


def test_enterprise_turn_first_then_the_office(client, park, drive, login_as):
    # The office's items have the nearest deadlines: the old order put them on top.
    submitted = drive.hazard_in("submitted")
    verified = drive.hazard_in("verified")
    rejected = drive.hazard_in("submitted")
    drive.apply(rejected, "reject", park.inspector, reason="未整改到位")
    rectifying = drive.hazard_in("rectifying")
    new = park.hazard(title="新下达的隐患", deadline=clock.today() + timedelta(days=30))
    login_as(park.user_a)
    page = client.get("/portal/").get_data(as_text=True)
    assert page.index('data-turn="enterprise"') < page.index('data-turn="office"')
    enterprise_part = page[page.index('data-turn="enterprise"'):page.index('data-turn="office"')]
    office_part = page[page.index('data-turn="office"'):]
    for h in (rejected, rectifying, new):
        assert f'href="/hazards/{h.id}"' in enterprise_part
    for h in (submitted, verified):
        assert f'href="/hazards/{h.id}"' in office_part and f'href="/hazards/{h.id}"' not in enterprise_part


def test_new_tasks_are_marked(client, park, drive, login_as):
    new = park.hazard(title="新下达的隐患")
    seen = drive.hazard_in("rectifying")
    login_as(park.user_a)
    page = client.get("/portal/").get_data(as_text=True)
    card = lambda h: page[page.index(f'href="/hazards/{h.id}"'):].split("</li>")[0]  # noqa: E731
    assert 'data-new="yes"' in card(new)
    assert 'data-new="yes"' not in card(seen)


def test_closed_ones_come_last_when_shown(client, park, drive, login_as):
    closed = drive.hazard_in("closed")
    open_one = park.hazard()
    login_as(park.user_a)
    page = client.get("/portal/?show=all").get_data(as_text=True)
    tail = page[page.index('id="assigned"'):]
    assert tail.index(f'href="/hazards/{open_one.id}"') < tail.index('data-turn="closed"') < tail.index(
        f'href="/hazards/{closed.id}"')
