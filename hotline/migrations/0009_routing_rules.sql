-- Routing rules as data: the duty list (权责清单) and keyword rules, editable over the API with every change
-- kept in a history whose highest id is the rules' version (each process rebuilds its router when it moves).

-- One duty-list entry: a category path (any depth) or a 事项 code prefix -> the responsible department and the
-- level where the work is done (city: that department; district/street: its local counterpart).
CREATE TABLE duty_rules (
    id              bigserial PRIMARY KEY,
    category_path   text,
    matter_prefix   text,
    department_code text NOT NULL REFERENCES departments(code),
    level           text NOT NULL DEFAULT 'city' CHECK (level IN ('city', 'district', 'street')),
    active          boolean NOT NULL DEFAULT true,
    seed_key        text UNIQUE,  -- set for rules loaded from hotline/seeds/duty_list.yaml; re-seeding skips them
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CHECK ((category_path IS NULL) <> (matter_prefix IS NULL))
);
CREATE UNIQUE INDEX duty_rules_one_active_category ON duty_rules (category_path) WHERE active AND category_path IS NOT NULL;
CREATE UNIQUE INDEX duty_rules_one_active_matter ON duty_rules (matter_prefix) WHERE active AND matter_prefix IS NOT NULL;

-- Any keyword (or the pattern) in the text suggests the department; the higher priority wins a conflict.
-- An empty district scope means the whole city.
CREATE TABLE keyword_rules (
    id              bigserial PRIMARY KEY,
    keywords        text[] NOT NULL DEFAULT '{}',
    pattern         text,
    department_code text NOT NULL REFERENCES departments(code),
    level           text NOT NULL DEFAULT 'city' CHECK (level IN ('city', 'district', 'street')),
    priority        integer NOT NULL DEFAULT 100,
    district_codes  text[] NOT NULL DEFAULT '{}',
    active          boolean NOT NULL DEFAULT true,
    seed_key        text UNIQUE,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (cardinality(keywords) > 0 OR pattern IS NOT NULL)
);

-- Every create, update and disable: who, when, the rule before and after, and why.
CREATE TABLE routing_rule_history (
    id         bigserial PRIMARY KEY,
    rule_kind  text NOT NULL CHECK (rule_kind IN ('duty', 'keyword')),
    rule_id    bigint NOT NULL,
    action     text NOT NULL CHECK (action IN ('seed', 'create', 'update', 'disable')),
    before     jsonb,
    after      jsonb NOT NULL,
    reason     text,
    changed_by bigint REFERENCES users(id),
    changed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX routing_rule_history_rule_idx ON routing_rule_history (rule_kind, rule_id);
