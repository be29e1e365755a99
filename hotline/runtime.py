"""What a running process holds: settings, the pool and the models, all loaded once at start-up."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import anyio
import asyncpg

from hotline.city import service as city
from hotline.config import Settings
from hotline.db import UNAVAILABLE_ERRORS
from hotline.intake.address import Gazetteer
from hotline.kb.live_index import LiveKnowledgeIndex
from routing.router import Router
from routing.sla import SlaClock

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings
    pool: asyncpg.Pool
    gazetteer: Gazetteer
    knowledge: LiveKnowledgeIndex
    sla: SlaClock
    router: Router
    classifier: Any = None  # classifier.pipeline.TicketClassifier, when a trained model is present


async def load_runtime(settings: Settings, pool: asyncpg.Pool) -> Runtime:
    from classifier.embedders import load_embedder

    embedder = await anyio.to_thread.run_sync(load_embedder, settings.embedder)
    knowledge = LiveKnowledgeIndex(embedder)
    try:
        async with pool.acquire() as conn:
            await knowledge.refresh(conn)  # from change 0: the whole knowledge base
        log.info("knowledge index: %d documents (%s)", len(knowledge.index), embedder.name)
    except UNAVAILABLE_ERRORS:
        log.warning("database unavailable at start-up; the knowledge index fills on the first search")
    return Runtime(settings=settings, pool=pool, gazetteer=Gazetteer.load(), knowledge=knowledge,
                   sla=SlaClock.from_seed(), router=await _load_router(pool),
                   classifier=await _load_classifier(settings))


async def _load_router(pool: asyncpg.Pool) -> Router:
    """Routing rules from the duty list, suggesting only departments and districts the city really has."""
    try:
        async with pool.acquire() as conn:
            departments = [dict(r) for r in await city.active_departments(conn)]
            districts = [dict(r) for r in await city.districts(conn)]
    except UNAVAILABLE_ERRORS:
        departments, districts = None, []
    return Router.from_seed(departments=departments, districts=districts)


async def _load_classifier(settings: Settings):
    model_dir = settings.classifier_path
    if not settings.load_models or not (model_dir / "manifest.json").exists():
        log.warning("no classifier model at %s; tickets arrive unclassified (run `hotline classifier "
                    "train-default`)", model_dir)
        return None
    from classifier.pipeline import TicketClassifier

    classifier = await anyio.to_thread.run_sync(TicketClassifier.load, model_dir)
    log.info("classifier %s loaded", classifier.model_version)
    return classifier
