"""`hotline cti simulate`: one call played against a running server the way a PBX reports it (ringing, answered,
hangup), for demos and tests."""
from __future__ import annotations

import time
import uuid
from datetime import datetime, timezone
from typing import Callable

import httpx


def play_call(url: str, token: str, *, from_number: str, agent: str, talk_s: float, ring_s: float = 1.0,
              to: str = "12345", call_id: str | None = None, channel: str | None = None,
              report: Callable[[dict], None] = lambda _: None) -> str:
    """Post ringing, answered after `ring_s` seconds and hangup after `talk_s` more; returns the call id. Any
    answer other than 2xx raises (with the server's error)."""
    call_id = call_id or f"sim-{uuid.uuid4().hex[:12]}"
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=url.rstrip("/"), headers=headers, timeout=30) as client:
        for event, pause in (("ringing", ring_s), ("answered", talk_s), ("hangup", 0.0)):
            body = {"event": event, "call_id": call_id, "from": from_number, "to": to, "agent": agent,
                    "at": datetime.now(timezone.utc).isoformat()}
            if event == "hangup":
                body["cause"] = "normalClearing"
            if channel:
                body["channel"] = channel
            response = client.post("/api/v1/cti/events", json=body)
            if response.status_code >= 300:
                raise RuntimeError(f"{event}: HTTP {response.status_code} {response.text}")
            report({"event": event, **response.json()})
            if pause:
                time.sleep(pause)
    return call_id
