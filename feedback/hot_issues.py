"""Hot issues: tickets of one window that describe the same problem in the same place, with heat and trend,
counted by the people who reported them and named by their place and problem ("中心街 · 路灯不亮")."""
from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sklearn.cluster import AgglomerativeClustering

from classifier.tokenize import words


@dataclass(frozen=True)
class HotIssue:
    members: tuple[int, ...]  # row indices, the most typical first
    contacts: int  # tickets
    support: int  # likes or co-signatures, when the caller has them
    heat: float
    trend: float  # (newer half - older half) / contacts, in [-1, 1]: > 0 is growing
    place: str | None  # the place most of its tickets come from
    callers: int = 0  # distinct people: one caller phoning twice is one voice
    places: tuple[str | None, ...] = ()  # every place it was reported from, most tickets first


class HotIssueFinder:
    """Average-linkage clusters of L2-normalised text vectors, cut at a cosine `similarity`, within each place.

    heat = callers + support_weight * log1p(support): every person counts once, public support adds weight
    without letting one viral post outrank a problem many people report. Issues reported by fewer than
    `min_contacts` distinct callers are not hot. With `merge_places`, clusters of different places whose centres
    are as similar as `similarity` and that name the same landmark (or neither names one) are one issue: a
    city-wide problem is not split by county. Memory grows with the square of the rows of one place: give it
    one window, not history.
    """

    def __init__(self, similarity: float = 0.8, min_contacts: int = 2, support_weight: float = 1.0,
                 merge_places: bool = False):
        self.similarity = similarity
        self.min_contacts = min_contacts
        self.support_weight = support_weight
        self.merge_places = merge_places

    def fit(self, vectors: np.ndarray, *, times: Sequence[datetime], places: Sequence[str | None] | None = None,
            support: Sequence[int] | None = None, callers: Sequence[Hashable] | None = None,
            landmarks: Sequence[frozenset[str]] | None = None) -> HotIssueFinder:
        n = len(vectors)
        if any(column is not None and len(column) != n for column in (times, places, support, callers, landmarks)):
            raise ValueError("vectors, times, places, support, callers and landmarks must have one entry per ticket")
        places = list(places) if places is not None else [None] * n
        support = np.asarray(support if support is not None else np.zeros(n), dtype=np.int64)
        callers = list(callers) if callers is not None else list(range(n))
        landmarks = list(landmarks) if landmarks is not None else [frozenset()] * n
        stamps = np.array([t.timestamp() for t in times])
        middle = (stamps.min() + stamps.max()) / 2 if n else 0.0
        groups: list[np.ndarray] = []
        for place in dict.fromkeys(places):
            rows = np.array([i for i, p in enumerate(places) if p == place])
            labels = self._cluster(vectors[rows])
            groups.extend(rows[labels == label] for label in np.unique(labels))
        if self.merge_places:
            groups = self._merge_across_places(groups, vectors, places, landmarks)
        self.labels_ = np.full(n, -1)
        issues: list[HotIssue] = []
        for label, members in enumerate(groups):
            self.labels_[members] = label
            if len({callers[i] for i in members}) >= self.min_contacts:
                issues.append(self._issue(vectors, members, stamps, middle, support, places, callers))
        self.issues_ = sorted(issues, key=lambda issue: -issue.heat)
        return self

    def _cluster(self, vectors: np.ndarray) -> np.ndarray:
        # A zero vector (a message sharing no keyword with any other) has no direction: it stands alone.
        labels = np.arange(len(vectors))
        rows = np.flatnonzero(np.any(vectors != 0, axis=1))
        if len(rows) >= 2:
            model = AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average",
                                            distance_threshold=1.0 - self.similarity)
            labels[rows] = len(vectors) + model.fit_predict(vectors[rows])
        return labels

    def _merge_across_places(self, groups, vectors, places, landmarks) -> list[np.ndarray]:
        """Join groups of different places about the same problem at the same landmark (or at none named)."""
        centres = [_unit(vectors[g].mean(axis=0)) for g in groups]
        marks = [_shared_landmarks([landmarks[i] for i in g]) for g in groups]
        parent = list(range(len(groups)))

        def root(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for a in range(len(groups)):
            for b in range(a + 1, len(groups)):
                if places[groups[a][0]] == places[groups[b][0]] or not centres[a].any() or not centres[b].any():
                    continue
                same_place = bool(marks[a] & marks[b]) or not (marks[a] or marks[b])
                if same_place and float(centres[a] @ centres[b]) >= self.similarity:
                    parent[root(b)] = root(a)
        merged: dict[int, list[int]] = {}
        for index, group in enumerate(groups):
            merged.setdefault(root(index), []).extend(group.tolist())
        return [np.array(sorted(rows)) for rows in merged.values()]

    def _issue(self, vectors, members, stamps, middle, support, places, callers) -> HotIssue:
        centre = vectors[members].mean(axis=0)
        typical = members[np.argsort(-(vectors[members] @ centre), kind="stable")]
        newer = int((stamps[members] > middle).sum())
        backing = int(support[members].sum())
        voices = len({callers[i] for i in members})
        where = tuple(place for place, _ in Counter(places[i] for i in typical).most_common())
        return HotIssue(
            members=tuple(int(i) for i in typical), contacts=len(members), support=backing,
            heat=round(voices + self.support_weight * float(np.log1p(backing)), 3),
            trend=round((2 * newer - len(members)) / len(members), 3), place=where[0],
            callers=voices, places=where,
        )


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector


# Administrative names say which county or town, not which spot; a landmark is a name before a place word.
_ADMIN = re.compile(r"[\u4e00-\u9fff]{2}(?:省|市|县)|[\u4e00-\u9fff]{2}(?<![小社园景校片城])区|[\u4e00-\u9fff]{2,4}(?:街道|镇|乡)")
_NAME = r"[^\W\d_的了在上那这家请很把被给和与或是有我你他她它们去来到说要也就都还又个些每天晚早下里面前后旁边附近门口对面楼某尽快修跑]"
_LANDMARK = re.compile(
    rf"{_NAME}{{2,6}}?(?:大道|大街|路|街|巷|弄|桥|广场|小区|花园|家园|公寓|大厦|新村|村|社区|公园|市场|商场|"
    r"医院|学校|中学|小学|幼儿园|车站|码头|公司|工厂)(?![灯况线费子])"
)


# Redaction placeholders (【姓名】, 【住址】) and the verbs a caller opens with are neither places nor problems.
_NOT_CONTENT = re.compile(r"【[^】]*】|举报|投诉|反映")


def place_terms(text: str) -> frozenset[str]:
    """Named spots in a ticket's text (中心街, 五一大道, 锦绣花园), its county and town names left out."""
    return frozenset(_LANDMARK.findall(_ADMIN.sub("，", _NOT_CONTENT.sub("，", text))))


def _shared_landmarks(per_ticket: Sequence[frozenset[str]]) -> frozenset[str]:
    """Landmarks named by at least half of a group's tickets: the group's place, not one caller's aside."""
    counts = Counter(term for terms in per_ticket for term in terms)
    return frozenset(term for term, count in counts.items() if count * 2 >= len(per_ticket))


# Words nearly every complaint uses; they never name the problem.
BOILERPLATE = frozenset(
    "尽快 处理 维修 解决 影响 严重 要求 请求 督促 及时 已经 晚上 每天 白天 半夜 凌晨 一周 三天 两天 几天 半个月 一个月 "
    "时间 市民 居民 群众 百姓 安全 出行 生活 困难 恢复 休息 不安全 导致 造成 出现 发现 长期 经常 多次 一直 至今 "
    "政府 有关部门 领导 帮忙 帮助 谢谢 麻烦 投诉 举报 反映 希望 尽早 赶紧 马上 还是 仍然 没人 没有人".split()
)


def _problem_words(text: str, place: str | None) -> list[str]:
    # the place and the county are said apart ("中心街 · ..."): segmenting without them keeps 路灯 whole
    text = _ADMIN.sub("，", _NOT_CONTENT.sub("，", text))
    if place:
        text = text.replace(place, "，")
    return [w for w in words(text) if len(w) >= 2 and not w.isdigit() and w not in BOILERPLATE]


def issue_title(texts: Sequence[str], landmarks: Sequence[frozenset[str]], *, others: Sequence[str],
                max_words: int = 2) -> str | None:
    """"place · problem" for a group's texts (most typical first): its shared landmark, then the words most of its
    tickets use that the window's other tickets (`others`) rarely do, in the order the typical ticket says them."""
    place = next(iter(sorted(_shared_landmarks(landmarks), key=lambda t: (-len(t), t))), None)
    members = [set(_problem_words(t, place)) for t in texts]
    elsewhere = Counter(w for t in others for w in set(_problem_words(t, place)))
    scores: dict[str, float] = {}
    for word in set().union(*members):
        share = sum(word in m for m in members) / len(members)
        rarity = math.log((len(others) + 2) / (elsewhere.get(word, 0) + 1))
        if share >= 0.5 and rarity > 0:
            scores[word] = share * rarity
    typical = texts[0]

    def position(word: str) -> int:
        return typical.find(word) if word in typical else len(typical)

    # equal scores (a small window) go to the words said first: a complaint states its problem up front
    chosen = sorted(scores, key=lambda w: (-round(scores[w], 6), position(w), w))[:max_words]
    if not chosen:
        return place
    problem = "".join(sorted(chosen, key=lambda w: (position(w), w)))
    return f"{place} · {problem}" if place else problem
