"""The hazard and enterprise pages for listed supervision and suspension: forms only for who
may use them, the state shown at the top, refusals in Chinese writing nothing."""
import re
from datetime import timedelta

from sqlalchemy import func, select

from safety_app import clock
from safety_app.extensions import db
from safety_app.models import Supervision, Suspension

from .test_major_regime import listing, major_in, suspension


def _buttons(page):
    return set(re.findall(r'/actions/([a-z_]+)"', page))


def _form(action, hazard, **fields):
    data = {f"{action}-version": hazard.version}
    for name, value in fields.items():
        data[f"{action}-{name}"] = value.isoformat() if hasattr(value, "isoformat") else ("" if value is None else value)
    return data


def test_admin_lists_a_major_hazard_from_its_page_and_the_page_shows_it_at_the_top(client, park, drive, login_as):
    hazard = major_in(park, drive, "rectifying")
    login_as(park.admin)
    response = client.post(f"/hazards/{hazard.id}/actions/list_supervision",
                           data=_form("list_supervision", hazard, **listing()))
    assert response.status_code == 302
    page = client.get(f"/hazards/{hazard.id}").get_data(as_text=True)
    banner = page.split('data-regime="supervision"')[1].split("</div>")[0]
    assert "区级" in banner and "津滨应急督〔2026〕3号" in banner
    assert page.index('data-regime="supervision"') < page.index('id="actions"')


def test_inspector_may_record_a_suspension_but_not_list_the_hazard(client, park, drive, login_as):
    hazard = major_in(park, drive, "open")
    login_as(park.inspector)
    buttons = _buttons(client.get(f"/hazards/{hazard.id}").get_data(as_text=True))
    assert "record_suspension" in buttons and "list_supervision" not in buttons


def test_enterprise_sees_the_listing_and_suspension_but_no_form(client, park, drive, login_as):
    hazard = major_in(park, drive, "open", listed=True, suspended=True)
    login_as(park.user_a)
    page = client.get(f"/hazards/{hazard.id}").get_data(as_text=True)
    assert 'data-regime="supervision"' in page and 'data-regime="suspension"' in page
    assert not _buttons(page) & {"list_supervision", "lift_supervision", "record_suspension", "end_suspension"}


def test_enterprise_user_cannot_list_its_own_hazard(client, park, drive, login_as):
    hazard = major_in(park, drive, "open")
    login_as(park.user_a)
    response = client.post(f"/hazards/{hazard.id}/actions/list_supervision",
                           data=_form("list_supervision", hazard, **listing()))
    assert response.status_code == 403
    assert db.session.scalar(select(func.count(Supervision.id))) == 0


def test_enterprise_user_cannot_reach_another_enterprises_hazard_to_suspend_it(client, park, drive, login_as):
    hazard = major_in(park, drive, "open")
    login_as(park.user_b)
    response = client.post(f"/hazards/{hazard.id}/actions/record_suspension",
                           data=_form("record_suspension", hazard, **suspension()))
    assert response.status_code == 404
    assert db.session.scalar(select(func.count(Suspension.id))) == 0


def test_a_listing_due_before_it_was_listed_is_refused_in_chinese_beside_the_field(client, park, drive, login_as):
    hazard = major_in(park, drive, "open")
    login_as(park.admin)
    response = client.post(f"/hazards/{hazard.id}/actions/list_supervision", data=_form(
        "list_supervision", hazard, **listing(required_by=clock.today() - timedelta(days=1))))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "要求完成日期不能早于挂牌日期" in page and "Traceback" not in page
    assert db.session.scalar(select(func.count(Supervision.id))) == 0


def test_ending_a_suspension_offers_only_the_open_ones_and_records_the_end(client, park, drive, login_as):
    hazard = major_in(park, drive, "open", suspended=True)
    drive.apply(hazard, "record_suspension", park.inspector, **suspension(area="已结束的装置",
                                                                          ends_on=clock.today()))
    login_as(park.inspector)
    page = client.get(f"/hazards/{hazard.id}").get_data(as_text=True)
    select_box = page.split('name="end_suspension-suspension_id"')[1].split("</select>")[0]
    assert "二号罐区" in select_box and "已结束的装置" not in select_box
    open_one = hazard.suspensions[0]
    response = client.post(f"/hazards/{hazard.id}/actions/end_suspension", data=_form(
        "end_suspension", hazard, suspension_id=open_one.id, ends_on=clock.today()))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Suspension, open_one.id).ends_on == clock.today()


def test_enterprise_page_shows_the_suspensions_in_force_at_the_top(client, park, drive, login_as):
    hazard = major_in(park, drive, "rectifying", suspended=True)
    login_as(park.user_a)
    page = client.get(f"/enterprises/{park.a.id}").get_data(as_text=True)
    assert 'data-regime="suspension"' in page and hazard.code in page
    assert page.index('data-regime="suspension"') < page.index("<h1>")


def test_an_ended_suspension_is_no_longer_shown_at_the_top(client, park, drive, login_as):
    hazard = major_in(park, drive, "open")
    drive.apply(hazard, "record_suspension", park.inspector, **suspension(
        starts_on=clock.today() - timedelta(days=5), ends_on=clock.today() - timedelta(days=1)))
    login_as(park.user_a)
    assert 'data-regime="suspension"' not in client.get(f"/enterprises/{park.a.id}").get_data(as_text=True)
    assert 'data-regime="suspension"' not in client.get(f"/hazards/{hazard.id}").get_data(as_text=True)
