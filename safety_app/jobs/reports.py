"""The ``monthly-report`` job: last month's park report and one report per active enterprise.

Each report is built on its own (``failures.attempt``): one that fails is
recorded for the admin and the others are still built. Each document has its own idempotency key, so a run that died after some
enterprises is completed by the rerun, and a second run writes no file.
The admins (park report) and each enterprise's users (their report) get an
in-app notification.
"""
from sqlalchemy import select

from .. import notifications
from ..extensions import db
from ..models import Enterprise, Role, User
from . import failures

JOB = "monthly-report"


def report_key(period, enterprise_id=None):
    return f"monthly:{period}:" + (f"enterprise:{enterprise_id}" if enterprise_id else "park")


def monthly_report(period, now):
    """The park report, then each enterprise's: a report that fails is recorded, the others are still built."""
    from ..documents import service

    year, month = period.split("-")

    def park_report():
        service.build_monthly_report(period, None, idempotency_key=report_key(period))
        admins = db.session.execute(
            select(User).where(User.role == Role.ADMIN.value, User.active.is_(True))).scalars()
        notifications.notify(admins, kind="report", title=f"{year}年{int(month)}月园区安全生产月报已生成",
                             body=f"{year}年{int(month)}月园区隐患排查治理月报已生成，请在“报告”中查看。",
                             key=f"{report_key(period)}:ready", email=False)

    park_built = failures.attempt(JOB, period, "park", park_report)
    enterprise_ids = db.session.scalars(
        select(Enterprise.id).where(Enterprise.active.is_(True)).order_by(Enterprise.id)).all()
    users = {}
    for user in db.session.execute(select(User.id, User.email, User.enterprise_id)
                                   .where(User.enterprise_id.in_(enterprise_ids), User.active.is_(True))):
        users.setdefault(user.enterprise_id, []).append(user)
    built = 0
    for enterprise_id in enterprise_ids:
        def enterprise_report(enterprise_id=enterprise_id):
            enterprise = db.session.get(Enterprise, enterprise_id)
            service.build_monthly_report(period, enterprise, idempotency_key=report_key(period, enterprise_id))
            notifications.notify(users.get(enterprise_id, ()), kind="report",
                                 title=f"{year}年{int(month)}月隐患排查治理月报已生成",
                                 body=f"{enterprise.name} {year}年{int(month)}月隐患排查治理月报已生成，请在“报告”中查看。",
                                 key=f"{report_key(period, enterprise_id)}:ready", email=False)

        built += failures.attempt(JOB, period, failures.item_name("enterprise", enterprise_id), enterprise_report)
        db.session.expunge_all()  # 500 enterprises: keep the session small
    return {"park": int(park_built), "enterprises": built,
            "failed": (not park_built) + len(enterprise_ids) - built}
