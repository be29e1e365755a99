"""The public's ticket lookup: a ticket number plus the last four digits of the phone given when filing.

A miss answers 200 `{"found": false}`, never 404, and says the same whether the number does not exist or the
digits are wrong, so the lookup cannot be used to find out which ticket numbers exist. (It is also 200 so the
portal's fetch of a miss is not logged by the browser as a failed resource, which would be a console error.)
"""
from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field

from hotline.api.deps import Conn, PublicRateLimit
from hotline.public.service import lookup_ticket

router = APIRouter(prefix="/api/v1/public", tags=["public"])


class LookupIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ticket_number: Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[0-9A-Za-z-]+$")]
    phone_last4: Annotated[str, Field(pattern=r"^[0-9]{4}$", description="the last four digits of the phone")]


# The per-address budget is what makes guessing 4 digits (10,000 tries) slow.
@router.post("/tickets/lookup", dependencies=[PublicRateLimit])
async def lookup(body: LookupIn, conn: Conn, response: Response) -> dict[str, Any]:
    response.headers["Cache-Control"] = "no-store"  # a citizen's reply must not linger in a shared cache
    ticket = await lookup_ticket(conn, ticket_number=body.ticket_number, phone_last4=body.phone_last4)
    return {"found": False} if ticket is None else {"found": True, **ticket}
