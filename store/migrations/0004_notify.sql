-- policywatch schema, version 4: subscriptions and the outbox of alerts.

-- Who wants to hear about which changes, and how. A webhook has a URL and
-- its Standard Webhooks secret ("whsec_" + base64); an e-mail subscription
-- has an address and is sent one message per change or one daily digest.
-- Filters are JSON arrays of strings; an empty array matches everything.
-- A removed subscription is kept (removed_at set, secret wiped) so that the
-- log of what was sent to it stays readable.
CREATE TABLE subscriptions (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('webhook', 'email')),
    url            TEXT NOT NULL DEFAULT '',
    secret         TEXT NOT NULL DEFAULT '',
    email          TEXT NOT NULL DEFAULT '',
    digest         INTEGER NOT NULL DEFAULT 0 CHECK (digest IN (0, 1)),
    services       TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(services) AND json_type(services) = 'array'),
    types          TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(types) AND json_type(types) = 'array'),
    classes        TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(classes) AND json_type(classes) = 'array'),
    magnitudes     TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(magnitudes) AND json_type(magnitudes) = 'array'),
    created_at     TEXT NOT NULL,
    last_digest_at TEXT NOT NULL DEFAULT '',
    removed_at     TEXT NOT NULL DEFAULT '',
    CHECK (kind <> 'webhook' OR (url <> '' AND (secret <> '' OR removed_at <> '') AND email = '' AND digest = 0)),
    CHECK (kind <> 'email' OR (email <> '' AND url = '' AND secret = ''))
);

-- An alert is a change as it was announced, copied when its version was
-- placed. It does not reference the changes table: re-extraction deletes a
-- document's changes and records them again, and neither a pending alert
-- nor the log of a sent one may go with them.
CREATE TABLE alerts (
    id                INTEGER PRIMARY KEY,
    change_id         INTEGER NOT NULL,
    document_id       INTEGER NOT NULL REFERENCES documents (id),
    service           TEXT NOT NULL,
    document_type     TEXT NOT NULL,
    from_version_id   INTEGER NOT NULL,
    to_version_id     INTEGER NOT NULL,
    from_at           TEXT NOT NULL,
    to_at             TEXT NOT NULL,
    class             TEXT NOT NULL,
    magnitude         TEXT NOT NULL,
    summary           TEXT NOT NULL,
    words_added       INTEGER NOT NULL,
    words_removed     INTEGER NOT NULL,
    substitutions     TEXT NOT NULL,
    story             TEXT NOT NULL,
    excerpt           TEXT NOT NULL,
    excerpt_truncated INTEGER NOT NULL,
    differ            TEXT NOT NULL,
    created_at        TEXT NOT NULL
);

CREATE INDEX alerts_document ON alerts (document_id);

-- The outbox: one delivery per alert and matching subscription. webhook_id
-- is the stable id receivers deduplicate on (the same for every attempt). A
-- worker claims a delivery by setting lease_owner and lease_until; another
-- worker may take it only once the lease has run out, so a worker killed
-- mid-attempt delays a delivery but never loses it.
CREATE TABLE deliveries (
    id              INTEGER PRIMARY KEY,
    webhook_id      TEXT NOT NULL UNIQUE,
    subscription_id INTEGER NOT NULL REFERENCES subscriptions (id),
    alert_id        INTEGER NOT NULL REFERENCES alerts (id),
    created_at      TEXT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
    last_error      TEXT NOT NULL DEFAULT '',
    delivered_at    TEXT NOT NULL DEFAULT '',
    lease_owner     TEXT NOT NULL DEFAULT '',
    lease_until     TEXT NOT NULL DEFAULT '',
    UNIQUE (alert_id, subscription_id)
);

-- What a worker looks for: pending deliveries by due time.
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX deliveries_subscription ON deliveries (subscription_id);

-- Every attempt at a delivery. An attempt row is written when the delivery
-- is claimed and completed when the attempt ends; one left without a
-- finished_at was cut short (the worker died) and says so once the
-- delivery is claimed again.
CREATE TABLE delivery_attempts (
    id          INTEGER PRIMARY KEY,
    delivery_id INTEGER NOT NULL REFERENCES deliveries (id),
    at          TEXT NOT NULL,
    finished_at TEXT NOT NULL DEFAULT '',
    status      INTEGER NOT NULL DEFAULT 0,
    error       TEXT NOT NULL DEFAULT '',
    duration_ns INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX delivery_attempts_delivery ON delivery_attempts (delivery_id);
