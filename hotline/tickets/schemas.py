"""What the API shows of a ticket, with personal data masked for readers not entitled to it."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from hotline.text.pii import mask, mask_text
from hotline.tickets.protection import department_text, is_protected
from hotline.tickets.states import allowed_actions


class CitizenOut(BaseModel):
    name: str | None
    phone: str | None
    id_number: str | None
    anonymous: bool
    confidential: bool
    masked: bool
    protected: bool = False  # a 举报 (or confidential) read by a department: no field of the reporter is sent


class TicketOut(BaseModel):
    id: int
    ticket_number: str
    channel: str
    status: str
    type: str | None
    urgency: str
    category: str | None
    title: str | None
    content: str
    address: str | None
    district_code: str | None
    street_code: str | None
    citizen: CitizenOut
    lead_department: str | None
    departments: list[str]
    sign_by: datetime | None
    reply_by: datetime | None
    original_reply_by: datetime | None
    received_at: datetime
    created_at: datetime
    updated_at: datetime
    allowed_actions: list[str]
    protected: bool  # 举报 or confidential: departments read only the reviewed copy of its text
    urge_count: int = 0  # 催办: the caller's contacts added to this open ticket since
    supplement_count: int = 0  # 补充情况 added likewise
    call_id: str | None = None  # the PBX call it was filed during


class TicketSummary(BaseModel):
    ticket_number: str
    channel: str
    status: str
    type: str | None
    urgency: str
    category: str | None
    title: str | None
    excerpt: str
    district_code: str | None
    lead_department: str | None
    sign_by: datetime | None
    reply_by: datetime | None
    received_at: datetime
    urge_count: int = 0


class TicketPage(BaseModel):
    items: list[TicketSummary]
    page: int
    page_size: int
    total: int
    withheld: int = 0  # confidential tickets a phone/ID search left out: give a reason to see them


class EventOut(BaseModel):
    id: int
    action: str
    from_status: str | None
    to_status: str
    actor_role: str
    actor_department: str | None
    actor_username: str | None
    reason: str | None
    data: dict[str, Any]
    created_at: datetime


def _masked(kind: str, value: str | None, reveal: bool) -> str | None:
    if value is None or reveal:
        return value
    return mask(kind, value)


def _masked_text(text: str | None, reveal: bool) -> str | None:
    if text is None or reveal:
        return text
    return mask_text(text)[0]


def present_ticket(row: Any, *, reveal: bool, department_view: bool = False) -> TicketOut:
    """The ticket for its reader; `department_view`: a department reading a protected ticket gets its reviewed
    copy and nothing of the reporter."""
    protected = is_protected(row)
    if department_view and protected:
        copy = department_text(row)
        title, content, address = copy["title"], copy["content"], copy["address"]
        citizen = CitizenOut(name=None, phone=None, id_number=None, anonymous=row["anonymous"],
                             confidential=row["confidential"], masked=True, protected=True)
    else:
        title, content = _masked_text(row["title"], reveal), row["content"] if reveal else row["content_masked"]
        address = row["address"] if reveal or not row["confidential"] else None
        citizen = CitizenOut(
            name=_masked("name", row["citizen_name"], reveal),
            phone=_masked("mobile" if (row["citizen_phone"] or "").startswith("1") else "landline",
                          row["citizen_phone"], reveal),
            id_number=_masked("id_number", row["citizen_id_number"], reveal),
            anonymous=row["anonymous"], confidential=row["confidential"], masked=not reveal,
        )
    return TicketOut(
        id=row["id"], ticket_number=row["ticket_number"], channel=row["channel"], status=row["status"],
        type=row["type"], urgency=row["urgency"], category=row["category_path"],
        title=title, content=content, address=address,
        district_code=row["district_code"], street_code=row["street_code"], citizen=citizen,
        lead_department=row["lead_department"], departments=list(row["departments"]),
        sign_by=row["sign_by"], reply_by=row["reply_by"], original_reply_by=row["original_reply_by"],
        received_at=row["received_at"], created_at=row["created_at"], updated_at=row["updated_at"],
        allowed_actions=allowed_actions(row["status"]), protected=protected,
        urge_count=_optional(row, "urge_count", 0), supplement_count=_optional(row, "supplement_count", 0),
        call_id=_optional(row, "call_id", None),
    )


def _optional(row: Any, key: str, default: Any) -> Any:
    """A column only some of the queries that feed these views select."""
    try:
        value = row[key]
    except KeyError:
        return default
    return default if value is None else value


def present_summary(row: Any, *, department_view: bool = False) -> TicketSummary:
    if department_view and is_protected(row):
        copy = department_text(row)
        title, text = copy["title"], copy["content"]
    else:
        title, text = _masked_text(row["title"], False), row["content_masked"]
    return TicketSummary(
        ticket_number=row["ticket_number"], channel=row["channel"], status=row["status"], type=row["type"],
        urgency=row["urgency"], category=row["category_path"], title=title,
        excerpt=text[:120] + ("…" if len(text) > 120 else ""),
        district_code=row["district_code"], lead_department=row["lead_department"],
        sign_by=row["sign_by"], reply_by=row["reply_by"], received_at=row["received_at"],
        urge_count=_optional(row, "urge_count", 0),
    )
