//! Phone Relay's inbound callbacks (worker build; `webhooks.md`; field names
//! as its API documents them). The credential is the `callback_token`
//! registered with the relay, the value of [`SECRET_VAR`]: in
//! `Authorization: Bearer`, in `x-callback-token`, or in the body (then
//! removed from the stored `raw`).

use crate::contract::{DeliveryStatus, EventKind, InboundEvent};
use crate::core::http::{bearer_token, find_header};
use crate::providers::webhook::{body_event_id, body_secret, event, event_id, id, object_text, raw_without, read, reject, rfc3339, Id, Rejection, WebhookRequest};
use crate::core::codec::opt_str;
use crate::providers::ProviderKind;
use crate::secret_eq;
use serde::Deserialize;

/// The worker's variable that holds the callback token.
pub const SECRET_VAR: &str = "RELAY_CALLBACK_TOKEN";

/// The body field that carries the credential when no header does.
const SECRET_FIELD: &str = "callback_token";

/// Authenticates a relay callback (a header's token, else the body's) and reads its events.
pub(crate) fn receive(req: &WebhookRequest, secret: &str, now_ms: u64) -> Result<Vec<InboundEvent>, Rejection> {
    let from_header = find_header(req.headers, "authorization").and_then(bearer_token).or_else(|| find_header(req.headers, "x-callback-token"));
    let ok = match from_header {
        Some(t) => secret_eq(t, secret),
        None => body_secret(req.body, |b: RelayToken| b.callback_token).is_some_and(|t| secret_eq(&t, secret)),
    };
    if !ok {
        return Err(reject(401, "bad credentials"));
    }
    relay(object_text(req.body)?, now_ms)
}

/// The relay's credential field when it travels in the body (`callback_token`).
#[derive(Deserialize)]
struct RelayToken {
    #[serde(default, deserialize_with = "opt_str")]
    callback_token: Option<String>,
}

/// A Phone Relay callback (`webhooks.md`; field names as its API documents them).
#[derive(Deserialize)]
struct RelayBody {
    event_type: Option<String>,
    channel: Option<String>,
    source: Option<Id>,
    from: Option<Id>,
    destination: Option<Id>,
    to: Option<Id>,
    text: Option<String>,
    message_id: Option<Id>,
    id: Option<Id>,
    status: Option<String>,
    last_error: Option<String>,
    duration_sec: Option<f64>,
    created_at: Option<String>,
    timestamp: Option<String>,
}

fn relay(text: &str, now_ms: u64) -> Result<Vec<InboundEvent>, Rejection> {
    let b: RelayBody = read(text)?;
    let source = id(b.source).or(id(b.from));
    let dest = id(b.destination).or(id(b.to));
    let message_id = id(b.message_id).or(id(b.id));
    let created = b.created_at.or(b.timestamp);
    let at = created.as_deref().map(|t| rfc3339("created_at", t, now_ms)).transpose()?;
    let kind = match b.event_type.as_deref() {
        Some("missed") => EventKind::CallMissed,
        Some("answered") => EventKind::CallAnswered,
        Some("call") => EventKind::Call,
        Some("status") => EventKind::MessageStatus,
        Some("message") | None if b.status.is_some() && message_id.is_some() && b.text.is_none() => EventKind::MessageStatus,
        Some("message") | None => EventKind::MessageReceived,
        Some(_) => return Err(reject(400, "event_type must be message, status, call, missed or answered")),
    };
    if kind == EventKind::MessageReceived && source.is_none() {
        return Err(reject(400, "source is required"));
    }
    let raw = raw_without(text, SECRET_FIELD)?;
    let id = if message_id.is_some() || at.is_some() {
        let duration = b.duration_sec.filter(|d| d.is_finite()).map(|d| (d as i64).to_string()).unwrap_or_default();
        event_id(
            ProviderKind::Relay,
            &[
                kind.as_str(),
                message_id.as_deref().unwrap_or(""),
                b.status.as_deref().unwrap_or(""),
                source.as_deref().unwrap_or(""),
                created.as_deref().unwrap_or(""),
                b.text.as_deref().unwrap_or(""),
                &duration,
            ],
        )
    } else {
        body_event_id(ProviderKind::Relay, kind, raw.as_str())
    };
    let mut e = event(ProviderKind::Relay, kind, id, at.unwrap_or(now_ms), raw);
    e.from = source;
    e.to = dest;
    e.text = b.text;
    e.channel = b.channel;
    e.message_id = message_id;
    if kind == EventKind::MessageStatus {
        e.status = DeliveryStatus::known(b.status.as_deref().unwrap_or(""));
        e.error = b.last_error;
    }
    Ok(vec![e])
}
