"""What a running process holds: settings, the pool and the models loaded once at start-up."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import asyncpg

from hotline.config import Settings
from hotline.intake.address import Gazetteer


@dataclass
class Runtime:
    settings: Settings
    pool: asyncpg.Pool
    gazetteer: Gazetteer
    classifier: Any = None  # classifier.pipeline.TicketClassifier
    sla: Any = None  # hotline.dispatch.clock.CalendarSla
