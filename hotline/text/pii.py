"""Find, validate and mask personal data in citizen text: mobile and landline numbers, ID numbers, bank cards,
e-mail addresses, WeChat and QQ ids, vehicle licence plates.

Spans are found on the text as given (full-width digits and numbers spelled in Chinese numerals included) and
carry a canonical value: ASCII digits, with an ID number's check character as upper-case ``X``. Numbers are
recognised only when they stand alone (no digit directly before or after), so a number inside a longer number is
never reported. Where two findings overlap the stronger proof wins: an ID number (check digit and birth date)
beats a bank card (Luhn), which beats an e-mail address, a mobile, a landline, then the rest.
Recognised separators: spaces, dashes and dots inside phone numbers (138.5771.2345, 0577-8888 6666), spaces or
dashes anywhere in an ID number. 15-digit pre-1999 ID numbers are checked by region and birth date only (they
have no check digit). Not recognised: cards grouped other than in fours.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import date

PII_KINDS = ("mobile", "landline", "id_number", "bank_card", "email", "wechat", "qq", "plate")

# Full-width digits, X, separators and brackets fold one-to-one onto ASCII, so positions in the
# folded copy are positions in the original text.
_FOLD = str.maketrans("０１２３４５６７８９Ｘｘ－＋（）\u3000", "0123456789Xx-+() ")
_FULL_WIDTH = re.compile("[０-９Ｘｘ－＋（）\u3000]+")
# A number read out digit by digit (一三八五七七一二三四五): seven or more numerals in a row are digits.
_CN_DIGITS = str.maketrans("〇零一二三四五六七八九幺", "001234567891")
_CN_DIGIT_RUN = re.compile("[〇零一二三四五六七八九幺]{7,}")

# Each pattern opens with a lookahead on its first character: the regex engine then skips ahead to
# candidate characters instead of trying every position (about 3x faster on prose).
_MOBILE = re.compile(
    r"(?=[+018])(?<![0-9])(?:(?:\+|00)?86[ -]?)?(1[3-9][0-9][ .-]?[0-9]{4}[ .-]?[0-9]{4})(?![0-9])"
)
_AREA = r"(?:010|02[0-9]|0[3-9][0-9]{2})"
_LANDLINE = re.compile(
    rf"(?=[(0])(?<![0-9])(?:\( ?(?P<bracketed>{_AREA}) ?\) ?|(?P<area>{_AREA})[ .-]?)"
    r"(?P<local>[2-9][0-9]{2,3}[ .-]?[0-9]{4})(?![0-9])"
)
_LANDLINE_DIGITS = re.compile(rf"({_AREA})([2-9][0-9]{{6,7}})")
_ID_NUMBER = re.compile(
    r"(?=[1-9])(?<![0-9])"
    r"([1-9][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx])(?![0-9])"
)
# The same with spaces or dashes between digits (330302 19900101 1235); tried at every digit run's start.
_SPACED_ID_NUMBER = re.compile(r"(?<![0-9])(?=([1-9](?:[ -]?[0-9]){16}[ -]?[0-9Xx])(?![0-9]))")
_OLD_ID_NUMBER = re.compile(
    r"(?=[1-9])(?<![0-9])([1-9][0-9]{5}[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3})(?![0-9])"
)
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])([A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24})"
    r"(?![A-Za-z0-9-])"
)
# An account name only after its cue (a bare word is not an id): 微信号 abc_123, vx: abc123, QQ 12345678.
_WECHAT = re.compile(
    r"(?:微信号?|威信|薇信|[Vv]信|[Ww]e[Cc]hat|weixin|[VvWw][Xx])(?:号|账号|号码|id|ID)?\s*(?:是|为|:|：)?\s*"
    r"([A-Za-z][-_A-Za-z0-9]{5,19}|[1-9][0-9]{4,11})(?![-_A-Za-z0-9])"
)
_QQ = re.compile(r"(?:[Qq]{2}|扣扣)(?:号|号码)?\s*(?:是|为|:|：)?\s*([1-9][0-9]{4,11})(?![0-9])")
_PLATE = re.compile(
    r"(?<![A-Za-z0-9])([京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-Za-z][·•・ .-]?"
    r"[A-Za-z0-9]{5,6}[挂学警港澳]?)(?![A-Za-z0-9])"
)
_PLATE_SEPARATORS = re.compile(r"[·•・ .-]")
# Card numbers start with 3-6 (international schemes, UnionPay 62) or 9 (older domestic cards).
_BANK_CARD = re.compile(
    r"(?=[3-69])(?<![0-9])([3-69][0-9]{3}(?:[ -]?[0-9]{4}){3}(?:[ -]?[0-9]{1,3})?)(?![0-9])"
)
_NON_DIGITS = re.compile(r"[^0-9]")
_NON_DIGITS_OR_X = re.compile(r"[^0-9Xx]")

# First two digits of a resident ID: provinces, 81/82/83 (HK/Macau/Taiwan residence permits), and
# 9 + the issuing province's first digit (foreigners' permanent residence ID since 2023).
_ID_REGIONS = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 "
    "71 81 82 83 91 92 93 94 95 96".split()
)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"

# When findings overlap, the lower rank is kept.
_RANK = {"id_number": 0, "bank_card": 1, "email": 2, "mobile": 3, "landline": 4, "wechat": 5, "qq": 6, "plate": 7}


@dataclass(frozen=True, slots=True)
class PiiSpan:
    """One piece of personal data: ``text[start:end]`` is what was written, ``value`` its canonical form."""

    kind: str
    start: int
    end: int
    value: str


def id_check_char(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character for the first 17 digits of an ID number."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def luhn_valid(digits: str) -> bool:
    """True when ``digits`` passes the Luhn check used by bank card numbers."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def _old_id_valid(value: str) -> bool:
    """A 15-digit ID number (issued before 1999): a known region and a real 19xx birth date."""
    if value[:2] not in _ID_REGIONS:
        return False
    try:
        date(1900 + int(value[6:8]), int(value[8:10]), int(value[10:12]))
    except ValueError:
        return False
    return True


def _id_problem(value: str) -> str | None:
    """Why an upper-cased 18-character candidate is not a valid ID number, or None when it is."""
    if len(value) != 18:
        return "must be 18 characters"
    if not (value[:17].isdigit() and value[:17].isascii() and (value[17].isdigit() or value[17] == "X")):
        return "must be 17 digits followed by a digit or X"
    if value[:2] not in _ID_REGIONS:
        return "region code invalid"
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "birth date invalid"
    if born.year < 1900 or born > date.today():
        return "birth date invalid"
    if id_check_char(value[:17]) != value[17]:
        return "check digit does not match"
    return None


def _fold(text: str) -> str:
    # Folding only the full-width and numeral runs is far cheaper than translating the whole text.
    folded = _FULL_WIDTH.sub(lambda run: run.group().translate(_FOLD), text)
    return _CN_DIGIT_RUN.sub(lambda run: run.group().translate(_CN_DIGITS), folded)


def _candidates(folded: str) -> list[PiiSpan]:
    found: list[PiiSpan] = []
    for match in _ID_NUMBER.finditer(folded):
        value = match.group(1).upper()
        if _id_problem(value) is None:
            found.append(PiiSpan("id_number", match.start(), match.end(), value))
    for match in _SPACED_ID_NUMBER.finditer(folded):
        raw = match.group(1)
        value = _NON_DIGITS_OR_X.sub("", raw).upper()
        if raw != value and _id_problem(value) is None:
            found.append(PiiSpan("id_number", match.start(1), match.start(1) + len(raw), value))
    for match in _OLD_ID_NUMBER.finditer(folded):
        if _old_id_valid(match.group(1)):
            found.append(PiiSpan("id_number", match.start(), match.end(), match.group(1)))
    for match in _EMAIL.finditer(folded):
        found.append(PiiSpan("email", match.start(1), match.end(1), match.group(1).lower()))
    for pattern, kind in ((_WECHAT, "wechat"), (_QQ, "qq")):
        for match in pattern.finditer(folded):
            found.append(PiiSpan(kind, match.start(1), match.end(1), match.group(1)))
    for match in _PLATE.finditer(folded):
        value = _PLATE_SEPARATORS.sub("", match.group(1)).upper()
        if sum(c.isdigit() for c in value) >= 2:
            found.append(PiiSpan("plate", match.start(1), match.end(1), value))
    for match in _BANK_CARD.finditer(folded):
        digits = _NON_DIGITS.sub("", match.group(1))
        if 16 <= len(digits) <= 19 and luhn_valid(digits):
            found.append(PiiSpan("bank_card", match.start(), match.end(), digits))
    for match in _MOBILE.finditer(folded):
        found.append(PiiSpan("mobile", match.start(), match.end(), _NON_DIGITS.sub("", match.group(1))))
    for match in _LANDLINE.finditer(folded):
        area = match.group("bracketed") or match.group("area")
        local = match.group("local")
        if len(area) == 4 or len(local) == 8:  # 010 and 02x cities have 8-digit local numbers
            found.append(PiiSpan("landline", match.start(), match.end(), area + local))
    return found


def find_pii(text: str) -> list[PiiSpan]:
    """All personal data in ``text``, non-overlapping, in order of position."""
    kept: list[PiiSpan] = []  # non-overlapping, ordered by start
    starts: list[int] = []
    for span in sorted(_candidates(_fold(text)), key=lambda s: (_RANK[s.kind], s.start)):
        # Kept spans do not overlap, so only the neighbours on either side can collide with a new one.
        i = bisect.bisect_left(starts, span.start)
        if (i > 0 and kept[i - 1].end > span.start) or (i < len(kept) and kept[i].start < span.end):
            continue
        kept.insert(i, span)
        starts.insert(i, span.start)
    return kept


def _split_landline(digits: str) -> tuple[str, str]:
    match = _LANDLINE_DIGITS.fullmatch(digits)
    if match is None:
        raise ValueError("landline must be an area code (e.g. 0577) followed by a 7- or 8-digit number")
    return match.group(1), match.group(2)


def mask(kind: str, value: str) -> str:
    """How ``value`` of ``kind`` (a PII kind or ``name``) is shown to someone not entitled to see it."""
    if kind == "name":
        name = value.strip()
        return name[:1] + "*" * max(1, len(name) - 1)
    if kind == "email":
        local, _, domain = value.partition("@")
        return local[:1] + "***@" + domain
    if kind in ("wechat", "qq"):
        return value[:1] + "*" * max(3, len(value) - 2) + value[-1:]
    if kind == "plate":
        return value[:2] + "***" + value[-2:]
    folded = _fold(value)
    if kind == "id_number":
        id_number = _NON_DIGITS_OR_X.sub("", folded).upper()
        return id_number[:6] + "*" * (len(id_number) - 10) + id_number[-4:]
    digits = _NON_DIGITS.sub("", folded)
    if kind == "mobile":
        digits = digits[-11:]  # drops a +86 / 0086 prefix
        return digits[:3] + "****" + digits[-4:]
    if kind == "bank_card":
        return digits[:4] + "****" + digits[-4:]
    if kind == "landline":
        area, local = _split_landline(digits)
        return area + "-****" + local[-2:]
    raise ValueError(f"unknown personal data kind {kind!r}")


def mask_text(text: str) -> tuple[str, list[PiiSpan]]:
    """``text`` with every piece of personal data masked, and the spans found (positions in ``text``)."""
    spans = find_pii(text)
    pieces: list[str] = []
    position = 0
    for span in spans:
        pieces.append(text[position : span.start])
        pieces.append(mask(span.kind, span.value))
        position = span.end
    pieces.append(text[position:])
    return "".join(pieces), spans


def parse_phone(raw: str) -> str:
    """A citizen's phone field as canonical digits (mobile ``13812345678``, landline ``057788888888``)."""
    text = _fold(raw).strip()
    if not text:
        raise ValueError("phone number is empty")
    if re.search(r"[^0-9 ()+-]", text) or "+" in text[1:]:
        raise ValueError("phone number may contain only digits, spaces, dashes, brackets and a leading +")
    digits = _NON_DIGITS.sub("", text)
    if digits.startswith("0086"):
        digits = digits[4:]
    elif text.startswith("+"):
        if not digits.startswith("86"):
            raise ValueError("only mainland China numbers (+86) are accepted")
        digits = digits[2:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if digits.startswith("1"):
        if len(digits) != 11:
            raise ValueError("mobile number must have 11 digits")
        if digits[1] in "012":
            raise ValueError("mobile number must start with 13-19")
        return digits
    if digits.startswith("0"):
        area, local = _split_landline(digits)
        if len(area) == 3 and len(local) != 8:
            raise ValueError(f"landline numbers under area code {area} have 8 digits")
        return digits
    if len(digits) in (7, 8):
        raise ValueError("landline number needs its area code, e.g. 0577-88888888")
    raise ValueError("not a mainland mobile or landline number")


def parse_id_number(raw: str) -> str:
    """An 18-digit resident ID number, upper-case X, or ValueError saying what is wrong with it."""
    value = _fold(raw).replace(" ", "").upper()
    problem = _id_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value
