"""Numbers in URLs beyond what the database holds: ids answer 404 (like a missing id), page
numbers 400, never a 500 (SQLite overflows at 64 bits, PostgreSQL's integer at 32)."""
import re

import pytest
from flask import current_app

from safety_app.queries import MAX_ID, MAX_PAGE, page_number
from tests.conftest import login

TWENTY_DIGITS = "9" * 20
PAGED_LISTS = ("/admin/users", "/enterprises/", "/notifications/", "/inspections/", "/reports/",
               "/ledgers/hazards", "/ledgers/measures")


def _web_rules_with_ids():
    return [r for r in current_app.url_map.iter_rules() if "<int:" in r.rule and not r.rule.startswith("/api/")]


def _path(rule, number):
    return re.sub(r"<[^>]+>", "x", re.sub(r"<int:[^>]+>", number, rule))


def test_twenty_digit_hazard_id_is_404(client, park):
    login(client, park.admin)
    assert client.get(f"/hazards/{TWENTY_DIGITS}").status_code == 404


@pytest.mark.parametrize("number", [TWENTY_DIGITS, str(2**63), str(MAX_ID + 1)])
def test_every_web_route_answers_404_for_an_id_beyond_the_database(client, park, number):
    login(client, park.admin)
    answers = {}
    for rule in _web_rules_with_ids():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            answers[(method, rule.rule)] = client.open(_path(rule.rule, number), method=method).status_code
    assert answers and set(answers.values()) == {404}, {k: v for k, v in answers.items() if v != 404}


def test_the_largest_storable_id_answers_a_plain_404(client, park):
    login(client, park.admin)
    response = client.get(f"/hazards/{MAX_ID}")
    assert response.status_code == 404 and "未找到" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", PAGED_LISTS)
@pytest.mark.parametrize("page", [TWENTY_DIGITS, str(MAX_PAGE + 1), "0", "-3", "abc"])
def test_page_beyond_range_is_400_on_every_web_list(client, park, path, page):
    login(client, park.admin)
    assert client.get(f"{path}?page={page}").status_code == 400


@pytest.mark.parametrize("path", PAGED_LISTS)
def test_a_page_past_the_last_is_an_empty_page_not_an_error(client, park, path):
    login(client, park.admin)
    assert client.get(f"{path}?page={MAX_PAGE}").status_code == 200


@pytest.mark.parametrize(("raw", "expected"), [("1", 1), ("17", 17), (str(MAX_PAGE), MAX_PAGE),
                                               (str(MAX_PAGE + 1), None), (TWENTY_DIGITS, None), ("0", None),
                                               ("-1", None), ("+2", None), ("٣", None), ("1e3", None), ("", None)])
def test_page_numbers_are_read_by_one_shared_rule(raw, expected):
    assert page_number(raw) == expected
