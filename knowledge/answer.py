"""From search hits to an answer a caller can act on: the materials list of the one matter that fits,
a question back when several sub-items fit, or an honest "I don't know" — never an invented answer.

Whether the best family answers the question at all is the gate's call (knowledge/gate.py); which sub-item is
meant is decided here, from the words a caller uses for a kind of sub-item and from how far the ranking puts one
sub-item ahead of its siblings. When neither is clear the chat asks which one.
"""
from __future__ import annotations

import re
from typing import Any, Mapping

from knowledge import text
from knowledge.documents import material_line, matter_title, row_document
from knowledge.gate import INTENT_WORDS, Evidence, GateModel, family_of
from knowledge.sub_items import choose_sub_item, only_sub_item_words, sub_item_mentioned

MATERIALS_INTENT = re.compile(r"材料|资料|手续|证明|证件|东西|(?:带|拿|准备|要|需要|提供|交)(?:些|点|上)?(?:什么|啥|哪些|哪几样)")


def document_words(row: Mapping[str, Any]) -> frozenset[str]:
    """The search words of a matter or article row (title and body)."""
    document = row_document(row)
    return frozenset(text.words(document["title"])) | frozenset(text.words(document["text"]))


def asks_for_materials(question: str) -> bool:
    return bool(MATERIALS_INTENT.search(text.normalise(question)))



def present_matter(matter: Mapping[str, Any]) -> dict[str, Any]:
    materials = matter.get("materials") or []
    return {
        "code": matter["code"], "title": matter_title(matter), "main_item": matter["main_item"],
        "sub_item": matter.get("sub_item"), "department": matter.get("department_code"),
        "department_name": matter.get("department_name"),
        "materials": [{**m, "text": material_line(m)} for m in materials],
        "process": matter.get("process") or [], "time_limit": matter.get("time_limit") or {},
        "location": matter.get("location"), "hours": matter.get("hours"), "fee": matter.get("fee"),
        "max_one_visit": matter.get("max_one_visit"), "online": matter.get("online"),
        "online_url": matter.get("online_url"), "basis": matter.get("basis") or [],
        "faqs": matter.get("faqs") or [], "version": matter.get("version"),
    }


def materials_message(matter: Mapping[str, Any]) -> str:
    materials = matter.get("materials") or []
    required = [material_line(m) for m in materials if m.get("required", True)]
    conditional = [material_line(m) for m in materials if not m.get("required", True)]
    lines = [f"办理“{matter_title(matter)}”需要准备以下材料："]
    lines += [f"{i}. {line}" for i, line in enumerate(required, start=1)]
    if conditional:
        lines.append("视情况还需要：")
        lines += [f"- {line}" for line in conditional]
    where = matter.get("location")
    if where:
        lines.append(f"办理地点：{where}" + (f"（{matter['hours']}）" if matter.get("hours") else ""))
    if matter.get("fee"):
        lines.append(f"收费：{matter['fee']}")
    return "\n".join(lines)


def overview_message(matter: Mapping[str, Any]) -> str:
    steps = "→".join(matter.get("process") or [])
    limit = (matter.get("time_limit") or {}).get("promised_days")
    lines = [f"“{matter_title(matter)}”由{matter.get('department_name') or matter.get('department_code')}办理。"]
    if steps:
        lines.append(f"办理流程：{steps}")
    if limit:
        lines.append(f"承诺时限：{limit}个工作日")
    if matter.get("location"):
        lines.append(f"办理地点：{matter['location']}")
    lines.append("如需了解所需材料，请问“需要带什么材料”。")
    return "\n".join(lines)


def unknown() -> dict[str, Any]:
    return {"kind": "unknown", "offer_ticket": True, "matter": None, "options": [], "article": None,
            "message": "抱歉，知识库里没有找到能确切回答这个问题的内容。您可以提交工单，由相关部门答复您。"}


def compose_answer(
    question: str, evidence: Evidence, members: Mapping[str, list[dict[str, Any]]], *, gate: GateModel,
    prefer_main_item: str | None = None, assume_materials: bool = False,
) -> dict[str, Any]:
    """Decide what to say for `question` from the gate's evidence about its best-ranked family.

    `prefer_main_item` carries a conversation's topic, so "那补办呢？" stays on the same matter family, and
    `assume_materials` its intent, so the follow-up gets the materials list the first question asked for.
    """
    confidence = gate.probability(evidence.features) if evidence.family is not None else 0.0
    accepted = evidence.family is not None and confidence >= gate.threshold
    moved_on = accepted and evidence.family != f"m:{prefer_main_item}" and \
        not only_sub_item_words(question, INTENT_WORDS)
    if prefer_main_item and not moved_on:
        # the conversation's family, unless the question names another one ("护照也丢了" after the ID card)
        family = members.get(f"m:{prefer_main_item}", [])
        chosen = [m for m in family if sub_item_mentioned(question, m)]
        if len(chosen) == 1:
            return matter_answer(question, chosen[0], family, assume_materials)
    if not accepted:
        return {**unknown(), "confidence": round(confidence, 3)}
    ranked = evidence.ranked
    sources = [{"kind": row["kind"], "code": row["code"], "score": round(hit.score, 4)} for hit, row in ranked[:5]]
    best = next(row for _, row in ranked if family_of(row) == evidence.family)
    if best["kind"] == "article":
        return {"kind": "article", "offer_ticket": False, "matter": None, "options": [], "sources": sources,
                "confidence": round(confidence, 3),
                "article": {"code": best["code"], "question": best["question"], "answer": best["answer"],
                            "department": best.get("department_code")},
                "message": best["answer"]}
    family = members.get(evidence.family) or [best]
    scores: dict[str, float] = {}
    for hit, row in ranked:
        if family_of(row) == evidence.family:
            scores.setdefault(row["code"], float(hit.score))
    chosen = choose_sub_item(question, family, scores)
    answer = _clarify(question, best, family, assume_materials) if chosen is None else \
        matter_answer(question, chosen, family, assume_materials)
    return {**answer, "sources": sources, "confidence": round(confidence, 3)}


def _clarify(question: str, best: dict[str, Any], family: list[dict[str, Any]], assume_materials: bool) -> dict[str, Any]:
    options = [{"code": m["code"], "title": matter_title(m), "sub_item": m["sub_item"]} for m in family]
    listing = "、".join(o["sub_item"] or o["title"] for o in options)
    return {"kind": "clarify", "offer_ticket": False, "matter": None, "article": None,
            "main_item": best["main_item"], "options": options,
            "materials_requested": asks_for_materials(question) or assume_materials,
            "message": f"“{best['main_item']}”分为{listing}，请问您要办理哪一种？"}


def matter_answer(question: str, matter: dict[str, Any], family: list[dict[str, Any]],
                  assume_materials: bool) -> dict[str, Any]:
    """One matter's answer: its materials list when asked for (or asked earlier in the chat), else an overview."""
    wants_materials = asks_for_materials(question) or assume_materials
    return {"kind": "matter", "offer_ticket": False, "article": None, "options": [],
            "main_item": matter["main_item"], "matter": present_matter(matter), "materials_requested": wants_materials,
            "message": materials_message(matter) if wants_materials else overview_message(matter)}
