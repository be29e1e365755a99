"""Find, validate and mask personal data in citizen text: mobile and landline numbers, ID numbers, bank cards.

Spans are found on the text as given (full-width digits included) and carry a canonical value:
ASCII digits, with an ID number's check character as upper-case ``X``. Numbers are recognised only
when they stand alone (no digit directly before or after), so a number inside a longer number is
never reported. Where two findings overlap the stronger proof wins: an ID number (check digit and
birth date) beats a bank card (Luhn), which beats a mobile, which beats a landline.
Not recognised: ID numbers typed with spaces inside, 15-digit pre-1999 IDs, cards grouped other
than in fours.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import date

PII_KINDS = ("mobile", "landline", "id_number", "bank_card")

# Full-width digits, X, separators and brackets fold one-to-one onto ASCII, so positions in the
# folded copy are positions in the original text.
_FOLD = str.maketrans("０１２３４５６７８９Ｘｘ－＋（）\u3000", "0123456789Xx-+() ")
_FULL_WIDTH = re.compile("[０-９Ｘｘ－＋（）\u3000]+")

# Each pattern opens with a lookahead on its first character: the regex engine then skips ahead to
# candidate characters instead of trying every position (about 3x faster on prose).
_MOBILE = re.compile(
    r"(?=[+018])(?<![0-9])(?:(?:\+|00)?86[ -]?)?(1[3-9][0-9][ -]?[0-9]{4}[ -]?[0-9]{4})(?![0-9])"
)
_AREA = r"(?:010|02[0-9]|0[3-9][0-9]{2})"
_LANDLINE = re.compile(
    rf"(?=[(0])(?<![0-9])(?:\( ?(?P<bracketed>{_AREA}) ?\) ?|(?P<area>{_AREA})[ -]?)"
    r"(?P<local>[2-9][0-9]{6,7})(?![0-9])"
)
_LANDLINE_DIGITS = re.compile(rf"({_AREA})([2-9][0-9]{{6,7}})")
_ID_NUMBER = re.compile(
    r"(?=[1-9])(?<![0-9])"
    r"([1-9][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx])(?![0-9])"
)
# Card numbers start with 3-6 (international schemes, UnionPay 62) or 9 (older domestic cards).
_BANK_CARD = re.compile(
    r"(?=[3-69])(?<![0-9])([3-69][0-9]{3}(?:[ -]?[0-9]{4}){3}(?:[ -]?[0-9]{1,3})?)(?![0-9])"
)
_NON_DIGITS = re.compile(r"[^0-9]")

# First two digits of a resident ID: provinces, 81/82/83 (HK/Macau/Taiwan residence permits), and
# 9 + the issuing province's first digit (foreigners' permanent residence ID since 2023).
_ID_REGIONS = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 "
    "71 81 82 83 91 92 93 94 95 96".split()
)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"

# When findings overlap, the lower rank is kept.
_RANK = {"id_number": 0, "bank_card": 1, "mobile": 2, "landline": 3}


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
    # Folding only the full-width runs is far cheaper than translating the whole text.
    return _FULL_WIDTH.sub(lambda run: run.group().translate(_FOLD), text)


def _candidates(folded: str) -> list[PiiSpan]:
    found: list[PiiSpan] = []
    for match in _ID_NUMBER.finditer(folded):
        value = match.group(1).upper()
        if _id_problem(value) is None:
            found.append(PiiSpan("id_number", match.start(), match.end(), value))
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
    folded = _fold(value)
    if kind == "id_number":
        id_number = folded.strip().upper()
        return id_number[:6] + "********" + id_number[-4:]
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
