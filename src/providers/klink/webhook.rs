//! Klink CX's webhooks (worker build; `webhooks.md`): an envelope of
//! `event`, `timestamp` and `data`, signed in `x-signature` with the hex
//! HMAC-SHA256 of the body under the secret of [`SECRET_VAR`].

use crate::contract::{DeliveryStatus, EventKind, InboundEvent};
use crate::core::codec::RawJson;
use crate::core::encode::{hex, unhex};
use crate::core::http::find_header;
use crate::providers::webhook::{event, event_id, id, object_text, read, reject, rfc3339, Id, Rejection, WebhookRequest};
use crate::providers::ProviderKind;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;

/// The worker's variable that holds the signing secret.
pub const SECRET_VAR: &str = "KLINK_WEBHOOK_SECRET";

/// Checks the `x-signature` of a Klink webhook (compared in constant time) and reads its events.
pub(crate) fn receive(req: &WebhookRequest, secret: &str, now_ms: u64) -> Result<Vec<InboundEvent>, Rejection> {
    let sig = find_header(req.headers, "x-signature").and_then(|s| unhex(s.trim()));
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(req.body);
    if sig.is_none_or(|s| mac.verify_slice(&s).is_err()) {
        return Err(reject(401, "bad signature"));
    }
    klink(object_text(req.body)?, now_ms)
}

/// Lower-case hex of HMAC-SHA256(key, message): the `x-signature` Klink
/// sends with a body, signed with the webhook secret.
pub fn hmac_hex(key: &[u8], message: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(message);
    hex(&mac.finalize().into_bytes())
}

/// Klink's webhook envelope (`webhooks.md`).
#[derive(Deserialize)]
struct KlinkEnvelope {
    event: Option<String>,
    timestamp: Option<String>,
    data: Option<KlinkData>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct KlinkData {
    id: Option<Id>,
    contact_id: Option<Id>,
    room_id: Option<Id>,
    message: Option<String>,
    platform: Option<String>,
    channel: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    status: Option<String>,
    error: Option<String>,
    error_message: Option<String>,
    failed_reason: Option<String>,
}

fn klink(text: &str, now_ms: u64) -> Result<Vec<InboundEvent>, Rejection> {
    let b: KlinkEnvelope = read(text)?;
    let name = b.event.ok_or_else(|| reject(400, "event is required"))?;
    let ts = b.timestamp.ok_or_else(|| reject(400, "timestamp is required"))?;
    let at = rfc3339("timestamp", &ts, now_ms)?;
    let data = b.data.ok_or_else(|| reject(400, "data must be an object"))?;
    let kind = match name.as_str() {
        "message.inbound" => EventKind::MessageReceived,
        "message.outbound" => EventKind::MessageSent,
        "message.failed" => EventKind::MessageFailed,
        "message.status" | "message.delivered" | "message.read" => EventKind::MessageStatus,
        // Other Klink events (contact.create, tickets…) are acknowledged and not stored.
        _ => return Ok(vec![]),
    };
    let message_id = id(data.id);
    let contact = id(data.contact_id).or(id(data.room_id));
    let error = data.error.or(data.error_message).or(data.failed_reason);
    let id = event_id(ProviderKind::Klink, &[&name, message_id.as_deref().unwrap_or(""), &ts, data.status.as_deref().unwrap_or("")]);
    let mut e = event(ProviderKind::Klink, kind, id, at, RawJson(text.into()));
    e.text = data.message;
    e.channel = data.platform.or(data.channel).or(data.kind);
    e.message_id = message_id;
    match kind {
        EventKind::MessageReceived => e.from = contact,
        EventKind::MessageSent => {
            e.to = contact;
            e.status = Some(DeliveryStatus::Sent);
        }
        EventKind::MessageFailed => {
            e.to = contact;
            e.status = Some(DeliveryStatus::Failed);
            e.error = error.or(Some("Klink reported the message as failed".into()));
        }
        _ => {
            e.to = contact;
            e.status = match name.as_str() {
                "message.delivered" | "message.read" => Some(DeliveryStatus::Delivered),
                _ => DeliveryStatus::known(data.status.as_deref().unwrap_or("")),
            };
            e.error = error;
        }
    }
    Ok(vec![e])
}
