"""A hazard is judged against the criteria set in force on the day it is found:
AQ 3067-2026 from 2026-09-30, the 2017 list (安监总管三〔2017〕121号) before."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from safety_app import criteria, lifecycle
from safety_app.extensions import db
from safety_app.models import Event, Hazard

AQ, OLD = "AQ3067-2026", "AJZG3-2017-121"


def _file(park, found_on, criterion):
    return lifecycle.file_hazard(park.inspector, enterprise=park.a, title="罐区紧急切断阀未投用",
                                 category="equipment", deadline=found_on + timedelta(days=30),
                                 found_on=found_on, criterion=criterion)


def test_a_hazard_found_on_2026_10_15_is_filed_against_aq3067_clauses(park):
    hazard = _file(park, date(2026, 10, 15), (AQ, "5.5.6"))
    assert hazard.level == "major" and hazard.criterion_ref == (AQ, "5.5.6")
    assert criteria.set_in_force(date(2026, 10, 15)).code == AQ


def test_a_hazard_found_on_2026_09_01_is_filed_against_the_2017_list(park):
    hazard = _file(park, date(2026, 9, 1), {"set": OLD, "clause": "5"})
    assert hazard.level == "major" and hazard.criterion_ref == (OLD, "5")
    assert hazard.criterion.text.startswith("构成一级、二级重大危险源的危险化学品罐区")


def test_aq3067_applies_from_its_first_day_in_force(park):
    assert criteria.set_in_force(date(2026, 9, 29)).code == OLD
    assert criteria.set_in_force(date(2026, 9, 30)).code == AQ


@pytest.mark.parametrize("found_on, criterion, words", [
    (date(2026, 10, 15), (OLD, "5"), "AQ 3067-2026"),
    (date(2026, 9, 1), (AQ, "5.5.6"), "安监总管三〔2017〕121号"),
])
def test_a_clause_of_the_wrong_set_is_refused_with_a_clear_message_and_writes_nothing(
        park, found_on, criterion, words):
    with pytest.raises(lifecycle.Invalid) as refused:
        _file(park, found_on, criterion)
    assert refused.value.field == "criterion"
    with_chinese = str(refused.value.message)
    assert words in with_chinese and found_on.isoformat() in with_chinese
    assert db.session.scalar(select(func.count()).select_from(Hazard)) == 0
    assert db.session.scalar(select(func.count()).select_from(Event)) == 0


@pytest.mark.parametrize("criterion", [(AQ, "5.8.1"), (AQ, ""), ("AQ3067-2026", "5.1.6"), ("x", "y", "z"), 15])
def test_a_clause_that_does_not_exist_is_refused(park, criterion):
    with pytest.raises(lifecycle.Invalid):
        _file(park, date(2026, 10, 15), criterion)
    assert db.session.scalar(select(func.count()).select_from(Hazard)) == 0


def test_the_2017_list_is_seeded_with_its_20_texts_and_chinese_quotes(app):
    texts = [c.text for c in criteria.clauses(OLD)]
    assert [c.clause for c in criteria.clauses(OLD)] == [str(n) for n in range(1, 21)]
    assert all(texts) and "涉及“两重点一重大”的生产装置" in texts[2] and '"' not in "".join(texts)


def test_aq3067_is_seeded_with_53_clause_numbers_in_7_groups_and_no_texts(app):
    clauses = criteria.clauses(AQ)
    sizes = {g.name: len(g.criteria) for g in criteria.grouped(clauses)}
    assert sizes == {"5.1": 5, "5.2": 10, "5.3": 6, "5.4": 9, "5.5": 12, "5.6": 4, "5.7": 7}
    assert clauses[0].clause == "5.1.1" and clauses[-1].clause == "5.7.7"
    assert not any(c.text for c in clauses) and criteria.missing_texts(AQ) == 53


def test_a_clause_without_text_is_described_as_not_imported(park):
    hazard = _file(park, date(2026, 10, 15), (AQ, "5.1.5"))
    assert criteria.describe_hazard(hazard, criteria.chinese_wordings()) == "AQ 3067-2026 第5.1.5条（条文未导入）"


def test_a_2017_reference_is_described_with_set_clause_and_text(park):
    hazard = _file(park, date(2026, 9, 1), (OLD, "2"))
    assert criteria.describe_hazard(hazard, criteria.chinese_wordings()) == \
        "安监总管三〔2017〕121号 第2条：特种作业人员未持证上岗。"
