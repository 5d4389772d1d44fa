import pytest

from safety_app.credit_code import CreditCodeError, compose, is_valid, make, organisation_check_character, validate

PUBLISHED = "914403001922038216"
# Further published codes: one with letters in the organisation code (values A=10 ... Z=35, GB 11714).
OTHER_PUBLISHED = ("91110000600037341L", "91350100M000100Y43")


def test_published_code_is_valid():
    assert validate(PUBLISHED) == PUBLISHED


@pytest.mark.parametrize("code", OTHER_PUBLISHED)
def test_other_published_codes_are_valid(code):
    assert validate(code) == code


def test_codes_built_with_the_formula_are_valid():
    for prefix, division, body in (("91", "120116", "MA05K123"), ("92", "120116", "00000000"),
                                   ("11", "100000", "00000000"), ("51", "120000", "50000008"),
                                   ("N2", "120116", "7X1A2B3C"), ("Y1", "820000", "12345678")):
        assert is_valid(compose(body, prefix, division)), (prefix, division, body)


def test_organisation_check_character_follows_gb_11714():
    assert organisation_check_character("19220382") == "1"  # 914403001922038216
    assert organisation_check_character("M000100Y") == "4"  # 91350100M000100Y43: M=22, Y=34
    assert organisation_check_character("00000000") == "0"  # 11 - 0 = 11 -> 0
    assert any(organisation_check_character(f"{n:08d}") == "X" for n in range(100))  # 10 -> X


def _refusal(code):
    with pytest.raises(CreditCodeError) as exc:
        validate(code)
    return exc.value


@pytest.mark.parametrize("first", ["0", "B", "C", "M", "X"])
def test_credit_code_with_unknown_registration_authority_is_refused_naming_the_part(first):
    error = _refusal(make(first + PUBLISHED[1:17]))
    assert error.kind == "authority"
    assert "登记管理部门代码" in str(error)


@pytest.mark.parametrize("prefix", ["94", "90", "16", "Y2", "A3", "55"])
def test_credit_code_with_a_category_its_authority_lacks_is_refused_naming_the_part(prefix):
    error = _refusal(make(prefix + PUBLISHED[2:17]))
    assert error.kind == "category"
    assert "机构类别代码" in str(error)


@pytest.mark.parametrize("division", ["990000", "001234", "100001", "4403A0", "700000"])
def test_credit_code_with_unknown_administrative_division_is_refused_naming_the_part(division):
    error = _refusal(make("91" + division + PUBLISHED[8:17]))
    assert error.kind == "division"
    assert "行政区划码" in str(error)


def test_credit_code_with_bad_organisation_check_is_refused_naming_the_part():
    error = _refusal(make(PUBLISHED[:16] + "2"))  # the overall check character is right
    assert error.kind == "organisation"
    assert "组织机构代码" in str(error) and "1" in str(error)


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
