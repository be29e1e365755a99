"""The wallboard's calls tile reads the PBX's call log: 暂未接入电话系统 (None) until a PBX holds a token, then
today's incoming calls ringing now, answered and given up, with the median wait."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hotline.command import service as command
from hotline.command.service import ZONE
from hotline.cti.schemas import CtiEventIn
from hotline.cti.service import create_token, disable_token, record_call_event
from hotline.infra.db import connect


async def test_the_calls_tile_counts_todays_calls_once_a_pbx_is_connected(fresh_db_url):
    conn = await connect(fresh_db_url)
    try:
        now = datetime.now(timezone.utc)
        today = now.astimezone(ZONE).date()
        assert await command.call_log(conn, day=today) is None  # no PBX: the wall says 暂未接入电话系统
        pbx, _ = await create_token(conn, name="测试交换机", note=None, actor=None)
        assert await command.call_log(conn, day=today) == {"waiting": 0, "answered": 0, "abandoned": 0,
                                                            "median_wait_s": None}

        async def event(kind: str, call: str, seconds_ago: float) -> None:
            await record_call_event(conn, pbx_id=pbx["id"], area_code="0577", event=CtiEventIn.model_validate(
                {"event": kind, "call_id": call, "from": "13906661234", "to": "12345",
                 "at": (now - timedelta(seconds=seconds_ago)).isoformat()}))

        await event("ringing", "answered-1", 60)
        await event("answered", "answered-1", 50)       # waited 10 s
        await event("ringing", "answered-2", 40)
        await event("answered", "answered-2", 10)       # waited 30 s
        await event("ringing", "gave-up", 30)
        await event("hangup", "gave-up", 20)            # never answered
        await event("ringing", "waiting", 5)            # in the queue now
        assert await command.call_log(conn, day=today) == {"waiting": 1, "answered": 2, "abandoned": 1,
                                                            "median_wait_s": 20.0}
        board = await command.wallboard(conn, day=today)
        assert board["calls"]["waiting"] == 1 and board["calls"]["answered"] == 2
        # yesterday's calls are not today's
        assert (await command.call_log(conn, day=today + timedelta(days=1)))["answered"] == 0

        await disable_token(conn, token_id=pbx["id"], reason="交换机下线", actor=None)
        assert await command.call_log(conn, day=today) is None
    finally:
        await conn.close()
