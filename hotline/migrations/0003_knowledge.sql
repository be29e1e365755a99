-- The knowledge base: government service matters (事项) with the eight unified fields, FAQ articles,
-- "one thing" bundles, edit history, a change feed that keeps every process's search index in step,
-- and the public chat's conversations.

CREATE TABLE matters (
    id               bigserial PRIMARY KEY,
    code             text NOT NULL UNIQUE,
    main_item        text NOT NULL,             -- 主项名称
    sub_item         text,                      -- 子项名称
    department_code  text NOT NULL REFERENCES departments(code),
    basis            jsonb NOT NULL DEFAULT '[]',   -- 适用依据
    materials        jsonb NOT NULL DEFAULT '[]',   -- 申请材料: [{name, form, copies, required, condition, note}]
    process          jsonb NOT NULL DEFAULT '[]',   -- 办事流程
    internal_process jsonb NOT NULL DEFAULT '[]',   -- 业务经办流程
    time_limit       jsonb NOT NULL DEFAULT '{}',   -- 办理时限 {legal_days, promised_days, note}
    forms            jsonb NOT NULL DEFAULT '[]',   -- 表单内容
    location         text,
    hours            text,
    fee              text,
    max_one_visit    boolean NOT NULL DEFAULT false,
    online           boolean NOT NULL DEFAULT false,
    online_url       text,
    faqs             jsonb NOT NULL DEFAULT '[]',
    keywords         jsonb NOT NULL DEFAULT '[]',
    version          integer NOT NULL DEFAULT 1,
    effective_date   date,
    reviewer         text,
    review_due       date,
    active           boolean NOT NULL DEFAULT true,
    updated_by       bigint REFERENCES users(id),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX matters_main_item_idx ON matters (main_item);

CREATE TABLE articles (
    id              bigserial PRIMARY KEY,
    code            text NOT NULL UNIQUE,
    question        text NOT NULL,
    answer          text NOT NULL,
    department_code text REFERENCES departments(code),
    keywords        jsonb NOT NULL DEFAULT '[]',
    version         integer NOT NULL DEFAULT 1,
    active          boolean NOT NULL DEFAULT true,
    updated_by      bigint REFERENCES users(id),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE bundles (
    code        text PRIMARY KEY,
    name        text NOT NULL,
    description text,
    matters     jsonb NOT NULL DEFAULT '[]',
    departments jsonb NOT NULL DEFAULT '[]'
);

-- Every version of every document as it was, with who changed it.
CREATE TABLE knowledge_history (
    id         bigserial PRIMARY KEY,
    doc_kind   text NOT NULL CHECK (doc_kind IN ('matter', 'article')),
    doc_id     bigint NOT NULL,
    version    integer NOT NULL,
    snapshot   jsonb NOT NULL,
    changed_by bigint REFERENCES users(id),
    changed_at timestamptz NOT NULL DEFAULT now()
);

-- The change feed: a process applies rows past the last seq it saw, so all processes agree.
CREATE TABLE knowledge_changes (
    seq        bigserial PRIMARY KEY,
    doc_kind   text NOT NULL CHECK (doc_kind IN ('matter', 'article')),
    doc_id     bigint NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE chat_conversations (
    id         uuid PRIMARY KEY,
    state      jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE chat_messages (
    id              bigserial PRIMARY KEY,
    conversation_id uuid NOT NULL REFERENCES chat_conversations(id),
    role            text NOT NULL CHECK (role IN ('citizen', 'assistant')),
    content         text NOT NULL,
    data            jsonb NOT NULL DEFAULT '{}',
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX chat_messages_conversation_idx ON chat_messages (conversation_id, id);
