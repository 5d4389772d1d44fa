"""Language of the UI: Chinese first (zh_CN), English available."""
import functools

from flask import g, has_app_context, has_request_context, session

LANGUAGES = ("zh_CN", "en")
DEFAULT = "zh_CN"


def locale_code():
    """The user's chosen language code (kept in the session), default zh_CN."""
    if has_request_context():
        lang = session.get("lang")
        if lang in LANGUAGES:
            return lang
    return DEFAULT


@functools.cache
def _parsed(code):
    from babel import Locale

    return Locale.parse(code)


def selected_locale():
    """Flask-Babel's locale selector: ``locale_code()`` as a ``babel.Locale``, parsed once per code
    (parsing a code looks for the locale's data file on disk, which was done on every request)."""
    return _parsed(locale_code())


def catalog_dirs(root=None):
    from pathlib import Path

    root = Path(root or Path(__file__).parent / "translations")
    return sorted(p for p in root.iterdir() if p.is_dir())


def compile_catalogs(root=None):
    """Compile every translations/<area>/<locale>/LC_MESSAGES/messages.po to .mo."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    compiled = 0
    for area in catalog_dirs(root):
        for po_path in area.glob("*/LC_MESSAGES/messages.po"):
            with po_path.open("rb") as f:
                catalog = read_po(f)
            mo_path = po_path.with_suffix(".mo")
            tmp = mo_path.with_suffix(".mo.tmp")
            with tmp.open("wb") as f:
                write_mo(f, catalog)
            tmp.replace(mo_path)
            compiled += 1
    return compiled


def _translations():
    """The request's translations, looked up once per locale instead of once per ``_()``.

    Flask-Babel's own template ``_()`` resolves the domain, the locale's name and the
    translations cache on every call (hundreds per ledger page); the result only
    changes with the locale, which Flask-Babel itself keeps on ``g`` for the request.
    """
    import flask_babel

    if not has_app_context():
        return flask_babel.get_translations()
    locale = flask_babel.get_locale()
    cached = g.get("_i18n_translations")
    if cached is not None and cached[0] is locale:
        return cached[1]
    translations = flask_babel.get_translations()
    g._i18n_translations = (locale, translations)
    return translations


def forget_request_locale():
    """Before each request: the language is the request's own. Flask-Babel keeps the locale on
    ``g``, which belongs to the application context; when one context serves several requests
    (a test holding it, a CLI command) a language chosen meanwhile must still be seen."""
    for name in ("_flask_babel", "_i18n_translations"):
        g.pop(name, None)


def install_template_gettext(app):
    """The templates' ``_()`` / ``ngettext`` / ``pgettext``, as Flask-Babel installs them, with
    the translations looked up once per request (:func:`_translations`)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
    )
