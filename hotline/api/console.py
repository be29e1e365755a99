"""What the agent console asks for besides tickets: auto-fill of the caller's words, the category's questions and
quick phrases, the pickers' lists, a repeat caller's contact added to the open ticket; and the supervisors' editing
of question templates and quick phrases."""
from __future__ import annotations

from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, Path, Query, Request, Response

from hotline.api.deps import Conn, require_roles
from hotline.auth.tokens import Principal
from hotline.autofill.extract import fill
from hotline.category_templates.service import template_for
from hotline.city import service as city
from hotline.console import service
from hotline.console.schemas import AutofillIn, ContactIn, ContactOut, PhraseIn, ReasonIn, TemplateIn
from hotline.infra.validation import BIGINT_MAX

router = APIRouter(prefix="/api/v1", tags=["console"])
CallTaker = Annotated[Principal, Depends(require_roles("agent", "supervisor", "admin"))]
Editor = Annotated[Principal, Depends(require_roles("supervisor", "admin"))]
PhraseId = Annotated[int, Path(ge=1, le=BIGINT_MAX)]
AUTOFILL_MAX_CHARS = 2000  # the caller's words so far; a longer text is read from its start


@router.post("/autofill")
async def autofill(body: AutofillIn, request: Request, _: CallTaker) -> dict[str, Any]:
    """智能填单: time, place, object, appeal, phone numbers said aloud, district and street, each with where in the
    text it was found; the agent confirms or corrects them."""
    text = body.text[:AUTOFILL_MAX_CHARS]
    gazetteer = request.app.state.runtime.gazetteer
    return fill(text, gazetteer=gazetteer, address=body.address).as_dict()


@router.get("/console/assist")
async def assist(conn: Conn, _: CallTaker,
                 category: Annotated[str | None, Query(max_length=200, description="a category path")] = None
                 ) -> dict[str, Any]:
    """For the category the ticket is (or is suggested to be) in: the questions to ask (its template or its
    nearest ancestor's) and the quick phrases for a direct answer (its own, its ancestors', general ones)."""
    template = await template_for(conn, category_path=category) if category else None
    return {"category": category,
            "questions": [q.model_dump(mode="json", exclude_none=True) for q in template.questions] if template else [],
            "phrases": await service.phrases_for(conn, category_path=category)}


@router.get("/console/departments")
async def department_picker(conn: Conn, _: CallTaker) -> list[dict[str, Any]]:
    """Every active department with what the picker matches: name, abbreviation, code, pinyin and initials."""
    rows = [dict(r) for r in await city.active_departments(conn)]
    return await anyio.to_thread.run_sync(lambda: [service.picker_entry(r) for r in rows])


@router.get("/console/categories")
async def category_tree(conn: Conn, _: CallTaker) -> list[dict[str, Any]]:
    """The three-level category tree (path, name, level) for the three-step picker."""
    return await service.categories(conn)


@router.post("/tickets/{ticket_number}/contacts", response_model=ContactOut, status_code=201,
             responses={200: {"model": ContactOut, "description": "the same contact again: nothing added"}})
async def add_contact(ticket_number: str, body: ContactIn, conn: Conn, actor: CallTaker,
                      response: Response) -> dict[str, Any]:
    """加入已有工单: a repeat caller's 催办 (urge) or 补充情况 (supplement) becomes an event of their open ticket;
    the department sees 催办 × n. Never a second ticket."""
    async with conn.transaction():
        result = await service.add_contact(
            conn, ticket_number=ticket_number, kind=body.kind, content=body.content, channel=body.channel,
            external_id=body.external_id, call_id=body.call_id, actor=actor)
    if not result["created"]:
        response.status_code = 200
    return result


# --- supervisors: quick phrases and question templates ----------------------------------------------------------

@router.get("/quick-phrases")
async def list_phrases(conn: Conn, _: CallTaker, include_disabled: bool = False) -> list[dict[str, Any]]:
    return await service.all_phrases(conn, include_disabled=include_disabled)


@router.post("/quick-phrases", status_code=201)
async def create_phrase(body: PhraseIn, conn: Conn, actor: Editor) -> dict[str, Any]:
    async with conn.transaction():
        return await service.create_phrase(conn, category_path=body.category_path, title=body.title, body=body.body,
                                           position=body.position, reason=body.reason, actor=actor)


@router.put("/quick-phrases/{phrase_id}")
async def update_phrase(phrase_id: PhraseId, body: PhraseIn, conn: Conn, actor: Editor) -> dict[str, Any]:
    async with conn.transaction():
        return await service.update_phrase(conn, phrase_id=phrase_id, category_path=body.category_path,
                                           title=body.title, body=body.body, position=body.position,
                                           reason=body.reason, actor=actor)


@router.post("/quick-phrases/{phrase_id}/disable")
async def disable_phrase(phrase_id: PhraseId, body: ReasonIn, conn: Conn, actor: Editor) -> dict[str, Any]:
    async with conn.transaction():
        return await service.disable_phrase(conn, phrase_id=phrase_id, reason=body.reason, actor=actor)


@router.get("/category-templates")
async def list_templates(conn: Conn, _: CallTaker) -> list[dict[str, Any]]:
    """Every stored question template (a category without one uses its nearest ancestor's)."""
    return await service.templates(conn)


@router.put("/category-templates/{category_path:path}")
async def save_template(category_path: str, body: TemplateIn, conn: Conn, actor: Editor) -> dict[str, Any]:
    """Replace a category's questions (Open311 service definitions and the console read them at once)."""
    async with conn.transaction():
        template = await service.save_template(conn, category_path=category_path, questions=body.questions,
                                               reason=body.reason, actor=actor)
    return {"category_path": category_path,
            "questions": [q.model_dump(mode="json", exclude_none=True) for q in template.questions]}


@router.get("/console/content-history")
async def content_history(conn: Conn, _: Editor,
                          kind: Annotated[str | None, Query(pattern="^(template|phrase)$")] = None,
                          item: Annotated[str | None, Query(max_length=200)] = None) -> list[dict[str, Any]]:
    """Who changed a template or a quick phrase, when, why, before and after (newest first)."""
    return await service.history(conn, kind=kind, item=item)
