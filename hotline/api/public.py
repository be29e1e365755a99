"""The public's ticket lookup: a ticket number plus the last four digits of the phone given when filing.

A miss answers 200 `{"found": false}`, never 404, and says the same whether the number does not exist or the
digits are wrong, so the lookup cannot be used to find out which ticket numbers exist. (It is also 200 so the
portal's fetch of a miss is not logged by the browser as a failed resource, which would be a console error.)
"""
from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from hotline.abuse.service import check_budget, hit_rate_limit
from hotline.api.deps import Conn, MaybeStaff, PublicRateLimit
from hotline.public.service import lookup_ticket

MISS_WINDOW_S = 3600

router = APIRouter(prefix="/api/v1/public", tags=["public"])


class LookupIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ticket_number: Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[0-9A-Za-z-]+$")]
    phone_last4: Annotated[str, Field(pattern=r"^[0-9]{4}$", description="the last four digits of the phone")]


# Guessing 4 digits takes up to 10,000 tries: each ticket number allows a few wrong ones an hour, and each caller
# (a staff account as much as an address: staff have no business guessing citizens' digits) a few lookups a minute.
@router.post("/tickets/lookup", dependencies=[PublicRateLimit])
async def lookup(body: LookupIn, request: Request, conn: Conn, response: Response,
                 caller: MaybeStaff) -> dict[str, Any]:
    response.headers["Cache-Control"] = "no-store"  # a citizen's reply must not linger in a shared cache
    settings = request.app.state.settings
    who = f"user:{caller.user_id}" if caller else f"address:{request.client.host if request.client else 'unknown'}"
    await hit_rate_limit(conn, key=f"lookup:{who}", limit=settings.lookups_per_caller_per_minute)
    misses = f"lookup-miss:{body.ticket_number}"
    await check_budget(conn, key=misses, limit=settings.lookup_misses_per_ticket_per_hour, window_s=MISS_WINDOW_S)
    ticket = await lookup_ticket(conn, ticket_number=body.ticket_number, phone_last4=body.phone_last4)
    if ticket is None:
        await hit_rate_limit(conn, key=misses, limit=10**9, window_s=MISS_WINDOW_S)  # counts the miss
        return {"found": False}
    return {"found": True, **ticket}
