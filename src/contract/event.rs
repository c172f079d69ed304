//! The unified inbound event (`webhooks.md`): what the worker makes of every
//! provider's webhook, stores, serves and forwards. Defined in every build so
//! that the package's `.d.ts` declares it from this type; the worker build
//! parses webhooks into it (src/providers/<name>/webhook.rs).

use crate::core::codec::RawJson;
use crate::providers::ProviderKind;
use crate::iso8601;
use serde::{Deserialize, Serialize, Serializer};

/// What an inbound event says happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[non_exhaustive]
pub enum EventKind {
    /// A message came in.
    #[serde(rename = "message.received")]
    MessageReceived,
    /// An outbound message was sent.
    #[serde(rename = "message.sent")]
    MessageSent,
    /// An outbound message failed.
    #[serde(rename = "message.failed")]
    MessageFailed,
    /// An outbound message changed status.
    #[serde(rename = "message.status")]
    MessageStatus,
    /// A contact's tag changed (TextLink).
    #[serde(rename = "contact.tag_changed")]
    ContactTagChanged,
    /// A call was missed (Phone Relay).
    #[serde(rename = "call.missed")]
    CallMissed,
    /// A call was answered (Phone Relay).
    #[serde(rename = "call.answered")]
    CallAnswered,
    /// Another call event (Phone Relay).
    #[serde(rename = "call")]
    Call,
}

impl EventKind {
    /// The name used in the unified event's `type`.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::MessageReceived => "message.received",
            EventKind::MessageSent => "message.sent",
            EventKind::MessageFailed => "message.failed",
            EventKind::MessageStatus => "message.status",
            EventKind::ContactTagChanged => "contact.tag_changed",
            EventKind::CallMissed => "call.missed",
            EventKind::CallAnswered => "call.answered",
            EventKind::Call => "call",
        }
    }
}

/// One unified inbound event (the shape in `webhooks.md`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct InboundEvent {
    /// Stable id: the same provider event always gets the same id.
    pub id: String,
    /// The provider.
    #[serde(serialize_with = "provider_name")]
    #[cfg_attr(target_arch = "wasm32", tsify(type = "ProviderName"))]
    pub provider: ProviderKind,
    /// What happened.
    #[serde(rename = "type")]
    pub kind: EventKind,
    /// Sender.
    pub from: Option<String>,
    /// Recipient.
    pub to: Option<String>,
    /// Message text.
    pub text: Option<String>,
    /// Channel (`sms`, `wa`, …).
    pub channel: Option<String>,
    /// The id of the outbound message this event is about.
    pub message_id: Option<String>,
    /// The message's status after this event.
    pub status: Option<DeliveryStatus>,
    /// The provider's error text, for failures.
    pub error: Option<String>,
    /// The contact's new tag.
    pub tag: Option<String>,
    /// When it happened, ms since the epoch: the provider's time, or the
    /// time of arrival where the provider gives none.
    #[serde(rename = "occurredAt", serialize_with = "iso")]
    #[cfg_attr(target_arch = "wasm32", tsify(type = "string"))]
    pub occurred_at_ms: u64,
    /// The body, as JSON text, with any secret field removed.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "unknown"))]
    pub raw: RawJson,
}

fn provider_name<S: Serializer>(p: &ProviderKind, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(p.as_str())
}

fn iso<S: Serializer>(ms: &u64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&iso8601(*ms))
}

/// Where a message is on its way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub enum DeliveryStatus {
    /// Accepted, waiting.
    Queued,
    /// Being sent.
    Sending,
    /// Sent to the network.
    Sent,
    /// Delivered to the handset.
    Delivered,
    /// Failed.
    Failed,
    /// An inbound message.
    Received,
    /// A word edgetext does not know.
    Unknown,
}

impl DeliveryStatus {
    /// Every status, in order.
    pub const ALL: [DeliveryStatus; 7] = [
        DeliveryStatus::Queued,
        DeliveryStatus::Sending,
        DeliveryStatus::Sent,
        DeliveryStatus::Delivered,
        DeliveryStatus::Failed,
        DeliveryStatus::Received,
        DeliveryStatus::Unknown,
    ];

    /// The status word (`"queued"`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Queued => "queued",
            DeliveryStatus::Sending => "sending",
            DeliveryStatus::Sent => "sent",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
            DeliveryStatus::Received => "received",
            DeliveryStatus::Unknown => "unknown",
        }
    }

    /// The status a provider's word names, `None` for a word that names none.
    pub fn known(word: &str) -> Option<DeliveryStatus> {
        Some(Self::parse(word)).filter(|s| *s != DeliveryStatus::Unknown)
    }

    /// Its rank among the statuses of an outbound message, so that a late
    /// `sent` never overwrites `failed`: queued 1, sending 2, sent 3,
    /// delivered and failed 4; 0 for `received` and `unknown`, which move no
    /// outbound message.
    pub fn rank(self) -> u8 {
        match self {
            DeliveryStatus::Queued => 1,
            DeliveryStatus::Sending => 2,
            DeliveryStatus::Sent => 3,
            DeliveryStatus::Delivered | DeliveryStatus::Failed => 4,
            DeliveryStatus::Received | DeliveryStatus::Unknown => 0,
        }
    }

    /// Maps a provider's status word onto a status (`Unknown` when it is none of them).
    pub fn parse(s: &str) -> DeliveryStatus {
        let lower = s.trim().to_ascii_lowercase();
        Self::ALL.into_iter().find(|k| k.as_str() == lower).unwrap_or(DeliveryStatus::Unknown)
    }
}

impl InboundEvent {
    /// The event as the JSON object stored, served and forwarded by the worker.
    pub fn to_json(&self) -> String {
        crate::core::codec::to_json(self)
    }

    /// The rank of this event's status, so a late `sent` never overwrites
    /// `failed`: queued 1, sending 2, sent 3, delivered/failed 4; 0 when the
    /// event says nothing about an outbound message.
    pub fn status_rank(&self) -> u8 {
        match (self.message_id.as_ref(), self.status) {
            (Some(_), Some(s)) => s.rank(),
            _ => 0,
        }
    }
}
