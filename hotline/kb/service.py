"""The knowledge base in the database: seed import, edits with history and the change feed, answers, chat."""
from __future__ import annotations

import uuid
from typing import Any

import anyio
import asyncpg

from hotline.kb.live_index import LiveKnowledgeIndex
from hotline.infra.sql import load_queries
from knowledge import text
from knowledge.assist import knowledge_question
from knowledge.answer import compose_answer, matter_answer
from knowledge.gate import INTENT_WORDS, Evidence, gate_for, gather_evidence

Q = load_queries(__file__)


async def _log_change(conn: asyncpg.Connection, kind: str, row_id: int, version: int, snapshot: dict,
                      user_id: int | None) -> None:
    await conn.execute(Q.insert_history, kind, row_id, version, snapshot, user_id)
    await conn.execute(Q.insert_change, kind, row_id)
    await conn.execute(Q.notify_change, f"{kind}:{row_id}")


def _jsonable(matter: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in matter.items()}


async def save_matter(conn: asyncpg.Connection, matter: dict[str, Any], *, user_id: int | None) -> asyncpg.Record:
    """Insert or update one matter (seed-file shape); the old version stays in knowledge_history."""
    row = await conn.fetchrow(
        Q.upsert_matter, matter["code"], matter["main_item"], matter.get("sub_item"), matter["department"],
        matter.get("basis") or [], matter.get("materials") or [], matter.get("process") or [],
        matter.get("internal_process") or [], matter.get("time_limit") or {}, matter.get("forms") or [],
        matter.get("location"), matter.get("hours"), matter.get("fee"), bool(matter.get("max_one_visit")),
        bool(matter.get("online")), matter.get("online_url"), matter.get("faqs") or [], matter.get("keywords") or [],
        int(matter.get("version") or 1), matter.get("effective_date"), matter.get("reviewer"),
        matter.get("review_due"), user_id,
    )
    await _log_change(conn, "matter", row["id"], row["version"], _jsonable(matter), user_id)
    return row


async def save_article(conn: asyncpg.Connection, article: dict[str, Any], *, user_id: int | None) -> asyncpg.Record:
    row = await conn.fetchrow(
        Q.upsert_article, article["code"], article["question"], article["answer"], article.get("department"),
        article.get("keywords") or [], user_id,
    )
    await _log_change(conn, "article", row["id"], row["version"], _jsonable(article), user_id)
    return row


async def seed_knowledge(conn: asyncpg.Connection) -> dict[str, int]:
    """Load the project's seed matters, articles and bundles; documents already present are left alone."""
    from knowledge.seeds.load import load_articles, load_bundles, load_matters

    existing = {r["code"] for r in await conn.fetch("SELECT code FROM matters UNION SELECT code FROM articles")}
    matters = [m for m in load_matters() if m["code"] not in existing]
    articles = [a for a in load_articles() if a["code"] not in existing]
    for matter in matters:
        await save_matter(conn, matter, user_id=None)
    for article in articles:
        await save_article(conn, article, user_id=None)
    bundles = load_bundles()
    for bundle in bundles:
        await conn.execute(Q.upsert_bundle, bundle["code"], bundle["name"], bundle.get("description"),
                           bundle.get("matters") or [], bundle.get("departments") or [])
    return {"matters": len(matters), "articles": len(articles), "bundles": len(bundles)}


def _result(index: LiveKnowledgeIndex, hit, row: dict[str, Any], query: str,
            query_words: list[str] | None = None) -> dict[str, Any]:
    title = row["question"] if row["kind"] == "article" else f"{row['main_item']}" + (
        f"（{row['sub_item']}）" if row.get("sub_item") else "")
    passage = index.passage_for(row, query, query_words)
    return {"kind": row["kind"], "code": row["code"], "title": title, "score": round(hit.score, 4),
            "lexical_rank": hit.lexical_rank, "dense_rank": hit.dense_rank,
            "department": row.get("department_code"), "passage": passage.text,
            # an FAQ answer is shown under its own question, never glued to it
            "passage_question": passage.question if passage.question != title else None}


async def search(conn: asyncpg.Connection, index: LiveKnowledgeIndex, *, query: str, k: int) -> list[dict]:
    await index.refresh(conn)
    hits = await index.search(query, k)
    words = text.words(query)
    return await anyio.to_thread.run_sync(lambda: [_result(index, hit, row, query, words) for hit, row in hits])


async def suggestions(conn: asyncpg.Connection, index: LiveKnowledgeIndex, *, notes: str, k: int = 5
                      ) -> dict[str, Any]:
    """The agent's panel while the caller speaks: the question inside the notes (a sentence: one short embedding,
    cached while the agent types on), the answer to it and the top hits with clean passages, from one search."""
    await index.refresh(conn)
    question = knowledge_question(notes)
    return await anyio.to_thread.run_sync(_suggestions, index, question, k)


def _suggestions(index: LiveKnowledgeIndex, question: str, k: int) -> dict[str, Any]:
    asked = index.corrector.correct(text.normalise(question))
    hits, rankings = index.index.search_explained(asked, 10)
    ranked = [(hit, index.rows[hit.id]) for hit in hits if hit.id in index.rows]
    evidence = gather_evidence(asked, ranked, rankings, index.rows, idf=index.idf, words_of=index.words_of,
                               names_of=index.names_of, members=index.members, known=index.known)
    answer = compose_answer(asked, evidence, index.members, gate=gate_for(index.embedder_name))
    words = text.words(asked)
    return {"question": question, "answer": answer,
            "results": [_result(index, hit, row, asked, words) for hit, row in ranked[:k]]}


async def answer(conn: asyncpg.Connection, index: LiveKnowledgeIndex, *, question: str,
                 prefer_main_item: str | None = None, assume_materials: bool = False) -> dict[str, Any]:
    await index.refresh(conn)
    return await answer_from_index(index, question=question, prefer_main_item=prefer_main_item,
                                   assume_materials=assume_materials)


async def gather(index: LiveKnowledgeIndex, *, question: str) -> tuple[str, Evidence]:
    """The question with homophone typos put right, and the gate's evidence about its best family (one worker
    thread: the query embedding, the search and the evidence all stay off the event loop)."""
    return await anyio.to_thread.run_sync(_gather, index, question)


def _gather(index: LiveKnowledgeIndex, question: str) -> tuple[str, Evidence]:
    asked = index.corrector.correct(text.normalise(question))
    hits, rankings = index.index.search_explained(asked, 10)
    ranked = [(hit, index.rows[hit.id]) for hit in hits if hit.id in index.rows]
    return asked, gather_evidence(asked, ranked, rankings, index.rows, idf=index.idf, words_of=index.words_of,
                                  names_of=index.names_of, members=index.members, known=index.known)


async def answer_from_index(index: LiveKnowledgeIndex, *, question: str, prefer_main_item: str | None = None,
                            assume_materials: bool = False) -> dict[str, Any]:
    """What the chat and the agent's panel say, from the index as it stands (the caller refreshed it)."""
    asked, evidence = await gather(index, question=question)
    return compose_answer(asked, evidence, index.members, gate=gate_for(index.embedder_name),
                          prefer_main_item=prefer_main_item, assume_materials=assume_materials)


async def chat(conn: asyncpg.Connection, index: LiveKnowledgeIndex, *, conversation_id: uuid.UUID | None,
               message: str) -> dict[str, Any]:
    """One turn of the public chat; the conversation remembers the matter family being discussed."""
    state: dict[str, Any] = {}
    if conversation_id is not None:
        row = await conn.fetchrow(Q.get_conversation, conversation_id)
        state = row["state"] if row else {}
    else:
        conversation_id = uuid.uuid4()
    context = {"prefer_main_item": state.get("main_item"), "assume_materials": bool(state.get("materials"))}
    reply = await answer(conn, index, question=message, **context)
    if reply["kind"] == "unknown" and state.get("main_item") and len(message) <= 12 and _names_nothing_new(index, message):
        # A short follow-up that names nothing new ("要多久？"): ask again within the family being discussed.
        reply = await answer(conn, index, question=f"{state['main_item']}{message}", **context)
        family = index.members.get(f"m:{state['main_item']}", [])
        last = next((m for m in family if m["code"] == state.get("matter")), None)
        if reply["kind"] == "clarify" and last is not None:  # "在哪里办？" asks about the matter just answered
            reply = matter_answer(message, last, family, bool(state.get("materials")))
    if reply.get("main_item"):
        state["main_item"] = reply["main_item"]
        state["materials"] = bool(reply.get("materials_requested")) or state.get("materials", False)
        state["matter"] = reply["matter"]["code"] if reply.get("matter") else None
    await conn.execute(Q.upsert_conversation, conversation_id, state)
    await conn.execute(Q.insert_chat_message, conversation_id, "citizen", message, {})
    await conn.execute(Q.insert_chat_message, conversation_id, "assistant", reply["message"],
                       {"kind": reply["kind"]})
    return {"conversation_id": str(conversation_id), **reply}


def _names_nothing_new(index: LiveKnowledgeIndex, message: str) -> bool:
    """Every topic word of the message is one the knowledge base uses: "火星移民签证" is a new topic, not a follow-up."""
    return all(index.known(word) for word in set(text.words(message)) - INTENT_WORDS)


async def review_overdue(conn: asyncpg.Connection, *, today, department: str | None) -> list[asyncpg.Record]:
    return await conn.fetch(Q.review_overdue, today, department)

