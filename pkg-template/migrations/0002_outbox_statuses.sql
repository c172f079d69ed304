-- edgetext worker storage, second step (Cloudflare D1). Apply with:
--   wrangler d1 migrations apply <database> [--local]

-- The outbox: an event to forward keeps the time it is due to be sent
-- (again) until a delivery is accepted; NULL once forwarded, or when the
-- worker does not forward. The scheduled handler re-enqueues due events.
ALTER TABLE events ADD COLUMN forward_due INTEGER;
CREATE INDEX IF NOT EXISTS events_forward_due ON events (forward_due) WHERE forward_due IS NOT NULL;

-- Statuses per (provider, message id): one provider's webhook never changes
-- another's message. `precedence` (rank, then the event's time; computed by
-- the core) only grows; `received_at` (ms) is what retention counts from.
CREATE TABLE statuses_v2 (
  provider     TEXT NOT NULL,
  message_id   TEXT NOT NULL,
  status       TEXT NOT NULL,
  precedence   INTEGER NOT NULL,
  error        TEXT,
  created_at   TEXT NOT NULL,
  delivered_at TEXT,
  updated_at   TEXT NOT NULL,
  received_at  INTEGER NOT NULL,
  last_event   TEXT NOT NULL,
  PRIMARY KEY (provider, message_id)
);
INSERT INTO statuses_v2 (provider, message_id, status, precedence, error, created_at, delivered_at, updated_at, received_at, last_event)
  SELECT provider, message_id, status,
         rank * 10000000000000 + COALESCE(CAST(strftime('%s', updated_at) AS INTEGER) * 1000, 0),
         error, created_at, delivered_at, updated_at,
         COALESCE(CAST(strftime('%s', updated_at) AS INTEGER) * 1000, 0), last_event
  FROM statuses;
DROP TABLE statuses;
ALTER TABLE statuses_v2 RENAME TO statuses;
CREATE INDEX IF NOT EXISTS statuses_by_received ON statuses (received_at);
