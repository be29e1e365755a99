"""Matters and articles as search documents: one id space (matter 2n, article 2n+1), title and body text."""
from __future__ import annotations

from typing import Any, Mapping, NamedTuple

FORM_LABELS = {"original": "原件", "copy": "复印件", "original_or_copy": "原件或复印件"}


def doc_id(kind: str, row_id: int) -> int:
    return row_id * 2 + (1 if kind == "article" else 0)


def matter_title(matter: Mapping[str, Any]) -> str:
    sub = matter.get("sub_item")
    return f"{matter['main_item']}（{sub}）" if sub else matter["main_item"]


def matter_document(matter: Mapping[str, Any]) -> dict[str, Any]:
    """What search sees of a matter: names and colloquial keywords first, then materials, FAQs, place."""
    parts = [
        " ".join(matter.get("keywords") or []),
        "所需材料：" + "、".join(m["name"] for m in matter.get("materials") or []),
        *[f"{faq['q']}{faq['a']}" for faq in matter.get("faqs") or []],
        "办理流程：" + "、".join(matter.get("process") or []),
        f"办理地点：{matter.get('location') or ''}",
        f"收费：{matter.get('fee') or ''}",
    ]
    dense = [matter_title(matter), " ".join(matter.get("keywords") or []),
             *[faq["q"] for faq in matter.get("faqs") or []]]
    return {"id": doc_id("matter", matter["id"]), "title": matter_title(matter), "text": "\n".join(parts),
            "dense_text": "\n".join(dense)}


def article_document(article: Mapping[str, Any]) -> dict[str, Any]:
    keywords = " ".join(article.get("keywords") or [])
    return {"id": doc_id("article", article["id"]), "title": article["question"],
            "text": f"{keywords}\n{article['answer']}", "dense_text": f"{article['question']}\n{keywords}"}


class Passage(NamedTuple):
    """A clean sentence an agent reads out: never the keyword list; an FAQ's answer carries its question apart."""

    text: str
    question: str | None = None


def matter_passages(matter: Mapping[str, Any]) -> list[Passage]:
    """What a matter can answer, one statement each: its materials, each FAQ answer (with its question), the
    steps, the place and hours, the fee, the promised time."""
    out: list[Passage] = []
    materials = [m["name"] for m in matter.get("materials") or []]
    if materials:
        out.append(Passage("所需材料：" + "、".join(materials) + "。"))
    for faq in matter.get("faqs") or []:
        if faq.get("a"):
            out.append(Passage(faq["a"].strip(), faq.get("q")))
    if matter.get("process"):
        out.append(Passage("办理流程：" + "→".join(matter["process"]) + "。"))
    if matter.get("location"):
        hours = f"（{matter['hours']}）" if matter.get("hours") else ""
        out.append(Passage(f"办理地点：{matter['location']}{hours}。"))
    if matter.get("fee"):
        out.append(Passage(f"收费：{matter['fee']}。"))
    days = (matter.get("time_limit") or {}).get("promised_days")
    if days:
        out.append(Passage(f"承诺办结时限：{days}个工作日。"))
    return out or [Passage(matter_title(matter))]


def article_passages(article: Mapping[str, Any], split) -> list[Passage]:
    """An FAQ article's answer in sentences (`split`: knowledge.text.passages), each tied to its question."""
    return [Passage(sentence, article["question"]) for sentence in split(article["answer"])] or \
        [Passage(article["answer"], article["question"])]


def row_document(row: Mapping[str, Any]) -> dict[str, Any]:
    """The search document of a matter or article row that carries its `kind`."""
    return matter_document(row) if row["kind"] == "matter" else article_document(row)


def material_line(material: Mapping[str, Any]) -> str:
    """One material as a person reads it: 居民户口簿（原件1份，核验后退回）；conditional ones say when."""
    form = FORM_LABELS.get(material.get("form"), "")
    copies = material.get("copies")
    detail = f"{form}{copies}份" if copies else form
    extras = [detail] if detail else []
    if material.get("note"):
        extras.append(material["note"])
    line = material["name"] + (f"（{'，'.join(extras)}）" if extras else "")
    if not material.get("required", True) and material.get("condition"):
        line = f"{material['condition']}：{line}"
    return line
