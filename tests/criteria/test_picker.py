"""The filing form's criterion picker: the set in force on the found-on day, grouped,
a radio list readable on a phone with a filter box (progressive enhancement)."""
import re

import pytest
from sqlalchemy import select

from safety_app import lifecycle
from safety_app.criteria import importer
from safety_app.extensions import db
from safety_app.models import Hazard
from tests.conftest import login


def _inspection(client, park, time_machine, when):
    time_machine.move_to(f"{when} 09:30 +08:00", tick=False)
    login(client, park.inspector)
    inspection = lifecycle.start_inspection(park.inspector, enterprise=park.a, inspection_type="routine")
    return inspection


def _file(client, inspection, **fields):
    data = {"title": "罐区紧急切断阀未投用", "category": "equipment", "deadline_preset": "30", **fields}
    return client.post(f"/inspections/{inspection.id}/hazards/new", data=data, content_type="multipart/form-data")


def test_the_picker_offers_aq3067_grouped_as_a_radio_list_after_2026_09_30(client, park, time_machine):
    inspection = _inspection(client, park, time_machine, "2026-10-15")
    page = client.get(f"/inspections/{inspection.id}/hazards/new").get_data(as_text=True)
    values = re.findall(r'name="criterion" value="([^"]*)"', page)
    assert values[0] == "" and len(values) == 54 and values[1] == "AQ3067-2026:5.1.1"
    assert page.count('class="criterion-group"') == 7 and "第 5.5 组" in page
    assert "<select" not in page.split('id="criterion"')[1].split("</fieldset>")[0]
    assert "条文未导入" in page and "AJZG3-2017-121" not in page


def test_the_picker_offers_the_2017_list_before_2026_09_30(client, park, time_machine):
    inspection = _inspection(client, park, time_machine, "2026-09-01")
    page = client.get(f"/inspections/{inspection.id}/hazards/new").get_data(as_text=True)
    values = re.findall(r'name="criterion" value="([^"]*)"', page)
    assert values[1:] == [f"AJZG3-2017-121:{n}" for n in range(1, 21)]
    assert "涉及“两重点一重大”的生产装置" in page and "条文未导入" not in page


def test_the_filter_box_is_hidden_until_the_script_shows_it(client, park, time_machine):
    inspection = _inspection(client, park, time_machine, "2026-10-15")
    page = client.get(f"/inspections/{inspection.id}/hazards/new").get_data(as_text=True)
    box = re.search(r'<input type="search" class="criterion-filter"[^>]*>', page).group(0)
    assert "hidden" in box and "data-filter" in box
    script = re.search(r'src="(/static/js/criterion-filter\.[0-9a-f]{12}\.js)"', page).group(1)  # content-hashed
    assert client.get(script).status_code == 200


def test_each_criterion_row_carries_its_text_for_the_search(client, park, time_machine):
    importer.import_file("AQ3067-2026", "t.csv", "clause,text\r\n5.5.6,测试用条文：紧急切断\r\n".encode())
    inspection = _inspection(client, park, time_machine, "2026-10-15")
    page = client.get(f"/inspections/{inspection.id}/hazards/new").get_data(as_text=True)
    assert '<li data-text="5.5.6 测试用条文：紧急切断">' in page


def test_choosing_an_aq3067_clause_files_a_major_hazard(client, park, time_machine):
    inspection = _inspection(client, park, time_machine, "2026-10-15")
    assert _file(client, inspection, criterion="AQ3067-2026:5.5.6").status_code == 302
    hazard = db.session.execute(select(Hazard)).scalar_one()
    assert hazard.level == "major" and hazard.criterion_ref == ("AQ3067-2026", "5.5.6")
    page = client.get(f"/hazards/{hazard.id}").get_data(as_text=True)
    assert "AQ 3067-2026 第5.5.6条（条文未导入）" in page


@pytest.mark.parametrize("value", ["AJZG3-2017-121:5", "5", "AQ3067-2026:9.9.9"])
def test_a_clause_not_of_the_set_in_force_is_refused_beside_the_picker(client, park, time_machine, value):
    inspection = _inspection(client, park, time_machine, "2026-10-15")
    response = _file(client, inspection, criterion=value)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert re.search(r'id="criterion".*class="error"', page, re.S)
    assert db.session.execute(select(Hazard)).first() is None


def test_the_checklist_lists_the_criteria_of_the_set_in_force_on_the_inspection_day(client, park, time_machine):
    inspection = _inspection(client, park, time_machine, "2026-10-15")
    page = client.get(f"/inspections/{inspection.id}").get_data(as_text=True)
    assert 'value="criterion:AQ3067-2026:5.7.7"' in page and "criterion:AJZG3-2017-121" not in page
    response = client.post(f"/inspections/{inspection.id}/checklist",
                           data={"checklist": ["criterion:AQ3067-2026:5.7.7"], "summary": ""})
    assert response.status_code == 302
    db.session.refresh(inspection)
    assert inspection.checklist == ["criterion:AQ3067-2026:5.7.7"]


def test_an_old_style_checklist_code_is_refused(client, park, time_machine):
    inspection = _inspection(client, park, time_machine, "2026-09-01")
    with pytest.raises(lifecycle.Invalid):
        lifecycle.update_inspection(inspection, park.inspector, checklist=["criterion:12"], summary="")
