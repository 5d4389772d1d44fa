"""Migration 0008 (listed supervision, suspensions, major-hazard reports) on a database that
already holds major hazards: each gets its report record; down and up again works."""
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select

from safety_app.extensions import db
from safety_app.models import Hazard, MajorHazardReport


def test_upgrade_gives_every_existing_major_hazard_its_report_record(app, park):
    major = park.hazard(major=True)
    general = park.hazard()
    found_on, found_by = major.found_on, major.found_by_id
    major_id, general_id = major.id, general.id
    db.session.remove()
    downgrade(revision="0007")
    assert "major_hazard_reports" not in inspect(db.engine).get_table_names()
    upgrade()
    db.session.remove()
    reports = db.session.execute(select(MajorHazardReport.hazard_id, MajorHazardReport.reported_on,
                                        MajorHazardReport.source, MajorHazardReport.created_by_id)).all()
    assert reports == [(major_id, found_on, "filed", found_by)]
    assert db.session.get(Hazard, general_id).level == "general"
