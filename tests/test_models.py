import pytest
from sqlalchemy.exc import IntegrityError

from safety_app import clock
from safety_app.accounts import AccountError, create_user
from safety_app.extensions import db
from safety_app.models import Hazard, User

from .conftest import PASSWORD


def test_enterprise_user_must_belong_to_an_enterprise(park):
    with pytest.raises(AccountError):
        create_user("nobody", PASSWORD, "enterprise")


def test_staff_cannot_belong_to_an_enterprise(park):
    with pytest.raises(AccountError):
        create_user("odd", PASSWORD, "inspector", enterprise=park.a)


def test_database_refuses_enterprise_user_without_enterprise(park):
    db.session.add(User(username="raw", password_hash="x", role="enterprise"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_database_refuses_unknown_role(park):
    db.session.add(User(username="raw", password_hash="x", role="boss"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_passwords_are_stored_hashed_with_scrypt(park):
    user = db.session.get(User, park.admin.id)
    assert PASSWORD not in user.password_hash
    assert user.password_hash.startswith("scrypt:")
    assert user.check_password(PASSWORD)


def test_hazard_codes_follow_the_pattern_and_are_sequential(park):
    first, second = park.hazard(), park.hazard()
    year = clock.today().year
    assert first.code == f"YH-{year}-000001"
    assert second.code == f"YH-{year}-000002"


def test_hazard_code_is_unique_in_the_database(park):
    h = park.hazard()
    clone = Hazard(code=h.code, enterprise_id=park.a.id, title="x", category="fire", level="general",
                   found_on=h.found_on, found_by_id=park.inspector.id, original_deadline=h.deadline,
                   deadline=h.deadline, status="open")
    db.session.add(clone)
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_ticking_a_criterion_makes_the_hazard_major(park):
    assert park.hazard(major=True).level == "major"
    assert park.hazard().level == "general"
