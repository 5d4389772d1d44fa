"""The API describes criteria as (set, clause) and lists a set with its texts."""
from sqlalchemy import select

from safety_app.extensions import db
from safety_app.models import Hazard

from .conftest import assert_error
from .test_hazards import new_hazard


def test_the_criteria_in_force_today_are_listed_with_their_texts(api, park, time_machine):
    time_machine.move_to("2026-12-02 09:00 +08:00", tick=False)
    data = api(park.user_a).get("/criteria").get_json()
    assert data["set"]["code"] == "AQ3067-2026" and data["set"]["in_force_from"] == "2026-09-30"
    assert len(data["criteria"]) == 53 and data["criteria"][0] == {
        "clause": "5.1.1", "group": "5.1", "text": "", "text_imported": False,
        "description": "AQ 3067-2026 第5.1.1条（条文未导入）"}


def test_a_set_is_listed_by_its_code(api, park):
    data = api(park.inspector).get("/criteria?set=AJZG3-2017-121").get_json()
    assert [c["clause"] for c in data["criteria"]] == [str(n) for n in range(1, 21)]
    assert all(c["text_imported"] for c in data["criteria"]) and data["set"]["in_force_until"] == "2026-09-30"


def test_the_set_in_force_on_a_day_is_listed(api, park):
    assert api(park.inspector).get("/criteria?on=2026-09-29").get_json()["set"]["code"] == "AJZG3-2017-121"


def test_an_unknown_set_is_refused_naming_the_parameter(api, park):
    error = assert_error(api(park.inspector).get("/criteria?set=GB-1"), 400)
    assert error["field"] == "set"


def test_a_hazard_is_filed_with_a_set_and_clause_and_shows_them(api, park):
    body = new_hazard(park, found_on="2026-09-01", deadline="2026-10-01",
                      criterion={"set": "AJZG3-2017-121", "clause": "15"})
    data = api(park.inspector).post("/hazards", json=body).get_json()
    assert data["criterion"] == {"set": "AJZG3-2017-121", "clause": "15"} and data["level"] == "major"
    listed = api(park.inspector).get("/hazards").get_json()["items"][0]
    assert listed["criterion"] == {"set": "AJZG3-2017-121", "clause": "15"}


def test_a_general_hazard_has_a_null_criterion(api, park):
    data = api(park.inspector).post("/hazards", json=new_hazard(park)).get_json()
    assert data["criterion"] is None and data["level"] == "general"


def test_a_clause_of_the_set_not_in_force_is_refused_and_writes_nothing(api, park):
    body = new_hazard(park, found_on="2026-10-15", deadline="2026-11-15",
                      criterion={"set": "AJZG3-2017-121", "clause": "15"})
    error = assert_error(api(park.inspector).post("/hazards", json=body), 422, "invalid")
    assert error["field"] == "criterion" and "AQ 3067-2026" in error["message"]
    assert db.session.execute(select(Hazard)).first() is None


def test_the_old_integer_form_is_refused(api, park):
    body = new_hazard(park, criterion=15)
    assert assert_error(api(park.inspector).post("/hazards", json=body), 422)["field"] == "criterion"


def test_openapi_describes_the_criterion_as_set_and_clause(api):
    spec = api().get("/openapi.json").get_json()
    assert spec["components"]["schemas"]["CriterionRef"]["required"] == ["set", "clause"]
    assert "/api/v1/criteria" in spec["paths"]
