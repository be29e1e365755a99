"""Every state change writes the new state and its event together; illegal moves change nothing."""
import pytest

from hotline.auth.tokens import Principal
from hotline.infra.errors import IllegalTransition
from hotline.tickets.service import transition

AGENT = Principal(user_id=None, username="system-test", role="agent")


async def new_ticket(conn) -> int:
    return await conn.fetchval(
        """INSERT INTO tickets (ticket_number, channel, content, content_masked, received_at)
           VALUES ('T' || nextval('ticket_number_seq'), 'phone', '测试', '测试', now()) RETURNING id""")


async def test_transition_writes_state_and_event(conn):
    ticket_id = await new_ticket(conn)
    await transition(conn, ticket_id=ticket_id, action="answer", actor=AGENT, reason="已直接答复")
    assert await conn.fetchval("SELECT status FROM tickets WHERE id = $1", ticket_id) == "answered"
    event = await conn.fetchrow("SELECT * FROM ticket_events WHERE ticket_id = $1", ticket_id)
    assert (event["action"], event["from_status"], event["to_status"], event["reason"]) == (
        "answer", "received", "answered", "已直接答复")


async def test_illegal_transition_changes_nothing(conn):
    ticket_id = await new_ticket(conn)
    with pytest.raises(IllegalTransition) as err:
        await transition(conn, ticket_id=ticket_id, action="reply", actor=AGENT)
    assert err.value.detail == {"current_status": "received", "action": "reply"}
    assert await conn.fetchval("SELECT status FROM tickets WHERE id = $1", ticket_id) == "received"
    assert await conn.fetchval("SELECT count(*) FROM ticket_events WHERE ticket_id = $1", ticket_id) == 0
