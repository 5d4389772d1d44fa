"""Unified social credit code (统一社会信用代码, GB 32100-2015), regulations §6.

An 18-character code, checked part by part, each refusal naming the part:

====  ==============================================  ====================================
pos.  part                                            rule
====  ==============================================  ====================================
1     registration authority (登记管理部门代码)        one of the published authorities
2     category (机构类别代码)                          one of that authority's categories
3-8   administrative division (行政区划码)             six digits, known province-level prefix
                                                      (GB/T 2260) or 100000 (national level)
9-17  organisation code (组织机构代码, GB 11714)        eight characters and their own check
                                                      character (weights 3 7 9 10 5 8 4 2,
                                                      mod 11; 10 → X, 11 → 0)
18    check character (校验码, GB 32100)               mod 31 over positions 1-17
====  ==============================================  ====================================

The tables are data (``reference/data/gb32100.json``, sources listed there): GB 32100-2015 with
amendment XG1-2016 (authority and category codes, as republished at
https://osuse.cn/post/10002590.html), GB/T 2260 (province-level codes), GB 11714-1997 §2.1.2 and
Appendix A (https://zh.wikisource.org/wiki/GB_11714-1997_全国组织机构代码编制规则). The published
sample ``914403001922038216`` passes every part.
"""
import json
from functools import cache
from pathlib import Path

from flask_babel import lazy_gettext as _l

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# GB 11714 Appendix A: the organisation code's characters count 0-9, then A=10 ... Z=35.
ORGANISATION_VALUES = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
TABLES_FILE = Path(__file__).parent / "reference" / "data" / "gb32100.json"


@cache
def tables():
    """The published code tables (authorities with their categories, province-level divisions)."""
    return json.loads(TABLES_FILE.read_text(encoding="utf-8"))


class CreditCodeError(ValueError):
    """Says which part of the code is wrong: ``kind`` is length, character, authority, category,
    division, organisation or check."""

    def __init__(self, kind, message):
        super().__init__(str(message))
        self.kind = kind
        self.message = message


def check_character(first17):
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def organisation_check_character(body8):
    """GB 11714: the check character of an eight-character organisation code body."""
    weights = tables()["organisation_code_weights"]
    total = sum(ORGANISATION_VALUES.index(ch) * w for ch, w in zip(body8, weights, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def _check_characters(code):
    for position, ch in enumerate(code, start=1):
        if ch not in ALPHABET:
            raise CreditCodeError(
                "character",
                _l("Character %(ch)s at position %(pos)d is not allowed (digits and capital letters except I, O, Z, S, V).",
                   ch=ch, pos=position),
            )


def _check_authority_and_category(code):
    authorities = tables()["authorities"]
    authority = authorities.get(code[0])
    if authority is None:
        raise CreditCodeError("authority", _l(
            "The registration authority code (登记管理部门代码, position 1) %(ch)s is not one of the published "
            "codes (%(codes)s).", ch=code[0], codes=" ".join(authorities)))
    if code[1] not in authority["categories"]:
        raise CreditCodeError("category", _l(
            "The category code (机构类别代码, position 2) %(ch)s does not exist for registration authority "
            "%(authority)s (allowed: %(codes)s).", ch=code[1], authority=code[0],
            codes=" ".join(authority["categories"])))


def _check_division(code):
    division = code[2:8]
    if not division.isdigit():
        raise CreditCodeError("division", _l(
            "The administrative division code (行政区划码, positions 3-8) must be six digits."))
    data = tables()
    if division != data["national_division"] and division[:2] not in data["provinces"]:
        raise CreditCodeError("division", _l(
            "The administrative division code (行政区划码, positions 3-8) %(code)s does not start with a "
            "province-level code.", code=division))


def _check_organisation(code):
    expected = organisation_check_character(code[8:16])
    if code[16] != expected:
        raise CreditCodeError("organisation", _l(
            "The organisation code (组织机构代码, positions 9-17) is wrong: its check character (position 17) "
            "should be %(ch)s.", ch=expected))


def validate(code):
    """Return the normalised code or raise CreditCodeError naming the wrong part."""
    code = (code or "").strip().upper()
    if len(code) != 18:
        raise CreditCodeError(
            "length", _l("The credit code must have 18 characters (it has %(n)d).", n=len(code))
        )
    _check_characters(code)
    _check_authority_and_category(code)
    _check_division(code)
    _check_organisation(code)
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


def compose(body8, prefix="91", division="120116"):
    """A structurally valid code: authority and category (``prefix``, default 91 = 工商/企业), the
    division (default 120116, Binhai New Area), the organisation code body with its GB 11714 check
    character, and the check character (demo data, tests)."""
    return make(prefix + division + body8 + organisation_check_character(body8))
