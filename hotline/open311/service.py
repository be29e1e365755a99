"""Open311 GeoReport v2 over the platform's own data: outside systems' API keys, services from the category tree
and its question templates, and request reads that show no personal data and nothing of a 举报."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import asyncpg

from hotline.auth.tokens import Principal
from hotline.category_templates import service as templates
from hotline.category_templates.schemas import Template
from hotline.infra.errors import Conflict, NotFound
from hotline.open311.schemas import CHINA, NewRequest
from hotline.infra.sql import load_queries

Q = load_queries(__file__)
RETRY_WINDOW = timedelta(hours=24)  # a client's identical request within this is a retry: the first ticket answers
LIST_SPAN = timedelta(days=90)
LIST_LIMIT = 1000
CLOSED = frozenset({"answered", "closed", "merged"})
# The service_code of a request whose category is withheld (a 举报) or not known yet.
UNSPECIFIED_SERVICE = "0"
STATUS_NOTES = {
    "received": "已受理，正在分派",
    "answered": "已直接答复",
    "dispatched": "已转交承办单位",
    "accepted": "承办单位已签收，正在办理",
    "returned": "承办单位退回，正在重新分派",
    "replied": "承办单位已答复，等待回访",
    "callback_done": "已回访",
    "reopened": "回访不满意，已重新交办",
    "closed": "已办结",
    "merged": "与同一事项的工单合并办理",
}


# --- keys -------------------------------------------------------------------------------------------------------

def _hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


async def create_key(
    conn: asyncpg.Connection, *, name: str, note: str | None, actor: Principal | None,
) -> tuple[asyncpg.Record, str]:
    """A new key for an outside system: its row and the key itself, which is never shown again."""
    key = "o311_" + secrets.token_urlsafe(32)
    row = await conn.fetchrow(Q.insert_key, name.strip(), note, _hash_key(key), key[:9],
                              actor.user_id if actor else None)
    if row is None:
        raise Conflict(f"an Open311 key named {name!r} exists", fields=[{"field": "name", "reason": "已存在同名密钥"}])
    return row, key


async def list_keys(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    return await conn.fetch(Q.list_keys)


async def disable_key(conn: asyncpg.Connection, *, key_id: int, reason: str, actor: Principal | None) -> None:
    if await conn.fetchval(Q.disable_key, key_id, actor.user_id if actor else None, reason) is None:
        if await conn.fetchval(Q.key_exists, key_id) is None:
            raise NotFound(f"Open311 key {key_id} not found", field="key_id")
        raise Conflict(f"Open311 key {key_id} is already disabled")


async def active_key(conn: asyncpg.Connection, *, api_key: str) -> asyncpg.Record | None:
    """The outside system a key belongs to (id, name), or None for an unknown or disabled key."""
    return await conn.fetchrow(Q.active_key, _hash_key(api_key))


# --- services ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Service:
    code: str
    name: str
    category_path: str
    group: str
    keywords: str
    template: Template | None

    def listing(self) -> dict[str, Any]:
        return {"service_code": self.code, "service_name": self.name, "description": self.category_path,
                "metadata": bool(self.template and self.template.questions), "type": "realtime",
                "keywords": self.keywords, "group": self.group}

    def definition(self) -> dict[str, Any]:
        questions = self.template.questions if self.template else ()
        return {"service_code": self.code, "attributes": [
            {"variable": True, "code": q.code, "datatype": q.datatype, "required": q.required,
             "datatype_description": q.datatype_description, "order": order, "description": q.description,
             "values": [{"key": c.key, "name": c.name} for c in q.values]}
            for order, q in enumerate(questions, start=1)]}


def _service(row: asyncpg.Record, by_path: dict[str, Template]) -> Service:
    # A level 3 reads with its parent ("城乡规划/违章建筑"): many level-3 names ("其他") say nothing alone.
    name = f"{row['parent_name']}/{row['name']}" if row["level"] == 3 else row["name"]
    keywords = row["parent_name"] if row["level"] == 3 else row["child_names"]
    return Service(code=str(row["id"]), name=name, category_path=row["path"], group=row["group_name"],
                   keywords=keywords or "", template=templates.applies_to(by_path, row["path"]))


def _category_id(service_code: str) -> int | None:
    return int(service_code) if service_code.isascii() and service_code.isdigit() and len(service_code) <= 9 else None


async def services(conn: asyncpg.Connection) -> list[Service]:
    by_path = await templates.all_templates(conn)
    return [_service(row, by_path) for row in await conn.fetch(Q.service_categories, None)]


async def service(conn: asyncpg.Connection, *, service_code: str) -> Service:
    """The service of a code, with its questions; NotFound naming service_code for any other code."""
    category_id = _category_id(service_code)
    rows = await conn.fetch(Q.service_categories, category_id) if category_id is not None else []
    if not rows:
        raise NotFound(f"service_code {service_code[:20]!r} not found", field="service_code")
    template = await templates.template_for(conn, category_path=rows[0]["path"])
    return replace(_service(rows[0], {}), template=template)


async def changeset(conn: asyncpg.Connection) -> datetime | None:
    """When the service definitions last changed (discovery's changeset: clients refresh cached definitions)."""
    return await templates.last_change(conn)


# --- requests ---------------------------------------------------------------------------------------------------

def new_token() -> str:
    return secrets.token_urlsafe(18)


async def previous_request(conn: asyncpg.Connection, *, key_id: int, digest: str) -> asyncpg.Record | None:
    """The client's latest identical request (ticket_number, token, created_at) and `earlier`, how many there were."""
    return await conn.fetchrow(Q.previous_request, key_id, digest)


async def record_request(
    conn: asyncpg.Connection, *, ticket_id: int, external_id: str, key: asyncpg.Record, digest: str, token: str,
    request: NewRequest, answers: dict[str, Any],
) -> None:
    """What the outside system filed, in the ticket's own transaction; the submission names the system."""
    await conn.execute(Q.insert_request, ticket_id, key["id"], digest, token, request.service_code, answers,
                       request.lat, request.long, request.address_id, request.media_url, request.email,
                       request.device_id, request.account_id)
    await conn.execute(Q.mark_source, "app", external_id, key["name"])


async def request_by_ticket(conn: asyncpg.Connection, *, ticket_id: int) -> asyncpg.Record | None:
    return await conn.fetchrow(Q.request_by_ticket, ticket_id)


async def request_by_token(conn: asyncpg.Connection, *, token: str) -> asyncpg.Record | None:
    return await conn.fetchrow(Q.request_by_token, token)


async def requests_by_number(conn: asyncpg.Connection, *, numbers: list[str]) -> list[asyncpg.Record]:
    return await conn.fetch(Q.requests_by_number, numbers)


async def requests_in_window(
    conn: asyncpg.Connection, *, start: datetime, end: datetime, category_paths: list[str] | None,
    closed: bool | None, limit: int = LIST_LIMIT,
) -> list[asyncpg.Record]:
    return await conn.fetch(Q.requests_in_window, start, end, category_paths, closed, limit)


async def category_paths(conn: asyncpg.Connection, *, service_codes: list[str]) -> list[str]:
    """The categories of service codes; NotFound naming service_code for one that is not a service."""
    paths = []
    for code in service_codes:
        paths.append((await service(conn, service_code=code)).category_path)
    return paths


def restricted(row: Any) -> bool:
    """A 举报, a confidential ticket, or one whose type nobody knows yet (it may be a 举报): status and dates only."""
    return row["type"] is None or row["type"] == "report" or row["confidential"]


def w3_datetime(moment: datetime | None) -> str | None:
    return moment.astimezone(CHINA).replace(microsecond=0).isoformat() if moment else None


def present_request(row: Any, *, client_key_id: int | None) -> dict[str, Any]:
    """A ticket as a GeoReport request. Nobody is shown a citizen's name, phone, e-mail or ID number; the text and
    the place are shown masked, and only to the system that filed the request; a restricted ticket (see
    `restricted`) shows status and dates only."""
    closed = row["status"] in CLOSED
    shown: dict[str, Any] = {
        "service_request_id": row["ticket_number"],
        "status": "closed" if closed else "open",
        "status_notes": None,
        "service_name": None,
        "service_code": UNSPECIFIED_SERVICE,
        "description": None,
        "agency_responsible": None,
        "service_notice": None,
        "requested_datetime": w3_datetime(row["received_at"]),
        "updated_datetime": w3_datetime(row["updated_at"]),
        "expected_datetime": None,
        "address": None,
        "address_id": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }
    if restricted(row):
        return shown
    if row["category_id"] is not None:
        parts = row["category_path"].split("/")
        shown["service_code"] = str(row["category_id"])
        shown["service_name"] = "/".join(parts[1:]) if len(parts) == 3 else parts[-1]
    shown["status_notes"] = STATUS_NOTES.get(row["status"])
    shown["agency_responsible"] = row["agency"]
    shown["expected_datetime"] = None if closed else w3_datetime(row["reply_by"])
    if client_key_id is not None and row["key_id"] == client_key_id:
        shown.update(description=row["content_masked"][:4000], address=row["address"], address_id=row["address_id"],
                     lat=row["lat"], long=row["long"], media_url=row["media_url"])
    return shown
