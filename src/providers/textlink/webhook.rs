//! TextLink's four webhooks (worker build; `webhooks.md`): received, sent,
//! failed and tag, told apart by `?event=` on the URL or by the body. The
//! credential is the `secret` field TextLink puts in each body, the value of
//! [`SECRET_VAR`]; it is removed from the stored `raw`.

use crate::contract::{DeliveryStatus, EventKind, InboundEvent};
use crate::providers::webhook::{body_event_id, body_secret, check_time, event, event_id, id, object_text, raw_without, read, reject, Id, Rejection, WebhookRequest};
use crate::core::codec::opt_str;
use crate::providers::ProviderKind;
use crate::secret_eq;
use serde::Deserialize;

/// The worker's variable that holds the secret.
pub const SECRET_VAR: &str = "TEXTLINK_WEBHOOK_SECRET";

/// The body field that carries the credential.
const SECRET_FIELD: &str = "secret";

/// Authenticates a TextLink webhook (the body's `secret`) and reads its events.
pub(crate) fn receive(req: &WebhookRequest, secret: &str, now_ms: u64) -> Result<Vec<InboundEvent>, Rejection> {
    if !body_secret(req.body, |b: TextLinkSecret| b.secret).is_some_and(|t| secret_eq(&t, secret)) {
        return Err(reject(401, "bad credentials"));
    }
    textlink(req.event_hint, object_text(req.body)?, now_ms)
}

/// TextLink's credential field (`secret`), the only one it sends.
#[derive(Deserialize)]
struct TextLinkSecret {
    #[serde(default, deserialize_with = "opt_str")]
    secret: Option<String>,
}

/// TextLink's four webhooks (`webhooks.md`).
#[derive(Deserialize)]
struct TextLinkBody {
    phone_number: Option<String>,
    text: Option<String>,
    /// Milliseconds since the epoch.
    timestamp: Option<f64>,
    sent: Option<bool>,
    received: Option<bool>,
    failed: Option<bool>,
    #[allow(dead_code)]
    portal: Option<bool>,
    custom_id: Option<Id>,
    #[allow(dead_code)]
    name: Option<String>,
    tag: Option<String>,
    error: Option<String>,
    reason: Option<String>,
    message: Option<String>,
    error_message: Option<String>,
}

fn textlink(hint: Option<&str>, text: &str, now_ms: u64) -> Result<Vec<InboundEvent>, Rejection> {
    let b: TextLinkBody = read(text)?;
    let at = match b.timestamp {
        None => None,
        Some(t) if t.is_finite() && t >= 0.0 && t.fract() == 0.0 && t < 1e15 => Some(check_time(t as u64, now_ms)?),
        Some(_) => return Err(reject(400, "timestamp is out of range")),
    };
    let kind = match hint {
        Some("received") => EventKind::MessageReceived,
        Some("sent") => EventKind::MessageSent,
        Some("failed") => EventKind::MessageFailed,
        Some("tag") => EventKind::ContactTagChanged,
        Some(_) => return Err(reject(400, "event must be received, sent, failed or tag")),
        None if b.tag.is_some() => EventKind::ContactTagChanged,
        None if b.received == Some(true) => EventKind::MessageReceived,
        None if b.failed == Some(true) => EventKind::MessageFailed,
        None if b.sent == Some(true) => EventKind::MessageSent,
        None => return Err(reject(400, "cannot tell which TextLink webhook this is: add ?event= to its URL")),
    };
    let Some(phone) = b.phone_number else {
        return Err(reject(400, "phone_number is required"));
    };
    let raw = raw_without(text, SECRET_FIELD)?;
    let custom_id = id(b.custom_id);
    let id = match at {
        Some(at) => event_id(
            ProviderKind::TextLink,
            &[kind.as_str(), &phone, &at.to_string(), custom_id.as_deref().unwrap_or(""), b.text.as_deref().unwrap_or(""), b.tag.as_deref().unwrap_or("")],
        ),
        None => body_event_id(ProviderKind::TextLink, kind, raw.as_str()),
    };
    let mut e = event(ProviderKind::TextLink, kind, id, at.unwrap_or(now_ms), raw);
    e.channel = Some("sms".into());
    e.text = b.text;
    match kind {
        EventKind::MessageReceived => e.from = Some(phone),
        EventKind::ContactTagChanged => {
            e.from = Some(phone);
            e.tag = b.tag;
            e.channel = None;
        }
        _ => {
            e.to = Some(phone);
            e.message_id = custom_id;
            if kind == EventKind::MessageFailed {
                e.status = Some(DeliveryStatus::Failed);
                let error = b.error.or(b.reason).or(b.message).or(b.error_message);
                e.error = Some(error.unwrap_or_else(|| "TextLink reported the message as failed".into()));
            } else {
                e.status = Some(DeliveryStatus::Sent);
            }
        }
    }
    Ok(vec![e])
}
