"""What the admin pages change, apart from the views: user profile and status, passwords, settings.

Each function writes the change and an audit event and commits; passwords and
the SMTP password never go into the audit trail.
"""
from ... import accounts, audit, devices, settings
from ...extensions import db


class AdminError(ValueError):
    def __init__(self, message, field=None):
        super().__init__(str(message))
        self.message = message
        self.field = field


PROFILE_FIELDS = ("display_name", "email", "phone", "certificate_no", "enterprise_role")


def update_user(user, values, actor):
    """Change a user's profile and active flag.

    Deactivating rotates the session nonce (every session ends at the next
    request) and revokes the user's API tokens. An admin cannot deactivate
    themself, so the park always keeps an active admin.
    """
    from flask_babel import lazy_gettext as _l

    active = bool(values.get("active", user.active))
    if not active and user.id == actor.id:
        raise AdminError(_l("You cannot deactivate your own account."), "active")
    changed = []
    for key in PROFILE_FIELDS:
        if key in values and getattr(user, key) != values[key]:
            setattr(user, key, values[key])
            changed.append(key)
    if active != user.active:
        user.active = active
        changed.append("active")
        if not active:
            _end_sessions(user)
    if changed:
        audit.append_event(action="user.update", actor=actor,
                           data={"user_id": user.id, "username": user.username, "fields": changed,
                                 "active": user.active})
        db.session.commit()
    return changed


def reset_password(user, password, actor, keep_session_key=None):
    """Set a new password chosen by the admin; the user's sessions and API tokens end (but the
    admin's own session ``keep_session_key`` when they reset their own password)."""
    accounts.check_password_rules(user.username, password, user.display_name, user.email)
    user.set_password(password)  # also rotates the session nonce
    devices.end_all(user, keep_session_key=keep_session_key)
    audit.append_event(action="user.password_reset", actor=actor,
                       data={"user_id": user.id, "username": user.username})
    db.session.commit()


def _end_sessions(user):
    user.rotate_session()
    devices.end_all(user)


def revoke_device(user, kind, item_id, actor):
    """End one web session or API token of ``user``; ``False`` if there is no such live one."""
    if not devices.revoke(user, kind, item_id):
        return False
    audit.append_event(action="user.revoke_device", actor=actor,
                       data={"user_id": user.id, "username": user.username, "kind": kind, "id": item_id})
    db.session.commit()
    return True


def forget_remembered(user, actor):
    """End every remembered phone ("remember this phone" login) of ``user``; returns how many ended.
    Audited like the revocation of one session (nothing to record when none was live)."""
    count = devices.forget_all(user)
    if count:
        audit.append_event(action="user.forget_remembered", actor=actor,
                           data={"user_id": user.id, "username": user.username, "count": count})
    db.session.commit()
    return count


def save_settings(values, actor, clear_smtp_password=False):
    """Store changed settings; an empty SMTP password keeps the stored one unless cleared explicitly."""
    current = settings.all_settings()
    values = dict(values)
    if clear_smtp_password:
        values["smtp_password"] = ""
    elif values.get("smtp_password") in (None, ""):
        values.pop("smtp_password", None)
    changed = {key: value for key, value in values.items() if current.get(key) != value}
    if not changed:
        return []
    settings.set_many(changed, commit=False)
    audit.append_event(action="settings.update", actor=actor, data={"keys": sorted(changed)})
    db.session.commit()
    return sorted(changed)
