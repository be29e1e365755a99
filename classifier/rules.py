"""Keyword rules for ticket type and urgency: the phrases a hotline agent would act on without thinking."""
from __future__ import annotations

import re
from dataclasses import dataclass

from classifier.tokenize import normalise


@dataclass(frozen=True)
class Rule:
    label: str
    pattern: str
    weight: float  # share of the final probability the rule takes when it fires
    unless: str | None = None  # a phrase that cancels the rule (e.g. thanks for a fire already put out)

    def fires(self, text: str) -> bool:
        if not re.search(self.pattern, text):
            return False
        return self.unless is None or not re.search(self.unless, text)


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]

    def labels(self) -> set[str]:
        return {rule.label for rule in self.rules}

    def votes(self, text: str) -> dict[str, float]:
        """Each label whose rule fires, with the largest weight among its firing rules."""
        text = normalise(text)
        votes: dict[str, float] = {}
        for rule in self.rules:
            if rule.fires(text):
                votes[rule.label] = max(votes.get(rule.label, 0.0), rule.weight)
        return votes

    def __bool__(self) -> bool:
        return bool(self.rules)


_THANKS = r"感谢|表扬|谢谢|点赞|致敬|辛苦了"

TYPE_RULES = RuleSet((
    Rule("report", r"举报|检举|揭发", 0.7),
    Rule("praise", r"表扬|点赞|致敬|锦旗|谢谢你们|(非常|十分|特别|真心|衷心|太)感谢"
                   r"|感谢.{0,20}(帮|及时|耐心|辛苦|热情|负责|用心|快速|周到)", 0.6),
    Rule("suggestion", r"^(我)?建议|[，。,]建议|建议(在|对|把|给|增|多|政府|相关|尽快|能|将)", 0.5),
    Rule("consult", r"请问|怎么办理|如何办理|(哪些|什么)(材料|手续)|去哪里?办|怎么申请|如何申请"
                    r"|咨询[：:]|来电咨询|想(问|咨询)", 0.4, unless=r"举报|投诉"),
    Rule("help", r"救命|求助|帮帮|能不能帮|帮忙(找|联系|处理|转移)|求帮", 0.4),
    Rule("complaint", r"投诉|不作为|推诿|没人管|态度(很|太|非常|极其)?(差|恶劣|冷漠)", 0.4),
))

URGENCY_RULES = RuleSet((
    Rule("emergency", r"燃气泄漏|煤气泄漏|漏气|煤气味|燃气味|化学品泄漏|着火|起火|火灾|失火|冒烟|浓烟|火势"
                      r"|被困|困在|救命|爆炸|坍塌|倒塌|塌了|滑坡|泥石流|触电|溺水|跳楼|跳江|跳河"
                      r"|持刀|拿着刀|受伤被|流了很多血|中毒|晕倒|不省人事|误吞|停水停电",
         0.7, unless=_THANKS),
    Rule("emergency", r"(停水|停电|断水|断电)(?!通知)", 0.45, unless=_THANKS),
    # thanks and proposals look back or ahead, never at a danger happening now
    Rule("normal", _THANKS + r"|^(我)?建议", 0.5),
    Rule("urgent", r"紧急|急[!！]|截止|快过年|走失|还没回家|井盖(不见|丢|没了)|漫堤|倒灌|高烧|抛锚|暴雨"
                   r"|台风要来|马上派人", 0.4, unless=_THANKS),
))
