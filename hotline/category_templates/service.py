"""Per-category question templates: what a category needs to know (噪音: 时间段, 声源, ...), read by the Open311
service definitions and the agent console alike."""
from __future__ import annotations

from datetime import datetime

import asyncpg
import yaml

from hotline.category_templates.schemas import Template
from hotline.city.service import category_exists
from hotline.infra.errors import InvalidField
from hotline.seeds import SEEDS_DIR
from hotline.infra.sql import load_queries

Q = load_queries(__file__)
SEED_FILE = SEEDS_DIR / "category_templates.yaml"


async def template_for(conn: asyncpg.Connection, *, category_path: str) -> Template | None:
    """The questions a ticket of `category_path` asks: the category's own template, else its nearest ancestor's."""
    row = await conn.fetchrow(Q.template_for, category_path)
    return Template(questions=row["questions"]) if row else None


async def all_templates(conn: asyncpg.Connection) -> dict[str, Template]:
    """Every stored template by the category it is attached to (descendants inherit; see `applies_to`)."""
    return {r["category_path"]: Template(questions=r["questions"]) for r in await conn.fetch(Q.all_templates)}


def applies_to(templates: dict[str, Template], category_path: str) -> Template | None:
    """`template_for` over templates already read: the nearest template on the category's path."""
    parts = category_path.split("/")
    for depth in range(len(parts), 0, -1):
        template = templates.get("/".join(parts[:depth]))
        if template is not None:
            return template
    return None


async def last_change(conn: asyncpg.Connection) -> datetime | None:
    return await conn.fetchval(Q.last_change)


def read_seed_file() -> dict[str, Template]:
    raw = yaml.safe_load(SEED_FILE.read_text(encoding="utf-8"))
    return {path: Template(questions=questions) for path, questions in raw.items()}


async def seed_category_templates(conn: asyncpg.Connection) -> int:
    """The demo city's templates from the seed file; a category that already has one keeps it."""
    seeded = 0
    for path, template in read_seed_file().items():
        if not await category_exists(conn, path):
            raise InvalidField("category_path", f"{SEED_FILE.name} names an unknown category {path!r}")
        questions = [q.model_dump(mode="json", exclude_none=True) for q in template.questions]
        seeded += await conn.fetchval(Q.seed_template, path, questions) is not None
    return seeded
