"""Checks of values that the web forms, the API and the cores share."""
from datetime import date

from . import clock

DATE_FLOOR = date(2000, 1, 1)
YEARS_AHEAD = 5


def date_window(today=None):
    """The dates accepted anywhere (found on, inspected on, deadlines, done on, extensions):
    from 2000-01-01 through 31 December five years after this year (park time)."""
    today = today or clock.today()
    return DATE_FLOOR, date(today.year + YEARS_AHEAD, 12, 31)


# --- what the cores, the forms and the API ask of the window ---------------------------------------

import re  # noqa: E402  (kept below the shared window so that block stays identical everywhere)

from flask_babel import lazy_gettext as _l  # noqa: E402


def date_out_of_window(value, today=None):
    """A translatable message when ``value`` (a date) lies outside :func:`date_window`, else None."""
    if value is None:
        return None
    low, high = date_window(today)
    if low <= value <= high:
        return None
    return _l("Give a date from %(low)s to %(high)s.", low=low.isoformat(), high=high.isoformat())


class DateInWindow:
    """WTForms validator: the date field's value lies in :func:`date_window` (a field-level message)."""

    def __call__(self, form, field):
        from wtforms.validators import StopValidation

        message = date_out_of_window(field.data)
        if message is not None:
            raise StopValidation(message)


# C0 controls and DEL and C1 controls, but not tab, line feed, carriage return:
# they cannot be typed, break CSV/PDF/e-mail output and NUL is refused by PostgreSQL.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def has_control_characters(value):
    return isinstance(value, str) and CONTROL_CHARACTERS.search(value) is not None


def control_characters_message():
    from flask_babel import gettext as _

    return _("The text contains control characters (invisible characters other than line breaks and tabs). "
             "Remove them and try again.")


class NoControlCharacters:
    """WTForms validator: the field holds no control character (also refused for every form post)."""

    def __call__(self, form, field):
        from wtforms.validators import StopValidation

        if has_control_characters(field.data):
            raise StopValidation(control_characters_message())


CERTIFICATE_NO_MAX = 50


def certificate_no_problem(value):
    """Why ``value`` is not a usable law-enforcement certificate number (执法证号), or None.

    Empty is allowed (not every user enforces); otherwise 4 to 50 characters, no control
    character and no line break (it is printed on one line of every enforcement document).
    """
    from flask_babel import lazy_gettext as _l

    value = (value or "").strip()
    if not value:
        return None
    if has_control_characters(value) or any(c in value for c in "\t\r\n"):
        return _l("The certificate number may not contain control characters or line breaks.")
    if not 4 <= len(value) <= CERTIFICATE_NO_MAX:
        return _l("A certificate number has 4 to %(n)d characters.", n=CERTIFICATE_NO_MAX)
    return None
