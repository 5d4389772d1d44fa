"""The comment thread on a hazard between the enterprise and the office.

- the enterprise and the office both see the thread (newest last) on the hazard page; another
  enterprise gets 404 for the page and for posting;
- a comment tells the other side (in-app and e-mail outbox), linking to the comment;
- each comment is a hash-chained event (``hazard.comment``) in the audit trail;
- bad input (blank, too long, control characters) writes nothing and says why beside the field;
- posting is allowed in every status, a closed hazard included; comments cannot be edited or deleted.
"""
import pytest
from sqlalchemy import func, select

from safety_app import audit, comments, lifecycle
from safety_app.extensions import db
from safety_app.models import Event, HazardComment, Notification, OutboxMessage


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def written():
    """Everything a comment writes."""
    return (count(HazardComment), count(Event), count(Notification), count(OutboxMessage))


def test_enterprise_and_office_see_the_thread_oldest_first_on_the_hazard_page(client, park, login_as):
    hazard = park.hazard()
    login_as(park.user_a)
    question = "安全阀已订货，预计下周到货，可否先加装临时泄压措施？"
    response = client.post(f"/hazards/{hazard.id}/comments", data={"body": question})
    assert response.status_code == 302
    first = db.session.scalar(select(HazardComment))
    assert response.headers["Location"].endswith(f"/hazards/{hazard.id}#comment-{first.id}")
    login_as(park.inspector)
    answer = "可以，临时措施须经企业安全负责人确认。"
    assert client.post(f"/hazards/{hazard.id}/comments", data={"body": answer}).status_code == 302

    for user in (park.user_a, park.inspector, park.admin):
        login_as(user)
        page = client.get(f"/hazards/{hazard.id}").get_data(as_text=True)
        assert 'id="comments"' in page
        question, answer = page.index("可否先加装临时泄压措施"), page.index("临时措施须经企业安全负责人确认")
        assert question < answer  # newest last
        assert f'id="comment-{first.id}"' in page
        assert 'name="body"' in page and 'name="csrf_token"' in page  # the form, also for staff


def test_another_enterprise_gets_404_for_the_thread_and_cannot_post(client, park, login_as):
    hazard = park.hazard()
    comments.post(hazard, park.user_a, "甲企业的内部说明")
    login_as(park.user_b)
    assert client.get(f"/hazards/{hazard.id}").status_code == 404
    before = written()
    response = client.post(f"/hazards/{hazard.id}/comments", data={"body": "乙企业的越权留言"})
    assert response.status_code == 404
    assert written() == before
    with pytest.raises(lifecycle.NotAllowed):
        comments.post(hazard, park.user_b, "越权留言")
    assert written() == before


def test_an_enterprise_comment_tells_the_filing_inspector_and_the_staff_who_last_acted(park, drive):
    hazard = drive.hazard_in("submitted")
    drive.apply(hazard, "reject", park.inspector2, reason="证据照片不清晰")  # inspector2 acted last
    comment = comments.post(hazard, park.user_a, "已重新拍照上传，请查看。")
    told = {n.user_id: n for n in db.session.scalars(select(Notification).where(
        Notification.idempotency_key.like(f"comment:{comment.id}:%")))}
    assert set(told) == {park.inspector.id, park.inspector2.id}
    note = told[park.inspector.id]
    assert note.kind == "comment" and note.hazard_id == hazard.id
    assert note.link.endswith(f"/hazards/{hazard.id}#comment-{comment.id}")
    assert "已重新拍照上传" in note.body and hazard.code in note.title
    mails = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.idempotency_key.like(f"comment:{comment.id}:%"))).all()
    assert {m.recipient for m in mails} == {park.inspector.email}  # inspector2 has no e-mail address


def test_a_staff_comment_tells_the_enterprise_users_or_only_the_responsible_user(park, app):
    from safety_app.accounts import create_user

    colleague = create_user("user_a2", "correct-horse-battery", "enterprise", enterprise=park.a,
                            email="ua2@example.com")
    hazard = park.hazard()
    comment = comments.post(hazard, park.inspector, "请补充临时措施的照片。")
    told = set(db.session.scalars(select(Notification.user_id).where(
        Notification.idempotency_key.like(f"comment:{comment.id}:%"))))
    assert told == {park.user_a.id, colleague.id}  # no responsible user: every active user of A
    assert park.user_b.id not in told

    hazard.responsible_user_id = colleague.id
    db.session.commit()
    comment = comments.post(hazard, park.admin, "请于本周内完成。")
    told = set(db.session.scalars(select(Notification.user_id).where(
        Notification.idempotency_key.like(f"comment:{comment.id}:%"))))
    assert told == {colleague.id}


def test_the_author_is_not_told_about_their_own_comment(park):
    hazard = park.hazard()  # filed by park.inspector
    comment = comments.post(hazard, park.user_a, "收到")
    reply = comments.post(hazard, park.inspector, "好的")
    assert park.user_a.id not in set(db.session.scalars(select(Notification.user_id).where(
        Notification.idempotency_key.like(f"comment:{comment.id}:%"))))
    assert park.inspector.id not in set(db.session.scalars(select(Notification.user_id).where(
        Notification.idempotency_key.like(f"comment:{reply.id}:%"))))


def test_each_comment_is_an_event_in_the_hash_chain(park):
    hazard = park.hazard()
    comment = comments.post(hazard, park.user_a, "第一条留言\n第二行")
    event = db.session.get(Event, comment.event_id)
    assert (event.action, event.hazard_id, event.actor_id, event.comment) == \
        ("hazard.comment", hazard.id, park.user_a.id, "第一条留言\n第二行")
    assert event.from_status is None and event.to_status is None
    ok, checked, problem = audit.verify_chain()
    assert ok, problem
    assert checked == count(Event)


def test_a_comment_changes_nothing_of_the_hazard(park):
    hazard = park.hazard()
    version, status = hazard.version, hazard.status
    comments.post(hazard, park.user_a, "请问整改期限能否延长？")
    db.session.expire_all()
    assert (hazard.version, hazard.status) == (version, status)


@pytest.mark.parametrize("body, message", [
    ("", "请填写留言"),
    ("   \n\t ", "请填写留言"),
    ("长" * 2001, "2000"),
])
def test_bad_input_writes_nothing_and_is_said_beside_the_field(client, park, login_as, body, message):
    hazard = park.hazard()
    login_as(park.user_a)
    before = written()
    response = client.post(f"/hazards/{hazard.id}/comments", data={"body": body})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert written() == before
    field = page[page.index('id="comment-body"'):]
    assert message in field[:field.index("</div>")]
    if body.strip():
        assert "长长长" in page  # the user's text is kept


def test_control_characters_are_refused_by_the_form_and_by_the_core(client, park, login_as):
    hazard = park.hazard()
    login_as(park.user_a)
    before = written()
    response = client.post(f"/hazards/{hazard.id}/comments", data={"body": "正常文字\x07响铃"})
    assert response.status_code == 422 and "控制字符" in response.get_data(as_text=True)
    with pytest.raises(lifecycle.Invalid) as refused:
        comments.post(hazard, park.user_a, "正常文字\x1b[31m")
    assert refused.value.field == "body"
    assert written() == before


def test_a_comment_of_exactly_2000_characters_is_accepted_and_text_is_trimmed(park):
    hazard = park.hazard()
    comment = comments.post(hazard, park.user_a, "  " + "字" * 2000 + "\r\n")
    assert comment.body == "字" * 2000


@pytest.mark.parametrize("state", ["closed", "withdrawn", "submitted"])
def test_posting_is_allowed_in_every_status(park, drive, state):
    hazard = drive.hazard_in(state)
    comments.post(hazard, park.user_a, "销号后仍有疑问：复查意见中的编号是否有误？")
    comments.post(hazard, park.inspector, "已核对，编号无误。")
    assert [c.author_id for c in comments.thread(hazard.id)] == [park.user_a.id, park.inspector.id]


def test_comments_cannot_be_edited_or_deleted(client, park, login_as):
    hazard = park.hazard()
    comment = comments.post(hazard, park.user_a, "原文")
    login_as(park.user_a)
    for method in ("PUT", "PATCH", "DELETE"):
        assert client.open(f"/hazards/{hazard.id}/comments", method=method).status_code == 405
    assert client.get(f"/hazards/{hazard.id}/comments").status_code == 405
    db.session.expire_all()
    assert db.session.get(HazardComment, comment.id).body == "原文"


def test_the_notification_link_opens_the_comment_for_its_reader(client, park, login_as):
    hazard = park.hazard()
    comment = comments.post(hazard, park.inspector, "请查看")
    note = db.session.scalar(select(Notification).where(Notification.user_id == park.user_a.id,
                                                        Notification.kind == "comment"))
    path = note.link.split("park.test", 1)[1]
    login_as(park.user_a)
    page, anchor = path.split("#")
    assert anchor == f"comment-{comment.id}"
    assert f'id="{anchor}"' in client.get(page).get_data(as_text=True)


def test_the_form_needs_a_csrf_token(app, client, park, login_as):
    hazard = park.hazard()
    login_as(park.user_a)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(f"/hazards/{hazard.id}/comments", data={"body": "没有令牌"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code in (400, 422)
    assert count(HazardComment) == 0
