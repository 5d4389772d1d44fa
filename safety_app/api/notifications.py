"""The caller's in-app notifications: list, mark read."""

from .. import notifications
from ..models import Notification
from ..permissions import scope
from . import serialize
from .common import paged, user, visible_or_404
from .params import FLAG, flag
from .spec import PAGING, operation, q


@operation("/notifications", "GET", summary="The caller's notifications, newest first", tag="notifications",
           response="NotificationPage", query=(q("unread", FLAG, "Only unread ones."), *PAGING))
def list_notifications():
    stmt = scope(Notification, user())
    if flag("unread"):
        stmt = stmt.where(Notification.read_at.is_(None))
    return paged(stmt.order_by(Notification.created_at.desc(), Notification.id.desc()), serialize.notification)


@operation("/notifications/<int:notification_id>/read", "POST", summary="Mark one notification read",
           tag="notifications", response="Notification")
def read_notification(notification_id):
    notification = visible_or_404(Notification, notification_id)
    notifications.mark_read(notification, user())
    return serialize.notification(notification)


@operation("/notifications/read", "POST", summary="Mark all of the caller's notifications read",
           tag="notifications", response="ReadCount")
def read_all_notifications():
    return {"marked": notifications.mark_all_read(user())}
