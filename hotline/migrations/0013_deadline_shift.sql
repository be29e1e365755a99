-- 时限顺延: a supervisor moves the running deadlines of open tickets over a day set as 休息日 after those deadlines
-- were computed. The day records when that was done (a second shift would move them twice), and the calendar's
-- history keeps the shift with its reason. Removing the day later does not move the deadlines back.
ALTER TABLE calendar_days ADD COLUMN deadlines_shifted_at timestamptz;

ALTER TABLE calendar_day_history DROP CONSTRAINT calendar_day_history_action_check;
ALTER TABLE calendar_day_history DROP CONSTRAINT calendar_day_history_check;
ALTER TABLE calendar_day_history ADD CONSTRAINT calendar_day_history_action_check
    CHECK (action IN ('set', 'remove', 'shift'));
-- A set has the new setting, a removal none, a shift the day's setting as it stands (before = after).
ALTER TABLE calendar_day_history ADD CONSTRAINT calendar_day_history_after_check
    CHECK ((action = 'remove') = (after IS NULL));
