-- The wallboard's calls tile reads the call log (hotline/command/queries.sql, call_log_today): a call's events
-- push the wallboard as a ticket's do (one notification per statement, merged per transaction).
CREATE TRIGGER command_view_on_calls AFTER INSERT OR UPDATE ON cti_calls
    FOR EACH STATEMENT EXECUTE FUNCTION notify_command_view();
