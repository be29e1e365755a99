"""Personal data in citizen text: found, masked, and validated in form fields."""
from datetime import date

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from hotline.text.pii import (
    find_pii,
    id_check_char,
    luhn_valid,
    mask,
    mask_text,
    parse_id_number,
    parse_phone,
)

# Prose around the numbers: Chinese characters and punctuation, never a digit.
prose = st.text(alphabet=st.sampled_from("市民反映楼下噪音扰民请处理电话号码身份证卡，。：（）！ abc"), max_size=30)
mobiles = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
regions = st.sampled_from(["330302", "330381", "110105", "440305", "510104", "620102"])
birth_dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2020, 12, 31))


@st.composite
def id_numbers(draw):
    first17 = draw(regions) + draw(birth_dates).strftime("%Y%m%d") + draw(st.from_regex(r"[0-9]{3}", fullmatch=True))
    return first17 + id_check_char(first17)


@st.composite
def bank_cards(draw):
    length = draw(st.integers(16, 19))
    body = "62" + draw(st.from_regex(rf"[0-9]{{{length - 3}}}", fullmatch=True))
    check = next(d for d in "0123456789" if luhn_valid(body + d))
    return body + check


def digits_of(text):
    return "".join(c for c in text if c.isdigit())


VALID_ID = "33030219900101123" + id_check_char("33030219900101123")


def test_mobile_with_country_code_and_dashes_is_masked():
    masked, spans = mask_text("联系电话+86 138-1234-5678，谢谢")
    assert masked == "联系电话138****5678，谢谢"
    assert [(s.kind, s.value) for s in spans] == [("mobile", "13812345678")]


def test_full_width_digits_in_a_phone_number_are_found():
    text = "电话１３８１２３４５６７８"
    [span] = find_pii(text)
    assert (span.kind, span.value, text[span.start : span.end]) == ("mobile", "13812345678", "１３８１２３４５６７８")


@pytest.mark.parametrize(
    ("text", "value"),
    [("座机0577-88889999", "057788889999"), ("座机（0577）8888999", "05778888999"), ("座机(010)66668888", "01066668888")],
)
def test_landline_with_area_code_is_found(text, value):
    assert [(s.kind, s.value) for s in find_pii(text)] == [("landline", value)]


def test_local_number_without_area_code_is_not_a_landline():
    assert find_pii("门牌号88889999旁边") == []


def test_landline_mask_keeps_area_code_and_last_two_digits():
    assert mask("landline", "0577-88889999") == "0577-****99"


def test_id_number_is_masked_hiding_the_birth_date():
    masked, spans = mask_text(f"身份证{VALID_ID}")
    assert masked == f"身份证330302********{VALID_ID[-4:]}"
    assert spans[0].kind == "id_number"


def test_id_number_with_wrong_check_digit_is_not_an_id():
    wrong = VALID_ID[:17] + ("1" if VALID_ID[17] != "1" else "2")
    assert all(span.kind != "id_number" for span in find_pii(f"身份证{wrong}"))


def test_id_number_with_impossible_birth_date_is_not_an_id():
    first17 = "33030219900231123"  # 31 February
    assert all(span.kind != "id_number" for span in find_pii(first17 + id_check_char(first17)))


def test_lower_case_x_id_number_is_found_with_upper_case_x():
    first17 = next(f"3303021985061512{d}" for d in "0123456789" if id_check_char(f"3303021985061512{d}") == "X")
    [span] = find_pii(f"证件号{first17}x")
    assert span.value == first17 + "X"


def test_id_number_that_also_passes_luhn_is_reported_as_an_id():
    ids = (f"33030219900101{n:03d}" + id_check_char(f"33030219900101{n:03d}") for n in range(1000))
    both = next(number for number in ids if number.isdigit() and luhn_valid(number))
    [span] = find_pii(both)
    assert span.kind == "id_number"


def test_grouped_bank_card_is_masked():
    card = "6222021234567890"
    card = card[:-1] + next(d for d in "0123456789" if luhn_valid(card[:-1] + d))
    grouped = " ".join(card[i : i + 4] for i in range(0, 16, 4))
    assert mask_text(f"卡号{grouped}。") == (f"卡号{card[:4]}****{card[-4:]}。", find_pii(f"卡号{grouped}。"))


def test_long_number_failing_luhn_is_left_alone():
    card = "6222021234567890"
    not_card = card[:-1] + next(d for d in "0123456789" if not luhn_valid(card[:-1] + d))
    assert find_pii(f"订单号{not_card}") == []


def test_name_mask_keeps_the_surname():
    assert (mask("name", "张三丰"), mask("name", "李四")) == ("张**", "李*")


@settings(max_examples=200, deadline=None)
@given(prose, mobiles, prose)
def test_masking_never_leaks_the_middle_of_a_mobile_number(before, number, after):
    masked, _ = mask_text(before + number + after)
    assert digits_of(masked) == number[:3] + number[-4:]


@settings(max_examples=200, deadline=None)
@given(prose, id_numbers(), prose)
def test_any_valid_id_number_is_found_and_masked(before, number, after):
    masked, spans = mask_text(before + number + after)
    assert [(s.kind, s.value) for s in spans] == [("id_number", number)]
    assert masked == before + number[:6] + "********" + number[-4:] + after


@settings(max_examples=200, deadline=None)
@given(prose, bank_cards(), prose)
def test_any_luhn_valid_card_number_is_found_and_masked(before, number, after):
    assume(not _is_id_number(number))
    masked, spans = mask_text(before + number + after)
    assert [(s.kind, s.value) for s in spans] == [("bank_card", number)]
    assert digits_of(masked) == number[:4] + number[-4:]


def _is_id_number(value):
    try:
        parse_id_number(value)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("138 1234 5678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("0577-88889999", "057788889999"),
        ("(0577)8888999", "05778888999"),
    ],
)
def test_phone_field_is_stored_as_digits(raw, canonical):
    assert parse_phone(raw) == canonical


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "empty"),
        ("138-1234-567", "11 digits"),
        ("88889999", "area code"),
        ("+1 202 555 0100", "mainland"),
        ("tel:13812345678", "only digits"),
    ],
)
def test_bad_phone_field_says_why(raw, reason):
    with pytest.raises(ValueError, match=reason):
        parse_phone(raw)


def test_id_field_is_upper_cased():
    first17 = next(f"3303021985061512{d}" for d in "0123456789" if id_check_char(f"3303021985061512{d}") == "X")
    assert parse_id_number(first17 + "x") == first17 + "X"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("3303021990010112", "must be 18 characters"),
        (VALID_ID[:17] + ("1" if VALID_ID[17] != "1" else "2"), "check digit does not match"),
        ("330302" + "19901301" + "1234", "birth date invalid"),
    ],
)
def test_bad_id_field_says_why(raw, reason):
    with pytest.raises(ValueError, match=reason):
        parse_id_number(raw)


@pytest.mark.parametrize(
    ("text", "kind", "masked"),
    [
        ("电话138.5771.2345。", "mobile", "电话138****2345。"),
        ("电话一三八五七七一二三四五。", "mobile", "电话138****2345。"),
        ("电话幺三八五七七幺二三四五", "mobile", "电话138****2345"),
        ("座机0577-8888 6666。", "landline", "座机0577-****66。"),
        ("邮箱zhang.wei@163.com，", "email", "邮箱z***@163.com，"),
        ("加我微信号zhang_wei88吧", "wechat", "加我微信号z*********8吧"),
        ("vx：abc12345", "wechat", "vx：a******5"),
        ("QQ号12345678", "qq", "QQ号1******8"),
        ("车牌浙C12345的车", "plate", "车牌浙C***45的车"),
        ("车牌浙C·D1234F", "plate", "车牌浙C***4F"),
        ("老身份证330302900101123", "id_number", "老身份证330302*****1123"),
        (f"身份证{VALID_ID[:6]} {VALID_ID[6:14]} {VALID_ID[14:]}号", "id_number", f"身份证330302********{VALID_ID[-4:]}号"),
        (f"身份证{VALID_ID[:6]}-{VALID_ID[6:]}", "id_number", f"身份证330302********{VALID_ID[-4:]}"),
    ],
)
def test_formats_the_probe_found_unmasked_are_masked(text, kind, masked):
    """Issue 19 item 9: dotted and spelled-out mobiles, spaced landlines, e-mail, WeChat/QQ ids, plates,
    15-digit and space-separated ID numbers."""
    assert [s.kind for s in find_pii(text)] == [kind]
    assert mask_text(text)[0] == masked


def test_numerals_in_prose_and_short_runs_are_not_numbers():
    assert find_pii("一二三四五六七八九十条") == [] and find_pii("周一三五开放") == []
    assert find_pii("微信公众号关注") == [] and find_pii("新A区") == []
