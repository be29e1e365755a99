-- name: insert_token
INSERT INTO cti_tokens (name, note, token_hash, token_prefix, created_by)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (name) DO NOTHING
RETURNING id, name, note, token_prefix, created_at;

-- name: list_tokens
SELECT k.id, k.name, k.note, k.token_prefix, k.created_at, cu.username AS created_by, k.last_used_at,
       k.disabled_at, du.username AS disabled_by, k.disabled_reason,
       (SELECT count(*) FROM cti_calls c WHERE c.pbx_id = k.id) AS calls
FROM cti_tokens k
LEFT JOIN users cu ON cu.id = k.created_by
LEFT JOIN users du ON du.id = k.disabled_by
ORDER BY k.id;

-- name: disable_token
UPDATE cti_tokens SET disabled_at = now(), disabled_by = $2, disabled_reason = $3
WHERE id = $1 AND disabled_at IS NULL
RETURNING id;

-- name: token_exists
SELECT 1 FROM cti_tokens WHERE id = $1;

-- name: active_token
SELECT id, name FROM cti_tokens WHERE token_hash = $1 AND disabled_at IS NULL;

-- name: touch_token
-- At most once a minute: every event writing the token's row would queue a busy PBX's events on one lock.
UPDATE cti_tokens SET last_used_at = now()
WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute');

-- name: agent_by_name
-- The staff account a PBX names: its username, else the extension an admin mapped to it.
SELECT u.id, u.username, u.role, u.active FROM users u WHERE u.username = $1
UNION ALL
SELECT u.id, u.username, u.role, u.active FROM agent_extensions x JOIN users u ON u.id = x.user_id
WHERE x.extension = $1
LIMIT 1;

-- name: upsert_call
-- $10 the event (ringing | answered | hangup) at $11. The first event of a call starts it (ringing_at); an event
-- that arrives late or twice never moves a time already set, and the earliest event time is the ringing time.
-- The agent who answers is the call's agent.
INSERT INTO cti_calls AS c (pbx_id, call_id, direction, channel, from_number, to_number, queue, agent,
                            agent_user_id, ringing_at, answered_at, ended_at, end_cause)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $11,
        CASE WHEN $10::text = 'answered' THEN $11::timestamptz END,
        CASE WHEN $10::text = 'hangup' THEN $11::timestamptz END,
        CASE WHEN $10::text = 'hangup' THEN $12::text END)
ON CONFLICT (pbx_id, call_id) DO UPDATE SET
    ringing_at = least(c.ringing_at, excluded.ringing_at),
    answered_at = coalesce(c.answered_at, excluded.answered_at),
    ended_at = coalesce(c.ended_at, excluded.ended_at),
    end_cause = coalesce(c.end_cause, excluded.end_cause),
    agent = CASE WHEN $10::text = 'answered' AND c.answered_at IS NULL
                 THEN coalesce(excluded.agent, c.agent) ELSE coalesce(c.agent, excluded.agent) END,
    agent_user_id = CASE WHEN $10::text = 'answered' AND c.answered_at IS NULL
                         THEN coalesce(excluded.agent_user_id, c.agent_user_id)
                         ELSE coalesce(c.agent_user_id, excluded.agent_user_id) END,
    to_number = coalesce(c.to_number, excluded.to_number),
    queue = coalesce(c.queue, excluded.queue),
    updated_at = now()
RETURNING c.id, c.call_id, c.agent_user_id, c.ringing_at, c.answered_at, c.ended_at,
          (SELECT username FROM users WHERE id = c.agent_user_id) AS agent_username,
          extract(epoch FROM coalesce(c.answered_at, c.ended_at) - c.ringing_at)::float8 AS waited_s,
          extract(epoch FROM c.ended_at - c.answered_at)::float8 AS talked_s;

-- name: insert_event
-- Nothing when this call already had this event (a retry); the agent's console is told at commit.
WITH inserted AS (
    INSERT INTO cti_events (call_row_id, event, at, agent_user_id, payload)
    VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (call_row_id, event) DO NOTHING
    RETURNING id, agent_user_id
)
SELECT id, pg_notify('cti_events', json_build_object('id', id, 'agent', agent_user_id)::text) IS NULL AS notified
FROM inserted;

-- name: one_call
-- One call with the call log's columns.
SELECT c.id, c.call_id, c.from_number, c.to_number, c.direction, c.channel, coalesce(u.username, c.agent) AS agent,
       c.agent_user_id, c.queue, c.ringing_at, c.answered_at, c.ended_at, c.end_cause,
       extract(epoch FROM coalesce(c.answered_at, c.ended_at) - c.ringing_at)::float8 AS waited_s,
       extract(epoch FROM c.ended_at - c.answered_at)::float8 AS talked_s,
       t.ticket_number,
       coalesce((SELECT array_agg(coalesce(x.target_name, x.target) ORDER BY x.id)
                 FROM call_transfers x WHERE x.call_row_id = c.id), '{}') AS transfers
FROM cti_calls c
LEFT JOIN users u ON u.id = c.agent_user_id
LEFT JOIN tickets t ON t.id = c.ticket_id
WHERE c.id = $1;

-- name: call_log
-- The call log (话单), newest first, one row per call that started ringing in [$2, $3); $1 an agent's username (or the
-- name or extension the PBX gave when no account matched), NULL for all. waited_s: ringing until answered (or
-- until the caller hung up unanswered); talked_s: answered until hangup (NULL while talking or never answered).
SELECT c.id, c.call_id, c.from_number, c.to_number, c.direction, c.channel, coalesce(u.username, c.agent) AS agent,
       c.agent_user_id, c.queue, c.ringing_at, c.answered_at, c.ended_at, c.end_cause,
       extract(epoch FROM coalesce(c.answered_at, c.ended_at) - c.ringing_at)::float8 AS waited_s,
       extract(epoch FROM c.ended_at - c.answered_at)::float8 AS talked_s,
       t.ticket_number,
       coalesce((SELECT array_agg(coalesce(x.target_name, x.target) ORDER BY x.id)
                 FROM call_transfers x WHERE x.call_row_id = c.id), '{}') AS transfers
FROM cti_calls c
LEFT JOIN users u ON u.id = c.agent_user_id
LEFT JOIN tickets t ON t.id = c.ticket_id
WHERE ($1::text IS NULL OR u.username = $1 OR (c.agent_user_id IS NULL AND c.agent = $1))
  AND c.ringing_at >= $2 AND c.ringing_at < $3
ORDER BY c.ringing_at DESC, c.id DESC
LIMIT $4 OFFSET $5;

-- name: agent_metrics
-- Calls per agent in [$1, $2): offered (rang or was answered by them), answered, missed (ended unanswered),
-- average wait of the answered calls (ringing -> answered) and average talk of the finished ones.
SELECT coalesce(u.username, c.agent, '（未分配）') AS agent,
       count(*) AS calls,
       count(*) FILTER (WHERE c.answered_at IS NOT NULL) AS answered,
       count(*) FILTER (WHERE c.answered_at IS NULL AND c.ended_at IS NOT NULL) AS missed,
       avg(extract(epoch FROM c.answered_at - c.ringing_at)::float8)
           FILTER (WHERE c.answered_at IS NOT NULL) AS avg_wait_s,
       avg(extract(epoch FROM c.ended_at - c.answered_at)::float8)
           FILTER (WHERE c.answered_at IS NOT NULL AND c.ended_at IS NOT NULL) AS avg_talk_s
FROM cti_calls c LEFT JOIN users u ON u.id = c.agent_user_id
WHERE c.ringing_at >= $1 AND c.ringing_at < $2
GROUP BY 1
ORDER BY 1;

-- name: call_totals
-- The same over every agent (unanswered calls included).
SELECT count(*) AS calls,
       count(*) FILTER (WHERE answered_at IS NOT NULL) AS answered,
       count(*) FILTER (WHERE answered_at IS NULL AND ended_at IS NOT NULL) AS missed,
       avg(extract(epoch FROM answered_at - ringing_at)::float8) FILTER (WHERE answered_at IS NOT NULL) AS avg_wait_s,
       avg(extract(epoch FROM ended_at - answered_at)::float8)
           FILTER (WHERE answered_at IS NOT NULL AND ended_at IS NOT NULL) AS avg_talk_s
FROM cti_calls WHERE ringing_at >= $1 AND ringing_at < $2;

-- name: calls_now
-- Waiting (ringing, nobody has answered) and talking right now; a call the PBX never ended is not counted
-- after an hour (waiting) or four hours (talking).
SELECT count(*) FILTER (WHERE answered_at IS NULL AND ended_at IS NULL
                        AND ringing_at > now() - interval '1 hour') AS waiting_now,
       count(*) FILTER (WHERE answered_at IS NOT NULL AND ended_at IS NULL
                        AND answered_at > now() - interval '4 hours') AS talking_now
FROM cti_calls WHERE created_at > now() - interval '4 hours';

-- name: transfers_by_agent
SELECT u.username AS agent, x.target, count(*) AS transfers
FROM call_transfers x JOIN users u ON u.id = x.agent_user_id
WHERE x.transferred_at >= $1 AND x.transferred_at < $2
GROUP BY u.username, x.target;

-- name: contacts_by_agent
SELECT u.username AS agent, count(*) AS contacts
FROM ticket_contacts k JOIN users u ON u.id = k.created_by
WHERE k.created_at >= $1 AND k.created_at < $2
GROUP BY u.username;

-- name: agent_events_after
-- The agent's call events after the last one their console saw (the live stream's replay).
SELECT e.id, e.event, e.at, c.id AS call_ref, c.call_id, c.from_number, c.channel, c.direction,
       c.ringing_at, c.answered_at, c.ended_at, c.end_cause,
       extract(epoch FROM coalesce(c.answered_at, c.ended_at) - c.ringing_at)::float8 AS waited_s,
       extract(epoch FROM c.ended_at - c.answered_at)::float8 AS talked_s
FROM cti_events e JOIN cti_calls c ON c.id = e.call_row_id
WHERE e.agent_user_id = $1 AND e.id > $2
ORDER BY e.id
LIMIT 50;

-- name: agent_last_event
SELECT coalesce(max(id), 0) FROM cti_events WHERE agent_user_id = $1;

-- name: agent_open_call
-- The call the agent is on (or that rings for them) now: what a console opened mid-call shows.
SELECT e.id, e.event, e.at, c.id AS call_ref, c.call_id, c.from_number, c.channel, c.direction,
       c.ringing_at, c.answered_at, c.ended_at, c.end_cause,
       extract(epoch FROM coalesce(c.answered_at, c.ended_at) - c.ringing_at)::float8 AS waited_s,
       extract(epoch FROM c.ended_at - c.answered_at)::float8 AS talked_s
FROM cti_calls c JOIN LATERAL (
    SELECT id, event, at FROM cti_events WHERE call_row_id = c.id ORDER BY id DESC LIMIT 1) e ON true
WHERE c.agent_user_id = $1 AND c.ended_at IS NULL AND c.created_at > now() - interval '4 hours'
ORDER BY c.created_at DESC
LIMIT 1;

-- name: call_for_agent
-- The agent's call a ticket is filed for (or a contact added during): theirs, within the last twelve hours
-- (the wrap-up after hangup included).
SELECT id, call_id, channel, from_number FROM cti_calls
WHERE call_id = $1 AND agent_user_id = $2 AND created_at > now() - interval '12 hours'
ORDER BY created_at DESC LIMIT 1;

-- name: call_by_ref
SELECT c.id, c.call_id, c.from_number, c.channel, c.agent_user_id, c.created_at FROM cti_calls c WHERE c.id = $1;

-- name: link_ticket
-- The first ticket that came of the call is the call's.
UPDATE cti_calls SET ticket_id = coalesce(ticket_id, $2), updated_at = now() WHERE id = $1;

-- name: previous_calls
-- The same number's earlier calls (a landline too): when, who took it, which ticket came of it.
SELECT c.call_id, c.ringing_at, c.answered_at, c.ended_at, coalesce(u.username, c.agent) AS agent,
       t.ticket_number
FROM cti_calls c LEFT JOIN users u ON u.id = c.agent_user_id LEFT JOIN tickets t ON t.id = c.ticket_id
WHERE c.from_number = $1 AND c.id <> $2
ORDER BY c.created_at DESC
LIMIT $3;

-- name: count_previous_calls
SELECT count(*) FROM cti_calls WHERE from_number = $1 AND id <> $2;

-- name: insert_transfer
INSERT INTO call_transfers (call_row_id, ticket_id, target, target_name, number_given, reason, agent_user_id)
VALUES ($1, $2, $3, $4, $5, $6, $7)
RETURNING id, transferred_at;

-- name: transfers_by_target
SELECT target, count(*) AS transfers FROM call_transfers
WHERE transferred_at >= $1 AND transferred_at < $2 GROUP BY target;

-- name: set_extension
INSERT INTO agent_extensions (extension, user_id, updated_by) VALUES ($1, $2, $3)
ON CONFLICT (extension) DO UPDATE SET user_id = excluded.user_id, updated_by = excluded.updated_by,
                                      updated_at = now()
RETURNING extension, updated_at;

-- name: drop_extension_of_user
DELETE FROM agent_extensions WHERE user_id = $1 AND extension <> $2;

-- name: list_extensions
SELECT x.extension, u.username, x.updated_at FROM agent_extensions x JOIN users u ON u.id = x.user_id
ORDER BY x.extension;

-- name: delete_extension
DELETE FROM agent_extensions WHERE extension = $1 RETURNING extension;
