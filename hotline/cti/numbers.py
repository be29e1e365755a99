"""A caller's number as the platform stores it: mobile 11 digits, landline with its area code (a local 8-digit
number gets the centre's own, 0577 for 温州), so 0577-88123456, 057788123456 and 88123456 are one caller."""
from __future__ import annotations

import re

from hotline.text.pii import parse_phone

DEFAULT_AREA_CODE = "0577"
_LOCAL = re.compile(r"^[2-9][0-9]{7}$")  # 温州's local numbers have 8 digits
_SEPARATORS = re.compile(r"[\s().\-－（）]")


def canonical_number(raw: str, *, area_code: str = DEFAULT_AREA_CODE) -> str | None:
    """Canonical digits for a phone number as a PBX or an agent writes it, or None when it is not one
    (anonymous, a short service number such as 110, an extension)."""
    text = _SEPARATORS.sub("", raw.strip())
    if _LOCAL.match(text):
        text = area_code + text
    try:
        return parse_phone(text)
    except ValueError:
        return None


def caller_key(raw: str, *, area_code: str = DEFAULT_AREA_CODE) -> str:
    """What the call log keeps as `from`: the canonical number, else the text as sent (e.g. `anonymous`, `110`)."""
    return canonical_number(raw, area_code=area_code) or raw.strip()
