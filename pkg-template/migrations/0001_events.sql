-- edgetext worker storage (Cloudflare D1). Apply with:
--   wrangler d1 migrations apply <database> [--local]

-- Every unified inbound event, once: a redelivery has the same id.
CREATE TABLE IF NOT EXISTS events (
  id          TEXT PRIMARY KEY,
  provider    TEXT NOT NULL,
  type        TEXT NOT NULL,
  message_id  TEXT,
  occurred_at TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  body        TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_received ON events (received_at DESC);
CREATE INDEX IF NOT EXISTS events_by_message ON events (message_id);

-- The status of each outbound message, built from its events. `rank` keeps
-- a late "sent" from overwriting "delivered" or "failed".
CREATE TABLE IF NOT EXISTS statuses (
  message_id   TEXT PRIMARY KEY,
  provider     TEXT NOT NULL,
  status       TEXT NOT NULL,
  rank         INTEGER NOT NULL,
  error        TEXT,
  created_at   TEXT NOT NULL,
  delivered_at TEXT,
  updated_at   TEXT NOT NULL,
  last_event   TEXT NOT NULL
);
