-- The centre's own calendar days over the statutory calendar: a day set as workday or holiday (休息日) with its
-- reason, e.g. next year's holidays before the library knows them, a 调休 Saturday, a typhoon day off (台风停工).
-- Every set and removal is kept in a history whose highest id is the calendar's version: each process rebuilds
-- its working calendar when the version moves.
CREATE TABLE calendar_days (
    day    date PRIMARY KEY CHECK (day BETWEEN DATE '2000-01-01' AND DATE '2100-12-31'),
    kind   text NOT NULL CHECK (kind IN ('workday', 'holiday')),
    reason text NOT NULL CHECK (length(btrim(reason)) > 0),
    set_by bigint REFERENCES users(id),
    set_at timestamptz NOT NULL DEFAULT now()
);

-- Who set or removed which day, when, the day before and after ({"kind", "reason"}, null when unset), and why.
CREATE TABLE calendar_day_history (
    id         bigserial PRIMARY KEY,
    day        date NOT NULL,
    action     text NOT NULL CHECK (action IN ('set', 'remove')),
    before     jsonb,
    after      jsonb,
    reason     text NOT NULL CHECK (length(btrim(reason)) > 0),
    changed_by bigint REFERENCES users(id),
    changed_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((action = 'set') = (after IS NOT NULL))
);
CREATE INDEX calendar_day_history_day_idx ON calendar_day_history (day, id);
