-- name: city_inventory
-- What a running centre holds, for the start-up line: not what this run added (often nothing), what is there.
SELECT (SELECT count(*) FROM districts) AS districts,
       (SELECT count(*) FROM departments) AS departments,
       (SELECT count(*) FROM categories) AS categories,
       (SELECT count(*) FROM matters) AS matters,
       (SELECT count(*) FROM articles) AS articles,
       (SELECT count(*) FROM users) AS users,
       (SELECT count(*) FROM tickets) AS tickets;
