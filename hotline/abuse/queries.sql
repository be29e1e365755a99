-- name: recent_failures
SELECT count(*) FILTER (WHERE username = $1) AS by_user,
       count(*) FILTER (WHERE address = $2) AS by_address,
       min(failed_at) FILTER (WHERE username = $1) AS oldest_by_user,
       min(failed_at) FILTER (WHERE address = $2) AS oldest_by_address
FROM login_failures
WHERE (username = $1 OR address = $2) AND failed_at > now() - make_interval(secs => $3);

-- name: record_failure
INSERT INTO login_failures (username, address) VALUES ($1, $2);

-- name: clear_user_failures
DELETE FROM login_failures WHERE username = $1;

-- name: hit_bucket
INSERT INTO rate_buckets (key, window_start, hits)
VALUES ($1, to_timestamp(floor(extract(epoch FROM now()) / $2) * $2), 1)
ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_buckets.hits + 1
RETURNING hits, extract(epoch FROM window_start + make_interval(secs => $2) - now())::int + 1 AS retry_after;

-- name: prune_buckets
DELETE FROM rate_buckets WHERE window_start < now() - interval '1 hour';

-- name: bucket_hits
-- The current window's count for a key, without counting this look.
SELECT coalesce((SELECT hits FROM rate_buckets
                 WHERE key = $1 AND window_start = to_timestamp(floor(extract(epoch FROM now()) / $2) * $2)), 0);
