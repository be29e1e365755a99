"""Knowledge search, answers, the public self-service chat and suggestions for agents."""
from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from hotline.api.deps import Conn, PublicRateLimit, Staff, require_roles
from hotline.auth.tokens import Principal
from hotline.errors import InvalidFields, NotFound
from hotline.kb import service
from hotline.sql import load_queries
from hotline.validation import NonBlankStr

router = APIRouter(prefix="/api/v1", tags=["knowledge"])
KQ = load_queries(service.__file__)


class QuestionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: NonBlankStr = Field(max_length=500)


class ChatIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    conversation_id: uuid.UUID | None = None
    message: NonBlankStr = Field(max_length=500)


class SuggestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: NonBlankStr = Field(max_length=20_000)


def _index(request: Request):
    return request.app.state.runtime.knowledge


@router.get("/knowledge/search")
async def search(request: Request, conn: Conn, q: Annotated[str, Query(min_length=1, max_length=200)],
                 k: Annotated[int, Query(ge=1, le=50)] = 10) -> dict[str, Any]:
    return {"query": q, "results": await service.search(conn, _index(request), query=q, k=k)}


@router.post("/knowledge/answer", dependencies=[PublicRateLimit])
async def answer(body: QuestionIn, request: Request, conn: Conn) -> dict[str, Any]:
    return await service.answer(conn, _index(request), question=body.question)


@router.post("/chat", dependencies=[PublicRateLimit])
async def chat(body: ChatIn, request: Request, conn: Conn) -> dict[str, Any]:
    async with conn.transaction():
        return await service.chat(conn, _index(request), conversation_id=body.conversation_id,
                                  message=body.message)


@router.post("/knowledge/suggestions")
async def suggestions(body: SuggestIn, request: Request, conn: Conn, _: Staff) -> dict[str, Any]:
    """What an agent sees while the caller speaks: the best answer and the top matches."""
    index = _index(request)
    return {"answer": await service.answer(conn, index, question=body.text[:500]),
            "results": await service.search(conn, index, query=body.text[:500], k=5)}


@router.get("/knowledge/matters/{code}")
async def get_matter(code: str, conn: Conn) -> dict[str, Any]:
    from knowledge.answer import present_matter

    row = await conn.fetchrow(KQ.matter_by_code, code)
    if row is None:
        raise NotFound(f"matter {code} not found", field="code")
    bundles = await conn.fetch(KQ.bundles_with_matter, code)
    return {**present_matter(dict(row)), "review_due": row["review_due"], "updated_at": row["updated_at"],
            "bundles": [dict(b) for b in bundles]}


@router.get("/knowledge/review-due")
async def review_due(conn: Conn, viewer: Staff) -> list[dict[str, Any]]:
    department = viewer.department_code if viewer.role == "department" else None
    return [dict(r) for r in await service.review_overdue(conn, today=date.today(), department=department)]


def _dated(matter: dict[str, Any]) -> dict[str, Any]:
    """JSON has no date type: ISO strings for the two date fields become dates before validation."""
    out = dict(matter)
    for key in ("effective_date", "review_due"):
        if isinstance(out.get(key), str):
            try:
                out[key] = date.fromisoformat(out[key])
            except ValueError:
                pass  # left as text, the validator names the field
    return out


@router.put("/knowledge/matters/{code}")
async def edit_matter(code: str, body: dict[str, Any], conn: Conn,
                      editor: Annotated[Principal, Depends(require_roles("supervisor", "admin"))]) -> dict[str, Any]:
    """Replace a matter (every field, seed-file shape); the old version stays in the history and every
    process's search index picks the new one up without a restart."""
    from knowledge.answer import present_matter
    from knowledge.seeds.load import matter_problems

    matter = _dated(body)
    problems = matter_problems(matter)
    if matter.get("code") != code:
        problems.append(f"code: must equal the matter code in the path ({code})")
    if problems:
        raise InvalidFields([{"field": p.split(":", 1)[0], "reason": p.split(":", 1)[-1].strip()} for p in problems])
    if await conn.fetchrow(KQ.matter_by_code, code) is None:
        raise NotFound(f"matter {code} not found", field="code")
    async with conn.transaction():
        await service.save_matter(conn, matter, user_id=editor.user_id)
    row = await conn.fetchrow(KQ.matter_by_code, code)
    return {**present_matter(dict(row)), "review_due": row["review_due"], "updated_at": row["updated_at"]}
