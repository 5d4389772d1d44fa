"""Listed supervision (挂牌督办) as a ledger filter, a dashboard figure and in the API."""
import pytest
from werkzeug.datastructures import MultiDict

from safety_app import clock, dashboard, queries
from tests.api.conftest import issue_token
from tests.conftest import login
from tests.loop.conftest import Driver
from tests.loop.test_major_regime import major_in


@pytest.fixture
def drive(park):
    return Driver(park)


@pytest.fixture
def listed(park, drive):
    """One hazard listed now, one listed and lifted, one major not listed, one general."""
    current = major_in(park, drive, "rectifying", listed=True)
    lifted = major_in(park, drive, "closed", listed=True)
    drive.apply(lifted, "lift_supervision", park.admin, lifted_on=clock.today(), lift_document_no="摘〔2026〕1号")
    return {"current": current, "lifted": lifted, "major": major_in(park, drive, "open"), "general": park.hazard()}


def _codes(user, **args):
    filters = queries.parse_filters(MultiDict(args))
    assert not filters.errors
    return {h.code for h in queries.hazard_page(user, filters).items}


def test_ledger_filter_lists_only_hazards_under_listed_supervision_now(park, listed):
    assert _codes(park.admin, supervised="1") == {listed["current"].code}


def test_ledger_filter_not_supervised_lists_the_others(park, listed):
    assert _codes(park.admin, supervised="0") == {h.code for k, h in listed.items() if k != "current"}


def test_ledger_filter_refuses_a_bad_value_in_chinese(app, park):
    filters = queries.parse_filters(MultiDict({"supervised": "maybe"}))
    assert "supervised" in filters.errors


def test_dashboard_figure_counts_the_listed_hazards_and_links_to_the_filter(park, listed):
    figures = dashboard.figures(park.admin)
    assert figures.supervised == 1
    assert figures.links()["supervised"] == queries.Filters(supervised=True)
    assert _codes(park.admin, **figures.links()["supervised"].to_args()) == {listed["current"].code}


def test_dashboard_figure_of_another_enterprise_does_not_count_them(park, listed):
    assert dashboard.figures(park.user_b).supervised == 0
    assert dashboard.figures(park.user_a).supervised == 1


def test_dashboard_page_shows_the_figure(client, park, listed):
    login(client, park.admin)
    page = client.get("/dashboard").get_data(as_text=True)
    assert 'data-figure="supervised">1<' in page and "supervised=1" in page


def test_api_hazard_shows_its_supervision_and_suspensions(client, park, drive):
    hazard = major_in(park, drive, "open", listed=True, suspended=True)
    token = issue_token(client, park.user_a)
    data = client.get(f"/api/v1/hazards/{hazard.id}", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert data["supervision"]["document_no"] == "津滨应急督〔2026〕3号" and data["supervision"]["current"]
    assert [(s["kind"], s["area"], s["ends_on"]) for s in data["suspensions"]] == [("partial", "二号罐区", None)]


def test_api_admin_lists_a_hazard_through_the_transition(client, park, drive):
    hazard = major_in(park, drive, "open")
    token = issue_token(client, park.admin)
    today = clock.today()
    response = client.post(f"/api/v1/hazards/{hazard.id}/transitions", headers={"Authorization": f"Bearer {token}"},
                           json={"action": "list_supervision", "version": hazard.version, "authority": "天津市应急管理局",
                                 "supervision_level": "city", "document_no": "津应急督〔2026〕9号",
                                 "listed_on": today.isoformat(),
                                 "required_by": today.isoformat()})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["supervision"]["level"] == "city"
