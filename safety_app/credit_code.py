"""Unified social credit code (统一社会信用代码, GB 32100-2015), regulations §6."""
from flask_babel import lazy_gettext as _l

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


class CreditCodeError(ValueError):
    """Says which part of the code is wrong (length, character, check character)."""

    def __init__(self, kind, message):
        super().__init__(str(message))
        self.kind = kind
        self.message = message


def check_character(first17):
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def validate(code):
    """Return the normalised code or raise CreditCodeError."""
    code = (code or "").strip().upper()
    if len(code) != 18:
        raise CreditCodeError(
            "length", _l("The credit code must have 18 characters (it has %(n)d).", n=len(code))
        )
    for position, ch in enumerate(code, start=1):
        if ch not in ALPHABET:
            raise CreditCodeError(
                "character",
                _l("Character %(ch)s at position %(pos)d is not allowed (digits and capital letters except I, O, Z, S, V).",
                   ch=ch, pos=position),
            )
    expected = check_character(code[:17])
    if code[17] != expected:
        raise CreditCodeError(
            "check", _l("The check character (last) is wrong: expected %(ch)s.", ch=expected)
        )
    return code


def is_valid(code):
    try:
        validate(code)
    except CreditCodeError:
        return False
    return True


def make(first17):
    """Complete 17 characters with their check character (demo data, tests)."""
    return first17 + check_character(first17)
