"""The office's last word (the newest finding, or a rejection's reason) stands at the top of
the hazard page and on the enterprise's task card, not only at the bottom of the timeline."""
from safety_app import findings
from safety_app.audit import append_event
from safety_app.extensions import db

REASON = "现场复查：安全阀铅封缺失，校验报告未盖章"


def _rejected(park, drive):
    hazard = drive.hazard_in("submitted")
    drive.apply(hazard, "reject", park.inspector, reason=REASON)
    return hazard


def test_rejection_reason_is_at_the_top_of_the_hazard_page(client, park, drive, login_as):
    hazard = _rejected(park, drive)
    login_as(park.user_a)
    page = client.get(f"/hazards/{hazard.id}").get_data(as_text=True)
    top = page.index('id="last-word"')
    assert top < page.index('id="actions"') < page.index('id="timeline"')
    assert REASON in page[top:page.index('id="actions"')]
    assert 'data-last-word="failed"' in page


def test_rejection_reason_is_on_the_task_card(client, park, drive, login_as):
    hazard = _rejected(park, drive)
    other = park.hazard(title="未被复查的隐患")
    login_as(park.user_a)
    page = client.get("/portal/").get_data(as_text=True)
    card = page[page.index(f'href="/hazards/{hazard.id}"'):]
    card = card[:card.index("</li>")]
    assert REASON in card and 'data-last-word="failed"' in card
    other_card = page[page.index(f'href="/hazards/{other.id}"'):]
    assert "data-last-word" not in other_card[:other_card.index("</li>")]


def test_newest_word_wins_and_a_pass_is_shown_too(client, park, drive, login_as):
    hazard = _rejected(park, drive)
    drive.ready_to_submit(hazard)
    drive.apply(hazard, "submit", park.user_a, note="已补铅封")
    drive.apply(hazard, "verify", park.inspector, opinion="复查合格，同意销号")
    word = findings.last_word([hazard.id])[hazard.id]
    assert word.passed and word.text == "复查合格，同意销号"
    login_as(park.user_a)
    page = client.get(f"/hazards/{hazard.id}").get_data(as_text=True)
    assert 'data-last-word="passed"' in page


def test_a_rejection_older_than_findings_still_counts(park, drive):
    hazard = drive.hazard_in("rectifying")
    append_event(action="reject", actor=park.inspector, hazard_id=hazard.id, from_status="submitted",
                 to_status="rectifying", comment="旧系统的退回理由")
    db.session.commit()
    word = findings.last_word([hazard.id])[hazard.id]
    assert not word.passed and word.text == "旧系统的退回理由"
    assert findings.last_word([park.hazard().id]) == {}
