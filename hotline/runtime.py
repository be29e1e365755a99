"""What a running process holds: settings, the pool and the models, all loaded once at start-up."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import asyncpg

from hotline.calendar_days.live import LiveCalendar
from hotline.config import Settings
from hotline.infra.db import UNAVAILABLE_ERRORS
from hotline.text.address import Gazetteer
from hotline.kb.live_index import LiveKnowledgeIndex
from hotline.routing_rules.live_router import LiveRouter
from hotline.routing_rules.service import ensure_seeded
from hotline.seeds import SLA_POLICIES
from timelimits.sla import SlaClock

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings
    pool: asyncpg.Pool
    gazetteer: Gazetteer
    knowledge: LiveKnowledgeIndex
    calendar: LiveCalendar  # the time limits (an SlaClock) over the working calendar; read via api.deps.Sla
    router: LiveRouter
    classifier: Any = None  # classifier.pipeline.TicketClassifier, when a trained model is present


async def load_runtime(settings: Settings, pool: asyncpg.Pool) -> Runtime:
    from classifier.embedders import load_embedder

    embedder = await anyio.to_thread.run_sync(load_embedder, settings.embedder)
    if settings.load_models:  # the 举报 redactor's part-of-speech dictionary (about a second); tests load it on use
        from hotline.intake import redact

        await anyio.to_thread.run_sync(redact.load)
    knowledge = LiveKnowledgeIndex(embedder)
    try:
        async with pool.acquire() as conn:
            await knowledge.refresh(conn)  # from change 0: the whole knowledge base
        log.info("knowledge index: %d documents (%s)", len(knowledge.index), embedder.name)
    except UNAVAILABLE_ERRORS:
        log.warning("database unavailable at start-up; the knowledge index fills on the first search")
    return Runtime(settings=settings, pool=pool, gazetteer=Gazetteer.load(), knowledge=knowledge,
                   calendar=await load_calendar(pool), router=await load_live_router(settings, pool),
                   classifier=await _load_classifier(settings))


async def load_calendar(pool: asyncpg.Pool) -> LiveCalendar:
    """The time limits over the statutory calendar and the centre's own days (holidays, 调休, typhoon days)."""
    calendar = LiveCalendar(SlaClock.from_file(SLA_POLICIES))
    try:
        async with pool.acquire() as conn:
            await calendar.refresh(conn)
    except UNAVAILABLE_ERRORS:
        log.warning("database unavailable at start-up; the calendar days load before the first deadline")
    return calendar


def routing_model_path(settings: Settings) -> Path:
    """Where `hotline routing train --from-db --out DIR` should write the dispatch-history model to be used."""
    return settings.data_dir / "models" / "routing"


async def load_live_router(settings: Settings, pool: asyncpg.Pool) -> LiveRouter:
    """Routing rules from the tables (seeded from the duty list file if they never were), blended with the
    dispatch-history model when one has been trained; only departments and districts the city has. The API
    routes intake with it, the worker the tickets whose model suggestions intake deferred."""
    model, version = await _load_routing_model(settings)
    router = LiveRouter(model=model, model_version=version)
    try:
        async with pool.acquire() as conn:
            async with conn.transaction():
                await ensure_seeded(conn)
            await router.refresh(conn)
    except UNAVAILABLE_ERRORS:
        log.warning("database unavailable at start-up; the routing rules load before the first ticket")
    return router


async def _load_routing_model(settings: Settings) -> tuple[Any, str | None]:
    """(model, its version), or (None, None) when none is trained or it cannot be used."""
    model_dir = routing_model_path(settings)
    if not settings.load_models or not (model_dir / "manifest.json").exists():
        log.info("no dispatch-history model at %s; routing by rules only", model_dir)
        return None, None
    from routing.artifacts import load_model

    def load_and_warm():
        model, manifest = load_model(model_dir)
        model.rank("预热")  # its sentence embedder loads now, not on the first caller's ticket
        return model, manifest

    try:
        model, manifest = await anyio.to_thread.run_sync(load_and_warm)
    except ValueError as error:  # built by another version: the rules still route; the model must be retrained
        log.error("dispatch-history model not used: %s (run `hotline routing train --from-db --out %s`)",
                  error, model_dir)
        return None, None
    log.info("dispatch-history model %s loaded (%d departments)", manifest["model_version"], len(model.classes_))
    return model, manifest["model_version"]


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
