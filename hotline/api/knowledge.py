"""Knowledge search, answers, the public chat, agents' suggestions, and editing (matters, FAQ articles, files)."""
from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from hotline.api.deps import Conn, PublicRateLimit, PublicSearchRateLimit, Staff, require_roles
from hotline.auth.tokens import Principal
from hotline.infra.errors import InvalidField, InvalidFields, NotFound
from hotline.kb import service, transfer
from hotline.infra.sql import load_queries
from hotline.infra.validation import NonBlankStr, parse_row_id

router = APIRouter(prefix="/api/v1", tags=["knowledge"])
KQ = load_queries(service.__file__)
Editor = Annotated[Principal, Depends(require_roles("supervisor", "admin"))]
Kind = Annotated[Literal["matters", "articles"], Query(description="matters | articles")]
Format = Annotated[Literal["json", "csv"],
                   Query(alias="format", description="json | csv (UTF-8 with BOM, Chinese headers)")]
IMPORT_PATH = "/api/v1/knowledge/import"
IMPORT_MAX_BYTES = 10 * 1024 * 1024  # a whole city's catalogue exported as JSON is about 0.4 MB


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


@router.get("/knowledge/search", dependencies=[PublicSearchRateLimit])
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
    """What an agent sees while the caller speaks: the question found in the notes, the best answer to it and the
    top matches with the passage of each that answers it."""
    return await service.suggestions(conn, _index(request), notes=body.text[:2000])


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
async def edit_matter(code: str, body: dict[str, Any], conn: Conn, editor: Editor) -> dict[str, Any]:
    """Replace a matter (every field, seed-file shape); the old version stays in the history and every
    process's search index picks the new one up without a restart."""
    from knowledge.answer import present_matter
    from knowledge.seeds.load import matter_problems

    matter = _dated(body)
    problems = matter_problems(matter)
    if matter.get("code") != code:
        problems.append(f"code: must equal the matter code in the path ({code})")
    if problems:
        raise InvalidFields(_problems_as_fields(problems))
    if await conn.fetchrow(KQ.matter_by_code, code) is None:
        raise NotFound(f"matter {code} not found", field="code")
    async with conn.transaction():
        await service.save_matter(conn, matter, user_id=editor.user_id)
    row = await conn.fetchrow(KQ.matter_by_code, code)
    return {**present_matter(dict(row)), "review_due": row["review_due"], "updated_at": row["updated_at"]}


def _problems_as_fields(problems: list[str]) -> list[dict[str, str]]:
    return [{"field": p.split(":", 1)[0], "reason": p.split(":", 1)[-1].strip()} for p in problems]


async def _article_row(conn, key: str):
    """An article by code or, failing that, by numeric id."""
    row = await conn.fetchrow(KQ.article_by_code, key)
    if row is None and (article_id := parse_row_id(key)) is not None:
        row = await conn.fetchrow(KQ.article_by_id, article_id)
    if row is None:
        raise NotFound(f"article {key} not found", field="code")
    return row


def _present_article(row) -> dict[str, Any]:
    return {"code": row["code"], "question": row["question"], "answer": row["answer"],
            "department": row["department_code"], "department_name": row["department_name"],
            "keywords": row["keywords"], "version": row["version"], "updated_at": row["updated_at"]}


@router.get("/knowledge/articles/{code}")
async def get_article(code: str, conn: Conn) -> dict[str, Any]:
    return _present_article(await _article_row(conn, code))


@router.put("/knowledge/articles/{code}")
async def edit_article(code: str, body: dict[str, Any], conn: Conn, editor: Editor) -> dict[str, Any]:
    """Replace an FAQ article (question, answer, department, keywords; seed-file shape) found by code or id;
    the old version stays in the history and every process's search sees the new one at once."""
    from knowledge.seeds.load import article_problems

    current = await _article_row(conn, code)
    problems = article_problems(body)
    if body.get("code") != current["code"]:
        problems.append(f"code: must equal the article code ({current['code']})")
    if problems:
        raise InvalidFields(_problems_as_fields(problems))
    async with conn.transaction():
        await service.save_article(conn, body, user_id=editor.user_id)
    return _present_article(await _article_row(conn, current["code"]))


@router.get("/knowledge/export")
async def export_knowledge(conn: Conn, _: Editor, kind: Kind, fmt: Format = "json") -> Response:
    """Every active matter or article as a file that `import` takes back unchanged."""
    from knowledge.transfer import to_csv, to_json

    documents = await transfer.export_documents(conn, kind=kind)
    content = to_json(documents) if fmt == "json" else to_csv(kind, documents)
    media_type = "application/json" if fmt == "json" else "text/csv; charset=utf-8"
    filename = f"knowledge-{kind}-{date.today():%Y%m%d}.{fmt}"
    return Response(content, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.post(IMPORT_PATH.removeprefix("/api/v1"))
async def import_knowledge(request: Request, conn: Conn, editor: Editor, kind: Kind,
                           fmt: Format = "json") -> dict[str, Any]:
    """Upsert matters or articles from a JSON or CSV file sent as the request body. Every row is checked
    first; any bad row gets a 422 listing `rows: [{row, code, field, reason}]` and nothing is applied.
    Rows equal to what is stored are left alone (no new version). The body may reach IMPORT_MAX_BYTES (the
    body-size middleware answers 413 beyond it, before the file is read into memory)."""
    data = await request.body()
    if not data.strip():
        raise InvalidField("file", "the request body is empty; send the exported file as the body")
    async with conn.transaction():
        return await transfer.import_file(conn, kind=kind, fmt=fmt, data=data, user_id=editor.user_id)
