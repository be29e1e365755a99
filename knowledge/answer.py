"""From search hits to an answer a caller can act on: the materials list of the one matter that fits,
a question back when several sub-items fit, or an honest "I don't know" — never an invented answer."""
from __future__ import annotations

import re
from typing import Any, Callable, Iterable, Mapping

from knowledge import text
from knowledge.documents import material_line, matter_title, row_document

MATERIALS_INTENT = re.compile(r"材料|带什么|带哪些|拿什么|准备什么|准备哪些|需要什么|需要哪些|要什么|要哪些|什么证件|手续|证明")
# Words a caller uses for a kind of sub-item; the key is a character the sub-item's name carries.
SUB_ITEM_CUES = {
    "补": ("补办", "补领", "补发", "补证", "补一张", "补个", "丢了", "丢失", "遗失", "掉了", "被偷", "找不到", "弄丢"),
    "换": ("换领", "换发", "换证", "换一张", "换新", "到期", "过期", "期满", "损坏", "坏了", "更换", "换本"),
    "首": ("首次", "第一次", "初次", "新办", "首办", "刚满", "头一次"),
    "新": ("新办", "新开", "开一家", "开个", "开店", "想开", "要开", "开饭店", "开餐馆", "开公司"),
    "初": ("首次", "第一次", "初次", "新办", "初领"),
    "变": ("变更", "更改", "修改", "改名", "改地址"),
    "注销": ("注销", "取消", "不干了", "关掉"),
    "迁入": ("迁入", "迁进", "落户", "迁来"),
    "迁出": ("迁出", "迁走", "迁到外地"),
    "延": ("延期", "延续", "续期", "续办"),
}
# Words that say what the caller wants done, not what about: they never count for or against a topic.
INTENT_WORDS = frozenset("办 办理 要 想 带 拿 准备 材料 手续 需要 哪些 什么 怎么 如何 去 找 谁 能 可以 呢 那".split())
MIN_COVERAGE = 0.5  # share of the question's topic words a document must contain to count as an answer


def document_words(row: Mapping[str, Any]) -> frozenset[str]:
    """The search words of a matter or article row (title and body)."""
    document = row_document(row)
    return frozenset(text.words(document["title"])) | frozenset(text.words(document["text"]))


def coverage(question: str, doc_words: frozenset[str], idf: Callable[[str], float] = lambda _: 1.0) -> float:
    """Share of the question's topic words found in the document, each weighted by its rarity (IDF),
    so a word the knowledge base has never seen ("火星") weighs most and pulls an off-topic question down."""
    asked = set(text.words(question)) - INTENT_WORDS
    if not asked:
        return 0.0
    found = asked & doc_words
    return sum(idf(w) for w in found) / sum(idf(w) for w in asked)


def asks_for_materials(question: str) -> bool:
    return bool(MATERIALS_INTENT.search(text.normalise(question)))


def sub_item_mentioned(question: str, matter: Mapping[str, Any]) -> bool:
    """Does the question name this sub-item, one of its colloquial keywords, or a cue for its kind?"""
    sub = matter.get("sub_item")
    if not sub:
        return False
    question = text.normalise(question)
    if sub in question or any(k and k in question for k in matter.get("keywords") or []):
        return True
    return any(mark in sub and any(cue in question for cue in cues) for mark, cues in SUB_ITEM_CUES.items())


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
    question: str, hits: Iterable[tuple[Any, dict[str, Any]]], siblings_of: dict[str, list[dict[str, Any]]],
    *, prefer_main_item: str | None = None, assume_materials: bool = False,
    idf: Callable[[str], float] = lambda _: 1.0,
    words_of: Callable[[Mapping[str, Any]], frozenset[str]] = document_words,
) -> dict[str, Any]:
    """Decide what to say for `question` given ranked (hit, row) pairs and the sub-items of each main item.

    `prefer_main_item` carries a conversation's topic, so "那补办呢？" stays on the same matter family, and
    `assume_materials` its intent, so the follow-up gets the materials list the first question asked for.
    """
    ranked = [(hit, row) for hit, row in hits]
    if prefer_main_item:
        family = siblings_of.get(prefer_main_item, [])
        chosen = [m for m in family if sub_item_mentioned(question, m)]
        if chosen:
            return _matter_answer(question, chosen[0], family, assume_materials)
    # The ranking picks the answer; coverage only decides whether the top results answer anything at all.
    if not any(coverage(question, words_of(row), idf) >= MIN_COVERAGE for _, row in ranked[:3]):
        return unknown()
    _, best = ranked[0]
    sources = [{"kind": row["kind"], "code": row["code"], "score": round(hit.score, 4)} for hit, row in ranked[:5]]
    if best["kind"] == "article":
        return {"kind": "article", "offer_ticket": False, "matter": None, "options": [], "sources": sources,
                "article": {"code": best["code"], "question": best["question"], "answer": best["answer"],
                            "department": best.get("department_code")},
                "message": best["answer"]}
    family = siblings_of.get(best["main_item"], [best])
    answer = _matter_answer(question, best, family, False)
    answer["sources"] = sources
    return answer


def _matter_answer(question: str, best: dict[str, Any], family: list[dict[str, Any]],
                   assume_materials: bool) -> dict[str, Any]:
    if len(family) > 1:
        named = [m for m in family if sub_item_mentioned(question, m)]
        if len(named) == 1 or (named and best in named):
            best = best if best in named else named[0]
        elif not named:
            options = [{"code": m["code"], "title": matter_title(m), "sub_item": m["sub_item"]} for m in family]
            listing = "、".join(o["sub_item"] or o["title"] for o in options)
            return {"kind": "clarify", "offer_ticket": False, "matter": None, "article": None,
                    "main_item": best["main_item"], "options": options,
                    "materials_requested": asks_for_materials(question) or assume_materials,
                    "message": f"“{best['main_item']}”分为{listing}，请问您要办理哪一种？"}
    wants_materials = asks_for_materials(question) or assume_materials
    return {"kind": "matter", "offer_ticket": False, "article": None, "options": [],
            "main_item": best["main_item"], "matter": present_matter(best), "materials_requested": wants_materials,
            "message": materials_message(best) if wants_materials else overview_message(best)}
