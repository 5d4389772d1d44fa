"""Starting an inspection: the enterprise picker preselects nothing (the first option asks for a
choice, which is refused), carries the text filter's hook, and still takes a choice without JS."""
import re

from sqlalchemy import func, select

from safety_app.extensions import db
from safety_app.models import Inspection


def test_nothing_is_preselected_and_no_choice_is_refused(client, park, login_as):
    login_as(park.inspector)
    page = client.get("/inspections/new").get_data(as_text=True)
    select_html = re.search(r'<select[^>]*name="enterprise_id".*?</select>', page, re.S).group(0)
    assert "data-filterable" in select_html and "selected" not in select_html
    assert re.search(r'<option value="0">', select_html)
    assert "js/select-filter" in page
    before = db.session.scalar(select(func.count(Inspection.id)))
    response = client.post("/inspections/new", data={"enterprise_id": "0", "inspection_type": "daily",
                                                     "inspected_on": "2026-12-01"})
    assert response.status_code in (400, 422) and "请选择企业" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Inspection.id))) == before


def test_a_link_may_still_preselect_the_enterprise(client, park, login_as):
    login_as(park.inspector)
    page = client.get(f"/inspections/new?enterprise_id={park.b.id}").get_data(as_text=True)
    assert re.search(rf'<option selected value="{park.b.id}">|<option value="{park.b.id}" selected>', page)
