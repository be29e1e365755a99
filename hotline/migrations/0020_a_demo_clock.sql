-- A clock the demo seed can set to a past moment, so its month of tickets is written by the real services with
-- the times a real month would have (hotline/clock.py). Unset (always, outside the seed) it is now().
-- Column defaults are bound to a function when the table is made, so every `DEFAULT now()` moves to it; queries
-- and triggers reach it by name only in a transaction that puts hotline_clock first in its search_path.
CREATE SCHEMA hotline_clock;

CREATE FUNCTION hotline_clock.now() RETURNS timestamptz LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce(nullif(current_setting('hotline.clock', true), '')::timestamptz, pg_catalog.now())
$$;

DO $$
DECLARE c record;
BEGIN
    FOR c IN SELECT table_name, column_name FROM information_schema.columns
             WHERE table_schema = current_schema() AND column_default = 'now()'
    LOOP
        EXECUTE format('ALTER TABLE %I ALTER COLUMN %I SET DEFAULT hotline_clock.now()', c.table_name, c.column_name);
    END LOOP;
END $$;
