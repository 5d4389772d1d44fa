"""Figure queries run at once (``figures.parallel``): each group on its own session and connection,
in the order given, a failure raised only once every group has ended, and a ``Viewer`` sees exactly
what its user sees."""
import threading

import pytest
from sqlalchemy import func, select

from safety_app import dashboard
from safety_app.extensions import db
from safety_app.figures.parallel import Viewer, at_once
from safety_app.models import Hazard
from safety_app.permissions import scope


def test_the_groups_run_at_the_same_time_each_with_its_own_session(app, park):
    park.hazard()
    both = threading.Barrier(2, timeout=10)  # broken (an error) unless two groups wait at once

    def group():
        both.wait()
        return id(db.session()), db.session.scalar(select(func.count()).select_from(Hazard))

    main_session = id(db.session())
    first, second = at_once(group, group)
    assert first[0] == main_session and second[0] != main_session
    assert first[1] == second[1] == 1  # the other connection sees the committed hazard


def test_a_failing_group_is_raised_after_the_others_have_ended(app):
    ended = []

    def slow():
        threading.Event().wait(0.2)
        ended.append("slow")
        return 1

    def broken():
        raise ValueError("no figure")

    with pytest.raises(ValueError):
        at_once(broken, slow)
    assert ended == ["slow"]
    assert at_once(lambda: 1, lambda: 2, lambda: 3) == [1, 2, 3]


def test_a_viewer_sees_what_its_user_sees(app, park):
    for user in (park.admin, park.inspector, park.user_a):
        mine, viewer = scope(Hazard, user, select(Hazard.id)), scope(Hazard, Viewer.of(user), select(Hazard.id))
        assert str(mine.compile()) == str(viewer.compile())
        assert mine.compile().params == viewer.compile().params
    assert Viewer.of(park.admin).is_staff and not Viewer.of(park.user_a).is_staff


def test_figures_computed_at_once_equal_the_groups_run_one_after_the_other(app, park, monkeypatch):
    from safety_app.figures import parallel

    park.hazard()
    park.hazard(park.b, major=True)
    dashboard.clear_cache()
    together = dashboard.figures(park.admin).as_dict()
    monkeypatch.setattr(parallel, "has_app_context", lambda: False)  # every group in this thread
    dashboard.clear_cache()
    assert dashboard.figures(park.admin).as_dict() == together
