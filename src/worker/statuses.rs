//! Message statuses built from inbound events, kept per (provider, message
//! id): one provider's webhook never changes another's message.
//!
//! A status moves only on an event whose row is new (a redelivery or replay
//! changes nothing), and only forward: by rank (queued < sending < sent <
//! delivered = failed), ties broken by the event's time. The rule is one
//! number, the event's [`status_precedence`], which the worker stores beside
//! the status and compares in its conditional upsert, so the check and the
//! write are one atomic statement.

use crate::client::MessageStatus;
use crate::contract::{DeliveryStatus, InboundEvent};
use crate::iso8601;
use serde::{Deserialize, Serialize};

/// Event times are below 10^13 ms (year 2286), so rank × 10^13 + time keeps
/// rank first and time second, exactly, in a JavaScript number.
const RANK_WEIGHT: u64 = 10_000_000_000_000;

/// The precedence of the status an event reports, or `None` when the event
/// moves no status. A status moves to the event's only when the event's
/// precedence is strictly greater than the stored one's.
pub fn status_precedence(event: &InboundEvent) -> Option<u64> {
    match event.status_rank() {
        0 => None,
        rank => Some(u64::from(rank) * RANK_WEIGHT + event.occurred_at_ms.min(RANK_WEIGHT - 1)),
    }
}

/// What an event writes into its message's status row.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusUpdate {
    /// `queued`, `sending`, `sent`, `delivered` or `failed`.
    pub status: DeliveryStatus,
    /// See [`status_precedence`].
    pub precedence: u64,
    /// The provider's error text, for failures.
    pub error: Option<String>,
    /// The event's time (RFC 3339).
    pub at: String,
    /// The event's time when it reports delivery.
    pub delivered_at: Option<String>,
}

impl StatusUpdate {
    /// The update an event carries, if it moves a status.
    pub fn of(event: &InboundEvent) -> Option<Self> {
        let precedence = status_precedence(event)?;
        let status = event.status?;
        let at = iso8601(event.occurred_at_ms);
        Some(StatusUpdate {
            status,
            precedence,
            error: event.error.clone(),
            delivered_at: (status == DeliveryStatus::Delivered).then(|| at.clone()),
            at,
        })
    }
}

/// A row of the worker's `statuses` table, as D1 returns it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct StatusRow {
    /// The provider.
    pub provider: crate::providers::ProviderKind,
    /// The provider's message id.
    pub message_id: String,
    /// The status.
    pub status: DeliveryStatus,
    /// The provider's error text.
    pub error: Option<String>,
    /// The time of the first event (RFC 3339).
    pub created_at: Option<String>,
    /// The time of delivery (RFC 3339).
    pub delivered_at: Option<String>,
    /// The event that set the status, as stored (JSON text).
    pub last_event: String,
}

impl From<StatusRow> for MessageStatus {
    fn from(r: StatusRow) -> Self {
        MessageStatus {
            id: r.message_id,
            provider: r.provider,
            status: r.status,
            error: r.error,
            created_at: r.created_at,
            delivered_at: r.delivered_at,
            raw: crate::RawJson(r.last_event),
        }
    }
}
