"""Is the best-ranked family of matters (or FAQ article) the answer to this question, and which sub-item is meant?

The ranking alone always has a best document; the gate decides from evidence whether it answers anything:
how far the best family leads the next, whether the word, bigram and sentence-vector channels put the same family
first, how close the question's vector is to the family, how much of the question's topic the family's names and
text cover, and what the question wants (materials, how, where — or a complaint, an opinion, a progress query,
which no knowledge answers). A logistic model over those features, trained on the calibration questions
(knowledge/eval/questions_calibration.jsonl), gives the probability that the family is right; its weights and
threshold are in answer_gate.json, one model per embedder (dense features exist only with the one it was trained
with) and a lexical one for any other.
"""
from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from knowledge import text
from knowledge.sub_items import sub_item_mentioned

GATE_FILE = Path(__file__).resolve().parent / "answer_gate.json"
LEXICAL = "lexical"  # the gate for an embedder it was not trained with: no dense features

# What the citizen wants. Asking or wanting something done is a knowledge question; demanding action about a
# problem, asking why, chasing progress or giving an opinion is not: those are tickets, whatever their topic.
ASKS = re.compile(
    r"[?？]|吗|么$|呢|怎么|怎样|咋|如何|哪里|哪儿|哪个|哪些|去哪|什么|啥|多少|多久|几[天年个岁次]|能不能|可不可以|可以|能否|"
    r"是否|要不要|需不需要|谁|请问|想问|咨询|问一下|问下|流程|手续|材料|条件|费用|收费|"
    r"想办|要办|想交|想申请|要申请|申请|办理|怎么弄|怎么搞|怎么整|咋整|咋办|想把|想给|想在|想去|想开|想用|打算|准备"
)
COMPLAINS = re.compile(
    r"我要投诉|我要举报|我举报|举报[^怎]|投诉[^怎去到向]|强烈要求|要求(?:处理|解决|查处|整改|赔偿)|请(?:你们|相关部门|政府)|"
    r"赶紧|尽快(?:处理|解决)|请尽快|管一管|管管|严重影响|太不负责|受不了|没人管|不管不顾|气愤|太差了|"
    r"到现在都|一直没(?:人|有)|没人(?:清理|管|修|理)|[吵臭脏乱]死了|扰民|天天|每天晚上|半夜"
)
WHY_OR_STATUS = re.compile(
    r"为什么|凭什么|为啥|怎么还没|还没(?:到账|轮到|批|下来|办好|回复|处理)|到哪一步|进度|审核到|多久能批|"
    r"是谁的责任|谁的责任|合法吗|违法吗|不合理|不公平"
)
OPINION = re.compile(r"我觉得|我认为|建议(?!.*怎么|.*如何|.*向哪|.*哪里)|希望政府|希望(?:能|可以)|应该(?!怎么|去哪|找谁)|能不能把")
SOCIAL = re.compile(r"^(?:你好|您好|在吗|在不在|谢谢|多谢|辛苦了|哈+|嗯+|好的|再见|人工|人工客服|转人工)[!！。.,，~]*$")

# Words that say what the caller wants done, not what about: they never count for or against a topic.
INTENT_WORDS = frozenset(
    "办 办理 要 想 带 拿 准备 材料 手续 需要 哪些 什么 怎么 如何 去 找 谁 能 可以 呢 那 啥 咋 弄 搞 问 一下 下 "
    "问一下 想问 请 申请 多久 多少 哪里 哪儿 东西 怎么办 怎么弄 知道 听说 现在 还 又 就 都 也 一个 个 一 这个 那个".split()
)


def family_of(row: Mapping[str, Any]) -> str:
    """A matter's family is its main item (all its sub-items); an article is a family of its own."""
    return f"m:{row['main_item']}" if row["kind"] == "matter" else f"a:{row['code']}"


def intent(question: str) -> dict[str, bool]:
    q = text.normalise(question).strip()
    return {
        "asks": bool(ASKS.search(q)), "complains": bool(COMPLAINS.search(q)),
        "why_or_status": bool(WHY_OR_STATUS.search(q)), "opinion": bool(OPINION.search(q)),
        "social": bool(SOCIAL.match(q)) or not re.search(r"[\u4e00-\u9fff]", q),
    }


@dataclass
class Evidence:
    """What the gate weighs for one question: the best family, its runner-up, and the features."""
    family: str | None
    runner_up: str | None
    features: dict[str, float]
    ranked: list[tuple[Any, dict[str, Any]]] = field(default_factory=list)  # (hit, row), best first


def _family_ranking(ranking, rows: Mapping[int, dict[str, Any]], depth: int = 60) -> list[tuple[str, float]]:
    ids, scores = ranking
    seen: dict[str, float] = {}
    for doc_id, score in zip(ids[:depth].tolist(), scores[:depth].tolist()):
        row = rows.get(doc_id)
        if row is not None:
            seen.setdefault(family_of(row), float(score))
    return list(seen.items())


def _share(asked: set[str], found: Callable[[str], bool], idf: Callable[[str], float]) -> float:
    total = sum(idf(w) for w in asked)
    return sum(idf(w) for w in asked if found(w)) / total if total else 0.0


def gather_evidence(
    question: str, ranked: Sequence[tuple[Any, dict[str, Any]]], rankings: Sequence[tuple[np.ndarray, np.ndarray]],
    rows: Mapping[int, dict[str, Any]], *, idf: Callable[[str], float], words_of: Callable[[Mapping], frozenset],
    names_of: Callable[[Mapping], frozenset], members: Mapping[str, list[dict[str, Any]]], known: Callable[[str], bool],
) -> Evidence:
    """Features of the best family of `ranked` (fused hits with their rows) given each channel's own ranking."""
    ranked = list(ranked)
    families: dict[str, float] = {}
    for hit, row in ranked:
        families.setdefault(family_of(row), float(hit.score))
    order = sorted(families.items(), key=lambda item: -item[1])
    flags = intent(question)
    features = {name: float(value) for name, value in flags.items()}
    features["length"] = math.log1p(len(text.normalise(question)))
    if not order:
        return Evidence(None, None, {**features, **dict.fromkeys(
            ("top_score", "margin", "word_agrees", "bigram_agrees", "dense_agrees", "word_bm25", "bigram_bm25",
             "dense_cosine", "dense_gap", "coverage", "name_coverage", "unseen", "cue", "keyword_hit"), 0.0)}, ranked)
    best, top = order[0]
    runner_up, second = order[1] if len(order) > 1 else (None, 0.0)
    features["top_score"], features["margin"] = top, top - second
    for name, ranking in zip(("word", "bigram", "dense"), rankings):
        channel = _family_ranking(ranking, rows)
        features[f"{name}_agrees"] = float(bool(channel) and channel[0][0] == best)
        own = next((score for family, score in channel if family == best), 0.0)
        if name == "dense":
            other = next((score for family, score in channel if family != best), own)
            features["dense_cosine"], features["dense_gap"] = own, own - other
        else:
            features[f"{name}_bm25"] = math.log1p(max(own, 0.0))
    family_rows = members.get(best) or [row for _, row in ranked if family_of(row) == best][:1]
    body = frozenset().union(*(words_of(row) for row in family_rows))
    names = frozenset().union(*(names_of(row) for row in family_rows))
    asked = set(text.words(question)) - INTENT_WORDS
    # Coverage counts the words the knowledge base knows: which family holds them is what tells families apart;
    # words it never uses are weighed apart ("unseen"), so one odd word in a long story does not sink the answer.
    familiar = {w for w in asked if known(w)}
    features["coverage"] = _share(familiar, body.__contains__, idf)
    features["name_coverage"] = _share(familiar, names.__contains__, idf)
    features["unseen"] = _share(asked, lambda w: not known(w), idf)
    # a sub-item's own cue (丢了 for 补领) or a family keyword said outright is strong, specific evidence
    features["cue"] = float(any(sub_item_mentioned(question, row) for row in family_rows if row["kind"] == "matter"))
    asked_text = text.normalise(question)
    phrases = {text.normalise(k) for row in family_rows for k in (row.get("keywords") or [])}
    phrases |= {text.normalise(row["main_item"]) for row in family_rows if row["kind"] == "matter"}
    features["keyword_hit"] = float(any(len(p) >= 2 and p in asked_text for p in phrases))
    return Evidence(best, runner_up, features, ranked)


@dataclass(frozen=True)
class GateModel:
    """Logistic regression over named features: p = sigmoid(intercept + sum(coef * (x - mean) / scale))."""
    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float

    def probability(self, features: Mapping[str, float]) -> float:
        z = self.intercept + sum(
            c * (features.get(name, 0.0) - m) / s for name, m, s, c in zip(self.features, self.mean, self.scale, self.coef))
        return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))

    def reasons(self, features: Mapping[str, float], top: int = 3) -> list[str]:
        """The features that pushed this question's probability furthest, strongest first (for the agent's panel)."""
        pushes = [(c * (features.get(name, 0.0) - m) / s, name)
                  for name, m, s, c in zip(self.features, self.mean, self.scale, self.coef)]
        return [f"{name}{'+' if push > 0 else '-'}" for push, name in sorted(pushes, key=lambda p: -abs(p[0]))[:top]]

    def to_json(self) -> dict[str, Any]:
        return {"features": list(self.features), "mean": list(self.mean), "scale": list(self.scale),
                "coef": list(self.coef), "intercept": self.intercept, "threshold": self.threshold}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> GateModel:
        return cls(tuple(data["features"]), tuple(data["mean"]), tuple(data["scale"]), tuple(data["coef"]),
                   float(data["intercept"]), float(data["threshold"]))


DENSE_FEATURES = ("dense_agrees", "dense_cosine", "dense_gap")
FEATURES = ("top_score", "margin", "word_agrees", "bigram_agrees", "dense_agrees", "word_bm25", "bigram_bm25",
            "dense_cosine", "dense_gap", "coverage", "name_coverage", "unseen", "cue", "keyword_hit", "asks",
            "complains", "why_or_status", "opinion", "social", "length")


@lru_cache(maxsize=4)
def _gates(path: str) -> dict[str, GateModel]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return {name: GateModel.from_json(model) for name, model in data["models"].items()}


def gate_for(embedder_name: str | None, path: Path = GATE_FILE) -> GateModel:
    """The model trained with this embedder's vectors, else the lexical one."""
    gates = _gates(str(path))
    return gates.get(embedder_name or "", gates[LEXICAL])


def fit_gate(samples: Sequence[Mapping[str, float]], labels: Sequence[int], *, features: Sequence[str],
             threshold: float, c: float = 1.0) -> GateModel:
    """Fit the logistic model (scikit-learn at training time only; answering needs just the numbers)."""
    from sklearn.linear_model import LogisticRegression

    x = np.array([[sample.get(name, 0.0) for name in features] for sample in samples], dtype=float)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=c, max_iter=2000).fit((x - mean) / scale, np.asarray(labels))
    return GateModel(tuple(features), tuple(mean.round(6).tolist()), tuple(scale.round(6).tolist()),
                     tuple(model.coef_[0].round(6).tolist()), round(float(model.intercept_[0]), 6), threshold)


def choose_threshold(probabilities: Sequence[float], labels: Sequence[int], answerable: Sequence[bool], *,
                     max_wrong: float, min_refused: float) -> tuple[float, dict[str, float]]:
    """The lowest threshold (most answers) whose wrong answers stay within `max_wrong` of all questions and which
    refuses at least `min_refused` of the unanswerable ones, from out-of-fold probabilities."""
    p, y, a = np.asarray(probabilities), np.asarray(labels), np.asarray(answerable)
    for threshold in np.round(np.arange(0.30, 0.951, 0.025), 3):
        kept = p >= threshold
        wrong = float((kept & (y == 0)).sum() / len(p))
        refused = float(1 - kept[~a].mean()) if (~a).any() else 1.0
        if wrong <= max_wrong and refused >= min_refused:
            break
    return float(threshold), {"kept_right": round(float(kept[y == 1].mean()), 4), "wrong": round(wrong, 4),
                              "refused_unanswerable": round(refused, 4)}


def train_gates(samples: Sequence[Mapping[str, float]], labels: Sequence[int], answerable: Sequence[bool], *,
                embedder_name: str, max_wrong: float = 0.03, min_refused: float = 0.93, folds: int = 5,
                seed: int = 0) -> dict[str, Any]:
    """Fit the gate for `embedder_name` (all features) and the lexical one; thresholds from cross-validation."""
    from sklearn.model_selection import StratifiedKFold

    labels, models = np.asarray(labels), {}
    for name, features in ((embedder_name, FEATURES), (LEXICAL, tuple(f for f in FEATURES if f not in DENSE_FEATURES))):
        out_of_fold = np.zeros(len(samples))
        for train, test in StratifiedKFold(folds, shuffle=True, random_state=seed).split(np.zeros(len(labels)), labels):
            model = fit_gate([samples[i] for i in train], labels[train], features=features, threshold=0.5)
            out_of_fold[test] = [model.probability(samples[i]) for i in test]
        threshold, measured = choose_threshold(out_of_fold, labels, answerable, max_wrong=max_wrong,
                                               min_refused=min_refused)
        model = fit_gate(samples, labels, features=features, threshold=threshold)
        models[name] = {**model.to_json(), "cross_validated": measured}
    return {"models": models, "trained_on": {"questions": len(samples), "answerable": int(np.sum(answerable)),
                                             "max_wrong": max_wrong, "min_refused": min_refused, "folds": folds}}
