"""What an outside system sends to Open311: the form of POST requests and the filters of GET requests, checked
into plain values, each refusal naming its field with a reason a person reads (Chinese)."""
from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from hotline.infra.errors import InvalidFields
from hotline.text.pii import parse_phone

CHINA = timezone(timedelta(hours=8))
MAX_DESCRIPTION_CHARS = 4000  # the GeoReport v2 limit
MAX_ATTRIBUTES = 50
MAX_IDS = 200
# attribute[CODE]=v, or attribute[CODE][]=v1&attribute[CODE][]=v2 for a multivaluelist
_ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]{1,60})\](\[\])?$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{1,60}$")
_URL = re.compile(r"^https?://[^\s]{1,990}$")
_LIMITS = {  # field -> most characters accepted
    "service_code": 20, "description": MAX_DESCRIPTION_CHARS, "address_string": 500, "address_id": 100,
    "email": 254, "device_id": 100, "account_id": 100, "first_name": 25, "last_name": 25, "phone": 30,
    "media_url": 1000, "lat": 40, "long": 40, "api_key": 200, "jurisdiction_id": 100,
}


@dataclass(frozen=True)
class NewRequest:
    """A POST requests.{format} after its checks. `attributes` maps a question code to the values given."""

    service_code: str
    description: str | None = None
    lat: float | None = None
    long: float | None = None
    address_string: str | None = None
    address_id: str | None = None
    email: str | None = None
    device_id: str | None = None
    account_id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    media_url: str | None = None
    attributes: dict[str, list[str]] = field(default_factory=dict)

    def digest(self) -> str:
        """The request's fingerprint: a client's retry of it (same fields, same answers) has the same one."""
        canonical = asdict(self)
        canonical["attributes"] = {code: sorted(values) for code, values in sorted(self.attributes.items())}
        return hashlib.sha256(json.dumps(canonical, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _single(form: list[tuple[str, str]], problems: list[dict[str, str]]) -> dict[str, str]:
    """Each plain field once, trimmed, empty as absent (the spec treats an empty parameter as not sent)."""
    values: dict[str, str] = {}
    for name, raw in form:
        if name not in _LIMITS:
            continue
        value = raw.strip()
        if name in values:
            problems.append({"field": name, "reason": "只能出现一次"})
        elif "\x00" in value:
            problems.append({"field": name, "reason": "含有不允许的字符"})
        elif len(value) > _LIMITS[name]:
            problems.append({"field": name, "reason": f"不能超过 {_LIMITS[name]} 个字符"})
        elif value:
            values[name] = value
    return values


def _coordinate(values: dict[str, str], name: str, bound: float, problems: list[dict[str, str]]) -> float | None:
    if name not in values:
        return None
    try:
        number = float(values[name])
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or not -bound <= number <= bound:
        problems.append({"field": name, "reason": f"应为 -{bound:g} 到 {bound:g} 之间的 WGS84 坐标"})
        return None
    return number


def _attributes(form: list[tuple[str, str]], problems: list[dict[str, str]]) -> dict[str, list[str]]:
    attributes: dict[str, list[str]] = {}
    for name, raw in form:
        if not name.startswith("attribute"):
            continue
        match = _ATTRIBUTE.match(name)
        if match is None:
            problems.append({"field": name[:80], "reason": "格式应为 attribute[代码] 或 attribute[代码][]"})
            continue
        if len(raw) > 2000 or "\x00" in raw:
            problems.append({"field": name, "reason": "不能超过 2000 个字符，且不能含有不允许的字符"})
            continue
        attributes.setdefault(match.group(1), []).append(raw)
    if len(attributes) > MAX_ATTRIBUTES:
        problems.append({"field": "attribute", "reason": f"最多 {MAX_ATTRIBUTES} 项"})
    return attributes


def parse_new_request(form: list[tuple[str, str]]) -> NewRequest:
    """The POST form (every name=value pair in order) as a NewRequest, or InvalidFields naming each bad field."""
    problems: list[dict[str, str]] = []
    values = _single(form, problems)
    attributes = _attributes(form, problems)
    lat = _coordinate(values, "lat", 90, problems)
    long = _coordinate(values, "long", 180, problems)
    if ("lat" in values) != ("long" in values):
        missing = "long" if "lat" in values else "lat"
        problems.append({"field": missing, "reason": "lat 与 long 须同时提供"})
    if not any(k in values for k in ("lat", "address_string", "address_id")):
        problems.append({"field": "address_string",
                         "reason": "须提供位置：lat 和 long，或 address_string，或 address_id"})
    if "service_code" not in values:
        problems.append({"field": "service_code", "reason": "必填，取值见 services.xml"})
    if "email" in values and not _EMAIL.match(values["email"]):
        problems.append({"field": "email", "reason": "不是有效的电子邮件地址"})
    if "media_url" in values and not _URL.match(values["media_url"]):
        problems.append({"field": "media_url", "reason": "应为 http 或 https 网址"})
    phone = None
    if "phone" in values:
        try:
            phone = parse_phone(values["phone"])
        except ValueError:
            problems.append({"field": "phone", "reason": "不是有效的中国大陆手机或固定电话号码"})
    if problems:
        raise InvalidFields(problems)
    return NewRequest(
        service_code=values["service_code"], description=values.get("description"), lat=lat, long=long,
        address_string=values.get("address_string"), address_id=values.get("address_id"),
        email=values.get("email"), device_id=values.get("device_id"), account_id=values.get("account_id"),
        first_name=values.get("first_name"), last_name=values.get("last_name"), phone=phone,
        media_url=values.get("media_url"), attributes=attributes,
    )


def parse_datetime(value: str, name: str) -> datetime:
    """A w3 date or date-time; one without a zone is read as Beijing time. InvalidFields naming `name` if not."""
    text = value.strip()
    if "T" in text and text.count(" ") == 1:  # a "+08:00" sent unencoded in a URL arrives as " 08:00"
        text = text.replace(" ", "+")
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            moment = datetime.combine(date.fromisoformat(text), time(), CHINA)
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=CHINA)
        if not 1970 <= moment.year <= 2100:
            raise ValueError
        return moment.astimezone(timezone.utc)
    except (ValueError, OverflowError):
        raise InvalidFields([{"field": name, "reason": "应为 w3 日期时间，例如 2025-03-01T00:00:00+08:00"}]) from None


def split_list(value: str | None, name: str, *, limit: int = MAX_IDS, max_chars: int = 32) -> list[str] | None:
    """A comma-delimited argument ("a,b,c") as its distinct non-empty items, or None when absent."""
    if value is None or not value.strip():
        return None
    items = list(dict.fromkeys(item.strip() for item in value.split(",") if item.strip()))
    if len(items) > limit:
        raise InvalidFields([{"field": name, "reason": f"一次最多 {limit} 个"}])
    if any(len(item) > max_chars or "\x00" in item for item in items):
        raise InvalidFields([{"field": name, "reason": f"每项不能超过 {max_chars} 个字符"}])
    return items

