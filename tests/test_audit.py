from sqlalchemy import text

from safety_app.extensions import db


def test_audit_verify_passes_on_an_untouched_trail(park, runner):
    park.hazard()
    park.hazard(major=True)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "2 events" in result.output


def test_audit_verify_fails_naming_the_altered_row(park, runner):
    park.hazard()
    second = park.hazard()
    park.hazard()
    db.session.execute(text("UPDATE events SET comment = 'quietly edited' WHERE hazard_id = :h"),
                       {"h": second.id})
    db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "seq 2" in result.output and "altered" in result.output


def test_audit_verify_fails_when_an_event_is_removed(park, runner):
    for _ in range(3):
        park.hazard()
    db.session.execute(text("DELETE FROM events WHERE seq = 2"))
    db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "missing" in result.output


def test_audit_verify_fails_when_the_last_event_is_removed(park, runner):
    for _ in range(3):
        park.hazard()
    db.session.execute(text("DELETE FROM events WHERE seq = 3"))
    db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
