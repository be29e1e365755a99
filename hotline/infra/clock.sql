-- name: set_clock
-- Transaction-local: a past moment for now(), read by hotline_clock.now() ahead of pg_catalog's; returns the
-- search_path to restore.
SELECT current_setting('search_path') AS restore, set_config('hotline.clock', $1, true),
       set_config('search_path', 'hotline_clock, ' || current_setting('search_path') || ', pg_catalog', true);

-- name: reset_clock
SELECT set_config('hotline.clock', '', true), set_config('search_path', $1, true);
