-- name: confirmed_categories
SELECT DISTINCT ON (t.id) concat_ws(E'\n', t.title, t.content_masked) AS text, e.data->>'category' AS category
FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id
WHERE e.action = 'classify' AND e.data->>'category' IS NOT NULL
ORDER BY t.id, e.id DESC;
