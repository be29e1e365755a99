"""What the agent's knowledge panel needs as the caller speaks: the question inside the agent's notes, and for each
hit the clean passage (a sentence, never a keyword list) that answers it.

Both are cheap on purpose: the panel is asked after every burst of typing. The question is short (a sentence,
at most QUESTION_CHARS), so the sentence embedding the search needs stays small and, while the agent types
on past it, is the same text (its vector is cached). Passages are chosen by what the question asks about (材料,
地点, 收费, 时限, 流程) and by word and character overlap, FAQ questions included, with no embedding at all.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from knowledge import text
from knowledge.documents import Passage
from knowledge.lexical import BM25Index

QUESTION_CHARS = 32
_CLAUSE = re.compile(r"[^。！？!?；;\n，,]+[。！？!?；;\n，,]?")
# Words by which a caller asks about a service matter (what to bring, where, how much, how long, how).
_ASKS = re.compile(
    r"(?:材料|带什么|要带|需要什么|需要哪些|准备什么|证件|手续|怎么办|怎么弄|怎么申请|怎么补|如何|流程|步骤|在哪|哪里|地址|地点|"
    r"多少钱|收费|费用|要钱|多久|几天|多长时间|时限|条件|资格|补办|补领|换领|办理|申请|申领|领取|咨询|能不能|可不可以|可以吗|"
    r"是否|吗[？?]?|[？?])"
)
# Clauses in which the caller says who and where they are (or how to reach them): never what they call about.
_ABOUT_THE_CALLER = re.compile(r"^(?:来电人)?(?:称|说|反映)?(?:我|本人)?(?:住在|家住|住|是|叫|姓|的电话|电话|手机|联系方式|地址)")
# What a question asks about, and the passage that says it (by its opening words).
ASPECTS = (
    (re.compile(r"材料|带什么|要带|需要什么|需要哪些|准备什么|证件|证明"), "所需材料"),
    (re.compile(r"在哪|哪里|地址|地点|窗口|几点|上班时间|周末"), "办理地点"),
    (re.compile(r"多少钱|收费|费用|要钱|免费|交钱"), "收费"),
    (re.compile(r"多久|几天|多长时间|时限|什么时候能"), "承诺办结时限"),
    (re.compile(r"流程|步骤|怎么办理|如何办理|怎么申请|手续"), "办理流程"),
)


def knowledge_question(notes: str, *, max_chars: int = QUESTION_CHARS) -> str:
    """The part of an agent's notes that asks about a service matter: from the first clause that asks (with the
    clause before it when that names the matter) on, as far as `max_chars` allows; else the first clause that is not
    the caller saying where they live or how to reach them."""
    clauses = [c.strip().rstrip("。！？!?；;\n，, ") for c in _CLAUSE.findall(notes)]
    clauses = [c for c in clauses if c]
    if not clauses:
        return notes.strip()[:max_chars]
    asking = [i for i, clause in enumerate(clauses) if _ASKS.search(clause)]
    if not asking:  # a complaint asks nothing: its first clause about the matter, not about the caller
        about = [c for c in clauses if not _ABOUT_THE_CALLER.match(c)] or clauses
        return about[0][:max_chars]
    first = asking[0]
    if first > 0 and len(clauses[first - 1]) + len(clauses[first]) < max_chars:
        first -= 1
    question = clauses[first]
    for clause in clauses[first + 1:]:
        if len(question) + 1 + len(clause) > max_chars:
            break
        question += "，" + clause
    return question[:max_chars]


class PassageIndex:
    """A document's passages with their words and character bigrams, tokenised once (at index time)."""

    def __init__(self, passages: Sequence[Passage]):
        self.passages = list(passages)
        self.words, self.bigrams = BM25Index(), BM25Index()
        for position, passage in enumerate(self.passages):
            scored = f"{passage.question or ''}{passage.text}"
            self.words.add(position, text.words(scored))
            self.bigrams.add(position, text.char_bigrams(scored))
        self.words.prepare()
        self.bigrams.prepare()


def choose_passage(passages: Sequence[Passage] | PassageIndex, query: str, *,
                   query_words: Sequence[str] | None = None) -> Passage:
    """The passage that best answers `query`: one of the aspect it asks about when it names one, else the best
    word and character-bigram overlap (an FAQ answer is matched with its question)."""
    index = passages if isinstance(passages, PassageIndex) else PassageIndex(passages)
    candidates = index.passages
    if len(candidates) == 1:
        return candidates[0]
    for pattern, opening in ASPECTS:
        if pattern.search(query):
            for passage in candidates:
                if passage.question is None and passage.text.startswith(opening):
                    return passage
    words = text.words(query) if query_words is None else query_words
    scores: dict[int, float] = {}
    for weight, (ids, values) in ((1.0, index.words.search(words, len(candidates))),
                                  (0.5, index.bigrams.search(text.char_bigrams(query), len(candidates)))):
        top = float(values[0]) if len(values) else 0.0
        for doc, value in zip(ids.tolist(), values.tolist()):
            if top > 0:
                scores[doc] = scores.get(doc, 0.0) + weight * value / top
    if not scores:
        return candidates[0]
    return candidates[max(scores, key=lambda position: (scores[position], -position))]
