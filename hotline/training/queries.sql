-- name: confirmed_categories
SELECT DISTINCT ON (t.id) concat_ws(E'\n', t.title, t.content_masked) AS text, e.data->>'category' AS category
FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id
WHERE e.action = 'classify' AND e.data->>'category' IS NOT NULL
ORDER BY t.id, e.id DESC;

-- name: dispatch_history
-- A ticket can only be returned before it is signed, so the department that signed it last is the one that
-- kept it (NULL while nobody has); every department that returned it is listed apart.
SELECT t.id, concat_ws(E'\n', t.title, t.content_masked) AS text,
       (array_agg(e.actor_department ORDER BY e.id DESC) FILTER (WHERE e.action = 'sign'))[1] AS kept_by,
       coalesce(array_agg(DISTINCT e.data->>'department') FILTER (WHERE e.action = 'return'), '{}') AS returned_by
FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id
WHERE e.action IN ('sign', 'return')
GROUP BY t.id
ORDER BY t.id;

-- name: suggestion_accuracy
-- The router's stored suggestions against the department that kept the ticket (signed it last). Of a ticket's
-- sets (intake's, and the worker's made later with the dispatch-history model) it judges the one the dispatcher
-- saw last before the first dispatch: the set that could have steered that choice.
WITH kept AS (
    SELECT DISTINCT ON (e.ticket_id) e.ticket_id, e.actor_department AS department
    FROM ticket_events e WHERE e.action = 'sign' ORDER BY e.ticket_id, e.id DESC
), seen AS (
    SELECT k.ticket_id, k.department,
           (SELECT max(s.created_at) FROM routing_suggestions s
            WHERE s.ticket_id = k.ticket_id
              AND s.created_at <= coalesce((SELECT min(e.created_at) FROM ticket_events e
                                            WHERE e.ticket_id = k.ticket_id AND e.action = 'dispatch'),
                                           'infinity')) AS set_at
    FROM kept k
)
SELECT count(*) AS tickets,
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM routing_suggestions s WHERE s.ticket_id = k.ticket_id
                                      AND s.created_at = k.set_at
                                      AND s.rank = 1 AND s.department_code = k.department)) AS top1,
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM routing_suggestions s WHERE s.ticket_id = k.ticket_id
                                      AND s.created_at = k.set_at
                                      AND s.rank <= 3 AND s.department_code = k.department)) AS top3
FROM seen k;
