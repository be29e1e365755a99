-- The callback desk (回访工作台): when an unreached citizen is to be called again (稍后再拨), and the SMS link that
-- takes a callback off the phone list until it is answered or expires. A not-callable callback may keep the
-- citizen's words (a refusal's reason) like a completed one.
ALTER TABLE callbacks ADD COLUMN retry_at timestamptz;         -- the agent's chosen time for the next call
ALTER TABLE callbacks ADD COLUMN link_sent_at timestamptz;     -- the last callback link sent by SMS
ALTER TABLE callbacks ADD COLUMN link_expires_at timestamptz;  -- that link stops working then; null: no expiry

-- The desk lists due callbacks by deadline; the SMS-pending ones are told apart by their link's expiry.
CREATE INDEX callbacks_desk_idx ON callbacks (due_at, id) WHERE status = 'due';
