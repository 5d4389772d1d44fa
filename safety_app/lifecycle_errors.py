"""The refusals of the lifecycle core, in a module of their own so that the rule modules the
lifecycle calls (``major_regime``) can raise them without importing the lifecycle."""
from flask_babel import lazy_gettext as _l


class LifecycleError(Exception):
    """A refused action; ``status`` is the HTTP status that fits, ``message`` is translatable."""

    status = 422
    code = "invalid"

    def __init__(self, message, field=None):
        super().__init__(str(message))
        self.message = message
        self.field = field


class NotAllowed(LifecycleError):
    status = 403
    code = "forbidden"


class WrongState(LifecycleError):
    status = 409
    code = "wrong_state"


class StaleVersion(LifecycleError):
    status = 409
    code = "stale_version"

    def __init__(self):
        super().__init__(_l("This hazard was changed by someone else. Reload the page and try again."))


class Invalid(LifecycleError):
    status = 422
    code = "invalid"
