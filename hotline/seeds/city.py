"""Seeds the demo city: districts, streets, departments and the category tree, idempotently."""
from __future__ import annotations

import asyncpg
import yaml

from hotline.seeds import SEEDS_DIR
from hotline.infra.sql import load_queries

Q = load_queries(__file__)


def read_yaml(name: str):
    return yaml.safe_load((SEEDS_DIR / name).read_text(encoding="utf-8"))


def _parents_first(departments: list[dict]) -> list[dict]:
    """Order departments so every parent (and municipal department of a counterpart) is inserted before them."""
    by_code = {d["code"]: d for d in departments}
    ordered: list[dict] = []
    seen: set[str] = set()

    def visit(dept: dict) -> None:
        if dept["code"] in seen:
            return
        seen.add(dept["code"])
        for referenced in (dept.get("parent"), dept.get("counterpart_of")):
            if referenced in by_code:
                visit(by_code[referenced])
        ordered.append(dept)

    for dept in departments:
        visit(dept)
    return ordered


async def seed_city(conn: asyncpg.Connection) -> dict[str, int]:
    city = read_yaml("city.yaml")
    streets = 0
    for district in city["districts"]:
        await conn.execute(Q.upsert_district, district["code"], district["name"], district.get("aliases") or [])
        for street in district.get("streets") or []:
            await conn.execute(Q.upsert_street, street["code"], district["code"], street["name"])
            streets += 1
    departments = _parents_first(city["departments"])
    for d in departments:
        await conn.execute(
            Q.upsert_department, d["code"], d["name"], d.get("short_name"), d["level"], d.get("parent"),
            d.get("district"), bool(d.get("fallback")), d.get("phone"), d.get("counterpart_of"),
        )
    return {"districts": len(city["districts"]), "streets": streets, "departments": len(departments)}


def category_leaves() -> list[str]:
    """The category tree's leaves as paths ("level1/level2/level3"), the classifier's tree."""
    tree = read_yaml("categories.yaml")
    return [f"{l1}/{l2}/{l3}" for l1, level2 in tree.items() for l2, level3 in level2.items() for l3 in level3]


async def seed_categories(conn: asyncpg.Connection) -> int:
    tree = read_yaml("categories.yaml")
    count = 0
    for level1, children in tree.items():
        id1 = await conn.fetchval(Q.insert_category, 1, level1, None, level1)
        count += 1
        for level2, leaves in children.items():
            path2 = f"{level1}/{level2}"
            id2 = await conn.fetchval(Q.insert_category, 2, level2, id1, path2)
            count += 1
            for level3 in leaves:
                await conn.fetchval(Q.insert_category, 3, level3, id2, f"{path2}/{level3}")
                count += 1
    return count
