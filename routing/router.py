"""Department suggestions for a ticket from the duty list, keyword rules, the address and a dispatch model."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path

import re2
import yaml

LEVELS = ("city", "district", "street")
# How much each kind of evidence is worth; a matched 事项 is the most authoritative, the 兜底 the least.
DEFAULT_WEIGHTS = {"matter": 0.6, "keyword": 0.5, "duty": 0.4, "model": 0.4, "fallback": 0.3}
# Share of the evidence also credited to the municipal department when the work is handled locally,
# and to keyword rules that lost on priority, so the agent still sees them as alternatives.
SECONDARY_SHARE = 0.5
_LEVEL_NAMES = {"city": "市级", "district": "区县", "street": "街道"}
MODEL_TOP = 3
MODEL_MIN_PROBABILITY = 0.05


def load_rules(path: Path) -> dict:
    """The duty list YAML as the keyword arguments of `Router` (duties, keyword_rules, matters)."""
    document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return {key: document.get(key) or [] for key in ("duties", "keyword_rules", "matters")}


class Router:
    """Ranks responsible departments for a ticket and says why.

    Built from plain rows (the YAML seed or the routing tables): `duties` {category, department, level},
    `keyword_rules` {keywords, pattern?, department, priority, level?, districts?} (a rule with `districts`
    applies only to tickets placed in one of them), `matters` {prefix, department, level?}, `districts`
    {code, name, aliases?}, `departments` {code, name, district?, counterpart_of?} (when given, only existing
    codes are suggested; a district department with `counterpart_of` does that municipal department's
    district-level work in its district), and an optional `model` with `classes_` and `predict_proba(texts)`
    trained on dispatch history.
    """

    def __init__(
        self,
        duties: Iterable[Mapping] = (),
        keyword_rules: Iterable[Mapping] = (),
        matters: Iterable[Mapping] = (),
        districts: Iterable[Mapping] = (),
        departments: Iterable[Mapping] | None = None,
        model=None,
        weights: Mapping[str, float] | None = None,
        unclear_below: float = 0.5,
    ):
        self.duties = {_check_level(d, "duty")["category"].strip("/"): d for d in duties}
        self.keyword_rules = sorted(({**_check_level(r, "keyword rule"), "compiled": compile_pattern(r.get("pattern"))}
                                     for r in keyword_rules), key=lambda r: -r.get("priority", 100))
        self.matters = sorted((_check_level(m, "matter") for m in matters), key=lambda m: -len(m["prefix"]))
        self.districts = list(districts)
        departments = None if departments is None else list(departments)
        self.department_names = None if departments is None else {d["code"]: d["name"] for d in departments}
        self.counterparts: dict[str, dict[str, str]] = defaultdict(dict)  # municipal -> {district: department}
        for d in departments or ():
            if d.get("counterpart_of"):
                self.counterparts[d["counterpart_of"]][d["district"]] = d["code"]
        self.model = model
        self.weights = {**DEFAULT_WEIGHTS, **(weights or {})}
        self.unclear_below = unclear_below  # model confidence under which jurisdiction counts as unclear

    @classmethod
    def from_file(cls, path: Path, **kwargs) -> Router:
        return cls(**load_rules(path), **kwargs)

    def find_district(self, *texts: str | None) -> str | None:
        """The district named in the first text that names one (longest name or alias wins)."""
        names = sorted(((alias, d["code"]) for d in self.districts for alias in [d["name"], *d.get("aliases", [])]),
                       key=lambda pair: -len(pair[0]))
        for text in texts:
            for alias, code in names:
                if text and alias in text:
                    return code
        return None

    def route(
        self,
        text: str,
        *,
        category: str | None = None,
        category_confidence: float = 1.0,
        address: str | None = None,
        district_code: str | None = None,
        street_code: str | None = None,
        matter_code: str | None = None,
        top_k: int = 5,
        with_model: bool = True,
    ) -> list[dict]:
        """Ranked [{"department", "score", "reasons": [{"source", "detail", "weight"}]}], best first.

        `category` is a path such as "城乡建设/城市建设和市政管理" (any depth); the district comes from
        `district_code`, else from `street_code`, else from the address, else from the text. `with_model=False`
        routes by the rules alone (the caller asks the model later, where its cost keeps nobody waiting).
        """
        district = district_code or (street_code[:6] if street_code else None) or self.find_district(address, text)
        evidence: dict[str, list[dict]] = defaultdict(list)

        def credit(code: str, source: str, weight: float, detail: str) -> None:
            evidence[code].append({"source": source, "detail": detail, "weight": round(weight, 4)})

        def credit_at_level(municipal: str, level: str, source: str, weight: float, detail: str) -> None:
            local = self._localise(municipal, level, district, street_code)
            if local == municipal:
                credit(municipal, source, weight, detail)
                return
            credit(local, source, weight, f"{detail}；属地办理 → {self._name(local)}")
            credit(municipal, source, weight * SECONDARY_SHARE, f"{detail}；{self._name(municipal)} 为市级主管部门")

        firm = False  # whether a rule (not only the model) places the ticket
        if matter_code:
            for matter in self.matters:
                if matter_code.startswith(matter["prefix"]):
                    credit_at_level(matter["department"], matter.get("level", "city"), "matter", self.weights["matter"],
                                    f"事项编码 {matter['prefix']}… 属 {self._name(matter['department'])}")
                    firm = True
                    break

        seen_keyword_departments: set[str] = set()
        for rule in self.keyword_rules:
            if rule.get("districts") and district not in rule["districts"]:
                continue  # a rule scoped to some districts says nothing about tickets elsewhere
            hits = self._keyword_hits(rule, text)
            if not hits or rule["department"] in seen_keyword_departments:
                continue
            share = 1.0 if not seen_keyword_departments else SECONDARY_SHARE
            seen_keyword_departments.add(rule["department"])
            credit_at_level(rule["department"], rule.get("level", "city"), "keyword", self.weights["keyword"] * share,
                            f"关键词“{'、'.join(hits)}”（优先级 {rule.get('priority', 100)}）→ {self._name(rule['department'])}")
            firm = True

        duty_path = self._duty_path(category)
        if duty_path is not None:
            duty = self.duties[duty_path]
            depth_share = 1.0 if duty_path.count("/") else 0.7  # a level-1 match is a weaker claim
            credit_at_level(duty["department"], duty.get("level", "city"), "duty",
                            self.weights["duty"] * depth_share * category_confidence,
                            f"权责清单：{duty_path} 由 {self._name(duty['department'])} 负责（{_LEVEL_NAMES[duty.get('level', 'city')]}办理）")
            firm = True

        model_best = 0.0
        if with_model and self.model is not None and text.strip():
            probabilities = self.model.predict_proba([text])[0]
            ranked = sorted(zip(self.model.classes_, probabilities), key=lambda pair: -pair[1])[:MODEL_TOP]
            model_best = float(ranked[0][1])
            for code, probability in ranked:
                if probability >= MODEL_MIN_PROBABILITY and self._exists(code):
                    credit(code, "model", self.weights["model"] * probability, f"历史派单模型 p={probability:.2f}")

        if not firm and model_best < self.unclear_below and district is not None:
            fallback = f"gov-{district}"
            credit(fallback, "fallback", self.weights["fallback"],
                   f"管辖不明确，兜底转属地政府 {self._name(fallback)}")

        suggestions = [{"department": code, "score": round(sum(r["weight"] for r in reasons), 4), "reasons": reasons}
                       for code, reasons in evidence.items() if self._exists(code)]
        suggestions.sort(key=lambda s: (-s["score"], s["department"]))
        return suggestions[:top_k]

    def _keyword_hits(self, rule: Mapping, text: str) -> list[str]:
        hits = [k for k in rule.get("keywords") or () if k in text]
        if rule["compiled"] is not None and (match := rule["compiled"].search(text)):
            hits.append(match.group(0))
        return hits

    def _duty_path(self, category: str | None) -> str | None:
        """The longest duty-list path that is the category or one of its ancestors."""
        if not category:
            return None
        parts = category.strip("/").split("/")
        for depth in range(len(parts), 0, -1):
            path = "/".join(parts[:depth])
            if path in self.duties:
                return path
        return None

    def _localise(self, municipal: str, level: str, district: str | None, street: str | None) -> str:
        """Who does the work at `level` for the ticket's place; the municipal department when the place is unknown."""
        if level == "city" or district is None:
            return municipal
        if level == "street" and street and street.startswith(district) and self._exists(f"st-{street}"):
            return f"st-{street}"
        counterpart = self.counterparts.get(municipal, {}).get(district)
        if counterpart and self._exists(counterpart):
            return counterpart
        return f"gov-{district}"

    def _exists(self, code: str) -> bool:
        return self.department_names is None or code in self.department_names

    def _name(self, code: str) -> str:
        return (self.department_names or {}).get(code, code)


def compile_pattern(pattern: str | None):
    """A keyword rule's regular expression, compiled by RE2: a supervisor's pattern runs on every ticket's text,
    and RE2 matches in time linear in the text whatever the pattern (no catastrophic backtracking). The price:
    no backreferences or look-around. Raises ValueError naming the problem."""
    if not pattern:
        return None
    options = re2.Options()
    options.log_errors = False  # the error is raised to the caller, not printed to the server's stderr
    try:
        return re2.compile(pattern, options=options)
    except re2.error as error:
        reason = error.args[0] if error.args else error
        if isinstance(reason, bytes):
            reason = reason.decode(errors="replace")
        raise ValueError(f"not a regular expression RE2 accepts: {reason}") from None


def _check_level(row: Mapping, what: str) -> Mapping:
    level = row.get("level", "city")
    if level not in LEVELS:
        raise ValueError(f"{what} {dict(row)}: level must be one of {LEVELS}, got {level!r}")
    return row
