"""`hotline seed`: the whole demo city in one transaction, safe to run again."""
from __future__ import annotations

import asyncpg

from hotline.category_templates.service import seed_category_templates
from hotline.config import Settings
from hotline.console.service import seed_quick_phrases
from hotline.text.address import Gazetteer
from hotline.kb.service import seed_knowledge
from hotline.routing_rules.service import seed_routing_rules
from hotline.seeds import SLA_POLICIES
from hotline.seeds.city import seed_categories, seed_city
from hotline.seeds.demo_story import play_demo_story
from hotline.seeds.demo_tickets import seed_demo_tickets
from hotline.seeds.users import seed_demo_users
from hotline.infra.sql import load_queries
from timelimits.sla import SlaClock

Q = load_queries(__file__, "inventory.sql")


async def seed_all(conn: asyncpg.Connection, settings: Settings) -> dict:
    async with conn.transaction():
        summary = await seed_city(conn)
        summary["categories"] = await seed_categories(conn)
        summary["category_templates"] = await seed_category_templates(conn)
        summary["quick_phrases"] = await seed_quick_phrases(conn)
        summary["routing_rules"] = await seed_routing_rules(conn)
        summary["knowledge"] = await seed_knowledge(conn)
        created = await seed_demo_users(conn, settings.data_dir / "demo-credentials.txt")
        summary["new_users"] = created
        summary["demo_tickets"] = (
            await seed_demo_tickets(conn, Gazetteer.load()) if settings.demo else 0
        )
        if summary["demo_tickets"]:
            summary["demo_story"] = await play_demo_story(conn, sla=SlaClock.from_file(SLA_POLICIES))
        summary["inventory"] = dict(await conn.fetchrow(Q.city_inventory))
    return summary
