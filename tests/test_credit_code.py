import pytest

from safety_app.credit_code import CreditCodeError, is_valid, make, validate

PUBLISHED = "914403001922038216"


def test_published_code_is_valid():
    assert validate(PUBLISHED) == PUBLISHED


def test_codes_built_with_the_formula_are_valid():
    for body in ("91120116MA05K1234", "92120116000000001", "11100000000000000"):
        assert is_valid(make(body))


def test_lowercase_and_spaces_are_normalised():
    assert validate(" 914403001922038216 ".lower()) == PUBLISHED


@pytest.mark.parametrize("code", ["", "91440300192203821", "9144030019220382160"])
def test_wrong_length_is_refused_saying_length(code):
    with pytest.raises(CreditCodeError) as exc:
        validate(code)
    assert exc.value.kind == "length"


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V", "-", "中"])
def test_forbidden_character_is_refused_saying_which(letter):
    code = PUBLISHED[:5] + letter + PUBLISHED[6:]
    with pytest.raises(CreditCodeError) as exc:
        validate(code)
    assert exc.value.kind == "character"
    assert "6" in str(exc.value)


def test_wrong_check_character_is_refused_with_the_expected_one():
    with pytest.raises(CreditCodeError) as exc:
        validate(PUBLISHED[:17] + "7")
    assert exc.value.kind == "check"
    assert "6" in str(exc.value)
