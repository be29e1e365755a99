"""Place an address or a citizen's words in the demo city: which district and which street or town.

The gazetteer comes from ``hotline/seeds/city.yaml``. District and street names, their curated short
aliases and landmarks are searched for in the text, the longest name first at each position, so a
name inside a longer one does not count ("五马街" inside "五马街道", "平阳" inside "平阳坑镇").
A street wins over a district and implies its district; among streets, one lying in a district the
text names wins, then the longest, then the first; a landmark gives its district only. Text that
names another city or province and neither 温州 nor one of its districts is outside the
jurisdiction and is not located.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

CITY_YAML = Path(__file__).resolve().parents[1] / "seeds" / "city.yaml"

# Names that ordinary words or local road names also contain ("河南岸", "丽水街", "金华路") only count
# with their suffix; the others count bare unless a road word follows ("杭州路", "上海街").
_ELSEWHERE_WITH_SUFFIX = (
    "河北省 山西省 吉林省 江西省 山东省 河南省 湖北省 湖南省 海南省 金华市 丽水市 玉环市 青田县 寿宁县"
).split()
_ELSEWHERE_BARE = (
    "北京 上海 天津 重庆 香港 澳门 台湾 辽宁 黑龙江 江苏 安徽 福建 广东 广西 四川 贵州 云南 陕西 甘肃 青海 "
    "内蒙古 西藏 宁夏 新疆 杭州 宁波 嘉兴 湖州 绍兴 衢州 舟山 台州 义乌 温岭 福鼎 福州 厦门 南京 苏州 "
    "无锡 广州 深圳 武汉 成都 西安"
).split()
_ELSEWHERE = re.compile(
    "|".join(_ELSEWHERE_WITH_SUFFIX) + "|(?:" + "|".join(_ELSEWHERE_BARE) + ")(?![路街道巷弄桥])"
)


@dataclass(frozen=True, slots=True)
class Street:
    code: str
    name: str
    district_code: str
    aliases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class District:
    code: str
    name: str
    aliases: tuple[str, ...]
    landmarks: tuple[str, ...]
    streets: tuple[Street, ...]


@dataclass(frozen=True, slots=True)
class Location:
    """Where a text places itself; ``matched`` is the words in the text that decided it."""

    district_code: str
    district: str
    street_code: str | None
    street: str | None
    matched: str


@dataclass(frozen=True, slots=True)
class _Mention:
    start: int
    end: int
    kind: str  # city | district | street | landmark
    code: str  # district or street code; the city code for "city"


class Gazetteer:
    """The demo city's districts and streets, and the names by which text refers to them."""

    def __init__(self, city: dict, districts: list[District]) -> None:
        self.city = city
        self.districts = {district.code: district for district in districts}
        self.streets = {street.code: street for district in districts for street in district.streets}
        places: dict[str, list[tuple[str, str]]] = {}
        for name in (city["name"], *city.get("aliases", [])):
            places.setdefault(name, []).append(("city", city["code"]))
        for district in districts:
            for name in (district.name, *district.aliases):
                places.setdefault(name, []).append(("district", district.code))
            for name in district.landmarks:
                places.setdefault(name, []).append(("landmark", district.code))
            for street in district.streets:
                for name in (street.name, *street.aliases):
                    places.setdefault(name, []).append(("street", street.code))
        self._places = places
        # Longest names first: the regex then takes the longest name at each position, and a name
        # inside a longer one ("五马街" in "五马街道", "平阳" in "平阳坑镇") is never a mention of its own.
        self._place_names = re.compile("|".join(map(re.escape, sorted(places, key=len, reverse=True))))

    @classmethod
    def load(cls, path: str | Path | None = None) -> Gazetteer:
        """Read the gazetteer from a city YAML file (the seeded demo city by default)."""
        with open(path or CITY_YAML, encoding="utf-8") as file:
            document = yaml.safe_load(file)
        districts = [
            District(
                code=entry["code"],
                name=entry["name"],
                aliases=tuple(entry.get("aliases", [])),
                landmarks=tuple(entry.get("landmarks", [])),
                streets=tuple(
                    Street(street["code"], street["name"], entry["code"], tuple(street.get("aliases", [])))
                    for street in entry.get("streets", [])
                ),
            )
            for entry in document["districts"]
        ]
        return cls(document["city"], districts)

    def elsewhere(self, text: str) -> str | None:
        """The first other province or city that ``text`` names, or None."""
        match = _ELSEWHERE.search(text)
        return match.group() if match else None

    def _mentions(self, text: str) -> list[_Mention]:
        return [
            _Mention(match.start(), match.end(), kind, code)
            for match in self._place_names.finditer(text)
            for kind, code in self._places[match.group()]
        ]

    def locate(self, text: str) -> Location | None:
        """The district (and street, when one is named) that ``text`` places itself in, or None."""
        mentions = self._mentions(text)
        named_districts = {m.code for m in mentions if m.kind == "district"}
        names_city = any(m.kind == "city" for m in mentions)
        if not named_districts and not names_city and self.elsewhere(text) is not None:
            return None

        def best(candidates: list[_Mention]) -> _Mention:
            return max(candidates, key=lambda m: (m.end - m.start, -m.start))

        streets = [m for m in mentions if m.kind == "street"]
        if streets:
            in_named = [m for m in streets if self.streets[m.code].district_code in named_districts]
            chosen = best(in_named or streets)
            street = self.streets[chosen.code]
            district = self.districts[street.district_code]
            matched = text[chosen.start : chosen.end]
            return Location(district.code, district.name, street.code, street.name, matched)
        for kind in ("district", "landmark"):
            candidates = [m for m in mentions if m.kind == kind]
            if candidates:
                chosen = best(candidates)
                district = self.districts[chosen.code]
                return Location(district.code, district.name, None, None, text[chosen.start : chosen.end])
        return None
